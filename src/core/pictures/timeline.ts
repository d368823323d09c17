// The step timeline: every host API call and GPU activity of the few steps `trace --timeline-steps N`
// keeps, and what the pictures need from it: its lanes and the GPU's idle gaps inside the step drawn
// (core/trace/steps.ts typicalTimelineStep picks that one, the median-duration step). The shapes
// are the trace record's (core/trace/record.ts). Pure.
import type { TimelineStep } from '../trace/record.js';
import type { ProcessTimeline } from '../trace/result.js';

export type { TimelineDeviceEvent, TimelineHostEvent, TimelineStep } from '../trace/record.js';
export type { ProcessTimeline } from '../trace/result.js';

/** Every kept step of every process, each with the pid whose clock its times are on. */
export function allSteps(timeline: readonly ProcessTimeline[]): (TimelineStep & { pid: number })[] {
  return timeline.flatMap((p) => p.steps.map((s) => ({ ...s, pid: p.pid })));
}

export interface Interval {
  startNs: number;
  endNs: number;
}

/** The union of intervals, sorted and merged (touching intervals merge). */
export function union(intervals: readonly Interval[]): Interval[] {
  const xs = intervals.filter((i) => i.endNs > i.startNs).sort((a, b) => a.startNs - b.startNs);
  const out: Interval[] = [];
  for (const i of xs) {
    const last = out[out.length - 1];
    if (last && i.startNs <= last.endNs) last.endNs = Math.max(last.endNs, i.endNs);
    else out.push({ startNs: i.startNs, endNs: i.endNs });
  }
  return out;
}

/** The parts of [startNs, endNs] that no interval covers, longest first when `minNs` leaves out slivers. */
export function gaps(startNs: number, endNs: number, busy: readonly Interval[], minNs = 0): Interval[] {
  const out: Interval[] = [];
  let at = startNs;
  for (const b of union(busy)) {
    if (b.endNs <= startNs) continue;
    if (b.startNs >= endNs) break;
    if (b.startNs > at) out.push({ startNs: at, endNs: b.startNs });
    at = Math.max(at, b.endNs);
  }
  if (at < endNs) out.push({ startNs: at, endNs });
  return out.filter((g) => g.endNs - g.startNs > minNs);
}

export interface StepTimelineFigures {
  step: TimelineStep;
  /** host threads in the order of their first call */
  threads: number[];
  streams: number[];
  /** union of device activity inside the step */
  gpuBusyNs: number;
  /** where no stream ran anything, inside the step (empty without device records) */
  gpuIdle: Interval[];
  /** time inside host API calls on the step's own thread (nested calls counted once) */
  hostApiNs: number;
  /** gaps between API calls on the step's thread: host code outside CUDA calls */
  hostGaps: Interval[];
  /** launches whose GPU work is in the step: correlation id -> (host event, device event) */
  pairs: number;
}

export function stepTimeline(step: TimelineStep): StepTimelineFigures {
  const threads: number[] = [];
  for (const h of [...step.host].sort((a, b) => a.startNs - b.startNs)) if (!threads.includes(h.tid)) threads.push(h.tid);
  const streams = [...new Set(step.device.map((d) => d.stream))].sort((a, b) => a - b);
  const clip = (i: Interval): Interval => ({ startNs: Math.max(step.startNs, i.startNs), endNs: Math.min(step.endNs, i.endNs) });
  const busy = union(step.device.map((d) => clip({ startNs: d.startNs, endNs: d.startNs + d.durationNs })));
  const own = union(step.host.filter((h) => h.tid === step.tid).map((h) => clip({ startNs: h.startNs, endNs: h.startNs + h.durationNs })));
  const hostIds = new Set(step.host.filter((h) => h.correlationId > 0).map((h) => h.correlationId));
  return {
    step,
    threads,
    streams,
    gpuBusyNs: busy.reduce((s, i) => s + i.endNs - i.startNs, 0),
    gpuIdle: step.device.length > 0 ? gaps(step.startNs, step.endNs, busy) : [],
    hostApiNs: own.reduce((s, i) => s + i.endNs - i.startNs, 0),
    hostGaps: gaps(step.startNs, step.endNs, own),
    pairs: step.device.filter((d) => d.correlationId > 0 && hostIds.has(d.correlationId)).length,
  };
}
