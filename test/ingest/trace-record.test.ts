import { describe, expect, it } from 'vitest';

import { nsysApiName } from '../../src/core/trace/merge.js';
import { toTraceRecord } from '../../src/ingest/trace-record.js';
import { load, parent } from '../core/trace/records.js';

describe('trace records', () => {
  it('reads a record as the library writes it', () => {
    expect(parent.pid).toBe(4242);
    expect(parent.api.find((a) => a.name === 'cuLaunchKernel')).toMatchObject({ calls: 0, nestedCalls: 1000, domain: 'driver' });
    expect(parent.steps).toHaveLength(10);
    expect(parent.steps[0]).toMatchObject({ launches: 100, syncs: 1, copies: 2, memsets: 1, allocations: 0, deviceRecords: 103 });
    expect(parent.inSteps!.api.find((a) => a.name === 'cudaLaunchKernel_v7000')!.calls).toBe(1000);
    expect(load(4244)).toMatchObject({ complete: false, api: [], steps: [] });
  });

  it('reads the capture ranges a record collected, null where the library did not say', () => {
    expect(parent.captureRanges).toBeNull();
    const base = JSON.parse(JSON.stringify(parent)) as Record<string, unknown>;
    expect(toTraceRecord({ ...base, collection: { captureRange: 'cudaProfilerApi', captureRanges: 0 } }).captureRanges).toBe(0);
    expect(toTraceRecord({ ...base, collection: { captureRange: 'cudaProfilerApi', captureRanges: 21 } }).captureRanges).toBe(21);
    expect(toTraceRecord({ ...base, collection: { captureRanges: -1 } }).captureRanges).toBeNull();
  });

  it('reads graph captures where the host tracer wrote them; a record without them has none', () => {
    expect(parent.graphCaptures).toBeNull();
    const base = JSON.parse(JSON.stringify(parent)) as Record<string, unknown>;
    const c = { startNs: 10, captureEndNs: 50, instantiateEndNs: 60, uploadEndNs: null, captureNs: 50, allocBytes: 4096, allocCalls: 1, allocBytesInCapture: 0 };
    const g = { allocationApis: ['cuMemAlloc_v2'], captures: [c], freeMemory: [{ beforeNs: 5, afterNs: 70, freeBeforeBytes: 9000, freeAfterBytes: 5000, graphs: 1 }], capturesDropped: 0, allocationsDropped: 2, freeSamplesDropped: 0 };
    expect(toTraceRecord({ ...base, graphCaptures: g }).graphCaptures).toEqual(g);
    expect(toTraceRecord({ ...base, graphCaptures: null }).graphCaptures).toBeNull();
    expect(() => toTraceRecord({ ...base, graphCaptures: { ...g, captures: [{ ...c, allocBytes: 'x' }] } })).toThrow('graphCaptures.captures[0].allocBytes: expected a number >= 0, got "x"');
  });

  it('refuses a record of another schema or with a bad field, naming it', () => {
    expect(() => toTraceRecord({ schema: 'other/1' })).toThrow('record.schema: expected "graphprof-trace-record/2" (or "graphprof-trace-record/1"), got "other/1"');
    const bad = JSON.parse(JSON.stringify(parent)) as { api: { calls: unknown }[] };
    bad.api[0]!.calls = -3;
    expect(() => toTraceRecord(bad)).toThrow('api[0].calls: expected a number >= 0, got -3');
  });

  it('names APIs as nsys does: only a 4-digit version suffix goes', () => {
    expect(nsysApiName('cudaLaunchKernel_v7000')).toBe('cudaLaunchKernel');
    expect(nsysApiName('cudaGraphLaunch_v10000')).toBe('cudaGraphLaunch_v10000');
    expect(nsysApiName('cuMemAlloc_v2')).toBe('cuMemAlloc_v2');
    expect(nsysApiName('__cudaLaunchKernel_v13000')).toBe('__cudaLaunchKernel_v13000');
  });
});

