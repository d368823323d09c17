// Where one step's time goes, for the stacked bars of analyze and trace: the eager step's host side
// (inside launch calls, syncs, other CUDA API calls, host code between calls), its GPU side (busy,
// idle), and the predicted graph step. Derived from the analysis figures only. Pure.
import type { ProfileAnalysis } from '../analyze/schema.js';

export interface StepBreakdown {
  /** the eager step W; measured (marked steps) or estimated (the analysis's latency) */
  wallNs: number;
  wallMeasured: boolean;
  host: { launchNs: number; syncNs: number; otherApiNs: number; betweenNs: number };
  /** null without GPU time in the data */
  gpu: { busyNs: number; idleNs: number } | null;
  graph: { gpuNs: number; overheadNs: number; totalNs: number };
}

/**
 * `measuredWallNs`: the median marked-step duration where the data has one (trace with a step
 * marker); otherwise the analysis's eager step, which is estimated.
 */
export function stepBreakdown(p: ProfileAnalysis, measuredWallNs: number | null): StepBreakdown {
  const s = p.perStep;
  const wallNs = measuredWallNs ?? p.prediction.eagerStepNs;
  const launchNs = Math.max(0, s.launchTotalNs);
  const syncNs = Math.max(0, s.syncNs);
  const otherApiNs = Math.max(0, s.hostApiNs - launchNs - syncNs);
  const betweenNs = Math.max(0, wallNs - launchNs - syncNs - otherApiNs);
  const g = s.gpuKernelNs;
  const gpu = g === null ? null : { busyNs: g, idleNs: Math.max(0, wallNs - g) };
  const predicted = p.prediction.graphStepNs;
  const gpuPart = g === null ? Math.max(0, predicted - p.prediction.perNodeReplayNs * s.launchCalls - p.prediction.graphLaunchNs) : Math.min(g, predicted);
  return {
    wallNs,
    wallMeasured: measuredWallNs !== null,
    host: { launchNs, syncNs, otherApiNs, betweenNs },
    gpu,
    graph: { gpuNs: gpuPart, overheadNs: Math.max(0, predicted - gpuPart), totalNs: predicted },
  };
}
