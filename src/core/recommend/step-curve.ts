// A measured step-time curve (what `graphprof sweep` writes, `recommend --curve` reads): its shape,
// the merge of several files, the monotone fix of noisy points, the interpolation between measured
// sizes, and whether the curve rises at all. Pure: reading the file is src/ingest/curve.ts.
// docs/recommend.md ("Measured curves") says why each choice was made; docs/json.md has the format.
import type { StepTable } from './pool.js';
import type { ToolInfo } from '../schema.js';
import { fitLine, median } from '../stats.js';

/** The curve format's own version, beside the result header's schemaVersion. */
export const CURVE_FORMAT = 'graphprof-curve/1';

/** One batch size of a sweep. Figures are per step (median over the marked steps) or per graph. */
export interface CurvePoint {
  batch: number;
  /** ok: the command exited 0 and steps were measured; failed: see exitCode and error */
  status: 'ok' | 'failed';
  /** the command's exit status at this size (128 + signal number when a signal ended it) */
  exitCode: number;
  /** wall time of the marked steps: median, median absolute deviation, number of steps */
  stepNs: { medianNs: number; madNs: number; count: number } | null;
  /** kernel launches per step (median over steps) */
  launchesPerStep: number | null;
  /** graph launches per step (median); above 0 means the program replays graphs */
  graphLaunchesPerStep: number | null;
  /** per graph: capture begin to instantiate + upload end; null when not measured */
  captureNs: number | null;
  /** per graph: device memory taken while capturing; null when not measured */
  captureMemoryBytes: number | null;
  /** how captureMemoryBytes was measured (allocation APIs inside capture, free-memory drop) */
  captureMemoryMethod: string | null;
  /**
   * per graph: the drop in free device memory (cuMemGetInfo) across captures the program bracketed
   * with it, divided by the graphs between; negative when memory was freed. null: not measured
   * (absent in older curves). Reported beside captureMemoryBytes; recommend does not use it.
   */
  captureFreeDropBytes: number | null;
  /** why the size failed, one line; null when ok */
  error: string | null;
}

/** A size that gave no figures (`sweep` made it, or a curve file lists it as failed): its exit code and why. */
export function failedPoint(batch: number, exitCode: number, error: string | null): CurvePoint {
  return {
    batch,
    status: 'failed',
    exitCode,
    stepNs: null,
    launchesPerStep: null,
    graphLaunchesPerStep: null,
    captureNs: null,
    captureMemoryBytes: null,
    captureMemoryMethod: null,
    captureFreeDropBytes: null,
    error,
  };
}

/** `graphprof sweep --json` / `-o curve.json`. */
export interface CurveResult {
  schemaVersion: string;
  tool: ToolInfo;
  command: 'sweep';
  format: typeof CURVE_FORMAT;
  argv: string[];
  createdAt: string;
  /** false while the sweep runs (-o is rewritten after each size) or when it was interrupted */
  complete: boolean;
  config: {
    command: string[];
    batchSizes: number[];
    stepMarker: string | null;
    tracer: 'host';
    /** placeholder: {batch} replaced in the command (and GRAPHPROF_BATCH set); env: GRAPHPROF_BATCH only */
    batchVia: 'placeholder' | 'env';
  };
  points: CurvePoint[];
  notes: string[];
}

/** One measured size after merging files: medians of the files' medians. */
export interface MeasuredStep {
  batch: number;
  stepNs: number;
  madNs: number;
  /** steps measured, over all files */
  count: number;
  /** files that measured this size */
  files: number;
  captureNs: number | null;
  captureMemoryBytes: number | null;
  graphLaunchesPerStep: number | null;
}

/** Several curves' ok points merged per batch size: the median over files of each figure. */
export function mergeCurves(curves: readonly (readonly CurvePoint[])[]): MeasuredStep[] {
  const byBatch = new Map<number, CurvePoint[]>();
  for (const points of curves) {
    for (const p of points) {
      if (p.status !== 'ok' || !p.stepNs) continue;
      const list = byBatch.get(p.batch) ?? [];
      list.push(p);
      byBatch.set(p.batch, list);
    }
  }
  const medianOf = (xs: (number | null)[]): number | null => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? median(v) : null;
  };
  return [...byBatch.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([batch, ps]) => ({
      batch,
      stepNs: median(ps.map((p) => p.stepNs!.medianNs)),
      madNs: median(ps.map((p) => p.stepNs!.madNs)),
      count: ps.reduce((s, p) => s + p.stepNs!.count, 0),
      files: ps.length,
      captureNs: medianOf(ps.map((p) => p.captureNs)),
      captureMemoryBytes: medianOf(ps.map((p) => p.captureMemoryBytes)),
      graphLaunchesPerStep: medianOf(ps.map((p) => p.graphLaunchesPerStep)),
    }));
}

/**
 * Isotonic regression (pool-adjacent violators): the non-decreasing sequence closest to `values`
 * in weighted least squares. A noisy point below its left neighbour is averaged with it instead of
 * being dropped or trusted.
 */
export function isotonic(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: { sum: number; weight: number; n: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    blocks.push({ sum: values[i]! * weights[i]!, weight: weights[i]!, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.weight <= b.sum / b.weight) break;
      blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, weight: a.weight + b.weight, n: a.n + b.n });
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.n; k++) out.push(b.sum / b.weight);
  return out;
}

/** Rises less than this from the smallest to the largest measured size (isotonic values): flat. */
export const FLAT_RISE_SHARE = 0.02;

/** The trend of a step-time curve or line: falling as the caller judged it, else flat below FLAT_RISE_SHARE. */
export function trendKind(riseShare: number, falling: boolean): 'falling' | 'flat' | 'rising' {
  return falling ? 'falling' : riseShare < FLAT_RISE_SHARE ? 'flat' : 'rising';
}

export interface CurveStepModel {
  /** measured sizes, ascending, with the figure the optimiser uses */
  points: { batch: number; measuredNs: number; stepNs: number; adjusted: boolean; madNs: number; files: number }[];
  table: StepTable;
  /** above the largest measured size T grows by this per sequence (extrapolated, assumed) */
  slopeNs: number;
  /** sizes in 1..maxBatch above the largest measured size: their T is extrapolated */
  extrapolatedFrom: number | null;
  /** rising, flat (rises less than FLAT_RISE_SHARE) or falling (the raw medians fall) */
  trend: 'rising' | 'flat' | 'falling';
  /** T(largest measured size in range) / T(smallest) - 1 after the monotone fix */
  riseShare: number;
  /** largest relative change the monotone fix made to a point */
  maxAdjustShare: number;
}

/** The least-squares slope over the measured sizes; null with fewer than two sizes. */
function lineSlope(xs: readonly number[], ys: readonly number[]): number | null {
  return fitLine(xs, ys)?.slope ?? null;
}

/**
 * T(n) on the staircase over measured sizes (ascending, with the step time used): the time of the
 * smallest measured size >= n; above the largest, along `slopeNs` from it. The one formula of the
 * optimiser's table (curveStepModel) and of the pictures drawn from a result's curve.
 */
export function staircaseStepNs(points: readonly { batch: number; stepNs: number }[], slopeNs: number): (batch: number) => number {
  const last = points[points.length - 1]!;
  return (n) => {
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]!.batch < n) lo = mid + 1;
      else hi = mid;
    }
    return lo < points.length ? points[lo]!.stepNs : last.stepNs + slopeNs * (n - last.batch);
  };
}

/**
 * T(n) for n = 0..maxBatch from measured sizes. Interpolation: a staircase that steps up to the next
 * measured size, T(n) = T(smallest measured s >= n), after an isotonic fix of noisy points. Why:
 * a real decode step is a staircase whose treads (GEMM tiles, kernel choices) are not known between
 * measured sizes; stepping up never promises a time below one measured at a size that serves n, so
 * a pool of measured sizes is scored with measured times only, and an unmeasured size is never
 * preferred for a step time nobody measured. Above the largest measured size T grows along the
 * least-squares slope of the (fixed) points, at least 0: an extrapolation, marked as such.
 */
export function curveStepModel(steps: readonly MeasuredStep[], maxBatch: number): CurveStepModel {
  if (steps.length === 0) throw new Error('curveStepModel: no measured size');
  const xs = steps.map((s) => s.batch);
  const raw = steps.map((s) => s.stepNs);
  const fixed = isotonic(raw, steps.map((s) => s.files));
  const slope = Math.max(0, lineSlope(xs, fixed) ?? 0);
  const table = new Float64Array(maxBatch + 1);
  const T = staircaseStepNs(xs.map((batch, i) => ({ batch, stepNs: fixed[i]! })), slope);
  for (let n = 0; n <= maxBatch; n++) table[n] = T(n);
  const last = xs.length - 1;
  // above maxBatch: along the measured staircase's overall slope (the table stays non-decreasing)
  const slopeAbove = maxBatch < xs[last]! ? Math.max(0, (fixed[last]! - table[maxBatch]!) / (xs[last]! - maxBatch)) : slope;
  const inRange = steps.map((s, i) => ({ s, i })).filter((x) => x.s.batch <= maxBatch);
  const first = inRange[0]?.i ?? 0;
  const lastIn = inRange.length ? inRange[inRange.length - 1]!.i : 0;
  const riseShare = fixed[first]! > 0 ? fixed[lastIn]! / fixed[first]! - 1 : 0;
  const rawSlope = lineSlope(xs.slice(first, lastIn + 1), raw.slice(first, lastIn + 1));
  const falling = rawSlope !== null && rawSlope < 0 && raw[lastIn]! < raw[first]! * (1 - FLAT_RISE_SHARE);
  let maxAdjustShare = 0;
  const points = steps.map((s, i) => {
    const adj = raw[i]! > 0 ? Math.abs(fixed[i]! / raw[i]! - 1) : 0;
    if (adj > maxAdjustShare) maxAdjustShare = adj;
    return { batch: s.batch, measuredNs: raw[i]!, stepNs: fixed[i]!, adjusted: fixed[i] !== raw[i], madNs: s.madNs, files: s.files };
  });
  return {
    points,
    // the staircase steps up to these sizes, so the optimiser charges a size between two of them the
    // memory and capture time of the next (pool.ts, StepTable.measuredSizes) and need consider only them
    table: { table, slopeAboveNs: slopeAbove, measuredSizes: Int32Array.from(xs) },
    slopeNs: slope,
    extrapolatedFrom: maxBatch > xs[last]! ? xs[last]! : null,
    trend: trendKind(riseShare, falling),
    riseShare,
    maxAdjustShare,
  };
}
