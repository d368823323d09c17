// Summary statistics of timing samples. Robust figures first (median, MAD), since GPU timings have
// long right tails: a single preemption must not move the headline number.

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
  /** median absolute deviation (unscaled) */
  mad: number;
  /** samples whose modified z-score exceeds 3.5 (Iglewicz and Hoaglin) */
  outliers: number;
}

/**
 * A summary of samples in nanoseconds, as results print it: the same figures, each name carrying
 * its unit (count and outliers are counts). Declared from Summary, so the two cannot drift apart.
 */
export type TimingSummary = { [K in keyof Summary as K extends 'count' | 'outliers' ? K : `${K}Ns`]: Summary[K] };

/** Least squares y = a + b x; null when x takes fewer than two distinct values. */
export function fitLine(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number } | null {
  const n = xs.length;
  if (n === 0 || new Set(xs).size < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

/** Each figure of `totals` divided by `n` (per-step figures: the totals of a trace over its steps), keys in order. */
export function dividedBy<K extends string>(totals: Readonly<Record<K, number>>, n: number): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(totals) as K[]) out[k] = totals[k] / n;
  return out;
}

/** Sorted copy; the input is left alone. */
export function sorted(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

/** Quantile of sorted values by linear interpolation between closest ranks (R type 7, numpy's default). */
export function quantileSorted(s: readonly number[], q: number): number {
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo]!;
  const b = s[hi]!;
  return a + (b - a) * (pos - lo);
}

export function median(values: ArrayLike<number>): number {
  return quantileSorted(sorted(values), 0.5);
}

export function mad(values: ArrayLike<number>): number {
  const m = median(values);
  return median(Array.from(values, (v) => Math.abs(v - m)));
}

export function summarize(values: ArrayLike<number>): Summary {
  const s = sorted(values);
  const n = s.length;
  if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, min: NaN, max: NaN, mean: NaN, mad: NaN, outliers: 0 };
  const p50 = quantileSorted(s, 0.5);
  const deviations = sorted(s.map((v) => Math.abs(v - p50)));
  const madValue = quantileSorted(deviations, 0.5);
  let outliers = 0;
  if (madValue > 0) {
    for (const v of s) if ((0.6745 * Math.abs(v - p50)) / madValue > 3.5) outliers++;
  }
  let sum = 0;
  for (const v of s) sum += v;
  return {
    count: n,
    p50,
    p90: quantileSorted(s, 0.9),
    p99: quantileSorted(s, 0.99),
    min: s[0]!,
    max: s[n - 1]!,
    mean: sum / n,
    mad: madValue,
    outliers,
  };
}

/** summarize() of samples in nanoseconds, under the names results carry (p50 -> p50Ns, ...). */
export function summarizeNs(samplesNs: ArrayLike<number>): TimingSummary {
  const s = summarize(samplesNs);
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k === 'count' || k === 'outliers' ? k : `${k}Ns`, v])) as TimingSummary;
}

/** MAD relative to the median: the spread figure the noise warning uses. */
export function relativeSpread(median: number, madValue: number): number {
  return median === 0 ? 0 : madValue / Math.abs(median);
}
