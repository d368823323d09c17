// trace's clean channel for scripts: -o - and --json-fd N (src/commands/trace-output.ts). Synthetic
// records (GRAPHPROF_FAKE_TRACE) stand in for a GPU: this checks the plumbing only.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { bin, graphprof, root } from './cli.js';

const fake = { GRAPHPROF_FAKE_TRACE: join(root, 'fixtures', 'trace', 'processes') };

describe('graphprof trace: the JSON result on a channel of its own', () => {
  it('-o - prints the JSON alone on stdout after the command; the table stays on stderr', () => {
    const r = graphprof(['trace', '-o', '-', '--', 'sh', '-c', 'echo from-the-program >&2'], fake);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { command: string; launches: { launchCalls: number }; fake: boolean };
    expect(j.command).toBe('trace');
    expect(j.launches.launchCalls).toBe(1050);
    expect(j.fake).toBe(true);
    expect(r.stderr).toContain('from-the-program');
    expect(r.stderr).toContain('kernel launches: 1,050; graph launches: 5');
  });
  it('-o -: what the program prints on stdout comes first, the JSON after it', () => {
    const r = graphprof(['trace', '-o', '-', '--', 'sh', '-c', 'echo program-line'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('program-line\n{\n')).toBe(true);
    expect(JSON.parse(r.stdout.slice('program-line\n'.length)).command).toBe('trace');
  });
  it('--json-fd 3 writes the JSON to the descriptor the caller opened, and nowhere else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-jsonfd-'));
    const path = join(dir, 'report.json');
    const fd = openSync(path, 'w');
    const r = spawnSync(process.execPath, [bin, 'trace', '--json-fd', '3', '--', 'sh', '-c', 'echo program-line'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', ...fake },
      stdio: ['ignore', 'pipe', 'pipe', fd],
      encoding: 'utf8',
      timeout: 60_000,
    });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('program-line\n');
    const j = JSON.parse(readFileSync(path, 'utf8')) as { command: string; launches: { launchCalls: number } };
    expect(j.command).toBe('trace');
    expect(j.launches.launchCalls).toBe(1050);
  });
  it('--json-fd refuses a descriptor the caller did not open (Node\'s own would crash it), before the command runs', () => {
    for (const fd of ['3', '4', '9']) {
      const r = graphprof(['trace', '--json-fd', fd, '--', 'sh', '-c', 'echo ran'], fake);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`graphprof: --json-fd: descriptor ${fd} was not opened by the caller; open it in the shell, e.g. graphprof trace --json-fd ${fd} ${fd}>report.json -- CMD\n`);
    }
    expect(graphprof(['trace', '--json-fd', '1', '--', 'true'], fake).stderr).toBe(
      'graphprof: --json-fd: 1 is standard output; for stdout use -o -, else open another descriptor, e.g. --json-fd 3 3>report.json\n',
    );
    expect(graphprof(['trace', '--json-fd', 'x', '--', 'true'], fake).stderr).toBe('graphprof: --json-fd: expected a file descriptor number such as 3, got "x"\n');
  });
});
