// The figures `graphprof trace` reports from the merged records: launch counts, totals, steps, and
// the per-step figures, divided here and nowhere else. Pure code.
import type { ApiRow, KernelRow, MemOpRow, ProfileInput } from '../analyze/schema.js';
import { dividedBy, quantileSorted, sorted } from '../stats.js';
import { mergeApi, mergeRows, stdDevNs, type RowSet, type StatRow } from './merge.js';
import type { TraceRecord } from './record.js';
import { stepFigures, type StepFigures } from './steps.js';

/** Launch, API and kernel counts of one process, or of the whole trace per step. */
export interface TraceCounts {
  launchCalls: number;
  graphLaunchCalls: number;
  apiCalls: number;
  apiNs: number;
  kernelInstances: number;
  kernelNs: number;
}

export interface ProcessSummary extends TraceCounts {
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
  complete: boolean;
  attached: boolean;
  threads: number;
  wallNs: number;
  droppedRecords: number;
  unmatchedExits: number;
  errors: string[];
}

export interface LaunchCounts {
  /** outermost kernel-launch calls, by nsys name */
  launchCalls: number;
  graphLaunchCalls: number;
  byApi: { name: string; calls: number; nestedCalls: number; totalNs: number; medNs: number }[];
}

/** Which API names count as kernel launches and graph launches (from analyze's table). */
export interface LaunchClassifier {
  isLaunch(name: string): boolean;
  isGraphLaunch(name: string): boolean;
}

export function launchCounts(api: readonly StatRow[], classify: LaunchClassifier): LaunchCounts {
  let launchCalls = 0;
  let graphLaunchCalls = 0;
  const byApi: LaunchCounts['byApi'] = [];
  for (const r of api) {
    const launch = classify.isLaunch(r.name);
    const graph = classify.isGraphLaunch(r.name);
    if (!launch && !graph) continue;
    if (launch) launchCalls += r.count;
    if (graph) graphLaunchCalls += r.count;
    byApi.push({ name: r.name, calls: r.count, nestedCalls: r.extra, totalNs: r.totalNs, medNs: r.medNs });
  }
  return { launchCalls, graphLaunchCalls, byApi };
}

/** Counts of one row set (no division). */
function countsOf(rows: RowSet, classify: LaunchClassifier): TraceCounts & { nestedCalls: number } {
  const launches = launchCounts(rows.api, classify);
  const c = { launchCalls: launches.launchCalls, graphLaunchCalls: launches.graphLaunchCalls, apiCalls: 0, apiNs: 0, kernelInstances: 0, kernelNs: 0, nestedCalls: 0 };
  for (const a of rows.api) {
    c.apiCalls += a.count;
    c.apiNs += a.totalNs;
    c.nestedCalls += a.extra;
  }
  for (const k of rows.kernels) {
    c.kernelInstances += k.count;
    c.kernelNs += k.totalNs;
  }
  return c;
}

export function summarizeProcess(r: TraceRecord, classify: LaunchClassifier): ProcessSummary {
  const c = countsOf(mergeRows([r], 'whole'), classify);
  return {
    pid: r.pid,
    ppid: r.ppid,
    exe: r.exe,
    argv: r.argv,
    complete: r.complete,
    attached: r.attached,
    threads: r.threads,
    wallNs: r.wallNs,
    launchCalls: c.launchCalls,
    graphLaunchCalls: c.graphLaunchCalls,
    apiCalls: c.apiCalls,
    apiNs: c.apiNs,
    kernelInstances: c.kernelInstances,
    kernelNs: c.kernelNs,
    droppedRecords: r.droppedRecords,
    unmatchedExits: r.unmatchedExits,
    errors: r.errors,
  };
}

/** Processes in the order they started (parents before children), by pid as a tie-break. */
export function orderRecords(records: readonly TraceRecord[]): TraceRecord[] {
  return [...records].sort((a, b) => a.pid - b.pid);
}

export interface RowFigures {
  name: string;
  count: number;
  totalNs: number;
  avgNs: number;
  medNs: number;
  minNs: number;
  maxNs: number;
  stdDevNs: number;
}

/** share: this row's part of the table's outermost-call host time (0..1) */
export type ApiFigures = RowFigures & { nestedCalls: number; share: number };
export type DeviceFigures = RowFigures & { graphInstances: number; bytes?: number };

function rowFigures(r: StatRow): RowFigures {
  return {
    name: r.name,
    count: r.count,
    totalNs: r.totalNs,
    avgNs: r.count > 0 ? r.totalNs / r.count : 0,
    medNs: r.medNs,
    minNs: r.count > 0 ? r.minNs : 0,
    maxNs: r.maxNs,
    stdDevNs: stdDevNs(r),
  };
}

/** The printed tables of one row set. */
export interface TableFigures {
  api: ApiFigures[];
  kernels: DeviceFigures[];
  memcpy: DeviceFigures[];
  memset: DeviceFigures[];
}

/** part / whole, 0 when there is no whole (an empty table) */
function shareOf(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

export function tableFigures(rows: RowSet): TableFigures {
  const device = (r: StatRow): DeviceFigures => ({ ...rowFigures(r), graphInstances: r.extra, ...(r.bytes > 0 ? { bytes: r.bytes } : {}) });
  const apiNs = rows.api.reduce((s, r) => s + r.totalNs, 0);
  return {
    api: rows.api.map((r) => ({ ...rowFigures(r), nestedCalls: r.extra, share: shareOf(r.totalNs, apiNs) })),
    kernels: rows.kernels.map(device),
    memcpy: rows.memcpy.map(device),
    memset: rows.memset.map(device),
  };
}

/**
 * One row of an nsys `*_sum` report (`trace --out`): the row's figures and its `Time (%)`, the
 * percentage of the listed rows' total time. Rows with no calls (nested-only APIs) are left out,
 * as nsys has none, and do not count in the total.
 */
export type NsysSumRow = RowFigures & { timePct: number };

export function nsysSumRows(rows: readonly StatRow[]): NsysSumRow[] {
  const used = rows.filter((r) => r.count > 0);
  let total = 0;
  for (const r of used) total += r.totalNs;
  return used.map((r) => ({ ...rowFigures(r), timePct: total > 0 ? (r.totalNs / total) * 100 : 0 }));
}

/** One NVTX range's instances, as `nvtx_sum` summarises them (durations in ns). */
export interface RangeDurations {
  /** as nsys prints a range: ":NAME" for a push/pop range in the default domain */
  range: string;
  style: 'PushPop' | 'StartEnd';
  durationsNs: readonly number[];
}

/** One `nvtx_sum` row: Time (%) is the range's part of all listed ranges' time; StdDev the sample one (n - 1), as nsys. */
export type NvtxSumRow = Omit<RowFigures, 'name'> & { timePct: number; style: RangeDurations['style']; range: string };

export function nvtxSumRows(ranges: readonly RangeDurations[]): NvtxSumRow[] {
  const used = ranges.filter((r) => r.durationsNs.length > 0);
  const totals = used.map((r) => r.durationsNs.reduce((a, b) => a + b, 0));
  const all = totals.reduce((a, b) => a + b, 0);
  return used.map((r, i) => {
    const d = sorted(r.durationsNs);
    const n = d.length;
    const total = totals[i]!;
    const mean = total / n;
    const med = quantileSorted(d, 0.5);
    let ss = 0;
    for (const v of d) ss += (v - mean) * (v - mean);
    return {
      timePct: all > 0 ? (total / all) * 100 : 0,
      count: n,
      totalNs: total,
      avgNs: mean,
      medNs: med,
      minNs: d[0]!,
      maxNs: d[n - 1]!,
      stdDevNs: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
      style: r.style,
      range: r.range,
    };
  });
}

/**
 * Per-step figures: `rows` divided by the step count. The only place a total is divided by steps.
 * scope in-steps: the rows of calls and device work inside the marked steps (what happens outside,
 * set-up and teardown, is never divided); whole-run: every row (no marker: set-up is included).
 */
export interface PerStep extends TraceCounts {
  steps: number;
  source: 'steps-flag' | 'step-marker' | 'whole-run';
  scope: 'in-steps' | 'whole-run';
}

export function perStepOf(counts: TraceCounts, steps: number, source: PerStep['source'], scope: PerStep['scope']): PerStep {
  // the counts named one by one: `counts` may carry more (nestedCalls), which is not divided
  const { launchCalls, graphLaunchCalls, apiCalls, apiNs, kernelInstances, kernelNs } = counts;
  return { steps, source, scope, ...dividedBy({ launchCalls, graphLaunchCalls, apiCalls, apiNs, kernelInstances, kernelNs }, steps) };
}

export interface TraceFigures {
  processes: ProcessSummary[];
  /** whole run, merged over every process, as the CSV reports carry them */
  rows: RowSet;
  /** inside the marked steps / outside them; null without a marker or when a record has no scoped rows (/1) */
  inSteps: RowSet | null;
  outsideSteps: RowSet | null;
  /** the rows `perStep` divides and the analysis reads: inSteps when there are marked steps, else rows */
  stepRows: RowSet;
  tables: TableFigures;
  launches: LaunchCounts;
  totals: { apiCalls: number; apiNs: number; kernelInstances: number; kernelNs: number; nestedCalls: number };
  /** counts outside the steps, never divided; null without scoped rows */
  outside: (TraceCounts & { nestedCalls: number }) | null;
  /** measured per step at the step marker; null without a marker or when no step was seen */
  steps: StepFigures | null;
  perStep: PerStep;
  activity: boolean;
  droppedRecords: number;
  /** device records in the whole-run rows that no scope holds (past the tracer's cap) */
  deviceRecordsUnattributed: number;
}

export function traceFigures(records: readonly TraceRecord[], classify: LaunchClassifier, stepsFlag: number | null, stepMarker: string | null): TraceFigures {
  const ordered = orderRecords(records);
  const rows = mergeRows(ordered, 'whole');
  const launches = launchCounts(rows.api, classify);
  const whole = countsOf(rows, classify);
  const allSteps = ordered.flatMap((r) => r.steps);
  const dropped = ordered.reduce((s, r) => s + r.stepsDropped, 0);
  const steps = stepMarker ? stepFigures(stepMarker, allSteps, dropped) : null;
  // Scoped rows only when every record that has steps carries them (a /1 record has none).
  const scoped = stepMarker !== null && steps !== null && ordered.every((r) => r.inSteps !== null || r.steps.length === 0) && ordered.some((r) => r.inSteps !== null);
  const inSteps = scoped ? mergeRows(ordered, 'inSteps') : null;
  const outsideSteps = scoped ? mergeRows(ordered, 'outsideSteps') : null;
  const stepRows = inSteps ?? rows;
  const n = stepsFlag ?? (steps ? steps.count : 1);
  const source = stepsFlag !== null ? 'steps-flag' : steps ? 'step-marker' : 'whole-run';
  return {
    processes: ordered.map((r) => summarizeProcess(r, classify)),
    rows,
    inSteps,
    outsideSteps,
    stepRows,
    tables: tableFigures(rows),
    launches,
    totals: { apiCalls: whole.apiCalls, apiNs: whole.apiNs, kernelInstances: whole.kernelInstances, kernelNs: whole.kernelNs, nestedCalls: whole.nestedCalls },
    outside: outsideSteps ? countsOf(outsideSteps, classify) : null,
    steps,
    perStep: perStepOf(countsOf(stepRows, classify), n, source, inSteps ? 'in-steps' : 'whole-run'),
    activity: ordered.every((r) => r.activity),
    droppedRecords: ordered.reduce((s, r) => s + r.droppedRecords, 0),
    deviceRecordsUnattributed: ordered.reduce((s, r) => s + r.deviceRecordsUnattributed, 0),
  };
}

/** One row set as the profile `analyze` reads from nsys stats reports (memsets among the memory operations). */
export function toProfileInput(path: string, rows: RowSet, activity: boolean): ProfileInput {
  const apiRows: ApiRow[] = rows.api
    .filter((r) => r.count > 0)
    .map((r, i) => ({ name: r.name, calls: r.count, totalNs: r.totalNs, medianNs: r.medNs, avgNs: r.totalNs / r.count, line: i + 2 }));
  const kernelRows: KernelRow[] = rows.kernels.map((k) => ({ name: k.name, instances: k.count, totalNs: k.totalNs }));
  const memRows: MemOpRow[] = [...rows.memcpy, ...rows.memset].map((m) => ({ operation: m.name, count: m.count, totalNs: m.totalNs }));
  const reports = ['cuda_api_sum', ...(activity ? ['cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum'] : [])];
  return {
    path,
    paths: [path],
    index: 0,
    reports,
    api: apiRows,
    kernels: activity ? kernelRows : null,
    memOps: activity ? memRows : null,
    traceRows: 0,
    elidedRows: 0,
  };
}
