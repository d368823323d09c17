// Raw per-iteration samples from the harness -> the figures `run` reports for one batch size.
import { removedShare, speedup, verdict } from '../overhead.js';
import type { RunBatchResult } from '../schema.js';
import { toTimingSummary } from '../schema.js';
import { summarize } from '../stats.js';

/** What the harness returns for one batch size (samples in ns, one per timed iteration). */
export interface RawBatch {
  batch: number;
  eager: {
    wallNs: number[];
    enqueueNs: number[];
    launchNs: number[];
    hostOverheadNs: number[];
    deviceNs: number[];
  };
  graph: {
    captureNs: number;
    instantiateNs: number;
    uploadNs: number;
    memoryBytes: number;
    nodes: number;
    launchNs: number[];
    wallNs: number[];
    deviceNs: number[];
  };
  checksum: { expected: string; eager: string; graph: string };
}

export function summarizeBatch(raw: RawBatch): RunBatchResult {
  const eagerStep = toTimingSummary(summarize(raw.eager.wallNs));
  const eagerEnqueue = toTimingSummary(summarize(raw.eager.enqueueNs));
  const graphStep = toTimingSummary(summarize(raw.graph.wallNs));
  const graphDevice = toTimingSummary(summarize(raw.graph.deviceNs));
  const { expected, eager, graph } = raw.checksum;
  return {
    batch: raw.batch,
    eager: {
      stepNs: eagerStep,
      enqueueNs: eagerEnqueue,
      launchNs: toTimingSummary(summarize(raw.eager.launchNs)),
      hostOverheadNs: toTimingSummary(summarize(raw.eager.hostOverheadNs)),
      deviceNs: toTimingSummary(summarize(raw.eager.deviceNs)),
    },
    graph: {
      captureNs: raw.graph.captureNs,
      instantiateNs: raw.graph.instantiateNs,
      uploadNs: raw.graph.uploadNs,
      memoryBytes: raw.graph.memoryBytes,
      nodes: raw.graph.nodes,
      launchNs: toTimingSummary(summarize(raw.graph.launchNs)),
      stepNs: graphStep,
      deviceNs: graphDevice,
      devicePerNodeNs: raw.graph.nodes > 0 ? graphDevice.p50Ns / raw.graph.nodes : NaN,
    },
    speedup: speedup(eagerStep.p50Ns, graphStep.p50Ns),
    overheadShare: removedShare(eagerStep.p50Ns, graphStep.p50Ns),
    verdict: verdict(eagerEnqueue.p50Ns, graphDevice.p50Ns),
    checksum: { expected, eager, graph, ok: eager === expected && graph === expected },
    samples: {
      eagerStepNs: raw.eager.wallNs,
      eagerEnqueueNs: raw.eager.enqueueNs,
      eagerLaunchNs: raw.eager.launchNs,
      eagerDeviceNs: raw.eager.deviceNs,
      graphStepNs: raw.graph.wallNs,
      graphLaunchNs: raw.graph.launchNs,
      graphDeviceNs: raw.graph.deviceNs,
    },
  };
}

/** Which mode's checksum is wrong, for the error message; null when both match. */
export function checksumFailure(r: RunBatchResult): string | null {
  const bad: string[] = [];
  if (r.checksum.eager !== r.checksum.expected) bad.push(`eager (got ${r.checksum.eager})`);
  if (r.checksum.graph !== r.checksum.expected) bad.push(`graph replay (got ${r.checksum.graph})`);
  if (bad.length === 0) return null;
  return `checksum mismatch at batch size ${r.batch}: ${bad.join(' and ')}, expected ${r.checksum.expected}; not every kernel ran once in order`;
}
