// `graphprof trace`: the records that the injection library (native/trace/inject.cc) writes, one
// per traced process, and the pure functions that check, merge and summarise them. No I/O here.
// Figures are in base units: `Ns` nanoseconds, `Ns2` square nanoseconds, counts plain numbers.
import { ValueError } from '../errors.js';
import type { ApiRow, KernelRow, MemOpRow, ProfileAnalysis, ProfileInput } from './analyze/schema.js';
import type { ToolInfo } from './schema.js';
import { summarize, type Summary } from './stats.js';

export const TRACE_RECORD_SCHEMA = 'graphprof-trace-record/1';

// ---- the log-bucketed histogram (the same scheme as native/trace/histogram.h) -------------------
// Values below 32 ns have a bucket each; above, each power of two is cut into 32 equal buckets, so
// a bucket's midpoint is within 1/64 (1.6%) of any value in it. The last bucket holds 2^43 ns up.

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 42;
export const HISTOGRAM_BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;
/** Worst relative error of a histogram median against the exact one, for values >= 32 ns. */
export const HISTOGRAM_RELATIVE_ERROR = 1 / 64;

export function bucketOf(ns: number): number {
  const v = Math.max(0, Math.floor(ns));
  if (v < SUB) return v;
  const e = Math.floor(Math.log2(v));
  // Math.log2 can round up just below a power of two; correct it.
  const exp = 2 ** e > v ? e - 1 : 2 ** (e + 1) <= v ? e + 1 : e;
  if (exp > MAX_EXP) return HISTOGRAM_BUCKETS - 1;
  const sub = Math.floor(v / 2 ** (exp - SUB_BITS)) & (SUB - 1);
  return SUB + (exp - SUB_BITS) * SUB + sub;
}

export function bucketMid(index: number): number {
  if (index < SUB) return index;
  const k = index - SUB;
  const e = SUB_BITS + Math.floor(k / SUB);
  const sub = k % SUB;
  const width = 2 ** (e - SUB_BITS);
  const lo = (SUB + sub) * width;
  return lo + (width - 1) / 2;
}

/** Sparse histogram: [bucket index, count] pairs, ascending. */
export type Histogram = [number, number][];

export function histogramOf(values: readonly number[]): Histogram {
  const m = new Map<number, number>();
  for (const v of values) {
    const b = bucketOf(v);
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  const m = new Map<number, number>(a);
  for (const [i, c] of b) m.set(i, (m.get(i) ?? 0) + c);
  return [...m.entries()].sort((x, y) => x[0] - y[0]);
}

/** Median as nsys computes it (mean of the two middle values for an even count), from buckets. */
export function histogramMedian(hist: Histogram, count: number, minNs: number, maxNs: number): number {
  if (count <= 0) return 0;
  const at = (rank: number): number => {
    let seen = 0;
    for (const [i, c] of hist) {
      seen += c;
      if (seen > rank) return Math.min(Math.max(bucketMid(i), minNs), maxNs);
    }
    return maxNs;
  };
  return count % 2 === 1 ? at((count - 1) / 2) : (at(count / 2 - 1) + at(count / 2)) / 2;
}

// ---- records --------------------------------------------------------------------------------

export interface DurationStat {
  totalNs: number;
  minNs: number;
  maxNs: number;
  /** from the histogram: within HISTOGRAM_RELATIVE_ERROR of the exact median */
  medNs: number;
  sumSqNs2: number;
  hist: Histogram;
}

export interface ApiStat extends DurationStat {
  /** as CUPTI names it, e.g. "cudaLaunchKernel_v7000" */
  name: string;
  domain: 'runtime' | 'driver';
  /** outermost calls: what the program called */
  calls: number;
  /** calls made inside another traced call (cudaLaunchKernel -> cuLaunchKernel); not in `calls` */
  nestedCalls: number;
}

export interface DeviceStat extends DurationStat {
  name: string;
  instances: number;
  /** instances that ran as nodes of a CUDA graph */
  graphInstances: number;
  bytes?: number;
}

export interface StepRecord {
  tid: number;
  /** since the process's CUDA initialisation */
  startNs: number;
  durationNs: number;
  launches: number;
  graphLaunches: number;
  apiCalls: number;
  apiNs: number;
}

export interface TraceRecord {
  schema: string;
  /** false: the process initialised CUDA under the tracer but never reached its exit handler */
  complete: boolean;
  /** false: CUPTI refused to attach (see errors) */
  attached: boolean;
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
  stepMarker: string | null;
  wallNs: number;
  cuptiVersion: number;
  driverVersion: number;
  runtimeVersion: number | null;
  runtimeLibraries: string[];
  activity: boolean;
  threads: number;
  api: ApiStat[];
  kernels: DeviceStat[];
  memcpy: DeviceStat[];
  steps: StepRecord[];
  stepsDropped: number;
  droppedRecords: number;
  unmatchedExits: number;
  /** cudaProfilerStart ranges collected under --capture-range (null: the library did not say) */
  captureRanges: number | null;
  errors: string[];
}

/** What `--capture-range` accepts: as nsys, collection between cudaProfilerStart and cudaProfilerStop. */
export type CaptureRange = 'cudaProfilerApi';

/** What `--graph-trace` accepts, as nsys --cuda-graph-trace: a graph launch as one record, or one per node. */
export type GraphTrace = 'graph' | 'node';

function captureRangesOf(collection: unknown): number | null {
  if (typeof collection !== 'object' || collection === null) return null;
  const v = (collection as Record<string, unknown>).captureRanges;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

function fail(what: string): never {
  throw new ValueError(what);
}

function num(o: Record<string, unknown>, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${where}.${key}: expected a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function str(o: Record<string, unknown>, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') fail(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where}: expected an object`);
  return v as Record<string, unknown>;
}

function arr(o: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`${where}.${key}: expected an array`);
  return v;
}

function hist(o: Record<string, unknown>, where: string): Histogram {
  return arr(o, 'hist', where).map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && (x as number) >= 0) || (p[0] as number) >= HISTOGRAM_BUCKETS) {
      fail(`${where}.hist[${i}]: expected [bucket, count]`);
    }
    return [p[0] as number, p[1] as number];
  });
}

function duration(o: Record<string, unknown>, where: string): DurationStat {
  return {
    totalNs: num(o, 'totalNs', where),
    minNs: num(o, 'minNs', where),
    maxNs: num(o, 'maxNs', where),
    medNs: num(o, 'medNs', where),
    sumSqNs2: num(o, 'sumSqNs2', where, 0),
    hist: hist(o, where),
  };
}

/** Check one record as parsed from JSON; throws ValueError naming the field that is wrong. */
export function toTraceRecord(value: unknown): TraceRecord {
  const o = obj(value, 'record');
  const schema = str(o, 'schema', 'record');
  if (schema !== TRACE_RECORD_SCHEMA) fail(`record.schema: expected "${TRACE_RECORD_SCHEMA}", got "${schema}"`);
  const complete = o.complete === true;
  const api = arr(o, 'api', 'record').map((a, i): ApiStat => {
    const w = `api[${i}]`;
    const x = obj(a, w);
    const domain = str(x, 'domain', w);
    if (domain !== 'runtime' && domain !== 'driver') fail(`${w}.domain: expected runtime or driver, got "${domain}"`);
    return { name: str(x, 'name', w), domain, calls: num(x, 'calls', w), nestedCalls: num(x, 'nestedCalls', w, 0), ...duration(x, w) };
  });
  const device = (key: 'kernels' | 'memcpy') =>
    arr(o, key, 'record').map((a, i): DeviceStat => {
      const w = `${key}[${i}]`;
      const x = obj(a, w);
      const d: DeviceStat = { name: str(x, 'name', w), instances: num(x, 'instances', w), graphInstances: num(x, 'graphInstances', w, 0), ...duration(x, w) };
      if (x.bytes !== undefined) d.bytes = num(x, 'bytes', w);
      return d;
    });
  const steps = arr(o, 'steps', 'record').map((s, i): StepRecord => {
    const w = `steps[${i}]`;
    const x = obj(s, w);
    return {
      tid: num(x, 'tid', w, 0),
      startNs: num(x, 'startNs', w),
      durationNs: num(x, 'durationNs', w),
      launches: num(x, 'launches', w),
      graphLaunches: num(x, 'graphLaunches', w, 0),
      apiCalls: num(x, 'apiCalls', w),
      apiNs: num(x, 'apiNs', w),
    };
  });
  return {
    schema,
    complete,
    attached: o.attached !== false,
    pid: num(o, 'pid', 'record'),
    ppid: num(o, 'ppid', 'record', 0),
    exe: str(o, 'exe', 'record', ''),
    argv: arr(o, 'argv', 'record').map((a) => String(a)),
    stepMarker: typeof o.stepMarker === 'string' ? o.stepMarker : null,
    wallNs: num(o, 'wallNs', 'record', 0),
    cuptiVersion: num(o, 'cuptiVersion', 'record', 0),
    driverVersion: num(o, 'driverVersion', 'record', 0),
    runtimeVersion: typeof o.runtimeVersion === 'number' ? o.runtimeVersion : null,
    runtimeLibraries: arr(o, 'runtimeLibraries', 'record').map((a) => String(a)),
    activity: o.activity !== false,
    threads: num(o, 'threads', 'record', 0),
    api,
    kernels: device('kernels'),
    memcpy: device('memcpy'),
    steps,
    stepsDropped: num(o, 'stepsDropped', 'record', 0),
    droppedRecords: num(o, 'droppedRecords', 'record', 0),
    unmatchedExits: num(o, 'unmatchedExits', 'record', 0),
    captureRanges: captureRangesOf(o.collection),
    errors: arr(o, 'errors', 'record').map((a) => String(a)),
  };
}

// ---- merging -----------------------------------------------------------------------------------

/**
 * The name nsys prints: it strips a 4-digit CUPTI version suffix only, so `cudaLaunchKernel_v7000`
 * becomes `cudaLaunchKernel` while `cudaGraphLaunch_v10000` and `cuMemAlloc_v2` keep theirs.
 */
export function nsysApiName(cuptiName: string): string {
  return cuptiName.replace(/_v\d{4}$/, '');
}

/** One row of a merged table: an API (by nsys name) or a kernel / memory operation (by name). */
export interface StatRow extends DurationStat {
  name: string;
  count: number;
  /** API rows: nested calls; device rows: graph instances */
  extra: number;
  bytes: number;
}

function addStat(into: StatRow | undefined, name: string, count: number, extra: number, bytes: number, d: DurationStat): StatRow {
  if (!into) return { ...d, name, count, extra, bytes, hist: [...d.hist] };
  const merged: StatRow = {
    name,
    count: into.count + count,
    extra: into.extra + extra,
    bytes: into.bytes + bytes,
    totalNs: into.totalNs + d.totalNs,
    minNs: into.count === 0 ? d.minNs : count === 0 ? into.minNs : Math.min(into.minNs, d.minNs),
    maxNs: Math.max(into.maxNs, d.maxNs),
    medNs: 0,
    sumSqNs2: into.sumSqNs2 + d.sumSqNs2,
    hist: mergeHistograms(into.hist, d.hist),
  };
  // A lone source keeps its own median (the library computed it from the same buckets).
  merged.medNs = into.count === 0 ? d.medNs : count === 0 ? into.medNs : histogramMedian(merged.hist, merged.count, merged.minNs, merged.maxNs);
  return merged;
}

export function mergeApi(records: readonly TraceRecord[]): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of records) {
    for (const a of r.api) {
      const name = nsysApiName(a.name);
      rows.set(name, addStat(rows.get(name), name, a.calls, a.nestedCalls, 0, a));
    }
  }
  return sortRows([...rows.values()]);
}

export function mergeDevice(records: readonly TraceRecord[], key: 'kernels' | 'memcpy'): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of records) {
    for (const k of r[key]) rows.set(k.name, addStat(rows.get(k.name), k.name, k.instances, k.graphInstances, k.bytes ?? 0, k));
  }
  return sortRows([...rows.values()]);
}

/** nsys order: by total time, largest first; ties by name. */
function sortRows(rows: StatRow[]): StatRow[] {
  return rows.sort((a, b) => b.totalNs - a.totalNs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Sample standard deviation (n - 1), as nsys prints it; 0 for one sample. */
export function stdDevNs(row: Pick<StatRow, 'count' | 'totalNs' | 'sumSqNs2'>): number {
  if (row.count < 2) return 0;
  const variance = (row.sumSqNs2 - (row.totalNs * row.totalNs) / row.count) / (row.count - 1);
  return Math.sqrt(Math.max(0, variance));
}

// ---- steps -------------------------------------------------------------------------------------

export interface StepFigures {
  marker: string;
  count: number;
  /** steps beyond the library's cap (GRAPHPROF_TRACE_MAX_STEPS): counted, not recorded */
  dropped: number;
  launches: Summary;
  graphLaunches: Summary;
  apiCalls: Summary;
  apiNs: Summary;
  durationNs: Summary;
  /** launches per step differ between steps (data-dependent control flow, or the marker is off) */
  launchesVary: boolean;
}

export function stepFigures(marker: string, steps: readonly StepRecord[], dropped: number): StepFigures | null {
  if (steps.length === 0) return null;
  const pick = (f: (s: StepRecord) => number) => summarize(steps.map(f));
  const launches = pick((s) => s.launches);
  return {
    marker,
    count: steps.length + dropped,
    dropped,
    launches,
    graphLaunches: pick((s) => s.graphLaunches),
    apiCalls: pick((s) => s.apiCalls),
    apiNs: pick((s) => s.apiNs),
    durationNs: pick((s) => s.durationNs),
    launchesVary: launches.min !== launches.max,
  };
}

// ---- into analyze ------------------------------------------------------------------------------

/** The merged trace as the profile `analyze` reads from nsys stats reports. */
export function toProfileInput(path: string, api: readonly StatRow[], kernels: readonly StatRow[], memcpy: readonly StatRow[], activity: boolean): ProfileInput {
  const apiRows: ApiRow[] = api
    .filter((r) => r.count > 0)
    .map((r, i) => ({ name: r.name, calls: r.count, totalNs: r.totalNs, medianNs: r.medNs, avgNs: r.totalNs / r.count, line: i + 2 }));
  const kernelRows: KernelRow[] = kernels.map((k) => ({ name: k.name, instances: k.count, totalNs: k.totalNs }));
  const memRows: MemOpRow[] = memcpy.map((m) => ({ operation: m.name, count: m.count, totalNs: m.totalNs }));
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

// ---- the whole trace ---------------------------------------------------------------------------

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

export function summarizeProcess(r: TraceRecord, classify: LaunchClassifier): ProcessSummary {
  const api = mergeApi([r]);
  const counts = launchCounts(api, classify);
  let apiCalls = 0;
  let apiNs = 0;
  for (const a of api) {
    apiCalls += a.count;
    apiNs += a.totalNs;
  }
  let kernelInstances = 0;
  let kernelNs = 0;
  for (const k of r.kernels) {
    kernelInstances += k.instances;
    kernelNs += k.totalNs;
  }
  return {
    pid: r.pid,
    ppid: r.ppid,
    exe: r.exe,
    argv: r.argv,
    complete: r.complete,
    attached: r.attached,
    threads: r.threads,
    wallNs: r.wallNs,
    launchCalls: counts.launchCalls,
    graphLaunchCalls: counts.graphLaunchCalls,
    apiCalls,
    apiNs,
    kernelInstances,
    kernelNs,
    droppedRecords: r.droppedRecords,
    unmatchedExits: r.unmatchedExits,
    errors: r.errors,
  };
}

/** Processes in the order they started (parents before children), by pid as a tie-break. */
export function orderRecords(records: readonly TraceRecord[]): TraceRecord[] {
  return [...records].sort((a, b) => a.pid - b.pid);
}

// ---- the figures `graphprof trace` reports -------------------------------------------------------

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

export type ApiFigures = RowFigures & { nestedCalls: number };
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

export interface TraceFigures {
  processes: ProcessSummary[];
  /** merged over every process, as the CSV reports carry them */
  rows: { api: StatRow[]; kernels: StatRow[]; memcpy: StatRow[] };
  api: ApiFigures[];
  kernels: DeviceFigures[];
  memcpy: DeviceFigures[];
  launches: LaunchCounts;
  totals: { apiCalls: number; apiNs: number; kernelInstances: number; kernelNs: number; nestedCalls: number };
  /** measured per step at the step marker; null without a marker or when no step was seen */
  steps: StepFigures | null;
  /** totals divided by the step count (--steps N, else the marker's steps, else 1) */
  perStep: TraceCounts & {
    steps: number;
    source: 'steps-flag' | 'step-marker' | 'whole-run';
  };
  activity: boolean;
  droppedRecords: number;
}

export function traceFigures(records: readonly TraceRecord[], classify: LaunchClassifier, stepsFlag: number | null, stepMarker: string | null): TraceFigures {
  const ordered = orderRecords(records);
  const api = mergeApi(ordered);
  const kernels = mergeDevice(ordered, 'kernels');
  const memcpy = mergeDevice(ordered, 'memcpy');
  const launches = launchCounts(api, classify);
  const totals = { apiCalls: 0, apiNs: 0, kernelInstances: 0, kernelNs: 0, nestedCalls: 0 };
  for (const a of api) {
    totals.apiCalls += a.count;
    totals.apiNs += a.totalNs;
    totals.nestedCalls += a.extra;
  }
  for (const k of kernels) {
    totals.kernelInstances += k.count;
    totals.kernelNs += k.totalNs;
  }
  const allSteps = ordered.flatMap((r) => r.steps);
  const dropped = ordered.reduce((s, r) => s + r.stepsDropped, 0);
  const steps = stepMarker ? stepFigures(stepMarker, allSteps, dropped) : null;
  const n = stepsFlag ?? (steps ? steps.count : 1);
  const source = stepsFlag !== null ? 'steps-flag' : steps ? 'step-marker' : 'whole-run';
  return {
    processes: ordered.map((r) => summarizeProcess(r, classify)),
    rows: { api, kernels, memcpy },
    api: api.map((r) => ({ ...rowFigures(r), nestedCalls: r.extra })),
    kernels: kernels.map((r) => ({ ...rowFigures(r), graphInstances: r.extra })),
    memcpy: memcpy.map((r) => ({ ...rowFigures(r), graphInstances: r.extra, bytes: r.bytes })),
    launches,
    totals,
    steps,
    perStep: {
      steps: n,
      source,
      launchCalls: launches.launchCalls / n,
      graphLaunchCalls: launches.graphLaunchCalls / n,
      apiCalls: totals.apiCalls / n,
      apiNs: totals.apiNs / n,
      kernelInstances: totals.kernelInstances / n,
      kernelNs: totals.kernelNs / n,
    },
    activity: ordered.every((r) => r.activity),
    droppedRecords: ordered.reduce((s, r) => s + r.droppedRecords, 0),
  };
}

/** Checks a `--step-marker` value: "nvtx:NAME" or "api:NAME". Throws ValueError. */
export function parseStepMarker(text: string): { kind: 'nvtx' | 'api'; name: string } {
  const m = /^(nvtx|api):(.+)$/.exec(text);
  if (!m || m[2]!.trim() === '') throw new ValueError(`expected nvtx:NAME (an NVTX range) or api:NAME (a CUDA API call), got "${text}"`);
  const kind = m[1] as 'nvtx' | 'api';
  const name = m[2]!;
  if (kind === 'api' && !/^(?:cuda|cu|__cuda)[A-Za-z0-9_]+$/.test(name)) {
    throw new ValueError(`api:NAME names a CUDA runtime or driver API such as api:cudaStreamSynchronize or api:cuGraphLaunch, got "${name}"`);
  }
  return { kind, name };
}

/** host: driver entry points wrapped, no CUPTI (the default); cupti: CUPTI records. */
export type Tracer = 'host' | 'cupti';

/** `graphprof trace --json` (schema: docs/trace.md). */
export interface TraceResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'trace';
  argv: string[];
  createdAt: string;
  /** true only under GRAPHPROF_FAKE_TRACE (plumbing tests): the records are synthetic */
  fake: boolean;
  traced: { command: string[]; exitCode: number; signal: string | null; wallNs: number };
  options: {
    steps: number | null;
    stepMarker: string | null;
    outPrefix: string | null;
    captureRange: CaptureRange | null;
    /** null under the host tracer (no CUPTI records) */
    graphTrace: GraphTrace | null;
    tracer: Tracer;
  };
  environment: {
    /** the tracer's library: libgraphprof_host.so (LD_PRELOAD) or libgraphprof_inject.so (CUPTI) */
    injectLibrary: string;
    cuptiLibrary: string | null;
    cuptiSource: string | null;
    cuptiVersion: number | null;
    /** highest CUDA version the driver supports, e.g. "13.0" */
    driverCudaVersion: string | null;
    runtimeCudaVersion: string | null;
  };
  processes: ProcessSummary[];
  launches: LaunchCounts;
  totals: TraceFigures['totals'];
  perStep: TraceFigures['perStep'];
  steps: StepFigures | null;
  api: ApiFigures[];
  kernels: DeviceFigures[];
  memcpy: DeviceFigures[];
  activity: boolean;
  droppedRecords: number;
  /** the `analyze` engine on the merged trace (steps: perStep.steps); docs/analyze.md */
  analysis: ProfileAnalysis;
  /** files written by --out */
  csv: string[];
  notes: string[];
}
