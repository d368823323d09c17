// The versioned data model every command prints with --json and `compare` reads.
// Figures are in base units: an `Ns` suffix is nanoseconds, `Bytes` is bytes, a share is 0..1.
import { ValueError } from '../errors.js';
import type { TimingSummary } from './stats.js';

export type { TimingSummary } from './stats.js';

/** Major.minor; every reader refuses a different major. Bump major on any breaking change. */
export const SCHEMA_VERSION = '1.0';

/** Whether a result of this schema major can be read (every reader refuses another major). */
export function isReadableMajor(major: string): boolean {
  return major === SCHEMA_VERSION.split('.')[0];
}

/** Check a result's `schemaVersion` against ours: same major, or a ValueError saying why not. */
export function checkSchemaVersion(version: unknown): void {
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (!m) throw new ValueError(`schemaVersion ${JSON.stringify(version ?? null)} is not "major.minor"; this graphprof reads ${SCHEMA_VERSION}`);
  const ours = SCHEMA_VERSION.split('.')[0];
  if (!isReadableMajor(m[1]!)) {
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

/**
 * What the harness measures for one batch size (native/harness.h BatchResult, converted once in
 * native/addon.cc; the fake harness returns the same): one sample per timed iteration, in ns.
 * `S` is the sample container: typed arrays from the addon, plain arrays once in JavaScript.
 * The result's summaries follow from this declaration (RunBatchResult below).
 */
export interface BatchSamples<S = number[]> {
  batch: number;
  eager: {
    /** enqueue + final sync, host clock */
    stepNs: S;
    /** host time to issue the step (syncs inside included) */
    enqueueNs: S;
    /** host time inside one kernel-launch call: (enqueue - copy and sync calls - busy-wait) / kernels */
    launchNs: S;
    /** measured host busy-wait per launch (--host-overhead-us) */
    hostOverheadNs: S;
    /** CUDA events around the step */
    deviceNs: S;
  };
  graph: {
    /** BeginCapture .. EndCapture, host clock */
    captureNs: number;
    /** cudaGraphInstantiate, host clock */
    instantiateNs: number;
    /** cudaGraphUpload + stream sync, host clock */
    uploadNs: number;
    /** drop of cudaMemGetInfo free bytes across instantiate + upload, earlier graphs still alive */
    memoryBytes: number;
    nodes: number;
    /** cudaGraphLaunch call, host clock */
    launchNs: S;
    /** launch + sync, host clock */
    stepNs: S;
    /** CUDA events around the replay */
    deviceNs: S;
  };
  checksum: { expected: string; eager: string; graph: string };
}

/** A record of samples with each series replaced by its summary. */
export type Summarized<T> = { [K in keyof T]: T[K] extends readonly number[] ? TimingSummary : T[K] };

export interface RunBatchResult {
  batch: number;
  eager: Summarized<BatchSamples['eager']>;
  graph: Summarized<BatchSamples['graph']> & {
    /** graph device time p50 / nodes: what one node costs in replay, work included */
    devicePerNodeNs: number;
  };
  /** eager step p50 / graph step p50 */
  speedup: number;
  /** 1 - graph step p50 / eager step p50 */
  overheadShare: number;
  verdict: Verdict;
  checksum: BatchSamples['checksum'] & { ok: boolean };
  /** the raw series behind the summaries (eager host overhead aside) */
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
