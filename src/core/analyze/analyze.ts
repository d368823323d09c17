// The analysis behind `graphprof analyze`: pure functions from profiles read out of nsys stats
// reports to per-step figures, the overhead share, a prediction of what CUDA graphs would save, a
// verdict and the findings that stand in the way of capture. Every figure's method is written up
// in docs/analyze.md; change the two together.
import type {
  AnalyzeVerdict,
  ApiFigure,
  ApiGroup,
  ApiRow,
  Finding,
  ProfileAnalysis,
  ProfileDifference,
  ProfileInput,
  ReplayCost,
} from './schema.js';
import { classifyApi, type ApiClass } from './launch-apis.js';
import { speedup, verdict as overheadVerdict } from '../overhead.js';
import type { RunResult } from '../schema.js';
import { median } from '../stats.js';
import { formatCount, formatDuration, formatShare } from '../units.js';

export * from './schema.js';

/**
 * Default replay costs when no --calibration is given: reference figures seen on an H200 with
 * driver 580 and CUDA 13.0 (DESIGN.md), not measurements of the user's machine.
 */
export const DEFAULT_REPLAY_COST: ReplayCost = Object.freeze({
  perNodeReplayNs: 500,
  graphLaunchNs: 2100,
  source: 'default: reference figures seen on an H200 (driver 580, CUDA 13.0), not measured on this machine',
  notes: [],
}) as ReplayCost;

export interface AnalyzeOptions {
  steps: number;
  targetLatencyNs: number | null;
  replay: ReplayCost;
}

/** Back-pressure above this share of the launch calls' total time is worth a finding. */
const BACK_PRESSURE_FINDING_SHARE = 0.1;

/** median x calls where the median is known and does not exceed the mean; else the total. */
export function launchCost(row: Pick<ApiRow, 'calls' | 'totalNs' | 'medianNs'>): { costNs: number; fromMedian: boolean } {
  if (row.medianNs === null || !Number.isFinite(row.medianNs)) return { costNs: row.totalNs, fromMedian: false };
  return { costNs: Math.min(row.medianNs * row.calls, row.totalNs), fromMedian: true };
}

function figure(row: ApiRow): ApiFigure {
  return { name: row.name, calls: row.calls, totalNs: row.totalNs, medianNs: row.medianNs, costNs: launchCost(row).costNs };
}

function group(rows: ApiRow[]): ApiGroup {
  const byApi = rows.map(figure).sort((a, b) => b.totalNs - a.totalNs);
  return { calls: sum(byApi.map((r) => r.calls)), totalNs: sum(byApi.map((r) => r.totalNs)), byApi };
}

function sum(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function costOf(g: ApiGroup): number {
  return sum(g.byApi.map((r) => r.costNs));
}

/** Replay cost from a `graphprof run --json` result (docs/analyze.md, "Calibration"). */
export function replayCostFromRun(run: RunResult, source: string): ReplayCost {
  if (typeof run.workload !== 'object' || run.workload === null) throw new RangeError('it has no "workload" object (the configuration the run measured)');
  const results = run.results.filter((b) => b.graph && Number.isFinite(b.graph.devicePerNodeNs) && b.graph.nodes > 0);
  if (results.length === 0) throw new RangeError('it holds no measured batch size with graph figures');
  const notes: string[] = [];
  const w = run.workload;
  const perNode = results.map((b) => {
    const work = w.kernel === 'spin' ? (w.kernelNs * w.kernels) / b.graph.nodes : 0;
    return b.graph.devicePerNodeNs - work;
  });
  let perNodeReplayNs = median(perNode);
  if (w.kernel === 'copy') {
    notes.push("the calibration ran copy kernels, whose work cannot be told apart from the per-node cost: the per-node figure includes each kernel's copy and overstates the replay cost");
  }
  if (w.kernel === 'spin') notes.push(`per-node cost = median over batch sizes of (graph device time per node - ${formatDuration(w.kernelNs)} spin work x ${w.kernels} kernels / nodes)`);
  if (!(perNodeReplayNs >= 0)) {
    notes.push(`the calibration gave a negative per-node cost (${formatDuration(perNodeReplayNs)}): the spin kernels ran shorter than asked; 0 is used`);
    perNodeReplayNs = 0;
  }
  const graphLaunchNs = median(results.map((b) => b.graph.launchNs.p50Ns));
  return { perNodeReplayNs, graphLaunchNs, source, notes };
}

function pick(rows: readonly ApiRow[]): Map<ApiClass | 'unknown', ApiRow[]> & { blockingAlloc: ApiRow[] } {
  const m = new Map<ApiClass | 'unknown', ApiRow[]>() as Map<ApiClass | 'unknown', ApiRow[]> & { blockingAlloc: ApiRow[] };
  m.blockingAlloc = [];
  for (const r of rows) {
    const c = classifyApi(r.name);
    const key = c.rule?.cls ?? 'unknown';
    if (!m.has(key)) m.set(key, []);
    m.get(key)!.push(r);
    if ((key === 'alloc' || key === 'free') && c.rule?.blocksCapture) m.blockingAlloc.push(r);
  }
  return m;
}

function topNames(g: ApiGroup, n = 3): string {
  return g.byApi
    .slice(0, n)
    .map((a) => `${a.name} ${formatCount(a.calls)}`)
    .join(', ');
}

/** Per-step figures, share, prediction, verdict and findings of one profile. */
export function analyzeProfile(p: ProfileInput, o: AnalyzeOptions): ProfileAnalysis {
  const steps = o.steps;
  const rows = pick(p.api);
  const get = (c: ApiClass | 'unknown'): ApiRow[] => rows.get(c) ?? [];

  const launchGroup = group(get('kernel-launch'));
  const launchRows = get('kernel-launch');
  const medianKnown = launchRows.filter((r) => launchCost(r).fromMedian).length;
  const costNs = costOf(launchGroup);
  const launches = {
    ...launchGroup,
    costNs,
    backPressureNs: Math.max(0, launchGroup.totalNs - costNs),
    costMethod: (medianKnown === launchRows.length ? 'median' : medianKnown === 0 ? 'total' : 'mixed') as 'median' | 'total' | 'mixed',
  };
  if (launchRows.length === 0) launches.costMethod = 'median';
  const graphLaunches = group(get('graph-launch'));
  const memcpy = group(get('memcpy'));
  const memset = group(get('memset'));
  const sync = group(get('sync'));
  const alloc = group(rows.blockingAlloc);
  const hostApi = { calls: sum(p.api.map((r) => r.calls)), totalNs: sum(p.api.map((r) => r.totalNs)) };
  const unknownApis = get('unknown')
    .map((r) => ({ name: r.name, calls: r.calls, totalNs: r.totalNs }))
    .sort((a, b) => b.totalNs - a.totalNs);

  const kernelNs = p.kernels ? sum(p.kernels.map((k) => k.totalNs)) : null;
  const kernelInstances = p.kernels ? sum(p.kernels.map((k) => k.instances)) : null;
  const memOpsNs = p.memOps ? sum(p.memOps.map((m) => m.totalNs)) : null;

  const hostEnqueueNs = costNs + costOf(graphLaunches) + costOf(memcpy) + costOf(memset);
  const perStep = {
    launchCalls: launchGroup.calls / steps,
    launchNs: costNs / steps,
    launchTotalNs: launchGroup.totalNs / steps,
    backPressureNs: launches.backPressureNs / steps,
    graphLaunchCalls: graphLaunches.calls / steps,
    memcpyCalls: memcpy.calls / steps,
    memcpyNs: memcpy.totalNs / steps,
    memsetCalls: memset.calls / steps,
    syncCalls: sync.calls / steps,
    syncNs: sync.totalNs / steps,
    allocCalls: alloc.calls / steps,
    hostApiNs: hostApi.totalNs / steps,
    hostEnqueueNs: hostEnqueueNs / steps,
    gpuKernelNs: kernelNs === null ? null : kernelNs / steps,
    gpuKernelInstances: kernelInstances === null ? null : kernelInstances / steps,
  };

  let stepLatencyNs: number;
  let stepLatencySource: ProfileAnalysis['stepLatencySource'];
  if (o.targetLatencyNs !== null) {
    stepLatencyNs = o.targetLatencyNs;
    stepLatencySource = 'target-latency';
  } else if (perStep.gpuKernelNs !== null && perStep.gpuKernelNs > perStep.hostApiNs) {
    stepLatencyNs = perStep.gpuKernelNs;
    stepLatencySource = 'gpu-kernel-time';
  } else {
    stepLatencyNs = perStep.hostApiNs;
    stepLatencySource = 'host-api-time';
  }
  const overheadShare = stepLatencyNs > 0 ? perStep.launchNs / stepLatencyNs : NaN;

  // prediction
  const { perNodeReplayNs, graphLaunchNs } = o.replay;
  const replayNs = perStep.launchCalls * perNodeReplayNs;
  let eagerStepNs: number;
  let graphStepNs: number;
  let method: ProfileAnalysis['prediction']['method'];
  let gpuForVerdict: number;
  if (perStep.gpuKernelNs !== null) {
    method = 'max-host-gpu';
    eagerStepNs = Math.max(perStep.hostEnqueueNs, perStep.gpuKernelNs);
    graphStepNs = Math.max(graphLaunchNs, perStep.gpuKernelNs + replayNs);
    gpuForVerdict = perStep.gpuKernelNs;
  } else {
    method = 'latency-minus-launch-cost';
    eagerStepNs = stepLatencyNs;
    graphStepNs = Math.max(graphLaunchNs, stepLatencyNs - perStep.launchNs + replayNs);
    gpuForVerdict = Math.max(0, stepLatencyNs - perStep.hostEnqueueNs);
  }
  const prediction = {
    eagerStepNs,
    graphStepNs,
    speedup: speedup(eagerStepNs, graphStepNs),
    savedPerStepNs: eagerStepNs - graphStepNs,
    method,
    perNodeReplayNs,
    graphLaunchNs,
  };
  const verdict: AnalyzeVerdict = graphLaunches.calls > 0 ? 'already-graphed' : overheadVerdict(perStep.hostEnqueueNs, gpuForVerdict);
  const verdictBasis = perStep.gpuKernelNs !== null ? 'measured' : 'estimated';

  const analysis: ProfileAnalysis = {
    source: { path: p.path, paths: p.paths, index: p.index, reports: p.reports },
    launches,
    graphLaunches,
    memcpy,
    memset,
    sync,
    alloc,
    hostApi,
    gpu: { kernelNs, kernelInstances, memOpsNs, memOps: p.memOps },
    unknownApis,
    steps,
    perStep,
    stepLatencyNs,
    stepLatencySource,
    overheadShare,
    prediction,
    verdict,
    verdictBasis,
    findings: [],
    traceRows: p.traceRows,
    elidedRows: p.elidedRows,
  };
  analysis.findings = findingsOf(analysis);
  return analysis;
}

/** What blocks or limits capture, and what the reader should know about the figures. */
export function findingsOf(a: ProfileAnalysis): Finding[] {
  const f: Finding[] = [];
  const s = a.perStep;
  const per = a.steps === 1 ? 'per step' : `per step (of ${formatCount(a.steps)})`;
  const n = (x: number): string => (Number.isInteger(x) ? formatCount(x) : x.toFixed(2));
  if (a.sync.calls > 0) {
    f.push({
      id: 'host-sync',
      severity: 'blocker',
      count: s.syncCalls,
      message: `${n(s.syncCalls)} host synchronisations ${per} (${topNames(a.sync)}): a sync cannot be captured, so each one splits the step into separate graphs; move them out of the step or replace them with stream/event dependencies`,
    });
  }
  if (a.memcpy.calls > 0) {
    const ops = a.gpu.memOps?.filter((m) => /HtoD|DtoH|Host-to-Device|Device-to-Host/i.test(m.operation));
    const dir = ops && ops.length > 0 ? `; the GPU saw ${ops.map((m) => `${formatCount(m.count / a.steps)} ${m.operation}`).join(', ')} ${per}` : '';
    f.push({
      id: 'host-device-copy',
      severity: 'warning',
      count: s.memcpyCalls,
      message: `${n(s.memcpyCalls)} memory copies ${per} (${topNames(a.memcpy)})${dir}: a synchronous cudaMemcpy or a copy from pageable host memory cannot be captured; use pinned buffers at fixed addresses with cudaMemcpyAsync, or keep the copies outside the graph`,
    });
  }
  if (a.alloc.calls > 0) {
    f.push({
      id: 'alloc-in-loop',
      severity: 'blocker',
      count: s.allocCalls,
      message: `${n(s.allocCalls)} blocking allocations or frees ${per} (${topNames(a.alloc)}): cudaMalloc/cudaFree cannot be captured and a graph replays fixed addresses; allocate once before the loop (or use cudaMallocAsync from a pool). With --steps covering a whole run, one-off setup allocations land here too`,
    });
  }
  if (a.launches.totalNs > 0 && a.launches.backPressureNs > BACK_PRESSURE_FINDING_SHARE * a.launches.totalNs) {
    f.push({
      id: 'back-pressure',
      severity: 'info',
      count: s.launchCalls,
      message: `launch calls waited ${formatDuration(s.backPressureNs)} ${per} beyond their median cost (${formatShare(a.launches.backPressureNs / a.launches.totalNs)} of their ${formatDuration(s.launchTotalNs)}): the launch queue was full, a sign the GPU was the bottleneck while they waited; that time is not launch overhead`,
    });
  }
  if (a.launches.calls > 0 && a.launches.costMethod !== 'median') {
    f.push({
      id: 'no-median',
      severity: 'info',
      count: s.launchCalls,
      message: `the report has no median (Med) column for ${a.launches.costMethod === 'total' ? 'the launch APIs' : 'some launch APIs'}, so their whole Total Time counts as launch cost; any time spent waiting on a full launch queue is included (use nsys 2021.2 or later for Med)`,
    });
  }
  if (a.graphLaunches.calls > 0) {
    f.push({
      id: 'graph-launches',
      severity: 'info',
      count: s.graphLaunchCalls,
      message: `${n(s.graphLaunchCalls)} graph launches ${per} (${topNames(a.graphLaunches)}) beside ${n(s.launchCalls)} eager kernel launches: part of the step is already captured; the prediction covers the eager launches only`,
    });
  }
  if (a.gpu.kernelNs === null) {
    f.push({
      id: 'no-gpu-data',
      severity: 'info',
      count: 0,
      message: `no cuda_gpu_kern_sum report: GPU time is unknown, so the verdict is estimated and the prediction replaces launch cost with replay cost inside the step latency (add --report cuda_gpu_kern_sum to nsys stats)`,
    });
  }
  if (a.unknownApis.length > 0) {
    f.push({
      id: 'unknown-apis',
      severity: 'info',
      count: a.unknownApis.length,
      message: `${a.unknownApis.length} API names are not in graphprof's table and count in host API time only: ${a.unknownApis
        .slice(0, 5)
        .map((u) => u.name)
        .join(', ')}${a.unknownApis.length > 5 ? ', ...' : ''}`,
    });
  }
  if (a.elidedRows > 0) {
    f.push({
      id: 'elided-rows',
      severity: 'info',
      count: a.elidedRows,
      message: `the pasted table left out rows ("..."): figures cover the rows shown only`,
    });
  }
  return f;
}

/** What changed from one profile to the next (before -> after, and the change as after/before - 1). */
export function diffProfiles(a: ProfileAnalysis, b: ProfileAnalysis, from: number, to: number): ProfileDifference {
  const items: ProfileDifference['items'] = [];
  const add = (key: string, label: string, kind: ProfileDifference['items'][number]['kind'], before: number | null, after: number | null, relative = true): void => {
    let change: number | null = null;
    if (before !== null && after !== null && Number.isFinite(before) && Number.isFinite(after)) {
      change = relative ? (before !== 0 ? after / before - 1 : after === 0 ? 0 : null) : after - before;
    }
    items.push({ key, label, kind, before, after, change });
  };
  add('perStep.launchCalls', 'launch calls per step', 'count', a.perStep.launchCalls, b.perStep.launchCalls);
  add('perStep.launchNs', 'launch cost per step', 'duration', a.perStep.launchNs, b.perStep.launchNs);
  add('perStep.backPressureNs', 'back-pressure per step', 'duration', a.perStep.backPressureNs, b.perStep.backPressureNs);
  add('perStep.graphLaunchCalls', 'graph launches per step', 'count', a.perStep.graphLaunchCalls, b.perStep.graphLaunchCalls);
  add('perStep.syncCalls', 'syncs per step', 'count', a.perStep.syncCalls, b.perStep.syncCalls);
  add('perStep.memcpyCalls', 'copies per step', 'count', a.perStep.memcpyCalls, b.perStep.memcpyCalls);
  add('perStep.hostApiNs', 'host API time per step', 'duration', a.perStep.hostApiNs, b.perStep.hostApiNs);
  add('perStep.gpuKernelNs', 'GPU kernel time per step', 'duration', a.perStep.gpuKernelNs, b.perStep.gpuKernelNs);
  add('stepLatencyNs', 'step latency', 'duration', a.stepLatencyNs, b.stepLatencyNs);
  add('overheadShare', 'overhead share', 'share', a.overheadShare, b.overheadShare, false);
  add('prediction.speedup', 'predicted graph speedup', 'ratio', a.prediction.speedup, b.prediction.speedup);
  return { from, to, items, verdict: { before: a.verdict, after: b.verdict } };
}

export function analyzeProfiles(profiles: readonly ProfileInput[], o: AnalyzeOptions): { profiles: ProfileAnalysis[]; differences: ProfileDifference[] } {
  const analyses = profiles.map((p) => analyzeProfile(p, o));
  const differences: ProfileDifference[] = [];
  for (let i = 1; i < analyses.length; i++) differences.push(diffProfiles(analyses[i - 1]!, analyses[i]!, i - 1, i));
  return { profiles: analyses, differences };
}
