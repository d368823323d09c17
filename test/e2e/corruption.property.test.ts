// Property: whatever a damaged file holds, `analyze` and `compare` end with exit 0 (the damage
// left a readable report) or exit 2 with exactly one line on stderr, never a stack trace, an
// internal error (70), a crash or a hang. Every fixture is corrupted in seeded, deterministic ways
// (byte flips, truncation, inserted junk with control bytes and NUL, duplicated lines, numbers
// made huge, negative or non-finite) and fed to the CLI as a user runs it. Two spawns at a time;
// about 130 spawns in all, well under a minute on two cores.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { mulberry32 } from '../../src/core/random.js';
import { bin, root } from './cli.js';

const SEED = 13_2026;
const PER_TIMEOUT_MS = 20_000;

type Corruption = (bytes: Buffer, rnd: () => number) => Buffer;

const pick = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

const JUNK = ['\x00', '\x1b[2J', '\x07', '"', ',', '\r', '\n', '\u202e', '\xff\xfe', '-----  -----', '| a | b |', '1e400', '9'.repeat(40), 'Total Time (ns)'];

const CORRUPTIONS: Record<string, Corruption> = {
  flip: (b, rnd) => {
    const out = Buffer.from(b);
    for (let k = 0; k < 1 + pick(rnd, 8); k++) out[pick(rnd, out.length)] = pick(rnd, 256);
    return out;
  },
  truncate: (b, rnd) => b.subarray(0, pick(rnd, b.length)),
  junk: (b, rnd) => {
    const at = pick(rnd, b.length + 1);
    const junk = Array.from({ length: 1 + pick(rnd, 4) }, () => JUNK[pick(rnd, JUNK.length)]).join('');
    return Buffer.concat([b.subarray(0, at), Buffer.from(junk, 'latin1'), b.subarray(at)]);
  },
  duplicate: (b, rnd) => {
    const lines = b.toString('latin1').split('\n');
    const i = pick(rnd, lines.length);
    const copies = 1 + pick(rnd, 3);
    lines.splice(i, 0, ...Array<string>(copies).fill(lines[i]!));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  numbers: (b, rnd) => {
    const text = b.toString('latin1');
    const spots = [...text.matchAll(/\d+(?:\.\d+)?/g)];
    if (spots.length === 0) return b;
    const replacement = ['1e400', '-5', '1e308', '99999999999999999999999', 'NaN', '-0', '1e-400', 'Infinity'];
    const m = spots[pick(rnd, spots.length)]!;
    const r = replacement[pick(rnd, replacement.length)]!;
    return Buffer.from(text.slice(0, m.index) + r + text.slice(m.index! + m[0].length), 'latin1');
  },
};
const KINDS = Object.keys(CORRUPTIONS);

interface Case {
  name: string;
  args: string[];
}

function run(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', GRAPHPROF_FIFO_WAIT_MS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PER_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

async function inPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'graphprof-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function corruptAll(files: readonly string[], perFile: number, seed: number, command: (path: string) => string[]): Case[] {
  const rnd = mulberry32(seed);
  const cases: Case[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (let k = 0; k < perFile; k++) {
      const kind = KINDS[(k + pick(rnd, KINDS.length)) % KINDS.length]!;
      const damaged = CORRUPTIONS[kind]!(bytes, rnd);
      // the report-file name is kept (it says which report a CSV holds)
      const path = join(dir, `${cases.length}-${kind}-${basename(file)}`);
      writeFileSync(path, damaged);
      cases.push({ name: `${kind} of ${basename(file)}`, args: command(path) });
    }
  }
  return cases;
}

const nsysDir = join(root, 'fixtures', 'nsys');
const reports = readdirSync(nsysDir)
  .filter((n) => /\.(csv|txt|log|md)$/.test(n) && n !== 'SOURCES.md')
  .map((n) => join(nsysDir, n));
const results = [join(root, 'fixtures', 'compare'), join(root, 'fixtures', 'compare', 'real')].flatMap((d) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.json'))
    .map((n) => join(d, n)),
);

describe('corrupted fixtures (seeded property test)', () => {
  it('analyze and compare end with exit 0, or exit 2 and one stderr line; no stack trace, no hang', async () => {
    expect(reports.length).toBeGreaterThanOrEqual(12);
    expect(results.length).toBeGreaterThanOrEqual(15);
    const cases = [
      ...corruptAll(reports, 5, SEED, (p) => ['analyze', p, '--json']),
      // one file as baseline and current: a gate cannot fail (exit 1), only the reading can
      ...corruptAll(results, 3, SEED + 1, (p) => ['compare', p, p, '--json']),
    ];
    const outcomes = await inPool(cases, 2, async (c) => ({ c, r: await run(c.args) }));
    const bad: string[] = [];
    const counts = { ok: 0, refused: 0 };
    for (const { c, r } of outcomes) {
      const lines = r.stderr.trimEnd().split('\n');
      const why =
        r.signal !== null
          ? `killed by ${r.signal} after ${r.ms} ms (a hang?)`
          : r.code !== 0 && r.code !== 2
            ? `exit ${r.code}: ${r.stderr.slice(0, 300)}`
            : /\n\s+at |internal error/.test(r.stderr)
              ? `stack trace or internal error: ${r.stderr.slice(0, 300)}`
              : r.code === 2 && (lines.length !== 1 || !lines[0]!.startsWith('graphprof: '))
                ? `exit 2 with ${lines.length} stderr lines: ${r.stderr.slice(0, 300)}`
                : r.code === 0 && r.stdout.trim() === ''
                  ? 'exit 0 with nothing on stdout'
                  : null;
      if (why) bad.push(`${c.name} (${c.args.join(' ')}): ${why}`);
      else if (r.code === 0) counts.ok++;
      else counts.refused++;
    }
    expect(bad).toEqual([]);
    // the corruptions are strong enough to be refused often, and mild enough to pass sometimes
    expect(counts.refused).toBeGreaterThan(cases.length / 5);
    expect(counts.ok).toBeGreaterThan(cases.length / 10);
  }, 180_000);
});
