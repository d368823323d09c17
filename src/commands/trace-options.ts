// `graphprof trace` options: raw flag strings -> one readonly typed configuration with its
// defaults, checked before anything runs. Nothing below src/commands/ sees a raw flag string.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { CaptureRange, GraphTrace, Tracer } from '../core/trace/result.js';
import { UsageError } from '../errors.js';
import { nonNegativeInt, positiveInt, stepMarkerFlag } from './options.js';
import { checkTraceOutputs } from './output-file.js';
import { parseReportChannels, type ReportChannel } from './trace-output.js';

/** Defaults as the user would type them. */
export const TRACE_DEFAULTS = {
  tracer: 'host',
  graphTrace: 'graph',
  timelineSteps: '3',
} as const;

/** The most timeline steps a process keeps (each holds every event of its step). */
export const TRACE_LIMITS = { timelineSteps: 100 } as const;

export interface RawTraceOptions {
  steps?: string;
  stepMarker?: string;
  out?: string;
  json?: boolean;
  cupti?: string;
  output?: string;
  jsonFd?: string;
  /** true for --device-time, false for --no-device-time */
  deviceTime?: boolean;
  tracer?: string;
  captureRange?: string;
  graphTrace?: string;
  timelineSteps?: string;
  html?: string;
  perfetto?: string;
}

export interface TraceOptions {
  readonly command: readonly string[];
  readonly steps: number | null;
  readonly stepMarker: string | null;
  readonly stepKind: 'nvtx' | 'api' | null;
  readonly outPrefix: string | null;
  readonly json: boolean;
  readonly cuptiPath: string | null;
  /** where the JSON result goes for scripts: -o FILE, -o - (stdout), --json-fd N (commands/trace-output.ts) */
  readonly reportChannels: readonly ReportChannel[];
  /** host: driver entry points wrapped, no CUPTI (the default); cupti: CUPTI records */
  readonly tracer: Tracer;
  /** CUPTI's kernel and memcpy records (--device-time; the CUPTI tracer's default) */
  readonly deviceTime: boolean;
  /** collect only between cudaProfilerStart and cudaProfilerStop */
  readonly captureRange: CaptureRange | null;
  /** graph: one record per graph launch (the default, as nsys); node: one kernel record per node */
  readonly graphTrace: GraphTrace;
  /** marked steps per process whose every event is kept; 0: none */
  readonly timelineSteps: number;
}

/** `argv` is graphprof's own argument list: the command must follow a `--`. */
export function parseTraceOptions(raw: RawTraceOptions, command: readonly string[], argv: readonly string[]): TraceOptions {
  if (command.length === 0) throw new UsageError('trace: name the command to run after --, e.g. graphprof trace --steps 128 -- python decode.py');
  if (!argv.includes('--')) {
    throw new UsageError(`trace: put -- between graphprof's options and the command, e.g. graphprof trace -- ${command.join(' ')}; without it the command's own options could be taken for graphprof's`);
  }
  const marker = raw.stepMarker === undefined ? null : stepMarkerFlag(raw.stepMarker);
  if (raw.captureRange !== undefined && raw.captureRange !== 'cudaProfilerApi') {
    throw new UsageError(`--capture-range: expected cudaProfilerApi (collect between cudaProfilerStart and cudaProfilerStop, as nsys), got "${raw.captureRange}"`);
  }
  if (raw.graphTrace !== undefined && raw.graphTrace !== 'graph' && raw.graphTrace !== 'node') {
    throw new UsageError(`--graph-trace: expected graph (a graph launch is one record, the default) or node (one kernel record per node), got "${raw.graphTrace}"`);
  }
  if (raw.tracer !== undefined && raw.tracer !== 'host' && raw.tracer !== 'cupti') {
    throw new UsageError(`--tracer: expected host (wrap the driver calls, the default: least overhead) or cupti (CUPTI records, with device times), got "${raw.tracer}"`);
  }
  // --device-time and --cupti only mean something under CUPTI: either alone picks it.
  const tracer: Tracer = raw.tracer === 'cupti' || (raw.tracer === undefined && (raw.deviceTime === true || raw.cupti !== undefined)) ? 'cupti' : TRACE_DEFAULTS.tracer;
  if (tracer === 'host' && raw.cupti !== undefined) throw new UsageError('--cupti: the host tracer loads no CUPTI; use --tracer cupti (or --cupti alone)');
  if (tracer === 'host' && raw.deviceTime === true) throw new UsageError('--device-time: kernel and memcpy device times come from CUPTI; use --tracer cupti (or --device-time alone)');
  if (tracer === 'host' && raw.graphTrace !== undefined) throw new UsageError('--graph-trace: chooses how CUPTI records graphs; add --device-time (or --tracer cupti)');
  let outPrefix: string | null = null;
  if (raw.out !== undefined) {
    if (raw.out.trim() === '') throw new UsageError('--out: expected a file name prefix such as prof or out/run1, got ""');
    const dir = dirname(resolve(raw.out));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out: the folder "${dirname(raw.out)}" does not exist`);
    outPrefix = raw.out;
  }
  const timelineSteps = nonNegativeInt('--timeline-steps', raw.timelineSteps ?? TRACE_DEFAULTS.timelineSteps, TRACE_LIMITS.timelineSteps);
  if (raw.timelineSteps !== undefined && timelineSteps > 0 && !marker) throw new UsageError('--timeline-steps: keeps events of marked steps; add --step-marker');
  checkTraceOutputs(raw.out, raw.output);
  return {
    command,
    steps: raw.steps === undefined ? null : positiveInt('--steps', raw.steps),
    stepMarker: marker ? `${marker.kind}:${marker.name}` : null,
    stepKind: marker?.kind ?? null,
    outPrefix,
    json: raw.json === true,
    cuptiPath: raw.cupti ?? null,
    reportChannels: parseReportChannels(raw.output, raw.jsonFd),
    tracer,
    deviceTime: tracer === 'cupti' && raw.deviceTime !== false,
    captureRange: raw.captureRange === undefined ? null : 'cudaProfilerApi',
    graphTrace: raw.graphTrace === 'node' ? 'node' : TRACE_DEFAULTS.graphTrace,
    timelineSteps: marker ? timelineSteps : 0,
  };
}
