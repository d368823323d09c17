// Raw per-iteration samples from the harness -> the figures `run` reports for one batch size.
import { removedShare, speedup, verdict } from '../overhead.js';
import type { BatchSamples, RunBatchResult, Summarized } from '../schema.js';
import { summarizeNs } from '../stats.js';

/** Each series of a record replaced by its summary; other fields kept, in their order. */
function summarizeSeries<T extends object>(record: T): Summarized<T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Array.isArray(v) ? summarizeNs(v) : v])) as Summarized<T>;
}

export function summarizeBatch(raw: BatchSamples): RunBatchResult {
  const eager = summarizeSeries(raw.eager);
  const graph = summarizeSeries(raw.graph);
  const { expected } = raw.checksum;
  return {
    batch: raw.batch,
    eager,
    graph: { ...graph, devicePerNodeNs: raw.graph.nodes > 0 ? graph.deviceNs.p50Ns / raw.graph.nodes : NaN },
    speedup: speedup(eager.stepNs.p50Ns, graph.stepNs.p50Ns),
    overheadShare: removedShare(eager.stepNs.p50Ns, graph.stepNs.p50Ns),
    verdict: verdict(eager.enqueueNs.p50Ns, graph.deviceNs.p50Ns),
    checksum: { ...raw.checksum, ok: raw.checksum.eager === expected && raw.checksum.graph === expected },
    samples: {
      eagerStepNs: raw.eager.stepNs,
      eagerEnqueueNs: raw.eager.enqueueNs,
      eagerLaunchNs: raw.eager.launchNs,
      eagerDeviceNs: raw.eager.deviceNs,
      graphStepNs: raw.graph.stepNs,
      graphLaunchNs: raw.graph.launchNs,
      graphDeviceNs: raw.graph.deviceNs,
    },
  };
}

type GraphSetup = Pick<BatchSamples['graph'], 'captureNs' | 'instantiateNs' | 'uploadNs'>;

/** Host time to make a captured graph ready to replay: instantiate + upload. */
export function instantiateUploadNs(g: Omit<GraphSetup, 'captureNs'>): number {
  return g.instantiateNs + g.uploadNs;
}

/** Host time to set a graph up: capture + instantiate + upload (what an engine pays per size at start-up). */
export function graphSetupNs(g: GraphSetup): number {
  return g.captureNs + g.instantiateNs + g.uploadNs;
}

/** Which mode's checksum is wrong, for the error message; null when both match. */
export function checksumFailure(r: RunBatchResult): string | null {
  const bad: string[] = [];
  if (r.checksum.eager !== r.checksum.expected) bad.push(`eager (got ${r.checksum.eager})`);
  if (r.checksum.graph !== r.checksum.expected) bad.push(`graph replay (got ${r.checksum.graph})`);
  if (bad.length === 0) return null;
  return `checksum mismatch at batch size ${r.batch}: ${bad.join(' and ')}, expected ${r.checksum.expected}; not every kernel ran once in order`;
}
