// `graphprof recommend`, the pure part: the cost model's constants (documented defaults, values
// fitted from a `graphprof run --json` result, flags), the optimal pool, the engines' default lists
// judged on the same terms, the engine snippets and one line of advice. docs/recommend.md.
import { ValueError } from '../../errors.js';
import { graphSetupNs } from '../run/summary.js';
import {
  evaluatePool,
  everySize,
  optimisePool,
  powersOfTwoSizes,
  sglangDefaultSizes,
  trtllmDefaultSizes,
  vllmDefaultSizes,
  type BatchDistribution,
  type OptimiserStats,
  type PoolBudgets,
  type PoolCostModel,
  type PoolFigures,
  type PoolProblem,
} from './pool.js';
import type { ToolInfo } from '../schema.js';
import { fitLine, median } from '../stats.js';
import { formatBytes, formatDuration, formatShare } from '../units.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import type { CurveStepModel, MeasuredStep } from './step-curve.js';
import type { EngineLogSummary } from './engine-log.js';
import { FLAT_RISE_SHARE, trendKind } from './step-curve.js';

export type ModelConstant = keyof PoolCostModel;
/** flag; file: --from run.json; curve: --curve (sweep); engine-log: --engine-log; default: assumed */
export type ConstantSource = 'flag' | 'file' | 'curve' | 'engine-log' | 'default';

export { MODEL_DEFAULTS } from './model-defaults.js';

export const MODEL_CONSTANTS: readonly ModelConstant[] = [
  'stepBaseNs',
  'stepPerSeqNs',
  'eagerPenaltyNs',
  'graphMemBytes',
  'poolPerSeqBytes',
  'captureBaseNs',
  'capturePerSeqNs',
];

export interface FittedConstants {
  values: Partial<PoolCostModel>;
  notes: string[];
  /** batch sizes the run measured */
  batches: number[];
  /** least-squares slope of the measured graph step times before any clamping (null: one size) */
  rawStepSlopeNs: number | null;
  /** the step times the fit was made from (p50s), for the report's pictures */
  measured: FitPoint[];
}

/** One measured step time behind a fitted model: what the report draws apart from the model line. */
export interface FitPoint {
  batch: number;
  graphStepNs: number;
  eagerStepNs: number;
}

interface RunRow {
  batch: number;
  graphStepNs: number;
  eagerStepNs: number;
  memoryBytes: number;
  captureNs: number;
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${path} is not a number (expected a \`graphprof run --json\` result)`);
  return v;
}

function rowsOf(run: unknown): RunRow[] {
  const r = run as { command?: unknown; results?: unknown } | null;
  if (!r || typeof r !== 'object') throw new ValueError('expected a `graphprof run --json` result (a JSON object)');
  if (r.command !== 'run') throw new ValueError(`expected a \`graphprof run --json\` result, got command ${JSON.stringify(r.command ?? null)}`);
  if (!Array.isArray(r.results) || r.results.length === 0) throw new ValueError('the run has no results (no batch size was measured)');
  return r.results.map((b: unknown, i: number) => {
    const x = b as { batch?: unknown; graph?: Record<string, unknown>; eager?: Record<string, unknown> };
    const p = `results[${i}]`;
    const batch = num(x?.batch, `${p}.batch`);
    if (!Number.isSafeInteger(batch) || batch < 1) throw new ValueError(`${p}.batch must be a positive integer, got ${batch}`);
    const g = x.graph ?? {};
    const e = x.eager ?? {};
    return {
      batch,
      graphStepNs: num((g.stepNs as Record<string, unknown> | undefined)?.p50Ns, `${p}.graph.stepNs.p50Ns`),
      eagerStepNs: num((e.stepNs as Record<string, unknown> | undefined)?.p50Ns, `${p}.eager.stepNs.p50Ns`),
      memoryBytes: num(g.memoryBytes, `${p}.graph.memoryBytes`),
      captureNs: graphSetupNs({
        captureNs: num(g.captureNs, `${p}.graph.captureNs`),
        instantiateNs: num(g.instantiateNs, `${p}.graph.instantiateNs`),
        uploadNs: num(g.uploadNs, `${p}.graph.uploadNs`),
      }),
    };
  });
}

/**
 * Non-negative line fit: a negative slope becomes 0 (intercept = mean), a negative intercept 0;
 * rawSlope is the least-squares slope before either rule.
 */
function fitNonNegative(xs: number[], ys: number[], what: string, notes: string[]): { intercept: number; slope: number; rawSlope: number } | null {
  const f = fitLine(xs, ys);
  if (!f) return null;
  if (f.slope < 0) {
    notes.push(`${what} fell with batch size in the run; per-sequence term set to 0`);
    return { intercept: Math.max(0, ys.reduce((a, b) => a + b, 0) / ys.length), slope: 0, rawSlope: f.slope };
  }
  if (f.intercept < 0) {
    notes.push(`${what}: the fitted intercept was negative; set to 0`);
    return { intercept: 0, slope: f.slope, rawSlope: f.slope };
  }
  return { ...f, rawSlope: f.slope };
}

/**
 * Constants fitted from a `graphprof run --json` result: T(s) = base + perSeq x s by least squares
 * on the graph step p50s; eagerPenalty = median(eager p50 - graph p50); per-graph memory and pool
 * memory per sequence from graph.memoryBytes; capture time (capture + instantiate + upload) from the
 * same kind of line. With one batch size only the intercepts are fitted, using `perSeqFallback`.
 */
export function fitFromRun(run: unknown, perSeqFallback: Pick<PoolCostModel, 'stepPerSeqNs' | 'poolPerSeqBytes' | 'capturePerSeqNs'>): FittedConstants {
  const rows = rowsOf(run);
  const notes: string[] = [];
  const values: Partial<PoolCostModel> = {};
  const xs = rows.map((r) => r.batch);

  const step = fitNonNegative(xs, rows.map((r) => r.graphStepNs), 'graph step time', notes);
  if (step) {
    values.stepBaseNs = step.intercept;
    values.stepPerSeqNs = step.slope;
  } else {
    values.stepBaseNs = Math.max(0, rows[0]!.graphStepNs - perSeqFallback.stepPerSeqNs * rows[0]!.batch);
    notes.push('the run measured one batch size: only the step-time intercept comes from it');
  }
  values.eagerPenaltyNs = Math.max(0, median(rows.map((r) => r.eagerStepNs - r.graphStepNs)));

  const memRows = rows.filter((r) => r.memoryBytes > 0);
  if (memRows.length === 0) {
    notes.push('the run saw no graph memory (below the driver reservation step): graph memory constants are not from the file');
  } else {
    const mem = fitNonNegative(memRows.map((r) => r.batch), memRows.map((r) => r.memoryBytes), 'graph memory', notes);
    if (mem) {
      values.graphMemBytes = Math.round(mem.intercept);
      values.poolPerSeqBytes = Math.round(mem.slope);
    } else {
      values.graphMemBytes = Math.max(0, Math.round(memRows[0]!.memoryBytes - perSeqFallback.poolPerSeqBytes * memRows[0]!.batch));
    }
  }
  const cap = fitNonNegative(xs, rows.map((r) => r.captureNs), 'capture time', notes);
  if (cap) {
    values.captureBaseNs = cap.intercept;
    values.capturePerSeqNs = cap.slope;
  } else {
    values.captureBaseNs = Math.max(0, rows[0]!.captureNs - perSeqFallback.capturePerSeqNs * rows[0]!.batch);
  }
  return { values, notes, batches: [...new Set(xs)].sort((a, b) => a - b), rawStepSlopeNs: step?.rawSlope ?? null, measured: rows.map((r) => ({ batch: r.batch, graphStepNs: r.graphStepNs, eagerStepNs: r.eagerStepNs })) };
}

/**
 * Constants a measured curve gives: the step line (least squares over the fixed points; for
 * reference only, the optimiser uses the table), and per-graph memory and capture time as lines in
 * the batch size over the sizes that measured them (the same fits as --from).
 */
export function curveConstants(model: CurveStepModel, steps: readonly MeasuredStep[]): { values: Partial<PoolCostModel>; notes: string[] } {
  const notes: string[] = [];
  const values: Partial<PoolCostModel> = {};
  const line = fitLine(model.points.map((p) => p.batch), model.points.map((p) => p.stepNs));
  values.stepBaseNs = line ? Math.max(0, line.intercept) : model.points[0]!.stepNs;
  values.stepPerSeqNs = line ? Math.max(0, line.slope) : 0;
  const mem = steps.filter((s) => s.captureMemoryBytes !== null);
  if (mem.length) {
    const f = fitNonNegative(mem.map((s) => s.batch), mem.map((s) => s.captureMemoryBytes!), 'capture memory', notes);
    values.graphMemBytes = Math.round(f ? f.intercept : mem[0]!.captureMemoryBytes!);
    if (f) values.poolPerSeqBytes = Math.round(f.slope);
  }
  const cap = steps.filter((s) => s.captureNs !== null);
  if (cap.length) {
    const f = fitNonNegative(cap.map((s) => s.batch), cap.map((s) => s.captureNs!), 'capture time', notes);
    values.captureBaseNs = f ? f.intercept : cap[0]!.captureNs!;
    if (f) values.capturePerSeqNs = f.slope;
  }
  return { values, notes };
}

/**
 * flag > measured layers in the order given (recommend: curve, then engine log) > file (--from) >
 * default, with where each constant came from. Resource constants are whole units.
 */
export function resolveModel(
  flags: Partial<PoolCostModel>,
  fitted: Partial<PoolCostModel> | null,
  measured: readonly { source: ConstantSource; values: Partial<PoolCostModel> }[] = [],
): { model: PoolCostModel; sources: Record<ModelConstant, ConstantSource> } {
  const model = { ...MODEL_DEFAULTS };
  const sources = {} as Record<ModelConstant, ConstantSource>;
  const layers = [{ source: 'flag' as ConstantSource, values: flags }, ...measured, { source: 'file' as ConstantSource, values: fitted ?? {} }];
  for (const k of MODEL_CONSTANTS) {
    sources[k] = 'default';
    for (const layer of layers) {
      const v = layer.values[k];
      if (v === undefined) continue;
      model[k] = v;
      sources[k] = layer.source;
      break;
    }
  }
  // memory in whole bytes and capture time in whole nanoseconds, so the budgets compare exactly
  model.graphMemBytes = Math.round(model.graphMemBytes);
  model.poolPerSeqBytes = Math.round(model.poolPerSeqBytes);
  model.captureBaseNs = Math.round(model.captureBaseNs);
  model.capturePerSeqNs = Math.round(model.capturePerSeqNs);
  return { model, sources };
}

// ---------------------------------------------------------------------------------------------

export type Engine = 'vllm' | 'sglang' | 'trtllm';
export const ENGINE_NAMES: Record<Engine, string> = { vllm: 'vLLM', sglang: 'SGLang', trtllm: 'TensorRT-LLM' };

export interface RecommendBaseline extends Omit<PoolFigures, 'idealStepNs'> {
  name: string;
  /** engine whose default list this is, or null for powers of two / every size */
  engine: Engine | null;
  graphCount: number;
  /** expectedStepNs / the recommended pool's - 1 */
  slowerThanRecommended: number;
  /** sizes whose step time is interpolated or extrapolated, not measured ([] without a curve) */
  interpolatedSizes: number[];
}

export interface RecommendSnippets {
  vllm: string;
  sglang: string;
  trtllm: string;
}

export interface DistributionInfo {
  kind: 'uniform' | 'zipf' | 'observed';
  exponent: number | null;
  file: string | null;
  /** observed samples (sum of counts), null for a model distribution */
  samples: number | null;
  /** share of observed steps above --max-batch (always eager) */
  aboveMaxShare: number;
  meanBatch: number;
  /** [batch size, probability] for every size 1..maxBatch that occurs, for the report's pictures (absent from results written before the report existed) */
  shares?: [number, number][];
}

/** The measured curve the step times came from (recommend --curve); docs/recommend.md. */
export interface CurveSummary {
  files: string[];
  /** staircase up to the next measured size, after an isotonic (monotone) fix of noisy points */
  interpolation: 'isotonic-step-up';
  /** measured sizes: measuredNs as merged (median of the files' medians), stepNs as used */
  points: CurveStepModel['points'];
  /** sizes above this one, up to maxBatch, are extrapolated (null: the curve reaches maxBatch) */
  extrapolatedFrom: number | null;
  /** growth per sequence above the largest measured size (extrapolation) */
  slopeNs: number;
  /** largest relative change the monotone fix made to a point */
  maxAdjustShare: number;
}

/** Whether the step time grows with the batch size (point 4 of issue 14). */
export interface StepTrend {
  kind: 'rising' | 'flat' | 'falling';
  /** T(last) / T(first) - 1 (after the monotone fix for a curve) */
  riseShare: number;
  /** where T comes from: curve (measured), file (--from, fitted line), flag or default (assumed) */
  source: ConstantSource;
  firstBatch: number;
  lastBatch: number;
  firstStepNs: number;
  lastStepNs: number;
}

export interface RecommendResult extends Omit<PoolFigures, 'fits'> {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'recommend';
  argv: string[];
  createdAt: string;
  maxBatch: number;
  distribution: DistributionInfo;
  budgets: PoolBudgets;
  sharedPool: boolean;
  allowEagerTail: boolean;
  /** the recommended pool is `sizes`, ascending */
  graphCount: number;
  baselines: RecommendBaseline[];
  snippets: RecommendSnippets;
  model: PoolCostModel & {
    sources: Record<ModelConstant, ConstantSource>;
    fromFile: string | null;
    /** the measured step times the constants were fitted from (--from); absent or empty: none */
    measured?: FitPoint[];
  };
  optimizer: OptimiserStats & { exact: true };
  /**
   * --within: the pool is the one with the fewest graphs whose expected step is within `share` of
   * the optimum within the budgets; `optimum` is that optimum. null without --within.
   */
  within: { share: number; optimum: { sizes: number[]; graphCount: number; expectedStepNs: number } } | null;
  /** the measured step-time curve, or null when T is the model's line */
  curve: CurveSummary | null;
  /** sizes of the pool whose step time is interpolated or extrapolated, not measured ([] without a curve) */
  interpolatedSizes: number[];
  trend: StepTrend;
  /** --engine-log files as read: figures per log and what could not be read ([] without) */
  engineLogs: EngineLogSummary[];
  advice: string;
  notes: string[];
}

export function engineSnippets(sizes: readonly number[]): RecommendSnippets {
  const max = sizes[sizes.length - 1] ?? 0;
  const list = sizes.join(', ');
  return {
    vllm: `--compilation-config '{"cudagraph_capture_sizes": [${list}], "max_cudagraph_capture_size": ${max}}'`,
    sglang: `--cuda-graph-bs ${sizes.join(' ')} --cuda-graph-max-bs ${max}`,
    trtllm: `cuda_graph_config: {batch_sizes: [${list}], enable_padding: true}`,
  };
}

/** The lists the recommended pool is compared with, each as the engine would build it for maxBatch. */
export function baselineLists(maxBatch: number): { name: string; engine: Engine | null; sizes: number[] }[] {
  return [
    { name: 'vLLM default', engine: 'vllm', sizes: vllmDefaultSizes(maxBatch) },
    { name: 'SGLang default', engine: 'sglang', sizes: sglangDefaultSizes(maxBatch) },
    { name: 'TensorRT-LLM default', engine: 'trtllm', sizes: trtllmDefaultSizes(maxBatch) },
    { name: 'powers of two', engine: null, sizes: powersOfTwoSizes(maxBatch) },
    { name: 'every size', engine: null, sizes: everySize(maxBatch) },
  ];
}

export interface RecommendInput {
  distribution: BatchDistribution;
  distributionInfo: DistributionInfo;
  model: PoolCostModel;
  sources: Record<ModelConstant, ConstantSource>;
  fromFile: string | null;
  fitNotes: string[];
  /** the measured points behind fitted constants (--from), for the report */
  measured?: FitPoint[];
  budgets: PoolBudgets;
  sharedPool: boolean;
  allowEagerTail: boolean;
  /** --within: accept the fewest graphs whose expected step is within this share of the optimum */
  within?: number | null;
  /** --curve: measured T(s) in place of the model's line */
  curve?: { model: CurveStepModel; files: string[]; notes: string[] } | null;
  /** --from: the raw slope of the run's graph step times (a negative one means a falling curve) */
  fitRawStepSlopeNs?: number | null;
  /** --engine-log: what each log said, and its notes */
  engineLogs?: { summaries: EngineLogSummary[]; notes: string[] } | null;
}

export type RecommendOutcome =
  | { ok: true; result: Omit<RecommendResult, 'schemaVersion' | 'tool' | 'argv' | 'createdAt'> }
  | { ok: false; message: string };

export function recommend(input: RecommendInput): RecommendOutcome {
  const curve = input.curve ?? null;
  const problem: PoolProblem = {
    distribution: input.distribution,
    model: input.model,
    stepTable: curve ? curve.model.table : null,
    budgets: input.budgets,
    sharedPool: input.sharedPool,
    allowEagerTail: input.allowEagerTail,
  };
  const B = input.distribution.maxBatch;
  const found = optimisePool(problem);
  if (!found.ok) {
    const parts: string[] = [];
    if (found.memoryShort) parts.push(`--mem-budget to at least ${found.needMemoryBytes}B (${formatBytes(found.needMemoryBytes)})`);
    if (found.captureShort) parts.push(`--capture-budget to at least ${found.needCaptureNs}ns (${formatDuration(found.needCaptureNs)})`);
    const pool = `{${found.smallestPool.join(', ')}}`;
    const why = input.allowEagerTail ? 'the smallest pool' : `the smallest pool that covers --max-batch ${B}`;
    return {
      ok: false,
      message: `no capture pool fits the budgets: ${why}, ${pool}, needs ${formatBytes(found.needMemoryBytes)} of graph memory and ${formatDuration(found.needCaptureNs)} of capture time; raise ${parts.join(' and ')}${input.allowEagerTail ? '' : ', lower --max-batch, or pass --allow-eager-tail'}`,
    };
  }
  const optimum = found.pool;
  const within = input.within ?? null;
  const pool = within === null ? optimum : fewestGraphsWithin(problem, optimum, within);
  const measured = new Set(curve ? curve.model.points.map((p) => p.batch) : []);
  const unmeasured = (sizes: readonly number[]): number[] => (curve ? sizes.filter((s) => !measured.has(s)) : []);
  const logs = input.engineLogs?.summaries ?? [];
  const logLists = logs
    .filter((l) => l.sizes)
    .map((l) => ({ name: `${l.engine ? ENGINE_NAMES[l.engine] : 'engine'} list in ${l.file}`, engine: null, sizes: l.sizes! }));
  const baselines = [...baselineLists(B), ...logLists].map((b) => toBaseline(b, evaluatePool(problem, b.sizes), pool, unmeasured(b.sizes)));
  const notes = [...input.fitNotes, ...(curve?.notes ?? []), ...(input.engineLogs?.notes ?? [])];
  const fromLog = MODEL_CONSTANTS.filter((k) => input.sources[k] === 'engine-log');
  if (fromLog.length) notes.push(`from the engine log${logs.length === 1 ? '' : 's'}: ${fromLog.join(', ')}`);
  const fromFile = MODEL_CONSTANTS.filter((k) => input.sources[k] === 'file');
  const fromFlags = MODEL_CONSTANTS.filter((k) => input.sources[k] === 'flag');
  const defaults = MODEL_CONSTANTS.filter((k) => input.sources[k] === 'default');
  if (fromFile.length) notes.push(`from ${input.fromFile}: ${fromFile.join(', ')}`);
  const fromCurve = MODEL_CONSTANTS.filter((k) => input.sources[k] === 'curve');
  if (curve) {
    notes.push(
      `step time T(s) measured at ${curve.model.points.length} sizes (${curve.files.join(', ')}); between them a staircase up to the next measured size${curve.model.extrapolatedFrom !== null ? `; above ${curve.model.extrapolatedFrom} extrapolated at ${formatDuration(curve.model.slopeNs)}/seq (not measured)` : ''}`,
    );
    const adjusted = curve.model.points.filter((p) => p.adjusted);
    if (adjusted.length) notes.push(`${adjusted.length} measured point${adjusted.length === 1 ? '' : 's'} fell below a smaller size's time and ${adjusted.length === 1 ? 'was' : 'were'} averaged with ${adjusted.length === 1 ? 'it' : 'them'} (isotonic fix; largest change ${formatShare(curve.model.maxAdjustShare)}): sizes ${adjusted.map((p) => p.batch).join(', ')}`);
    if (fromCurve.some((k) => k !== 'stepBaseNs' && k !== 'stepPerSeqNs')) notes.push(`from the curve: ${fromCurve.filter((k) => k !== 'stepBaseNs' && k !== 'stepPerSeqNs').join(', ')}`);
    const interp = unmeasured(pool.sizes);
    if (interp.length) notes.push(`sizes ${interp.join(', ')} of the pool were not measured: their step time is the next measured size's (an upper bound when T rises)`);
  }
  if (fromFlags.length) notes.push(`from flags: ${fromFlags.join(', ')}`);
  if (defaults.length) notes.push(`assumed defaults (not measurements; see docs/recommend.md): ${defaults.join(', ')}`);
  if (within !== null && pool.sizes.length < optimum.sizes.length) {
    notes.push(
      `--within ${formatShare(within)}: ${pool.sizes.length} graph${pool.sizes.length === 1 ? '' : 's'} instead of the optimum's ${optimum.sizes.length}, expected step ${formatShare(pool.expectedStepNs / optimum.expectedStepNs - 1)} above its ${formatDuration(optimum.expectedStepNs)}`,
    );
  } else if (within !== null) {
    notes.push(`--within ${formatShare(within)}: no pool with fewer graphs than the optimum's ${optimum.sizes.length} comes within it`);
  }
  if (input.distributionInfo.aboveMaxShare > 0) {
    notes.push(`${formatShare(input.distributionInfo.aboveMaxShare)} of the observed steps are above --max-batch ${B} and always run eager`);
  }
  const result = {
    command: 'recommend' as const,
    maxBatch: B,
    distribution: input.distributionInfo,
    budgets: input.budgets,
    sharedPool: input.sharedPool,
    allowEagerTail: input.allowEagerTail,
    sizes: pool.sizes,
    graphCount: pool.sizes.length,
    memoryBytes: pool.memoryBytes,
    captureNs: pool.captureNs,
    expectedStepNs: pool.expectedStepNs,
    idealStepNs: pool.idealStepNs,
    paddingOverhead: pool.paddingOverhead,
    worstPaddingRatio: pool.worstPaddingRatio,
    eagerShare: pool.eagerShare,
    baselines,
    snippets: engineSnippets(pool.sizes),
    model: { ...input.model, sources: input.sources, fromFile: input.fromFile, measured: input.measured ?? [] },
    optimizer: { ...found.stats, exact: true as const },
    within: within === null ? null : { share: within, optimum: { sizes: optimum.sizes, graphCount: optimum.sizes.length, expectedStepNs: optimum.expectedStepNs } },
    curve: curve
      ? { files: curve.files, interpolation: 'isotonic-step-up' as const, points: curve.model.points, extrapolatedFrom: curve.model.extrapolatedFrom, slopeNs: curve.model.slopeNs, maxAdjustShare: curve.model.maxAdjustShare }
      : null,
    interpolatedSizes: unmeasured(pool.sizes),
    trend: stepTrend(input, B),
    engineLogs: logs,
    advice: '',
    notes,
  };
  result.advice = result.trend.kind === 'rising' ? adviceLine(result) : flatAdvice(result, evaluatePool(problem, [B]));
  return { ok: true, result };
}

/**
 * The pool with the fewest graphs whose expected step is within `share` of the optimum. The best
 * expected step with at most k graphs never rises with k (each limit allows all the smaller ones'
 * pools), so a binary search over k in [1, the optimum's count] finds the fewest, each step an exact
 * optimisation under the budgets plus the count limit.
 */
function fewestGraphsWithin(problem: PoolProblem, optimum: PoolFigures, share: number): PoolFigures {
  const limit = optimum.expectedStepNs * (1 + share);
  let lo = 1;
  let hi = optimum.sizes.length;
  let best = optimum;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const found = optimisePool({ ...problem, budgets: { ...problem.budgets, maxGraphs: mid } });
    if (found.ok && found.pool.expectedStepNs <= limit) {
      best = found.pool;
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return best;
}

/** Whether T grows with the batch: from the curve (after the fix), else from the model's line. */
function stepTrend(input: Pick<RecommendInput, 'curve' | 'model' | 'sources' | 'fitRawStepSlopeNs'>, maxBatch: number): StepTrend {
  const curve = input.curve?.model;
  if (curve) {
    const inRange = curve.points.filter((p) => p.batch <= maxBatch);
    const pts = inRange.length ? inRange : [curve.points[0]!];
    const a = pts[0]!;
    const z = pts[pts.length - 1]!;
    return { kind: curve.trend, riseShare: curve.riseShare, source: 'curve', firstBatch: a.batch, lastBatch: z.batch, firstStepNs: a.measuredNs, lastStepNs: z.measuredNs };
  }
  const m = input.model;
  const first = m.stepBaseNs + m.stepPerSeqNs;
  const last = m.stepBaseNs + m.stepPerSeqNs * maxBatch;
  const riseShare = first > 0 ? last / first - 1 : 0;
  const source = input.sources.stepPerSeqNs;
  const falling = source === 'file' && (input.fitRawStepSlopeNs ?? 0) < 0;
  return { kind: trendKind(riseShare, falling), riseShare, source, firstBatch: 1, lastBatch: maxBatch, firstStepNs: first, lastStepNs: last };
}

/**
 * The advice when T does not grow: the optimum is then one graph (or a few tied ones), which is
 * true for that curve but is not advice about padding; say what the curve means instead.
 */
function flatAdvice(r: Pick<RecommendResult, 'trend' | 'maxBatch' | 'graphCount' | 'expectedStepNs' | 'memoryBytes' | 'sizes' | 'within'>, one: PoolFigures): string {
  const t = r.trend;
  const measuredBy = t.source === 'curve' ? 'measured' : t.source === 'file' ? 'fitted from the run' : 'as assumed';
  const head =
    t.kind === 'falling'
      ? `The step time falls as the batch grows (${measuredBy}: ${formatDuration(t.firstStepNs)} at batch ${t.firstBatch}, ${formatDuration(t.lastStepNs)} at ${t.lastBatch}).`
      : `The step time barely grows with the batch (${measuredBy}: +${formatShare(t.riseShare)} from batch ${t.firstBatch} to ${t.lastBatch}, under the ${formatShare(FLAT_RISE_SHARE)} taken as flat).`;
  const pool = r.within ? `the pool within ${formatShare(r.within.share)} of the optimum` : 'the optimum';
  const meaning = `Padding is then nearly free, so the pool is decided by memory and capture time, not by step time: one graph at ${r.maxBatch} gives ${formatDuration(one.expectedStepNs)} with ${formatBytes(one.memoryBytes)}${one.fits ? '' : ' (over the budgets)'}, ${formatShare(Math.max(0, one.expectedStepNs / r.expectedStepNs - 1))} above ${pool} (${r.graphCount} size${r.graphCount === 1 ? '' : 's'}, ${formatDuration(r.expectedStepNs)}, ${formatBytes(r.memoryBytes)})${r.within ? '' : '; --within PCT takes the fewest sizes within PCT of the optimum'}.`;
  const check =
    t.kind === 'falling'
      ? 'A real decode step does not get faster with more sequences: re-measure (warm-up, clocks, and that the batch size reached the program: {batch} or GRAPHPROF_BATCH).'
      : "A real decode step grows with the batch (attention, GEMM tiles): check that the program's work depends on the batch size (graphprof run's spin kernels do not) before taking one graph as the answer.";
  return `${head} ${meaning} ${check}`;
}

function toBaseline(b: { name: string; engine: Engine | null; sizes: number[] }, f: PoolFigures, best: PoolFigures, interpolatedSizes: number[]): RecommendBaseline {
  return {
    interpolatedSizes,
    name: b.name,
    engine: b.engine,
    sizes: f.sizes,
    graphCount: f.sizes.length,
    fits: f.fits,
    memoryBytes: f.memoryBytes,
    captureNs: f.captureNs,
    expectedStepNs: f.expectedStepNs,
    paddingOverhead: f.paddingOverhead,
    worstPaddingRatio: f.worstPaddingRatio,
    eagerShare: f.eagerShare,
    slowerThanRecommended: best.expectedStepNs > 0 ? f.expectedStepNs / best.expectedStepNs - 1 : 0,
  };
}

/** One plain sentence: what to capture, what it costs, how it compares with the engines' lists. */
export function adviceLine(r: Pick<RecommendResult, 'graphCount' | 'expectedStepNs' | 'paddingOverhead' | 'memoryBytes' | 'captureNs' | 'eagerShare' | 'baselines'>): string {
  const head = `Capture ${r.graphCount} size${r.graphCount === 1 ? '' : 's'}: expected step ${formatDuration(r.expectedStepNs)} (${formatShare(r.paddingOverhead)} over ideal), ${formatBytes(r.memoryBytes)} of graph memory, ${formatDuration(r.captureNs)} of capture${r.eagerShare > 0 ? `, ${formatShare(r.eagerShare)} of steps eager` : ''}.`;
  const engines = r.baselines
    .filter((b) => b.engine !== null)
    .map((b) => {
      const cmp =
        Math.abs(b.slowerThanRecommended) < 5e-4
          ? 'as fast'
          : b.slowerThanRecommended > 0
            ? `${formatShare(b.slowerThanRecommended)} slower`
            : `${formatShare(-b.slowerThanRecommended)} faster but over budget`;
      return `${ENGINE_NAMES[b.engine!]}'s default list (${b.graphCount} graphs) is ${cmp}${b.fits ? '' : b.slowerThanRecommended >= 0 ? ' and does not fit the budgets' : ''}`;
    });
  return `${head} ${engines.join('; ')}.`;
}
