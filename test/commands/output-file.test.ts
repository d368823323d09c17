import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { checkOutputs, checkTraceOutputs, checkWritable, writeAtomically } from '../../src/commands/output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'graphprof-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
};

describe('output files', () => {
  it('checks the folder, a folder in the way, and leaves nothing behind', () => {
    expect(usage(() => checkWritable('-o', join(dir, 'no', 'x.json')))).toBe(`-o: the folder "${join(dir, 'no')}" does not exist`);
    mkdirSync(join(dir, 'sub'));
    expect(usage(() => checkWritable('-o', join(dir, 'sub')))).toBe(`-o: "${join(dir, 'sub')}" is a folder, expected a file path`);
    checkWritable('-o', join(dir, 'fresh.json'));
    expect(readdirSync(dir).sort()).toEqual(['sub']);
  });

  it('replaces a file atomically, keeping its permission bits', () => {
    const f = join(dir, 'keep.json');
    writeFileSync(f, 'old');
    chmodSync(f, 0o640);
    writeAtomically('-o', f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('follows a chain of links and a dangling link to the file they name', () => {
    writeFileSync(join(dir, 'target.txt'), 'old');
    symlinkSync('target.txt', join(dir, 'l1'));
    symlinkSync('l1', join(dir, 'l2'));
    writeAtomically('--junit', join(dir, 'l2'), 'new');
    expect(lstatSync(join(dir, 'l2')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('new');
    symlinkSync('made-later.txt', join(dir, 'dangling'));
    writeAtomically('-o', join(dir, 'dangling'), 'x');
    expect(readFileSync(join(dir, 'made-later.txt'), 'utf8')).toBe('x');
    expect(lstatSync(join(dir, 'dangling')).isSymbolicLink()).toBe(true);
  });

  it('writes through a FIFO with a reader, and refuses one with no reader at once', () => {
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(usage(() => writeAtomically('-o', fifo, 'x'))).toBe(`-o: cannot write ${fifo} (no reader on the FIFO)`);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('finds two outputs that land in one file, also through a link', () => {
    symlinkSync('p_cuda_api_sum.csv', join(dir, 'alias.csv'));
    expect(usage(() => checkTraceOutputs(join(dir, 'p'), join(dir, 'alias.csv')))).toBe(`-o: ${join(dir, 'alias.csv')} is also written by --out ${join(dir, 'p_cuda_api_sum.csv')}; give them different files`);
    expect(usage(() => checkOutputs([{ flag: '-o', path: join(dir, 'a') }, { flag: '--junit', path: join(dir, 'a') }]))).toMatch(/^--junit: \S+ is also written by -o /);
    expect(existsSync(join(dir, 'p_cuda_api_sum.csv'))).toBe(false);
  });
});
