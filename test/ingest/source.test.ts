import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { InputError } from '../../src/errors.js';
import { readLines } from '../../src/ingest/lines.js';
import { closeSource, openSource, readWholeText } from '../../src/ingest/source.js';

const dir = mkdtempSync(join(tmpdir(), 'graphprof-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.GRAPHPROF_FIFO_WAIT_MS;
});

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('did not throw');
};

describe('opening inputs', () => {
  it('reads a whole file with its BOM dropped, and refuses NUL anywhere and oversize files', () => {
    writeFileSync(join(dir, 'bom.json'), '\ufeff{"a": 1}');
    expect(readWholeText(join(dir, 'bom.json'))).toBe('{"a": 1}');
    writeFileSync(join(dir, 'nul.json'), Buffer.concat([Buffer.from('{"a": "'), Buffer.alloc(1), Buffer.from('"}')]));
    expect(message(() => readWholeText(join(dir, 'nul.json')))).toBe(`${join(dir, 'nul.json')}: not a text file (byte 7 is NUL)`);
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(3 << 20));
    expect(message(() => readWholeText(join(dir, 'big.json'), 2 << 20))).toBe(`${join(dir, 'big.json')}: the file is ${3 << 20} bytes, more than the 2 MiB graphprof reads as one document`);
  });

  it('names the reason a file cannot be opened', () => {
    expect(message(() => openSource(join(dir, 'none.csv')))).toBe(`${join(dir, 'none.csv')}: cannot read: no such file or directory`);
    expect(message(() => openSource(dir))).toBe(`${dir}: is a folder, expected a file`);
  });

  it('opens a FIFO without blocking, and calls it empty after the wait when no writer comes', () => {
    const fifo = join(dir, 'f.csv');
    execFileSync('mkfifo', [fifo]);
    const src = openSource(fifo);
    expect(src.seekable).toBe(false);
    closeSource(src);
    process.env.GRAPHPROF_FIFO_WAIT_MS = '100';
    const t0 = Date.now();
    expect(message(() => readLines(fifo, () => {}))).toMatch(/f\.csv: a FIFO that no program opened for writing within 0\.1 s/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('refuses a line longer than 16 MiB, naming its line', () => {
    writeFileSync(join(dir, 'long.txt'), `a\nb\n${'x'.repeat(17 << 20)}\n`);
    expect(message(() => readLines(join(dir, 'long.txt'), () => {}))).toMatch(/long\.txt:3: a line longer than 16 MiB/);
  });
});
