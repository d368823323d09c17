// Steps as the tracers cut them at a marker: the marker's syntax, and the spread of each per-step
// figure over the marked steps. Pure code.
import { ValueError } from '../../errors.js';
import { summarize, type Summary } from '../stats.js';
import type { StepRecord, TimelineStep } from './record.js';

export interface StepFigures {
  marker: string;
  count: number;
  /** steps beyond the library's cap (GRAPHPROF_TRACE_MAX_STEPS): counted, not recorded */
  dropped: number;
  launches: Summary;
  graphLaunches: Summary;
  syncs: Summary;
  allocations: Summary;
  copies: Summary;
  memsets: Summary;
  apiCalls: Summary;
  apiNs: Summary;
  durationNs: Summary;
  /** device time launched per step (sum); null when a step has no device figures */
  gpuNs: Summary | null;
  /** busy time (union of intervals) per step; null when a step has none */
  gpuBusyNs: Summary | null;
  /** launches per step differ between steps (data-dependent control flow, or the marker is off) */
  launchesVary: boolean;
}

export function stepFigures(marker: string, steps: readonly StepRecord[], dropped: number): StepFigures | null {
  if (steps.length === 0) return null;
  const pick = (f: (s: StepRecord) => number) => summarize(steps.map(f));
  const pickNullable = (f: (s: StepRecord) => number | null): Summary | null => {
    const values = steps.map(f);
    return values.every((v): v is number => v !== null) ? summarize(values) : null;
  };
  const launches = pick((s) => s.launches);
  return {
    marker,
    count: steps.length + dropped,
    dropped,
    launches,
    graphLaunches: pick((s) => s.graphLaunches),
    syncs: pick((s) => s.syncs),
    allocations: pick((s) => s.allocations),
    copies: pick((s) => s.copies),
    memsets: pick((s) => s.memsets),
    apiCalls: pick((s) => s.apiCalls),
    apiNs: pick((s) => s.apiNs),
    durationNs: pick((s) => s.durationNs),
    gpuNs: pickNullable((s) => s.gpuNs),
    gpuBusyNs: pickNullable((s) => s.gpuBusyNs),
    launchesVary: launches.min !== launches.max,
  };
}

/** Checks a `--step-marker` value: "nvtx:NAME" or "api:NAME". Throws ValueError. */
export function parseStepMarker(text: string): { kind: 'nvtx' | 'api'; name: string } {
  const m = /^(nvtx|api):(.+)$/.exec(text);
  if (!m || m[2]!.trim() === '') throw new ValueError(`expected nvtx:NAME (an NVTX range) or api:NAME (a CUDA API call), got "${text}"`);
  const kind = m[1] as 'nvtx' | 'api';
  const name = m[2]!;
  if (kind === 'api' && !/^(?:cuda|cu|__cuda)[A-Za-z0-9_]+$/.test(name)) {
    throw new ValueError(`api:NAME names a CUDA runtime or driver API such as api:cudaStreamSynchronize or api:cuGraphLaunch, got "${name}"`);
  }
  return { kind, name };
}

/**
 * The timeline step to draw: the one whose duration is the median of the kept steps (the lower
 * middle for an even count), so that the picture shows a typical step, not the fastest or slowest.
 */
export function typicalTimelineStep(steps: readonly TimelineStep[]): TimelineStep | null {
  if (steps.length === 0) return null;
  const byDuration = [...steps].sort((a, b) => a.endNs - a.startNs - (b.endNs - b.startNs) || a.index - b.index);
  return byDuration[Math.floor((byDuration.length - 1) / 2)]!;
}
