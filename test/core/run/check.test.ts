import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { checkRunResult } from '../../../src/core/run/check.js';

const fx = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'compare', name), 'utf8'));

describe('checkRunResult: the one check of a run.json read back', () => {
  it('says whether the run is fake and whether it finished', () => {
    expect(checkRunResult(fx('run-baseline.json'))).toMatchObject({ fake: false, complete: true });
    expect(checkRunResult(fx('run-fake.json'))).toMatchObject({ fake: true, complete: true });
    expect(checkRunResult(fx('run-incomplete.json'))).toMatchObject({ fake: false, complete: false });
    expect(checkRunResult(fx('run-baseline.json')).run.results.map((b) => b.batch)).toEqual([1, 8, 32]);
  });

  it.each([
    [fx('analyze-baseline.json'), 'expected a `graphprof run --json` result, got command "analyze"'],
    [[1, 2], 'expected a `graphprof run --json` result, got command null'],
    [fx('run-schema-2.json'), 'schemaVersion 2.0 is not readable by this graphprof (it reads 1.x)'],
    [{ command: 'run', schemaVersion: '1.0' }, 'a `run` result without a "results" list'],
    [{ command: 'run', schemaVersion: '1.0', results: [{ batch: 0 }] }, 'results[0] has no batch size'],
  ])('refuses %#', (value, message) => {
    expect(() => checkRunResult(value)).toThrow(message);
  });
});
