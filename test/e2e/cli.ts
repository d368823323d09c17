// Spawns the built CLI (bin/graphprof.js -> dist/) the way a user does, and captures everything.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = resolve(root, 'bin', 'graphprof.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function graphprof(args: string[], env: Record<string, string | undefined> = {}, cwd = root): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, GRAPHPROF_FAKE_HARNESS: undefined, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
