import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { ProcessTimeline } from '../../src/core/pictures/timeline.js';
import { GPU_PID_OFFSET, renderPerfetto, toChromeTrace, type TraceEvent } from '../../src/report/perfetto.js';

const HOST_PID = 4321;
const GPU_PID = HOST_PID + GPU_PID_OFFSET;
import { root } from '../e2e/cli.js';

/** A trace-event object as the Trace Event Format defines the phases used here. */
function checkEvent(e: TraceEvent): void {
  expect(['M', 'X', 's', 'f']).toContain(e.ph);
  expect(typeof e.name).toBe('string');
  expect(Number.isInteger(e.pid)).toBe(true);
  expect(Number.isInteger(e.tid)).toBe(true);
  if (e.ph === 'X') {
    expect(Number.isFinite(e.ts)).toBe(true);
    expect(e.dur).toBeGreaterThanOrEqual(0);
    expect(typeof e.cat).toBe('string');
  }
  if (e.ph === 's' || e.ph === 'f') {
    expect(Number.isInteger(e.id)).toBe(true);
    expect(Number.isFinite(e.ts)).toBe(true);
  }
  if (e.ph === 'M') expect(['process_name', 'thread_name', 'process_sort_index']).toContain(e.name);
}

const small: ProcessTimeline[] = [{
  pid: HOST_PID,
  steps: [
    {
      index: 4,
      tid: 11,
      startNs: 1_000_000,
      endNs: 1_100_000,
      host: [
        { tid: 11, name: 'cudaLaunchKernel', startNs: 1_001_000, durationNs: 4_000, correlationId: 7 },
        // the driver call made inside it, with the same id: the flow starts at the outer call
        { tid: 11, name: 'cuLaunchKernel', startNs: 1_001_500, durationNs: 3_000, correlationId: 7 },
        { tid: 11, name: 'cudaGraphLaunch', startNs: 1_010_000, durationNs: 2_000, correlationId: 8 },
        { tid: 12, name: 'cudaStreamSynchronize', startNs: 1_020_000, durationNs: 70_000, correlationId: 0 },
      ],
      device: [
        { stream: 7, kind: 'kernel', name: 'gemv', startNs: 1_006_000, durationNs: 2_500, correlationId: 7, graph: false },
        { stream: 7, kind: 'kernel', name: 'node_a', startNs: 1_013_000, durationNs: 1_000, correlationId: 8, graph: true },
        { stream: 7, kind: 'kernel', name: 'node_b', startNs: 1_014_000, durationNs: 1_000, correlationId: 8, graph: true },
        { stream: 9, kind: 'memcpy', name: 'DtoH', startNs: 1_016_000, durationNs: 3_000, correlationId: 99, graph: false },
      ],
    },
  ],
}];

describe('trace --perfetto: Chrome trace-event JSON', () => {
  const trace = toChromeTrace(small);

  it('holds only valid trace-event objects, in microseconds, and parses back as JSON', () => {
    for (const e of trace.traceEvents) checkEvent(e);
    const parsed = JSON.parse(renderPerfetto(small)) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
    expect(parsed.traceEvents).toHaveLength(trace.traceEvents.length);
    expect(parsed.displayTimeUnit).toBe('ns');
    const gemv = trace.traceEvents.find((e) => e.ph === 'X' && e.name === 'gemv');
    expect(gemv).toMatchObject({ ph: 'X', pid: GPU_PID, tid: 7, ts: 1006, dur: 2.5, cat: 'kernel' });
    const step = trace.traceEvents.find((e) => e.ph === 'X' && e.name === 'step 4');
    expect(step).toMatchObject({ pid: HOST_PID, tid: 11, ts: 1000, dur: 100 });
  });

  it('names a host track per thread and a GPU track per stream', () => {
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}:${(e as { args: { name: string } }).args.name}`);
    expect(names.sort()).toEqual([`${HOST_PID}/11:thread 11`, `${HOST_PID}/12:thread 12`, `${GPU_PID}/7:stream 7`, `${GPU_PID}/9:stream 9`].sort());
  });

  it('pairs each launch with the GPU work it queued by a flow, and nothing else', () => {
    const starts = trace.traceEvents.filter((e): e is Extract<TraceEvent, { ph: 's' | 'f' }> => e.ph === 's');
    const ends = trace.traceEvents.filter((e): e is Extract<TraceEvent, { ph: 's' | 'f' }> => e.ph === 'f');
    // gemv from cudaLaunchKernel; two graph nodes from one cudaGraphLaunch; the memcpy's id has no host call
    expect(starts).toHaveLength(3);
    expect(ends).toHaveLength(3);
    expect(new Set(starts.map((s) => s.id)).size).toBe(3);
    for (const s of starts) {
      const f = ends.find((x) => x.id === s.id)!;
      expect(f).toBeDefined();
      expect(f.bp).toBe('e');
      expect(s.pid).toBe(HOST_PID);
      expect(f.pid).toBe(GPU_PID);
      // the flow starts inside the launch call's slice and ends where the kernel starts
      const host = trace.traceEvents.find((e) => e.ph === 'X' && e.pid === HOST_PID && e.tid === s.tid && e.ts <= s.ts && s.ts <= e.ts + e.dur && e.name !== 'step 4') as Extract<TraceEvent, { ph: 'X' }>;
      const dev = trace.traceEvents.find((e) => e.ph === 'X' && e.pid === GPU_PID && e.tid === f.tid && e.ts === f.ts) as Extract<TraceEvent, { ph: 'X' }>;
      expect(host.args!.correlation).toBe(dev.args!.correlation);
    }
    const fromOuter = starts.find((s) => s.ts === 1001)!;
    expect(fromOuter.tid).toBe(11);
  });

  it('pairs every launch of the fixture timeline with its kernel', () => {
    const r = JSON.parse(readFileSync(join(root, 'fixtures', 'report', 'trace.json'), 'utf8')) as { timeline: ProcessTimeline[] };
    const t = toChromeTrace(r.timeline);
    for (const e of t.traceEvents) checkEvent(e);
    const device = r.timeline.flatMap((p) => p.steps.flatMap((s) => s.device));
    expect(device.length).toBeGreaterThan(100);
    expect(t.traceEvents.filter((e) => e.ph === 'f')).toHaveLength(device.length);
    expect(t.traceEvents.filter((e) => e.ph === 's')).toHaveLength(device.length);
  });
});
