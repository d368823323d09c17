import { describe, expect, it } from 'vitest';

import { median } from '../../../src/core/stats.js';
import { bucketMid, bucketOf, HISTOGRAM_BUCKETS, HISTOGRAM_RELATIVE_ERROR, histogramMedian, histogramOf } from '../../../src/core/trace/histogram.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('log-bucketed histogram (same scheme as native/trace/histogram.h)', () => {
  it('keeps values below 32 ns exact and bounds every bucket within 1/64 of its midpoint', () => {
    for (let v = 0; v < 32; v++) expect(bucketMid(bucketOf(v))).toBe(v);
    const rnd = lcg(7);
    for (let i = 0; i < 20_000; i++) {
      const v = Math.floor(32 + rnd() * 2 ** (5 + rnd() * 35));
      const mid = bucketMid(bucketOf(v));
      expect(Math.abs(mid - v) / v).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('is monotonic and handles powers of two and the top bucket', () => {
    let last = -1;
    for (let e = 5; e < 43; e++) {
      for (const v of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
        const b = bucketOf(v);
        expect(b).toBeGreaterThanOrEqual(last);
        last = b;
      }
      expect(bucketOf(2 ** e)).toBe(32 + (e - 5) * 32);
    }
    expect(bucketOf(2 ** 50)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it('gives medians within the stated error of the exact median (nsys: mean of the middle two)', () => {
    const rnd = lcg(42);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rnd() * 3000);
      const values = Array.from({ length: n }, () => Math.floor(500 + rnd() * rnd() * 2e6));
      const exact = median(values);
      const est = histogramMedian(histogramOf(values), n, Math.min(...values), Math.max(...values));
      expect(Math.abs(est - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
    expect(histogramMedian(histogramOf([10, 20]), 2, 10, 20)).toBe(15);
  });
});

