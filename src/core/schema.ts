// The versioned data model every command prints with --json and `compare` reads.
// Figures are in base units: an `Ns` suffix is nanoseconds, `Bytes` is bytes, a share is 0..1.
import { ValueError } from '../errors.js';
import type { Summary } from './stats.js';

/** Major.minor; every reader refuses a different major. Bump major on any breaking change. */
export const SCHEMA_VERSION = '1.0';

/** Check a result's `schemaVersion` against ours: same major, or a ValueError saying why not. */
export function checkSchemaVersion(version: unknown): void {
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (!m) throw new ValueError(`schemaVersion ${JSON.stringify(version ?? null)} is not "major.minor"; this graphprof reads ${SCHEMA_VERSION}`);
  const ours = SCHEMA_VERSION.split('.')[0];
  if (m[1] !== ours) {
    throw new ValueError(`schemaVersion ${version} is not readable by this graphprof (it reads ${ours}.x); use results made by graphprof versions of the same major schema`);
  }
}

export interface ToolInfo {
  name: 'graphprof';
  version: string;
}

export interface GpuInfo {
  index: number;
  name: string;
  computeCapability: string;
  multiprocessors: number;
  totalMemoryBytes: number;
  pciBusId: string;
}

export interface Environment {
  /** "native" for real measurements; "fake" only under GRAPHPROF_FAKE_HARNESS for plumbing tests. */
  harness: 'native' | 'fake' | 'none';
  gpu: GpuInfo | null;
  /** NVIDIA kernel driver, e.g. "580.159.04", from /proc/driver/nvidia/version; null if unknown */
  driverVersion: string | null;
  /** highest CUDA version the driver supports, e.g. "13.0" */
  driverCudaVersion: string | null;
  /** CUDA runtime the addon runs on (cudart, linked statically) */
  runtimeCudaVersion: string | null;
  addon: { cuda: boolean; architectures: string; toolkit: string } | null;
  host: { cpu: string; logicalCores: number; platform: string; node: string };
}

export interface TimingSummary {
  count: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  minNs: number;
  maxNs: number;
  meanNs: number;
  madNs: number;
  outliers: number;
}

export function toTimingSummary(s: Summary): TimingSummary {
  return {
    count: s.count,
    p50Ns: s.p50,
    p90Ns: s.p90,
    p99Ns: s.p99,
    minNs: s.min,
    maxNs: s.max,
    meanNs: s.mean,
    madNs: s.mad,
    outliers: s.outliers,
  };
}

export type KernelKind = 'spin' | 'copy' | 'empty';

/** One measurement configuration: CLI -> harness -> echoed in the result. */
export interface Workload {
  device: number;
  kernels: number;
  memcpys: number;
  syncs: number;
  kernel: KernelKind;
  kernelNs: number;
  bytesPerSeq: number;
  memcpyBytes: number;
  hostOverheadNs: number;
  batchSizes: number[];
  warmup: number;
  iterations: number;
}

export type Verdict = 'launch-bound' | 'gpu-bound';

export interface RunBatchResult {
  batch: number;
  eager: {
    stepNs: TimingSummary;
    enqueueNs: TimingSummary;
    /** host time inside one kernel-launch call */
    launchNs: TimingSummary;
    /** measured host busy-wait per launch (--host-overhead-us) */
    hostOverheadNs: TimingSummary;
    deviceNs: TimingSummary;
  };
  graph: {
    captureNs: number;
    instantiateNs: number;
    uploadNs: number;
    memoryBytes: number;
    nodes: number;
    launchNs: TimingSummary;
    stepNs: TimingSummary;
    deviceNs: TimingSummary;
    /** graph device time p50 / nodes: what one node costs in replay, work included */
    devicePerNodeNs: number;
  };
  /** eager step p50 / graph step p50 */
  speedup: number;
  /** 1 - graph step p50 / eager step p50 */
  overheadShare: number;
  verdict: Verdict;
  checksum: { expected: string; eager: string; graph: string; ok: boolean };
  samples: {
    eagerStepNs: number[];
    eagerEnqueueNs: number[];
    eagerLaunchNs: number[];
    eagerDeviceNs: number[];
    graphStepNs: number[];
    graphLaunchNs: number[];
    graphDeviceNs: number[];
  };
}

export interface ResultError {
  /** CUDA error name, or "checksum-mismatch" */
  kind: string;
  message: string;
  batch: number | null;
}

export interface RunResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'run';
  argv: string[];
  createdAt: string;
  /** false while a run is in progress or when it stopped on an error */
  complete: boolean;
  environment: Environment;
  workload: Workload;
  results: RunBatchResult[];
  notes: string[];
  error: ResultError | null;
}
