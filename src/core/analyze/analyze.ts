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
  RangeRow,
} from './schema.js';
import { classifyApi, type ApiClass } from './launch-apis.js';
import { DEFAULT_REPLAY_MODEL, stepModel, type NodeGroup, type ReplayModel, type StepWall } from './step-model.js';
import { dividedBy, quantileSorted, sorted } from '../stats.js';
import { formatCount, formatDuration, formatShare } from '../units.js';

export * from './schema.js';

export { DEFAULT_REPLAY_MODEL };

export interface AnalyzeOptions {
  /** --steps; null: the instances of --step-range, else the source's own step count, else 1 */
  steps: number | null;
  /** --step-range NAME: the NVTX range whose durations are the eager step */
  stepRange: string | null;
  /** --step-time: the eager step as the user gives it */
  stepTimeNs: number | null;
  replay: ReplayModel;
  /** what adds device times / a step time, as the calling command spells it */
  gpuHint: string;
  wallHint: string;
}

export const ANALYZE_HINTS = {
  gpuHint: 'add the cuda_gpu_kern_sum report (nsys stats --report cuda_gpu_kern_sum, with cuda_gpu_mem_time_sum for copies)',
  wallHint: 'add an nvtx_sum report and --step-range NAME, or give --step-time',
} as const;

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

/** nsys prints a push/pop range as ":NAME" (no domain) or "DOMAIN:NAME"; the user names NAME or the whole. */
export function findRange(ranges: readonly RangeRow[], name: string): RangeRow | null {
  const exact = ranges.find((r) => r.name === name);
  if (exact) return exact;
  const matches = ranges.filter((r) => r.name.replace(/^[^:]*:/, '') === name);
  return matches.length === 1 ? matches[0]! : null;
}

/** The measured eager step from an NVTX range (nvtx_sum: median, min, max; a trace: every duration). */
export function stepWallOfRange(r: RangeRow): StepWall {
  const d = r.durationsNs ? sorted(r.durationsNs) : null;
  const med = d && d.length > 0 ? quantileSorted(d, 0.5) : r.medianNs ?? r.totalNs / r.instances;
  return {
    medianNs: med,
    minNs: d && d.length > 0 ? d[0]! : r.minNs ?? med,
    maxNs: d && d.length > 0 ? d[d.length - 1]! : r.maxNs ?? med,
    p10Ns: d && d.length > 0 ? quantileSorted(d, 0.1) : null,
    p90Ns: d && d.length > 0 ? quantileSorted(d, 0.9) : null,
    count: r.instances,
    source: `NVTX range "${r.name}", ${formatCount(r.instances)} instances${r.medianNs === null && !d ? ' (mean: the report has no median)' : ''}`,
  };
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
  let range: RangeRow | null = null;
  if (o.stepRange !== null) {
    if (!p.ranges) throw new RangeError(`--step-range ${o.stepRange}: ${p.path} has no nvtx_sum or nvtx_pushpop_trace report (nsys stats --report nvtx_sum)`);
    range = findRange(p.ranges, o.stepRange);
    if (!range) throw new RangeError(`--step-range ${o.stepRange}: no NVTX range of that name in ${p.path} (ranges: ${p.ranges.slice(0, 5).map((r) => r.name).join(', ')}${p.ranges.length > 5 ? ', ...' : ''})`);
  }
  const wall = range ? stepWallOfRange(range) : p.stepWall ?? null;
  const steps = o.steps ?? (range ? range.instances : p.stepWall ? p.stepWall.count : 1);
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
  const per = (n: number | null | undefined): number | null => (n === null || n === undefined ? null : n / steps);
  const perStep = {
    ...dividedBy(
      {
        launchCalls: launchGroup.calls,
        launchNs: costNs,
        launchTotalNs: launchGroup.totalNs,
        backPressureNs: launches.backPressureNs,
        graphLaunchCalls: graphLaunches.calls,
        memcpyCalls: memcpy.calls,
        memcpyNs: memcpy.totalNs,
        memsetCalls: memset.calls,
        syncCalls: sync.calls,
        syncNs: sync.totalNs,
        allocCalls: alloc.calls,
        hostApiNs: hostApi.totalNs,
        hostEnqueueNs,
      },
      steps,
    ),
    gpuKernelNs: per(kernelNs),
    gpuKernelInstances: per(kernelInstances),
  };

  // the step model: W, G, P (src/core/analyze/step-model.ts)
  const nodes: NodeGroup[] = [
    ...(p.kernels ?? []).map((k) => ({ name: k.name, count: k.instances / steps, totalNs: k.totalNs / steps, minNs: k.minNs ?? null, maxNs: k.maxNs ?? null, repeats: (k.repeats ?? 0) / steps })),
    ...(p.memOps ?? []).map((m) => ({ name: m.operation, count: m.count / steps, totalNs: m.totalNs / steps, minNs: m.minNs ?? null, maxNs: m.maxNs ?? null })),
  ];
  const ordered = p.kernelOrder != null && (p.kernels ?? []).every((k) => k.repeats != null);
  // memory operations never repeat a kernel; only the kernel groups (the first ones) get a bound
  if (!ordered) {
    const total = nodes.reduce((a, g) => a + (g.count > 0 ? g.count : 0), 0);
    for (const g of nodes.slice(0, (p.kernels ?? []).length)) g.repeats = repeatsByCount(g.count, total);
  }
  const repeatsFrom = ordered ? p.kernelOrder! : 'no kernel order in the report: the fewest repeats the counts allow';
  const model = stepModel(
    {
      wall,
      givenStepNs: o.stepTimeNs,
      gpu: kernelNs === null ? null : { kernelNs: kernelNs / steps, memOpNs: (memOpsNs ?? 0) / steps, busyNs: per(p.gpuBusyNs), nodes, repeatsFrom },
      launchCalls: perStep.launchCalls,
      launchCallNs: perStep.launchNs,
      hostApiNs: perStep.hostApiNs,
      gpuHint: o.gpuHint,
      wallHint: o.wallHint,
    },
    o.replay,
  );
  const stepLatencyNs = model.eagerStepNs.value!;
  const stepLatencySource: ProfileAnalysis['stepLatencySource'] = wall ? (range ? 'step-range' : 'trace-steps') : o.stepTimeNs !== null ? 'step-time' : 'estimated';
  const prediction: ProfileAnalysis['prediction'] = {
    eagerStepNs: stepLatencyNs,
    graphStepNs: model.graphStepNs.value,
    speedup: model.speedup.value,
    savedPerStepNs: model.savedNs.value,
    method: model.graphStepNs.value === null ? 'none' : 'node-replay',
    floorNs: o.replay.floorNs,
    gapNs: o.replay.gapNs,
    repeatNs: o.replay.repeatNs,
    graphLaunchNs: o.replay.graphLaunchNs,
  };
  const verdict: AnalyzeVerdict = graphLaunches.calls > 0 ? 'already-graphed' : model.verdict;
  const verdictBasis = verdict === 'unknown' ? null : model.eagerStepNs.basis === 'measured' && model.gpuStepNs.basis === 'measured' ? 'measured' : 'estimated';

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
    overheadShare: model.overheadShare.value,
    prediction,
    verdict,
    verdictBasis,
    model,
    findings: [],
    traceRows: p.traceRows,
    elidedRows: p.elidedRows,
  };
  analysis.findings = findingsOf(analysis);
  return analysis;
}

/**
 * The fewest instances of one kernel that must follow an instance of the same kernel when a step
 * of n nodes holds c of them and nothing else is known of the order: c - 1 when the step holds only
 * that kernel, none when the others can separate every pair (2c - n - 1, at least 0). Exact for a
 * one-kernel step such as graphprof run's; a framework's step (many kernels) gets none.
 */
function repeatsByCount(count: number, n: number): number {
  return Math.max(0, 2 * count - n - 1);
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
      message: `no cuda_gpu_kern_sum report: GPU time is unknown, so no verdict and no predicted graph step are given (add --report cuda_gpu_kern_sum to nsys stats)`,
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
