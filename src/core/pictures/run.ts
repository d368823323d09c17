// What the `run` pictures draw, from a `graphprof run --json` result: step-time bands from the raw
// samples, the spread of host cost per launch, capture cost and graph memory per batch size. Pure.
import { graphSetupNs } from '../run/summary.js';
import type { RunResult } from '../schema.js';
import { quantileSorted, sorted } from '../stats.js';

/** p10, p50 and p90 of a timing; p10 and p90 are null where the result holds no raw samples. */
export interface Band {
  p10Ns: number | null;
  p50Ns: number;
  p90Ns: number | null;
  count: number;
}

export interface Spread {
  minNs: number;
  p10Ns: number;
  p50Ns: number;
  p90Ns: number;
  maxNs: number;
  count: number;
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function samplesOf(v: unknown): number[] | null {
  return Array.isArray(v) && v.length > 0 && v.every(finite) ? (v as number[]) : null;
}

/** Quantiles from the raw samples (R type 7, as every summary of graphprof); the summary's p50 without them. */
export function band(samples: unknown, p50Ns: number): Band {
  const s = samplesOf(samples);
  if (!s) return { p10Ns: null, p50Ns, p90Ns: null, count: 0 };
  const x = sorted(s);
  return { p10Ns: quantileSorted(x, 0.1), p50Ns: quantileSorted(x, 0.5), p90Ns: quantileSorted(x, 0.9), count: x.length };
}

export function spread(samples: unknown): Spread | null {
  const s = samplesOf(samples);
  if (!s) return null;
  const x = sorted(s);
  return { minNs: x[0]!, p10Ns: quantileSorted(x, 0.1), p50Ns: quantileSorted(x, 0.5), p90Ns: quantileSorted(x, 0.9), maxNs: x[x.length - 1]!, count: x.length };
}

export interface RunPictureRow {
  batch: number;
  eager: Band;
  graph: Band;
  /** host cost per launch, one sample per timed iteration (docs/methodology.md) */
  launch: Spread | null;
  captureNs: number;
  instantiateNs: number;
  uploadNs: number;
  /** capture + instantiate + upload (core/run/summary.ts graphSetupNs) */
  setupNs: number;
  /** as measured: <= 0 when the graph fit memory the pool had already reserved */
  memoryBytes: number;
  nodes: number;
}

export function runPictures(r: RunResult): RunPictureRow[] {
  return r.results.map((b) => ({
    batch: b.batch,
    eager: band(b.samples?.eagerStepNs, b.eager.stepNs.p50Ns),
    graph: band(b.samples?.graphStepNs, b.graph.stepNs.p50Ns),
    launch: spread(b.samples?.eagerLaunchNs),
    captureNs: b.graph.captureNs,
    instantiateNs: b.graph.instantiateNs,
    uploadNs: b.graph.uploadNs,
    setupNs: graphSetupNs(b.graph),
    memoryBytes: b.graph.memoryBytes,
    nodes: b.graph.nodes,
  }));
}
