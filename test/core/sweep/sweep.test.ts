import { describe, expect, it } from 'vitest';

import { captureFigures, curvePoint, defaultSweepSizes, etaNs, substituteBatch } from '../../../src/core/sweep/sweep.js';
import { summarize } from '../../../src/core/stats.js';
import type { GraphCapture, GraphCaptures, TraceRecord } from '../../../src/core/trace/record.js';
import type { StepFigures } from '../../../src/core/trace/steps.js';

const APIS = ['cuMemAlloc_v2', 'cuMemAllocAsync', 'cuMemAllocFromPoolAsync'];
function capture(captureNs: number | null, allocBytes: number | null): GraphCapture {
  return { startNs: 10, captureEndNs: captureNs === null ? null : 20, instantiateEndNs: null, uploadEndNs: null, captureNs, allocBytes, allocCalls: allocBytes === null ? null : 1, allocBytesInCapture: allocBytes };
}
function record(g: Partial<GraphCaptures> | null): TraceRecord {
  const graphCaptures = g === null ? null : { allocationApis: APIS, captures: [], freeMemory: [], capturesDropped: 0, allocationsDropped: 0, freeSamplesDropped: 0, ...g };
  return { graphCaptures } as TraceRecord;
}

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
    const base = { batch: 4, exitCode: 0, signal: null, records: 1, steps, stepMarker: 'nvtx:s', captures: null };
    expect(curvePoint(base)).toMatchObject({ status: 'ok', stepNs: { medianNs: 110, madNs: 10, count: 3 }, launchesPerStep: 4, graphLaunchesPerStep: 1 });
    expect(curvePoint({ ...base, exitCode: 139, signal: 'SIGSEGV' })).toMatchObject({ status: 'failed', exitCode: 139, error: 'the command exited 139 (SIGSEGV)', stepNs: null });
    expect(curvePoint({ ...base, records: 0 }).error).toBe('no process of the command initialised CUDA under the host tracer (no trace record)');
    expect(curvePoint({ ...base, steps: null }).error).toBe('no step marked by nvtx:s was seen');
  });

  it('capture figures: the median per graph over every capture that ended, in every record that has them', () => {
    // no record has graph captures (CUPTI tracer, older records): not recorded
    expect(captureFigures([record(null)])).toBeNull();
    // recorded, none seen
    expect(captureFigures([record({})])).toMatchObject({ graphs: 0, captureNs: null, memoryBytes: null });
    // three ended over two processes (one still open at exit is left out): medians 300 ns, 2,000 B
    const f = captureFigures([record({ captures: [capture(100, 1000), capture(null, null)] }), record({ captures: [capture(300, 2000), capture(500, 7000)] }), record(null)]);
    expect(f).toEqual({
      graphs: 3,
      captureNs: 300,
      memoryBytes: 2000,
      memoryMethod:
        'allocation APIs (cuMemAlloc_v2, cuMemAllocAsync, cuMemAllocFromPoolAsync): bytes requested by calls that began between capture begin and instantiate/upload end, median per graph; the drop in free device memory (cuMemGetInfo around captures) is captureFreeDropBytes, where the program measured it',
      freeDropBytes: null,
    });
    // free memory around captures: per graph between the two cuMemGetInfo calls, median over brackets (one freed memory: negative)
    const bracket = (before: number, after: number, graphs: number) => ({ beforeNs: 1, afterNs: 2, freeBeforeBytes: before, freeAfterBytes: after, graphs });
    expect(captureFigures([record({ freeMemory: [bracket(10000, 4000, 3), bracket(10000, 9000, 1)] }), record({ freeMemory: [bracket(5000, 6000, 1)] })])!.freeDropBytes).toBe(1000);
    // allocations dropped past the tracer's cap: memory not given, time still is
    expect(captureFigures([record({ captures: [capture(100, 1000)], allocationsDropped: 1 })])).toMatchObject({ captureNs: 100, memoryBytes: null });
    // into the curve point
    const steps = { count: 1, durationNs: summarize([100]), launches: summarize([1]), graphLaunches: summarize([1]) } as StepFigures;
    const p = curvePoint({ batch: 2, exitCode: 0, signal: null, records: 2, steps, stepMarker: 'nvtx:s', captures: f });
    expect([p.captureNs, p.captureMemoryBytes, p.captureMemoryMethod, p.captureFreeDropBytes]).toEqual([300, 2000, f!.memoryMethod, null]);
    expect(curvePoint({ batch: 2, exitCode: 0, signal: null, records: 2, steps, stepMarker: 'nvtx:s', captures: null }).captureMemoryMethod).toBeNull();
  });

  it('time left from the mean time per size so far', () => {
    expect(etaNs(10e9, 0, 5)).toBeNull();
    expect(etaNs(10e9, 2, 5)).toBe(15e9);
  });
});
