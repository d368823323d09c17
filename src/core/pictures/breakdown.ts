// Where one step's time goes, for the stacked bars of analyze and trace: the eager step's host side
// (inside launch calls, syncs, other CUDA API calls, host code between calls), its GPU side (busy,
// idle), and the predicted graph step, all from the step model of the analysis (W, G, P with their
// basis; docs/analyze.md, "The step model"). Pure.
import type { ProfileAnalysis } from '../analyze/schema.js';
import type { Basis } from '../analyze/step-model.js';

export interface StepBreakdown {
  /** the eager step W */
  wallNs: number;
  wallBasis: Basis | null;
  host: { launchNs: number; syncNs: number; otherApiNs: number; betweenNs: number };
  /** G and the rest of W; null without GPU time in the data */
  gpu: { busyNs: number; idleNs: number; basis: Basis | null; kind: 'busy' | 'sum' | null } | null;
  /** P = node replay + one graph launch, node replay split into the kernels' own time and the rest; null without G */
  graph: { gpuNs: number; replayOverheadNs: number; launchNs: number; totalNs: number } | null;
  /** what is missing for the figures that are null, and the flag that adds it */
  missing: string[];
}

export function stepBreakdown(p: ProfileAnalysis): StepBreakdown {
  const s = p.perStep;
  const m = p.model;
  const wallNs = m.eagerStepNs.value ?? p.stepLatencyNs;
  const launchNs = Math.max(0, s.launchTotalNs);
  const syncNs = Math.max(0, s.syncNs);
  const otherApiNs = Math.max(0, s.hostApiNs - launchNs - syncNs);
  const betweenNs = Math.max(0, wallNs - launchNs - syncNs - otherApiNs);
  const G = m.gpuStepNs.value;
  const gpu = G === null ? null : { busyNs: G, idleNs: Math.max(0, wallNs - G), basis: m.gpuStepNs.basis, kind: m.gpuStepNs.kind };
  const P = m.graphStepNs.value;
  let graph: StepBreakdown['graph'] = null;
  if (P !== null) {
    const launch = m.graphStepNs.graphLaunchNs;
    const replay = m.graphStepNs.replayNs ?? Math.max(0, P - launch);
    const own = G === null ? replay : Math.min(G, replay);
    graph = { gpuNs: own, replayOverheadNs: Math.max(0, replay - own), launchNs: launch, totalNs: P };
  }
  return { wallNs, wallBasis: m.eagerStepNs.basis, host: { launchNs, syncNs, otherApiNs, betweenNs }, gpu, graph, missing: [...m.missing] };
}
