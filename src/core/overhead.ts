// The overhead model shared by `run` and `analyze`: what share of a step is launch overhead, what
// a graph would save, and whether the step is bound by the host's launches or by the GPU.
import type { Verdict } from './schema.js';

/** eager / graph; how many times faster the replayed graph is. */
export function speedup(eagerStepNs: number, graphStepNs: number): number {
  return graphStepNs > 0 ? eagerStepNs / graphStepNs : NaN;
}

/** The share of the eager step that graph replay removes: 1 - graph / eager (negative when graphs lose). */
export function removedShare(eagerStepNs: number, graphStepNs: number): number {
  if (!(eagerStepNs > 0)) return NaN;
  return 1 - graphStepNs / eagerStepNs;
}

/**
 * launch-bound when the host needs longer to issue the step than the GPU needs to run it (taking
 * the graph's device time as the GPU's own work, since replay removes the launch gaps).
 */
export function verdict(hostEnqueueNs: number, gpuWorkNs: number): Verdict {
  return hostEnqueueNs > gpuWorkNs ? 'launch-bound' : 'gpu-bound';
}
