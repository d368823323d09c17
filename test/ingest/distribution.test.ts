import { describe, expect, it } from 'vitest';

import { InputError } from '../../src/errors.js';
import { parseObservedBatches, readObservedBatches } from '../../src/ingest/distribution.js';

function error(text: string): string {
  try {
    parseObservedBatches('b.csv', text);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('observed batch-size files', () => {
  it('reads one sample per row, with a header and comments', () => {
    const r = readObservedBatches('fixtures/recommend/batches.csv');
    expect(r.samples).toBe(11);
    expect([...r.counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([[1, 3], [2, 1], [4, 2], [8, 4], [300, 1]]);
  });

  it('reads batch,count rows', () => {
    const r = readObservedBatches('fixtures/recommend/batch-counts.csv');
    expect(r.samples).toBe(100);
    expect(r.counts.get(64)).toBe(5);
  });

  it('reads a JSON array of sizes and {batch, count} objects', () => {
    const r = readObservedBatches('fixtures/recommend/batches.json');
    expect(r.counts.get(1)).toBe(2);
    expect(r.counts.get(16)).toBe(4);
    expect(r.samples).toBe(7);
  });

  it('names file:line for bad rows', () => {
    expect(error('1\n2\n3.5\n')).toBe('b.csv:3: batch size must be a positive integer, got "3.5"');
    expect(error('batch,count\n1,2\n0,4\n')).toBe('b.csv:3: batch size must be a positive integer, got "0"');
    expect(error('batch,count\n1,2\n4,-1\n')).toBe('b.csv:3: count must be a number >= 0, got "-1"');
    expect(error('1,3\n2\n')).toBe('b.csv:2: expected 2 columns (batch,count), got 1: "2"');
    expect(error('1,2,3\n')).toBe('b.csv:1: expected 1 column (batch) or 2 columns (batch,count), got 3');
    expect(error('abc\n12a\n')).toBe('b.csv:2: batch size must be a positive integer, got "12a"');
  });

  it('refuses a file with no valid rows', () => {
    const none = 'b.csv: no batch sizes found: expected one batch size per row, "batch,count" rows, or a JSON array of batch sizes';
    expect(error('')).toBe(none);
    expect(error('batch\n# nothing\n')).toBe(none);
    expect(error('[]')).toBe(none);
    expect(error('batch,count\n4,0\n')).toBe(none);
  });

  it('names the JSON item that is wrong', () => {
    expect(error('[1, 2.5]')).toBe('b.csv: item 1: batch size must be a positive integer, got 2.5');
    expect(error('[{"batch": 0}]')).toBe('b.csv: item 0: "batch" must be a positive integer, got 0');
    expect(error('{"batch": 1}')).toBe('b.csv: expected a JSON array of batch sizes or of {"batch": n, "count": c} objects');
    expect(error('[1,')).toMatch(/^b\.csv:1: not valid JSON: /);
  });

  it('says when the file is missing', () => {
    expect(() => readObservedBatches('no/such.csv')).toThrow('no/such.csv: no such file (--dist takes uniform, zipf:S or a file of observed batch sizes)');
  });
});
