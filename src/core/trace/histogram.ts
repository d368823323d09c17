// The log-bucketed histogram of the tracers' records (the same scheme as native/trace/histogram.h),
// so that durations merge across threads, processes and scopes. Pure code.
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
