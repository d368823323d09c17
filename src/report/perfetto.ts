// `trace --perfetto FILE`: the steps kept by --timeline-steps as Chrome trace-event JSON, the format
// torch.profiler exports (chrome://tracing, ui.perfetto.dev). Host API calls on one track per thread,
// GPU work on one track per stream, each step as a slice on its thread, and a flow arrow from every
// launch to the GPU work it queued, paired by correlation id. Format: the "Trace Event Format" doc
// (complete events "X", metadata "M", flow events "s"/"f" with binding point "e").
import type { ProcessTimeline, TimelineHostEvent } from '../core/pictures/timeline.js';

/**
 * Each traced process is a process of the trace (its real pid), and the GPU work it launched another
 * one beside it, as torch.profiler separates them: pid + GPU_PID_OFFSET (above Linux's pid_max, 2^22).
 */
export const GPU_PID_OFFSET = 2 ** 22;

export type TraceEvent =
  | { ph: 'M'; name: 'process_name' | 'thread_name' | 'process_sort_index'; pid: number; tid: number; args: { name?: string; sort_index?: number } }
  | { ph: 'X'; name: string; cat: string; pid: number; tid: number; ts: number; dur: number; args?: Record<string, string | number | boolean> }
  | { ph: 's' | 'f'; name: string; cat: string; id: number; pid: number; tid: number; ts: number; bp?: 'e' };

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string | number>;
}

/** ns -> the format's microseconds, kept to the nanosecond. */
function us(ns: number): number {
  return Math.round(ns) / 1000;
}

const DEVICE_CAT = { kernel: 'kernel', memcpy: 'gpu_memcpy', memset: 'gpu_memset' } as const;

export function toChromeTrace(timeline: readonly ProcessTimeline[], about: Record<string, string | number> = {}): ChromeTrace {
  const events: TraceEvent[] = [];
  let flowId = 0;
  for (const [order, p] of timeline.entries()) {
    const host = p.pid;
    const gpu = p.pid + GPU_PID_OFFSET;
    events.push(
      { ph: 'M', name: 'process_name', pid: host, tid: 0, args: { name: `process ${p.pid} (CUDA API calls)` } },
      { ph: 'M', name: 'process_sort_index', pid: host, tid: 0, args: { sort_index: 2 * order } },
      { ph: 'M', name: 'process_name', pid: gpu, tid: 0, args: { name: `GPU (work of process ${p.pid})` } },
      { ph: 'M', name: 'process_sort_index', pid: gpu, tid: 0, args: { sort_index: 2 * order + 1 } },
    );
    const threads = new Set<number>();
    const streams = new Set<number>();
    for (const step of p.steps) {
      threads.add(step.tid);
      events.push({ ph: 'X', name: `step ${step.index}`, cat: 'user_annotation', pid: host, tid: step.tid, ts: us(step.startNs), dur: us(step.endNs - step.startNs), args: { step: step.index } });
      // The launch a flow starts from: the outermost host call with the correlation id (a runtime call
      // and the driver call it makes may share one).
      const launchOf = new Map<number, TimelineHostEvent>();
      for (const h of [...step.host].sort((a, b) => a.startNs - b.startNs || b.durationNs - a.durationNs)) {
        threads.add(h.tid);
        events.push({ ph: 'X', name: h.name, cat: h.name.startsWith('cu') && !h.name.startsWith('cuda') ? 'cuda_driver' : 'cuda_runtime', pid: host, tid: h.tid, ts: us(h.startNs), dur: us(h.durationNs), args: { correlation: h.correlationId } });
        if (h.correlationId > 0 && !launchOf.has(h.correlationId)) launchOf.set(h.correlationId, h);
      }
      for (const e of step.device) {
        streams.add(e.stream);
        events.push({ ph: 'X', name: e.name, cat: DEVICE_CAT[e.kind], pid: gpu, tid: e.stream, ts: us(e.startNs), dur: us(e.durationNs), args: { correlation: e.correlationId, stream: e.stream, graph: e.graph } });
        const h = e.correlationId > 0 ? launchOf.get(e.correlationId) : undefined;
        if (!h) continue;
        // One flow per (launch, GPU work) pair: a graph launch fans out to every node it ran.
        flowId++;
        events.push({ ph: 's', name: 'ac2g', cat: 'ac2g', id: flowId, pid: host, tid: h.tid, ts: us(h.startNs) });
        events.push({ ph: 'f', name: 'ac2g', cat: 'ac2g', id: flowId, pid: gpu, tid: e.stream, ts: us(e.startNs), bp: 'e' });
      }
    }
    for (const tid of [...threads].sort((a, b) => a - b)) events.push({ ph: 'M', name: 'thread_name', pid: host, tid, args: { name: `thread ${tid}` } });
    for (const s of [...streams].sort((a, b) => a - b)) events.push({ ph: 'M', name: 'thread_name', pid: gpu, tid: s, args: { name: `stream ${s}` } });
  }
  return { traceEvents: events, displayTimeUnit: 'ns', otherData: { producer: 'graphprof trace --perfetto', clock: 'ns since each traced process initialised CUDA, shown in µs', ...about } };
}

export function renderPerfetto(t: readonly ProcessTimeline[], about: Record<string, string | number> = {}): string {
  return `${JSON.stringify(toChromeTrace(t, about))}\n`;
}
