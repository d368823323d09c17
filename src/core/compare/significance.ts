// Is a difference between two sets of timing samples beyond noise? Pure and reproducible: the
// bootstrap draws from a seeded generator, so the same two files always give the same answer.
//
// The decision rule `compare` uses (docs/ci.md, "How each verdict is decided"):
//   a percentile bootstrap confidence interval, at the stated level (default 95%), of the ratio
//   current statistic / baseline statistic, where the statistic is the quantile being gated
//   (0.5 for p50, 0.99 for p99). The difference is significant when the interval excludes 1.
// Mann-Whitney U (normal approximation with tie and continuity corrections) is reported beside it
// for medians: a rank test of a location shift, which needs no resampling.
import { quantileSorted, sorted } from '../stats.js';

/** Resamples per bootstrap interval: enough that the 2.5% and 97.5% tails hold 50 draws each. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Fewer samples than this on either side and no test is made (the figures compare as single values). */
export const MIN_SAMPLES = 5;
/** The generator's seed; per metric it is mixed with the metric's key (seedFrom). */
export const DEFAULT_SEED = 0x9e3779b9;

// ---- seeded generator ----------------------------------------------------------------------------

/** 32-bit FNV-1a of a string, mixed into the seed so each metric draws its own stream. */
export function seedFrom(text: string, seed = DEFAULT_SEED): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** xoshiro128** seeded through splitmix32: uniform numbers in [0, 1). */
export function generator(seed: number): () => number {
  let z = seed >>> 0;
  const split = (): number => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return (t ^ (t >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 2 ** 32;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// ---- bootstrap -----------------------------------------------------------------------------------

export interface BootstrapInterval {
  /** the quantile compared: 0.5 (median) or 0.99 */
  quantile: number;
  /** confidence level, e.g. 0.95 */
  level: number;
  /** the observed ratio current / baseline of the quantile */
  ratio: number;
  /** interval of the ratio current / baseline */
  low: number;
  high: number;
  resamples: number;
  /** the interval lies wholly above 1 (current larger) or wholly below 1 (current smaller) */
  significant: boolean;
}

/**
 * The quantile of one bootstrap resample of `s` (sorted, length n), in O(n): draw n indices,
 * count them, and walk the counts to the order statistics the R type 7 quantile interpolates.
 */
function resampleQuantile(s: readonly number[], q: number, counts: Uint32Array, next: () => number): number {
  const n = s.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(next() * n)]!++;
  const pos = (n - 1) * q;
  const loRank = Math.floor(pos);
  const hiRank = Math.ceil(pos);
  let seen = 0;
  let lo = NaN;
  for (let i = 0; i < n; i++) {
    seen += counts[i]!;
    if (Number.isNaN(lo) && seen > loRank) lo = s[i]!;
    if (seen > hiRank) return lo + (s[i]! - lo) * (pos - loRank);
  }
  return lo;
}

/** Quantile of an unsorted array, R type 7 (the same rule as the `run` summaries). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(sorted(values), q);
}

/**
 * Percentile bootstrap interval of quantile(current) / quantile(baseline): each side is resampled
 * with replacement on its own (the two runs are independent), `resamples` times.
 */
export function bootstrapRatio(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { quantile?: number; level?: number; resamples?: number; seed?: number } = {},
): BootstrapInterval {
  return bootstrapRatioRuns([baseline], current, options);
}

/** Median of a short list (the mean of the two middle values when the length is even). */
export function medianOf(values: readonly number[]): number {
  return quantileSorted(sorted(values), 0.5);
}

/**
 * The same interval against several baseline runs: the baseline statistic is the median of the
 * runs' quantiles (the figure `compare` shows as the baseline). Each run is resampled on its own
 * (a stratified bootstrap: runs are not pooled, so a shift between them is not mistaken for
 * spread within one), and so is the current run. With one baseline run this is bootstrapRatio,
 * draw for draw. It measures the noise *within* runs only; the spread *between* runs is judged by
 * predictionLimits.
 */
export function bootstrapRatioRuns(
  baselines: readonly ArrayLike<number>[],
  current: ArrayLike<number>,
  options: { quantile?: number; level?: number; resamples?: number; seed?: number } = {},
): BootstrapInterval {
  const q = options.quantile ?? 0.5;
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const next = generator(options.seed ?? DEFAULT_SEED);
  const bs = baselines.map((b) => sorted(b));
  const c = sorted(current);
  const ratio = quantileSorted(c, q) / medianOf(bs.map((b) => quantileSorted(b, q)));
  const countsB = bs.map((b) => new Uint32Array(b.length));
  const countsC = new Uint32Array(c.length);
  const ratios = new Float64Array(resamples);
  const runQ = new Array<number>(bs.length);
  for (let r = 0; r < resamples; r++) {
    const cq = resampleQuantile(c, q, countsC, next);
    for (let i = 0; i < bs.length; i++) runQ[i] = resampleQuantile(bs[i]!, q, countsB[i]!, next);
    ratios[r] = cq / (bs.length === 1 ? runQ[0]! : medianOf(runQ));
  }
  ratios.sort();
  const tail = (1 - level) / 2;
  const all = Array.from(ratios);
  const low = quantileSorted(all, tail);
  const high = quantileSorted(all, 1 - tail);
  return { quantile: q, level, ratio, low, high, resamples, significant: low > 1 || high < 1 };
}

// ---- between runs --------------------------------------------------------------------------------

/**
 * P(|T| <= t) for Student's t with `df` (a positive integer) degrees of freedom, by the finite
 * series of Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df).
 */
export function studentTCentral(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const s = Math.sin(theta);
  const c2 = Math.cos(theta) ** 2;
  if (df % 2 === 1) {
    if (df === 1) return (2 / Math.PI) * theta;
    let term = Math.cos(theta);
    let sum = term;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= (c2 * (k - 1)) / k;
    sum += term;
  }
  return s * sum;
}

/** The p quantile (0.5 < p < 1) of Student's t with `df` degrees of freedom, by bisection. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !Number.isInteger(df) || df < 1) throw new RangeError(`studentTQuantile(${p}, ${df})`);
  const target = 2 * p - 1;
  let lo = 0;
  let hi = 1;
  while (studentTCentral(hi, df) < target) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCentral(mid, df) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PredictionLimits {
  /** baseline runs with a value */
  runs: number;
  /** mean and standard deviation (n - 1) of the logarithms of the run values */
  logMean: number;
  logSd: number;
  /** t quantile x sqrt(1 + 1/n): how many log standard deviations the limits lie from the mean */
  factor: number;
  /** the values one more run of the same process would stay within, at `level` (two-sided) */
  low: number;
  high: number;
  level: number;
}

/**
 * Prediction limits for the value of one more run, from the values of n >= 2 earlier runs, on the
 * log scale: exp(mean +- t(n-1, (1 + level) / 2) x sd x sqrt(1 + 1/n)). When the run values are
 * lognormal between processes, a new run of an unchanged program lies above `high` with
 * probability exactly (1 - level) / 2 whatever the spread (T is pivotal). Null for fewer than 2
 * runs or a value that is not positive.
 */
export function predictionLimits(values: readonly number[], level: number): PredictionLimits | null {
  const n = values.length;
  if (n < 2 || values.some((v) => !(v > 0) || !Number.isFinite(v))) return null;
  const logs = values.map((v) => Math.log(v));
  const logMean = logs.reduce((a, b) => a + b, 0) / n;
  const logSd = Math.sqrt(logs.reduce((a, b) => a + (b - logMean) ** 2, 0) / (n - 1));
  const factor = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(1 + 1 / n);
  return { runs: n, logMean, logSd, factor, low: Math.exp(logMean - factor * logSd), high: Math.exp(logMean + factor * logSd), level };
}

// ---- Mann-Whitney U ------------------------------------------------------------------------------

export interface MannWhitney {
  /** U of the baseline sample: the number of (baseline, current) pairs with baseline > current, ties counting 1/2 */
  uBaseline: number;
  /** U of the current sample; uBaseline + uCurrent = n1 * n2 */
  uCurrent: number;
  /** standard score of uCurrent under the null hypothesis, with tie and continuity corrections */
  z: number;
  /** two-sided p-value from the normal approximation */
  pValue: number;
}

/**
 * Mann-Whitney U test of baseline against current: midranks for ties, the tie-corrected variance
 * n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), a continuity correction of 1/2, and the
 * normal approximation for the two-sided p-value (good from about 8 samples a side).
 */
export function mannWhitney(baseline: ArrayLike<number>, current: ArrayLike<number>): MannWhitney {
  const n1 = baseline.length;
  const n2 = current.length;
  const n = n1 + n2;
  const all: { v: number; fromCurrent: boolean }[] = [];
  for (let i = 0; i < n1; i++) all.push({ v: baseline[i]!, fromCurrent: false });
  for (let i = 0; i < n2; i++) all.push({ v: current[i]!, fromCurrent: true });
  all.sort((x, y) => x.v - y.v);
  let rankSumCurrent = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const midrank = (i + j + 2) / 2; // ranks are 1-based: positions i..j hold ranks i+1..j+1
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.fromCurrent) rankSumCurrent += midrank;
    i = j + 1;
  }
  const uCurrent = rankSumCurrent - (n2 * (n2 + 1)) / 2;
  const uBaseline = n1 * n2 - uCurrent;
  const mean = (n1 * n2) / 2;
  const variance = n > 1 ? ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))) : 0;
  if (!(variance > 0)) return { uBaseline, uCurrent, z: 0, pValue: 1 };
  const diff = uCurrent - mean;
  const corrected = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
  const z = corrected / Math.sqrt(variance);
  return { uBaseline, uCurrent, z, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}

/** P(Z > z) for a standard normal Z, from erfc (relative error below 1.2e-7). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc, Chebyshev fit; relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
