// The comparison behind `graphprof compare` (and `--baseline` of run and analyze): two results of
// the same command -> one flat list of metrics, each with its threshold, its noise test and a
// verdict. Pure: the command reads the files and renders. How each verdict is decided is written
// up in docs/ci.md; change the two together.
import type { AnalyzeResult, ProfileAnalysis } from '../analyze/schema.js';
import type { Environment, RunBatchResult, RunResult, Workload } from '../schema.js';
import { checkSchemaVersion, SCHEMA_VERSION, type ToolInfo } from '../schema.js';
import { checkRunResult, isFakeRun } from '../run/check.js';
import { bootstrapRatioRuns, mannWhitney, medianOf, MIN_SAMPLES, predictionLimits, seedFrom, BOOTSTRAP_RESAMPLES } from './significance.js';
import { thresholdFor, type ChosenThreshold, type ComparedCommand, type FamilyInfo, type MetricKind, type Thresholds } from './thresholds.js';
import { ValueError } from '../../errors.js';

export type { ComparedCommand, MetricKind } from './thresholds.js';
export type Better = 'lower' | 'higher';
export type Verdict = 'improved' | 'regressed' | 'within-noise' | 'unchanged' | 'new' | 'missing';
export const VERDICTS: readonly Verdict[] = ['regressed', 'missing', 'within-noise', 'improved', 'unchanged', 'new'];

/**
 * Two-sided level of the prediction limits between baseline runs: a timing of an unchanged program
 * passes its upper limit with probability 0.25% (lognormal between-run model, exact whatever the
 * spread). Stricter than the bootstrap's 95% because ~36 timings are gated at once: measured on
 * simulated unchanged 42-gate jobs, 3-5% of jobs fail with 3-5 baseline runs (docs/ci.md).
 */
export const BETWEEN_RUN_LEVEL = 0.995;

/** GPU memory is handed out by the driver in steps of about 2 MiB: a smaller change is noise. */
export const MEMORY_QUANTUM_BYTES = 2 * 2 ** 20;

export type ComparableResult = RunResult | AnalyzeResult;

// ---- the metrics -------------------------------------------------------------------------------

export interface FamilyDef {
  /** the name thresholds use: `graph.p50` (every batch size), narrowed as `graph.p50@b8` */
  family: string;
  label: string;
  kind: MetricKind;
  better: Better;
  command: ComparedCommand;
}

/** Every gated figure, in table order. Names are part of the interface (docs/ci.md). */
export const FAMILIES: readonly FamilyDef[] = [
  { family: 'eager.p50', label: 'eager step p50', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'eager.p99', label: 'eager step p99', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'graph.p50', label: 'graph step p50', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'graph.p99', label: 'graph step p99', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'host.perLaunch', label: 'host time per kernel launch (eager p50)', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'graph.capture', label: 'graph capture time', kind: 'duration', better: 'lower', command: 'run' },
  { family: 'graph.memory', label: 'graph memory', kind: 'bytes', better: 'lower', command: 'run' },
  { family: 'launches.perStep', label: 'kernel launch calls per step', kind: 'count', better: 'lower', command: 'analyze' },
  { family: 'launchTime.perStep', label: 'launch time per step', kind: 'duration', better: 'lower', command: 'analyze' },
  { family: 'overheadShare', label: 'launch overhead share of the step', kind: 'share', better: 'lower', command: 'analyze' },
  { family: 'syncs.perStep', label: 'host syncs per step', kind: 'count', better: 'lower', command: 'analyze' },
  { family: 'memcpys.perStep', label: 'memcpy calls per step', kind: 'count', better: 'lower', command: 'analyze' },
  { family: 'prediction.speedup', label: 'predicted CUDA-graph speedup', kind: 'ratio', better: 'lower', command: 'analyze' },
];

export const FAMILY_INFO: ReadonlyMap<string, FamilyInfo> = new Map(FAMILIES.map((f) => [f.family, { kind: f.kind, command: f.command }]));

/** One figure of one result, with its raw samples where the result keeps them. */
export interface MetricValue {
  key: string;
  family: string;
  label: string;
  kind: MetricKind;
  better: Better;
  /** batch size (run) or 1-based profile number (analyze): orders the table */
  group: number;
  value: number | null;
  /** raw samples (ns) of a timing, and the quantile of them that `value` is */
  samples: readonly number[] | null;
  quantile: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function numbers(v: unknown): number[] | null {
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    out.push(x);
  }
  return out;
}

const familyDef = new Map(FAMILIES.map((f) => [f.family, f]));

function metric(family: string, qualifier: string, group: number, groupLabel: string, value: unknown, samples?: unknown, quantile?: number): MetricValue {
  const f = familyDef.get(family)!;
  return {
    key: qualifier ? `${family}@${qualifier}` : family,
    family,
    label: groupLabel ? `${f.label}, ${groupLabel}` : f.label,
    kind: f.kind,
    better: f.better,
    group,
    value: num(value),
    samples: samples === undefined ? null : numbers(samples),
    quantile: quantile ?? null,
  };
}

function runMetrics(r: RunResult): MetricValue[] {
  const out: MetricValue[] = [];
  for (const b of r.results as Partial<RunBatchResult>[]) {
    const batch = b.batch!;
    const q = `b${batch}`;
    const g = `batch ${batch}`;
    const s = (b.samples ?? {}) as Partial<RunBatchResult['samples']>;
    out.push(
      metric('eager.p50', q, batch, g, b.eager?.stepNs?.p50Ns, s.eagerStepNs, 0.5),
      metric('eager.p99', q, batch, g, b.eager?.stepNs?.p99Ns, s.eagerStepNs, 0.99),
      metric('graph.p50', q, batch, g, b.graph?.stepNs?.p50Ns, s.graphStepNs, 0.5),
      metric('graph.p99', q, batch, g, b.graph?.stepNs?.p99Ns, s.graphStepNs, 0.99),
      metric('host.perLaunch', q, batch, g, b.eager?.launchNs?.p50Ns, s.eagerLaunchNs, 0.5),
      metric('graph.capture', q, batch, g, b.graph?.captureNs),
      // <= 0: the graph fit in memory the pool had already reserved (docs/methodology.md)
      metric('graph.memory', q, batch, g, typeof b.graph?.memoryBytes === 'number' ? Math.max(0, b.graph.memoryBytes) : null),
    );
  }
  return out;
}

function analyzeMetrics(r: AnalyzeResult): MetricValue[] {
  const out: MetricValue[] = [];
  const several = r.profiles.length > 1;
  r.profiles.forEach((p: Partial<ProfileAnalysis>, i) => {
    const q = i === 0 ? '' : `p${i + 1}`;
    const g = several ? `profile ${i + 1}` : '';
    out.push(
      metric('launches.perStep', q, i + 1, g, p.perStep?.launchCalls),
      metric('launchTime.perStep', q, i + 1, g, p.perStep?.launchNs),
      metric('overheadShare', q, i + 1, g, p.overheadShare),
      metric('syncs.perStep', q, i + 1, g, p.perStep?.syncCalls),
      metric('memcpys.perStep', q, i + 1, g, p.perStep?.memcpyCalls),
      metric('prediction.speedup', q, i + 1, g, p.prediction?.speedup),
    );
  });
  return out;
}

/** The gated figures of a result, in table order (by batch size or profile, then family). */
export function extractMetrics(r: ComparableResult): MetricValue[] {
  return r.command === 'run' ? runMetrics(r) : analyzeMetrics(r);
}

// ---- reading a result --------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Check that a parsed JSON value is a result `compare` reads: a `run` or `analyze` result of this
 * schema major version, with its results list. Throws ValueError with the problem (the caller names
 * the file).
 */
export function checkResult(value: unknown): ComparableResult {
  if (!isObject(value) || typeof value.command !== 'string') {
    throw new ValueError('not a graphprof result: expected the JSON object of `graphprof run --json` or `graphprof analyze --json` (no "command" field)');
  }
  if (value.command === 'run') return checkRunResult(value).run;
  if (value.command !== 'analyze') throw new ValueError(`a \`${value.command}\` result: compare reads results of \`run\` or \`analyze\``);
  checkSchemaVersion(value.schemaVersion);
  if (!Array.isArray(value.profiles)) throw new ValueError('an `analyze` result without a "profiles" list');
  value.profiles.forEach((p, i) => {
    if (!isObject(p)) throw new ValueError(`profiles[${i}] is not an object`);
  });
  return value as unknown as AnalyzeResult;
}

// ---- environment -------------------------------------------------------------------------------

export interface EnvDifference {
  what: 'GPU' | 'driver' | 'CUDA runtime' | 'host CPU';
  baseline: string | null;
  current: string | null;
}

function envFacts(e: Partial<Environment> | undefined): Record<EnvDifference['what'], string | null> {
  return {
    GPU: e?.gpu?.name ?? null,
    driver: e?.driverVersion ?? null,
    'CUDA runtime': e?.runtimeCudaVersion ?? null,
    'host CPU': e?.host?.cpu ?? null,
  };
}

/** What differs between the machines of two `run` results (analyze results carry no environment). */
export function environmentDifferences(baseline: ComparableResult, current: ComparableResult): EnvDifference[] {
  if (baseline.command !== 'run' || current.command !== 'run') return [];
  const b = envFacts(baseline.environment);
  const c = envFacts(current.environment);
  return (Object.keys(b) as EnvDifference['what'][]).filter((k) => b[k] !== c[k]).map((what) => ({ what, baseline: b[what], current: c[what] }));
}

/** True when a result came from the fake harness (GRAPHPROF_FAKE_HARNESS): synthetic figures. */
export function isFake(r: ComparableResult): boolean {
  return r.command === 'run' && isFakeRun(r);
}

export interface WorkloadDifference {
  field: keyof Workload;
  baseline: unknown;
  current: unknown;
}

/** Workload settings (other than the batch sizes) that differ between two `run` results. */
export function workloadDifferences(baseline: ComparableResult, current: ComparableResult): WorkloadDifference[] {
  if (baseline.command !== 'run' || current.command !== 'run') return [];
  const b = (baseline.workload ?? {}) as Partial<Workload>;
  const c = (current.workload ?? {}) as Partial<Workload>;
  const fields: (keyof Workload)[] = ['kernels', 'memcpys', 'syncs', 'kernel', 'kernelNs', 'bytesPerSeq', 'memcpyBytes', 'hostOverheadNs', 'iterations'];
  return fields.filter((f) => b[f] !== undefined && c[f] !== undefined && b[f] !== c[f]).map((field) => ({ field, baseline: b[field], current: c[field] }));
}

// ---- the comparison ----------------------------------------------------------------------------

/** How the noise was judged for one metric. */
export type NoiseBasis =
  /** raw samples on both sides: bootstrap interval of the ratio of the quantiles */
  | 'samples'
  /** a count, share or ratio: compared exactly */
  | 'exact'
  /** graph memory: a change smaller than the driver's 2 MiB step is noise */
  | 'memory-step'
  /** a single timing figure (or too few samples): compared as it is, no noise test */
  | 'single-value';

export interface SignificanceReport {
  method: 'bootstrap-ratio';
  /** 0.5 for p50, 0.99 for p99 */
  quantile: number;
  level: number;
  resamples: number;
  baselineSamples: number;
  currentSamples: number;
  /** interval of current / baseline of the quantile */
  ratioLow: number;
  ratioHigh: number;
  /** the same interval as relative changes: ratioLow - 1, ratioHigh - 1 */
  changeLow: number;
  changeHigh: number;
  significant: boolean;
  /** two-sided Mann-Whitney U p-value (medians only; informative, not the decision) */
  mannWhitneyP: number | null;
}

/**
 * How much a timing moved between the baseline runs (two or more of them), and the limits one more
 * run of the unchanged program stays within: the third condition of a regression (docs/ci.md).
 */
export interface BetweenRunSpread {
  method: 'log-t-prediction';
  /** baseline runs with a value */
  runs: number;
  /** each baseline run's value, in the order the files were given */
  values: number[];
  min: number;
  max: number;
  /** standard deviation of the logarithms of the run values: about the relative spread (0.1 = 10%) */
  logSd: number;
  level: number;
  /** limits = exp(mean(log) +- factor x logSd), factor = t(runs - 1, (1 + level) / 2) x sqrt(1 + 1/runs) */
  factor: number;
  limitLow: number;
  limitHigh: number;
  /** the limits as relative changes from the baseline (the median of the runs) */
  limitChangeLow: number;
  limitChangeHigh: number;
  /** the current value lies beyond the limit on the side of its change */
  beyond: boolean;
}

export interface MetricComparison {
  key: string;
  family: string;
  label: string;
  kind: MetricKind;
  better: Better;
  baseline: number | null;
  current: number | null;
  /** current - baseline, in the metric's unit */
  change: number | null;
  /** change / |baseline|; null when the baseline is 0 or absent */
  relativeChange: number | null;
  threshold: ChosenThreshold & {
    /** the largest change in the bad direction that passes, in the metric's unit (relative x |baseline|) */
    allowed: number | null;
  };
  noise: NoiseBasis;
  significance: SignificanceReport | null;
  /** timings compared with two or more baseline runs: their spread and limits; else null */
  betweenRunSpread: BetweenRunSpread | null;
  /** the change goes past the threshold (in either direction) */
  beyondThreshold: boolean;
  verdict: Verdict;
}

export interface CompareOptions {
  level: number;
  resamples?: number;
  /** two-sided level of the prediction limits between baseline runs (default BETWEEN_RUN_LEVEL) */
  betweenRunLevel?: number;
}

export type VerdictCounts = Record<Verdict, number>;

export interface Comparison {
  command: ComparedCommand;
  /** how many baseline results the comparison read */
  baselineRuns: number;
  level: number;
  metrics: MetricComparison[];
  counts: VerdictCounts;
  /** nothing regressed and nothing went missing */
  passed: boolean;
}

/** Relative tolerance on "beyond the threshold", so a change exactly at it passes despite rounding. */
const EPSILON = 1e-9;

/**
 * Compare a result with one baseline result, or with several baseline runs of the same command,
 * metric by metric. With several, each figure's baseline is the median of the runs' values, and a
 * timing must also lie beyond the runs' own spread to regress (compareMetric).
 */
export function compareResults(
  baseline: ComparableResult | readonly ComparableResult[],
  current: ComparableResult,
  thresholds: Thresholds,
  options: CompareOptions,
): Comparison {
  const baselines: readonly ComparableResult[] = Array.isArray(baseline) ? baseline : [baseline as ComparableResult];
  if (baselines.length === 0) throw new ValueError('no baseline result to compare with');
  for (const b of baselines) {
    if (b.command !== current.command) throw new ValueError(`a \`${b.command}\` result cannot be compared with an \`${current.command}\` result`);
  }
  const byKey = new Map<string, { b: MetricValue[]; c?: MetricValue }>();
  for (const r of baselines) {
    for (const m of extractMetrics(r)) {
      const entry = byKey.get(m.key);
      if (entry) entry.b.push(m);
      else byKey.set(m.key, { b: [m] });
    }
  }
  for (const m of extractMetrics(current)) {
    const entry = byKey.get(m.key);
    if (entry) entry.c = m;
    else byKey.set(m.key, { b: [], c: m });
  }
  const order = new Map(FAMILIES.map((f, i) => [f.family, i]));
  const pairs = [...byKey.values()].sort((x, y) => {
    const mx = (x.b[0] ?? x.c)!;
    const my = (y.b[0] ?? y.c)!;
    return mx.group - my.group || order.get(mx.family)! - order.get(my.family)!;
  });
  const metrics: MetricComparison[] = [];
  for (const p of pairs) {
    const m = compareMetric(p.b.length === 0 ? null : p.b, p.c ?? null, thresholds, options);
    if (m) metrics.push(m);
  }
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as VerdictCounts;
  for (const m of metrics) counts[m.verdict]++;
  return { command: current.command, baselineRuns: baselines.length, level: options.level, metrics, counts, passed: counts.regressed === 0 && counts.missing === 0 };
}

/**
 * One metric; null when neither side has a value (nothing to show). `b` is the metric in one
 * baseline result, or in each of several baseline runs (those without a value are left out).
 */
export function compareMetric(
  b: MetricValue | readonly MetricValue[] | null,
  c: MetricValue | null,
  thresholds: Thresholds,
  options: CompareOptions,
): MetricComparison | null {
  const all: readonly MetricValue[] = b === null ? [] : Array.isArray(b) ? b : [b as MetricValue];
  const runs = all.filter((r) => r.value !== null);
  const m = (all[0] ?? c)!;
  const bv = runs.length === 0 ? null : runs.length === 1 ? runs[0]!.value : medianOf(runs.map((r) => r.value!));
  const cv = c?.value ?? null;
  if (bv === null && cv === null) return null;
  const chosen = thresholdFor(thresholds, m.key, m.family);
  const noise = noiseBasis(m, runs, c);
  const base: MetricComparison = {
    key: m.key,
    family: m.family,
    label: m.label,
    kind: m.kind,
    better: m.better,
    baseline: bv,
    current: cv,
    change: null,
    relativeChange: null,
    threshold: { ...chosen, allowed: null },
    noise,
    significance: null,
    betweenRunSpread: null,
    beyondThreshold: false,
    verdict: bv === null ? 'new' : 'missing',
  };
  if (bv === null || cv === null) return base;

  const change = cv - bv;
  // The interval is shown for every sampled timing, gated or not; it decides only past the threshold.
  const significance = noise === 'samples' ? significanceOf(m, runs.map((r) => r.samples!), c!.samples!, options) : null;
  const spread = m.kind === 'duration' ? betweenRuns(runs.map((r) => r.value!), bv, cv, options.betweenRunLevel ?? BETWEEN_RUN_LEVEL) : null;
  const worse = m.better === 'lower' ? change : -change;
  const allowed = chosen.threshold.mode === 'relative' ? chosen.threshold.value * Math.abs(bv) : chosen.threshold.value;
  const tolerance = EPSILON * Math.max(Math.abs(bv), Math.abs(cv), 1e-12);
  // A relative threshold of a zero baseline lets nothing through: any rise is beyond it.
  const beyond = (amount: number) => amount - allowed > tolerance;
  const regressedBeyond = beyond(worse);
  const improvedBeyond = beyond(-worse);
  const result: MetricComparison = {
    ...base,
    change,
    relativeChange: bv === 0 ? null : change / Math.abs(bv),
    threshold: { ...chosen, allowed },
    significance,
    betweenRunSpread: spread,
    beyondThreshold: regressedBeyond || improvedBeyond,
    verdict: 'unchanged',
  };
  if (change === 0 || !(regressedBeyond || improvedBeyond)) return result;

  let significant = true;
  if (significance) {
    // The interval must lie wholly on the side of 1 the change is on.
    significant = change > 0 ? significance.ratioLow > 1 : significance.ratioHigh < 1;
  } else if (result.noise === 'memory-step') {
    significant = Math.abs(change) >= MEMORY_QUANTUM_BYTES;
  }
  // With several baseline runs, a timing must also leave the range the runs themselves span.
  if (spread && !spread.beyond) significant = false;
  if (!significant) result.verdict = 'within-noise';
  else result.verdict = regressedBeyond ? 'regressed' : 'improved';
  return result;
}

/** The spread of a timing between two or more baseline runs, and whether `current` lies beyond it. */
function betweenRuns(values: number[], baseline: number, current: number, level: number): BetweenRunSpread | null {
  const limits = predictionLimits(values, level);
  if (!limits || !(baseline > 0)) return null;
  return {
    method: 'log-t-prediction',
    runs: limits.runs,
    values,
    min: Math.min(...values),
    max: Math.max(...values),
    logSd: limits.logSd,
    level,
    factor: limits.factor,
    limitLow: limits.low,
    limitHigh: limits.high,
    limitChangeLow: limits.low / baseline - 1,
    limitChangeHigh: limits.high / baseline - 1,
    beyond: current > baseline ? current > limits.high : current < limits.low,
  };
}

function noiseBasis(m: MetricValue, b: readonly MetricValue[], c: MetricValue | null): NoiseBasis {
  if (m.kind === 'bytes') return 'memory-step';
  if (m.kind !== 'duration') return 'exact';
  const enough = (v: MetricValue | null | undefined) => v?.samples != null && v.samples.length >= MIN_SAMPLES;
  return m.quantile !== null && b.length > 0 && b.every(enough) && enough(c) ? 'samples' : 'single-value';
}

function significanceOf(m: MetricValue, b: readonly (readonly number[])[], c: readonly number[], options: CompareOptions): SignificanceReport {
  const q = m.quantile ?? 0.5;
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const ci = bootstrapRatioRuns(b, c, { quantile: q, level: options.level, resamples, seed: seedFrom(m.key) });
  return {
    method: 'bootstrap-ratio',
    quantile: q,
    level: options.level,
    resamples,
    baselineSamples: b.reduce((n, s) => n + s.length, 0),
    currentSamples: c.length,
    ratioLow: ci.low,
    ratioHigh: ci.high,
    changeLow: ci.low - 1,
    changeHigh: ci.high - 1,
    significant: ci.significant,
    // informative only; several runs are pooled for it
    mannWhitneyP: q === 0.5 ? mannWhitney(b.length === 1 ? b[0]! : b.flat(), c).pValue : null,
  };
}

// ---- the JSON result of `compare` --------------------------------------------------------------

export interface ResultFileInfo {
  path: string;
  command: ComparedCommand;
  schemaVersion: string;
  toolVersion: string | null;
  createdAt: string | null;
  /** run only: "native" or "fake" */
  harness: string | null;
  gpu: string | null;
  driverVersion: string | null;
  runtimeCudaVersion: string | null;
  complete: boolean | null;
}

export function describeFile(path: string, r: ComparableResult): ResultFileInfo {
  const run = r.command === 'run' ? r : null;
  return {
    path,
    command: r.command,
    schemaVersion: r.schemaVersion,
    toolVersion: r.tool?.version ?? null,
    createdAt: r.createdAt ?? null,
    harness: run?.environment?.harness ?? null,
    gpu: run?.environment?.gpu?.name ?? null,
    driverVersion: run?.environment?.driverVersion ?? null,
    runtimeCudaVersion: run?.environment?.runtimeCudaVersion ?? null,
    complete: run ? run.complete !== false : null,
  };
}

export interface CompareResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'compare';
  argv: string[];
  createdAt: string;
  /** the command whose results were compared */
  compared: ComparedCommand;
  /** the first baseline file (the only one, unless several were given) */
  baseline: ResultFileInfo;
  /** every baseline file, in the order given; two or more: each figure's baseline is their median */
  baselines: string[];
  current: ResultFileInfo;
  level: number;
  thresholds: { default: ChosenThreshold; overrides: (ChosenThreshold & { name: string })[] };
  metrics: MetricComparison[];
  summary: VerdictCounts & { total: number; passed: boolean };
  environmentDifferences: EnvDifference[];
  warnings: string[];
  /** advice printed with the comparison (one line each), e.g. why one baseline run is not enough */
  notes: string[];
  /** --update-baseline: whether the baseline file was rewritten */
  baselineUpdated: boolean;
}

/**
 * Every number of a result is finite (JSON.parse reads 1e400 as Infinity), and every figure in
 * base units (a key ending in Ns or Bytes, or a list under one) is >= 0 but for differences, which
 * may be negative (savedPerStepNs: graphs can lose), and the replay model's repeatNs (an offset: a
 * repeated kernel's node replays shorter than its eager duration): a damaged or hand-edited
 * file fails here, by name, instead of comparing as "within noise".
 */
const SIGNED_FIGURE = /^(?:saved|delta|diff|change)|^repeatNs$/i;

export function checkFigures(value: unknown, where = '', unitKey = false): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(`${where} is not a finite number`);
    if (unitKey && value < 0) throw new ValueError(`${where} is negative (${value}); times and sizes are >= 0`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkFigures(v, `${where}[${i}]`, unitKey));
    return;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) checkFigures(v, where === '' ? k : `${where}.${k}`, /(?:Ns|Bytes)$/.test(k) && !SIGNED_FIGURE.test(k));
  }
}
