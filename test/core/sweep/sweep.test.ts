import { describe, expect, it } from 'vitest';

import { curvePoint, defaultSweepSizes, etaNs, substituteBatch } from '../../../src/core/sweep/sweep.js';
import { summarize } from '../../../src/core/stats.js';
import type { StepFigures } from '../../../src/core/trace/steps.js';

describe('sweep, pure parts', () => {
  it('the default grid: powers of two, the vLLM and SGLang default sizes up to B, and B', () => {
    const g = defaultSweepSizes(256);
    expect(g.length).toBe(36);
    expect(g.slice(0, 8)).toEqual([1, 2, 4, 8, 12, 16, 24, 32]);
    expect(g.every((s, i) => i === 0 || s > g[i - 1]!)).toBe(true);
    expect(g[g.length - 1]).toBe(256);
    // every size of both engines' lists (up to 256) is measured
    for (let s = 8; s <= 256; s += 8) expect(g).toContain(s);
    expect(defaultSweepSizes(20)).toEqual([1, 2, 4, 8, 12, 16, 20]);
    expect(defaultSweepSizes(1)).toEqual([1]);
  });

  it('replaces every {batch}, inside arguments too', () => {
    expect(substituteBatch(['python', 'x.py', '--batch', '{batch}', '--out=run-{batch}.json'], 16)).toEqual(['python', 'x.py', '--batch', '16', '--out=run-16.json']);
  });

  it('a point is ok only with exit 0 and marked steps; otherwise it says why', () => {
    const steps = { count: 3, durationNs: summarize([100, 110, 130]), launches: summarize([4, 4, 4]), graphLaunches: summarize([1, 1, 1]) } as StepFigures;
    const base = { batch: 4, exitCode: 0, signal: null, records: 1, steps, stepMarker: 'nvtx:s' };
    expect(curvePoint(base)).toMatchObject({ status: 'ok', stepNs: { medianNs: 110, madNs: 10, count: 3 }, launchesPerStep: 4, graphLaunchesPerStep: 1 });
    expect(curvePoint({ ...base, exitCode: 139, signal: 'SIGSEGV' })).toMatchObject({ status: 'failed', exitCode: 139, error: 'the command exited 139 (SIGSEGV)', stepNs: null });
    expect(curvePoint({ ...base, records: 0 }).error).toBe('no process of the command initialised CUDA under the host tracer (no trace record)');
    expect(curvePoint({ ...base, steps: null }).error).toBe('no step marked by nvtx:s was seen');
  });

  it('time left from the mean time per size so far', () => {
    expect(etaNs(10e9, 0, 5)).toBeNull();
    expect(etaNs(10e9, 2, 5)).toBe(15e9);
  });
});
