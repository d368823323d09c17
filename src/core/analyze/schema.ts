// `graphprof analyze`: what the nsys readers hand to the analysis (inputs) and the versioned result
// it prints with --json (outputs). Field names are part of the interface: `graphprof compare` reads
// them. Figures are in base units: `Ns` is nanoseconds, a share is 0..1, counts are plain numbers.
import type { StepSeries } from '../pictures/step-series.js';
import type { ToolInfo } from '../schema.js';
import type { ReplayModel, StepModel, StepWall } from './step-model.js';

// ---- inputs: one profile as read from nsys stats reports ---------------------------------------

/** One row of cuda_api_sum, or one API name summed over a cuda_api_trace. */
export interface ApiRow {
  name: string;
  calls: number;
  totalNs: number;
  /** the report's median per call (Med column, or exact from a trace); null where the report has none */
  medianNs: number | null;
  /** the report's mean per call; null where absent */
  avgNs: number | null;
  /** line of the row in its file (for a trace, the header line) */
  line: number;
}

/** One row of cuda_gpu_kern_sum, or one kernel name summed over a cuda_gpu_trace. */
export interface KernelRow {
  name: string;
  instances: number;
  totalNs: number;
  /** shortest and longest instance where the report gives them (Min, Max columns) */
  minNs?: number | null;
  maxNs?: number | null;
  /**
   * instances that ran right after an instance of the same kernel on the same stream, counted as
   * `instances` are (over the whole profile); absent where the source has no kernel order
   */
  repeats?: number | null;
}

/** One row of cuda_gpu_mem_time_sum (or memory operations summed over a cuda_gpu_trace). */
export interface MemOpRow {
  operation: string;
  count: number;
  totalNs: number;
  minNs?: number | null;
  maxNs?: number | null;
}

/** One row of nvtx_sum, or one range name summed over nvtx_pushpop_trace: the step's wall time. */
export interface RangeRow {
  /** as the report prints it, e.g. ":decode_step" (nsys 2023+ prefixes the domain) or "decode_step" */
  name: string;
  instances: number;
  totalNs: number;
  medianNs: number | null;
  minNs: number | null;
  maxNs: number | null;
  /** every duration, where a trace gave them (for p10/p90) */
  durationsNs: number[] | null;
  line: number;
}

export type ReportId = string;

export interface ProfileInput {
  /** the file the profile was read from, or the first of the files of one `<base>_<report>.csv` group */
  path: string;
  /** every file that contributed */
  paths: string[];
  /** 0-based position among the profiles of its file (several runs pasted into one log) */
  index: number;
  /** reports used, in the order read, e.g. ["cuda_api_sum", "cuda_gpu_kern_sum"] */
  reports: ReportId[];
  api: ApiRow[];
  kernels: KernelRow[] | null;
  memOps: MemOpRow[] | null;
  /** NVTX ranges (nvtx_sum or nvtx_pushpop_trace); null without that report */
  ranges?: RangeRow[] | null;
  /** the measured eager step, where the source timed its steps itself (`graphprof trace`) */
  stepWall?: StepWall | null;
  /** GPU busy time (union of intervals) over the whole profile, where timestamps allowed it */
  gpuBusyNs?: number | null;
  /** where the kernels' `repeats` come from, in words; absent when the source has no kernel order */
  kernelOrder?: string | null;
  /** rows read from traces (0 for summaries) */
  traceRows: number;
  /** rows printed as "..." (elided) in a pasted table: the figures miss whatever they held */
  elidedRows: number;
}

// ---- calibration -------------------------------------------------------------------------------

export type { ReplayModel } from './step-model.js';

// ---- outputs -----------------------------------------------------------------------------------

/** unknown: no GPU time, so no verdict (the findings say what is missing) */
export type AnalyzeVerdict = 'launch-bound' | 'gpu-bound' | 'already-graphed' | 'unknown';
export type FindingSeverity = 'blocker' | 'warning' | 'info';

export interface Finding {
  /** stable id: host-sync, host-device-copy, alloc-in-loop, back-pressure, ... (docs/analyze.md) */
  id: string;
  severity: FindingSeverity;
  /** occurrences per step (may be fractional: calls / steps) */
  count: number;
  message: string;
}

export interface ApiFigure {
  name: string;
  calls: number;
  totalNs: number;
  medianNs: number | null;
  /** median x calls where the median is known (and below the mean), else the total */
  costNs: number;
}

export interface ApiGroup {
  calls: number;
  totalNs: number;
  byApi: ApiFigure[];
}

export interface ProfileAnalysis {
  source: { path: string; paths: string[]; index: number; reports: ReportId[] };
  launches: ApiGroup & {
    /** launch cost: sum over launch APIs of median x calls where the median is known, else the total */
    costNs: number;
    /** totalNs - costNs: time launch calls spent waiting on a full launch queue */
    backPressureNs: number;
    /** how costNs was found: "median" (every launch API had a median), "total" (none had), "mixed" */
    costMethod: 'median' | 'total' | 'mixed';
  };
  graphLaunches: ApiGroup;
  memcpy: ApiGroup;
  memset: ApiGroup;
  sync: ApiGroup;
  /** blocking allocations and frees (cudaMalloc, cudaFree, cudaMallocHost, ...) */
  alloc: ApiGroup;
  /** every CUDA API row of the profile */
  hostApi: { calls: number; totalNs: number };
  gpu: {
    /** sum of cuda_gpu_kern_sum Total Time; null without a kernel report */
    kernelNs: number | null;
    kernelInstances: number | null;
    /** sum of cuda_gpu_mem_time_sum Total Time; null without it */
    memOpsNs: number | null;
    memOps: MemOpRow[] | null;
  };
  /** API names not in the launch-API table (docs/formats.md), counted in hostApi only */
  unknownApis: { name: string; calls: number; totalNs: number }[];
  steps: number;
  perStep: {
    launchCalls: number;
    /** launch cost per step: launches.costNs / steps */
    launchNs: number;
    launchTotalNs: number;
    backPressureNs: number;
    graphLaunchCalls: number;
    memcpyCalls: number;
    memcpyNs: number;
    memsetCalls: number;
    syncCalls: number;
    syncNs: number;
    allocCalls: number;
    hostApiNs: number;
    /** host time that issues work: launch, graph launch, memcpy and memset costs */
    hostEnqueueNs: number;
    gpuKernelNs: number | null;
    gpuKernelInstances: number | null;
  };
  /** W, the eager step (model.eagerStepNs.value) */
  stepLatencyNs: number;
  /** where W came from: the steps' measured wall time, --step-time, or estimated */
  stepLatencySource: 'step-range' | 'trace-steps' | 'step-time' | 'estimated';
  /** 1 - G / W (model.overheadShare); null when G is unknown */
  overheadShare: number | null;
  prediction: {
    eagerStepNs: number;
    /** P; null when G is unknown */
    graphStepNs: number | null;
    speedup: number | null;
    savedPerStepNs: number | null;
    /** "node-replay": G priced per node under the replay model; "none": no GPU time */
    method: 'node-replay' | 'none';
    floorNs: number;
    gapNs: number;
    /** ns added to a repeated kernel's eager duration (negative: it replays shorter) */
    repeatNs: number;
    graphLaunchNs: number;
  };
  verdict: AnalyzeVerdict;
  /** "measured" when W and G are both measured, "estimated" when W is not, null without a verdict */
  verdictBasis: 'measured' | 'estimated' | null;
  /** the step model, every figure with its basis (docs/analyze.md, "The step model") */
  model: StepModel;
  /** --step-range over an nvtx_pushpop_trace: each step's duration in the order they ran, binned (the HTML report draws it) */
  stepSeries?: StepSeries | null;
  findings: Finding[];
  traceRows: number;
  elidedRows: number;
}

export interface ProfileDifference {
  from: number;
  to: number;
  items: { key: string; label: string; kind: 'duration' | 'count' | 'share' | 'ratio'; before: number | null; after: number | null; change: number | null }[];
  verdict: { before: AnalyzeVerdict; after: AnalyzeVerdict };
}

export interface SkipNote {
  path: string;
  line: number | null;
  what: string;
  reason: string;
}

export interface AnalyzeResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'analyze';
  argv: string[];
  createdAt: string;
  options: {
    /** --steps; null when the steps come from --step-range (or 1) */
    steps: number | null;
    stepRange: string | null;
    stepTimeNs: number | null;
    failAboveShare: number | null;
    calibrationPath: string | null;
  };
  replayModel: ReplayModel;
  profiles: ProfileAnalysis[];
  /** consecutive profiles compared (profile i-1 -> i), present when there are two or more */
  differences: ProfileDifference[];
  skipped: SkipNote[];
  notes: string[];
}
