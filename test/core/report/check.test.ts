import { describe, expect, it } from 'vitest';

import { checkReportable } from '../../../src/core/report/check.js';

const tool = { name: 'graphprof', version: '0.1.0' };
const run = { tool, command: 'run', schemaVersion: '1.0', workload: {}, results: [], environment: {} };
const problem = (v: unknown): string => {
  try {
    checkReportable(v);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
};

describe('the check of a result `report` draws', () => {
  it('gives the kind of a drawable result of this schema major', () => {
    expect(checkReportable(run)).toBe('run');
    expect(checkReportable({ ...run, schemaVersion: '1.7' })).toBe('run');
  });

  it('says what is wrong, one problem at a time, in the order a reader meets them', () => {
    expect(problem([run])).toMatch(/^not a graphprof result/);
    expect(problem({ ...run, tool: { name: 'other' } })).toMatch(/^not a graphprof result/);
    expect(problem({ ...run, command: 'doctor' })).toMatch(/^a `doctor` result has no report; expected the JSON result/);
    expect(problem({ ...run, schemaVersion: '2.0' })).toBe('schema version 2.0 is not readable by this graphprof (1.0)');
    expect(problem({ ...run, results: null, environment: undefined })).toBe('this `run` result lacks results, environment: truncated, edited, or made by an older graphprof?');
    expect(problem({ tool, command: 'analyze', schemaVersion: '1.0', profiles: [{}], options: {}, replayModel: {} })).toMatch(/^this `analyze` result has no step model/);
  });
});
