// The record each traced process writes at exit (native/trace/record.cc writes it; docs/trace.md,
// "The record", describes every field): the one declaration of its shape on the TypeScript side.
// src/ingest/trace-record.ts reads and checks it. Figures are in base units: `Ns` nanoseconds,
// `Ns2` square nanoseconds, counts plain numbers.
import type { Histogram } from './histogram.js';

/** Written by the tracers since step scoping (in-step and outside-step rows, the timeline). */
export const TRACE_RECORD_SCHEMA = 'graphprof-trace-record/2';
/** Still read: no scoped rows, no timeline, memsets inside `memcpy`. */
export const TRACE_RECORD_SCHEMA_V1 = 'graphprof-trace-record/1';

export interface DurationStat {
  totalNs: number;
  minNs: number;
  maxNs: number;
  /** from the histogram: within HISTOGRAM_RELATIVE_ERROR of the exact median */
  medNs: number;
  sumSqNs2: number;
  hist: Histogram;
}

export interface ApiStat extends DurationStat {
  /** as CUPTI names it, e.g. "cudaLaunchKernel_v7000" */
  name: string;
  domain: 'runtime' | 'driver';
  /** outermost calls: what the program called */
  calls: number;
  /** calls made inside another traced call (cudaLaunchKernel -> cuLaunchKernel); not in `calls` */
  nestedCalls: number;
}

export interface DeviceStat extends DurationStat {
  name: string;
  instances: number;
  /** instances that ran as nodes of a CUDA graph */
  graphInstances: number;
  bytes?: number;
}

/** API and device rows of one scope: inside the marked steps, or outside them. */
export interface ScopedRows {
  api: ApiStat[];
  /** device rows are attributed by correlation id to the step whose window launched them */
  kernels: DeviceStat[];
  memcpy: DeviceStat[];
  memset: DeviceStat[];
}

export interface StepRecord {
  tid: number;
  /** since the tracer's clock origin (the process's CUDA initialisation) */
  startNs: number;
  durationNs: number;
  /** API calls made on the step's thread inside its window (outermost calls) */
  launches: number;
  graphLaunches: number;
  syncs: number;
  allocations: number;
  /** memcpy-class calls */
  copies: number;
  memsets: number;
  apiCalls: number;
  apiNs: number;
  /** device time (sum of durations) of the kernels, copies and memsets this step launched; null without device records */
  gpuNs: number | null;
  /** the same work's busy time: the union of its intervals (streams overlap); null without device records or past the cap */
  gpuBusyNs: number | null;
  /** device records attributed to this step */
  deviceRecords: number;
}

export interface TimelineHostEvent {
  tid: number;
  /** the API as the tracer names it (CUPTI's or the driver symbol) */
  name: string;
  startNs: number;
  durationNs: number;
  /** CUPTI's correlation id; 0 under the host tracer */
  correlationId: number;
}

export interface TimelineDeviceEvent {
  /** CUPTI's stream id */
  stream: number;
  kind: 'kernel' | 'memcpy' | 'memset';
  name: string;
  startNs: number;
  durationNs: number;
  correlationId: number;
  /** ran as a node of a CUDA graph */
  graph: boolean;
}

/** Every event of one marked step, on the clock of `steps[].startNs`. */
export interface TimelineStep {
  /** its position in the record's `steps` (sorted by start) */
  index: number;
  tid: number;
  startNs: number;
  endNs: number;
  host: TimelineHostEvent[];
  /** empty under the host tracer */
  device: TimelineDeviceEvent[];
}

export interface Timeline {
  /** at most `--timeline-steps` steps, a uniform sample of the steps (reservoir), by index */
  steps: TimelineStep[];
}

/**
 * One graph capture the host tracer saw: cuStreamBeginCapture .. cuStreamEndCapture, then the first
 * cuGraphInstantiateWithFlags of its graph and the first cuGraphUpload of that executable graph.
 * Times are from the tracer's start (steady clock). Null figures: the capture was still open at exit.
 */
export interface GraphCapture {
  startNs: number;
  captureEndNs: number | null;
  instantiateEndNs: number | null;
  uploadEndNs: number | null;
  /** capture begin to the last of capture end, instantiation end and upload end */
  captureNs: number | null;
  /** bytes requested by the allocation APIs (GraphCaptures.allocationApis) whose calls began in [start, ready] */
  allocBytes: number | null;
  allocCalls: number | null;
  /** the part of allocBytes whose calls began before capture end */
  allocBytesInCapture: number | null;
}

/**
 * Two consecutive cuMemGetInfo calls of the program with `graphs` captures wholly between them and
 * none straddling either: the free device memory before and after.
 */
export interface FreeMemoryBracket {
  beforeNs: number;
  afterNs: number;
  freeBeforeBytes: number;
  freeAfterBytes: number;
  graphs: number;
}

/** The record's graphCaptures (host tracer only; docs/trace.md, "Graph captures"). */
export interface GraphCaptures {
  /** the allocation APIs whose sizes are counted */
  allocationApis: string[];
  captures: GraphCapture[];
  /** empty: the program did not call cuMemGetInfo around its captures */
  freeMemory: FreeMemoryBracket[];
  /** captures past the tracer's cap (100,000), allocations past its cap (2^20), cuMemGetInfo results past 65,536: not kept */
  capturesDropped: number;
  allocationsDropped: number;
  freeSamplesDropped: number;
}

export interface TraceRecord {
  schema: string;
  /** false: the process initialised CUDA under the tracer but never reached its exit handler */
  complete: boolean;
  /** false: CUPTI refused to attach (see errors) */
  attached: boolean;
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
  stepMarker: string | null;
  wallNs: number;
  cuptiVersion: number;
  driverVersion: number;
  runtimeVersion: number | null;
  runtimeLibraries: string[];
  activity: boolean;
  threads: number;
  /** whole run */
  api: ApiStat[];
  kernels: DeviceStat[];
  memcpy: DeviceStat[];
  memset: DeviceStat[];
  /** null without a step marker (and in /1 records) */
  inSteps: ScopedRows | null;
  outsideSteps: ScopedRows | null;
  steps: StepRecord[];
  stepsDropped: number;
  timeline: Timeline | null;
  /** device records not attributed to a scope (past the tracer's cap): in the whole-run rows only */
  deviceRecordsUnattributed: number;
  droppedRecords: number;
  unmatchedExits: number;
  /** cudaProfilerStart ranges collected under --capture-range (null: the library did not say) */
  captureRanges: number | null;
  /** graph captures and the allocations in their windows; null: not recorded (CUPTI tracer, older records) */
  graphCaptures: GraphCaptures | null;
  errors: string[];
}
