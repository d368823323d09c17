// `graphprof trace --json`: the result's shape (docs/trace.md, "The JSON result"), and the option
// values it echoes. Types only.
import type { ProfileAnalysis } from '../analyze/schema.js';
import type { StepSeries } from '../pictures/step-series.js';
import type { ToolInfo } from '../schema.js';
import type { ApiFigures, DeviceFigures, LaunchCounts, PerStep, ProcessSummary, TableFigures, TraceCounts, TraceFigures } from './figures.js';
import type { TimelineStep } from './record.js';
import type { StepFigures } from './steps.js';

/** What `--capture-range` accepts: as nsys, collection between cudaProfilerStart and cudaProfilerStop. */
export type CaptureRange = 'cudaProfilerApi';

/** What `--graph-trace` accepts, as nsys --cuda-graph-trace: a graph launch as one record, or one per node. */
export type GraphTrace = 'graph' | 'node';

/** host: driver entry points wrapped, no CUPTI (the default); cupti: CUPTI records. */
export type Tracer = 'host' | 'cupti';

/** The timeline steps of one process. */
export interface ProcessTimeline {
  pid: number;
  steps: TimelineStep[];
}

export interface TraceResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'trace';
  argv: string[];
  createdAt: string;
  /** true only under GRAPHPROF_FAKE_TRACE (plumbing tests): the records are synthetic */
  fake: boolean;
  traced: { command: string[]; exitCode: number; signal: string | null; wallNs: number };
  options: {
    steps: number | null;
    stepMarker: string | null;
    outPrefix: string | null;
    captureRange: CaptureRange | null;
    /** null under the host tracer (no CUPTI records) */
    graphTrace: GraphTrace | null;
    tracer: Tracer;
    timelineSteps: number;
  };
  environment: {
    /** the tracer's library: libgraphprof_host.so (LD_PRELOAD) or libgraphprof_inject.so (CUPTI) */
    injectLibrary: string;
    cuptiLibrary: string | null;
    cuptiSource: string | null;
    cuptiVersion: number | null;
    /** highest CUDA version the driver supports, e.g. "13.0" */
    driverCudaVersion: string | null;
    runtimeCudaVersion: string | null;
  };
  processes: ProcessSummary[];
  /** whole run */
  launches: LaunchCounts;
  totals: TraceFigures['totals'];
  perStep: PerStep;
  steps: StepFigures | null;
  /** whole-run tables */
  api: ApiFigures[];
  kernels: DeviceFigures[];
  memcpy: DeviceFigures[];
  memset: DeviceFigures[];
  /** the tables inside the marked steps and outside them; null without a marker */
  inSteps: TableFigures | null;
  outsideSteps: TableFigures | null;
  /** counts outside the steps (set-up, warm-up, teardown), not divided by the step count */
  outside: (TraceCounts & { nestedCalls: number }) | null;
  /** every event of a few marked steps per process (--timeline-steps) */
  timeline: ProcessTimeline[];
  activity: boolean;
  droppedRecords: number;
  /** the `analyze` engine on the per-step rows (perStep.scope says which); docs/analyze.md */
  analysis: ProfileAnalysis;
  /** files written by --out */
  csv: string[];
  /** marked step durations over the run, binned to a bounded size (the HTML report draws it); absent from older results */
  stepSeries?: StepSeries | null;
  notes: string[];
}
