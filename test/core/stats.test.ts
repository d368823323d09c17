import { describe, expect, it } from 'vitest';

import { mad, median, quantileSorted, relativeSpread, summarize } from '../../src/core/stats.js';

describe('quantiles (numpy linear, type 7)', () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('matches numpy.percentile', () => {
    // numpy.percentile([1..10], [50, 90, 99]) = [5.5, 9.1, 9.91]
    expect(quantileSorted(s, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantileSorted(s, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantileSorted(s, 0.99)).toBeCloseTo(9.91, 12);
  });
  it('median of unsorted input leaves the input alone', () => {
    const v = [9, 1, 5, 3];
    expect(median(v)).toBe(4);
    expect(v).toEqual([9, 1, 5, 3]);
  });
});

describe('summarize', () => {
  it('gives every figure for a known series', () => {
    const s = summarize([10, 11, 12, 13, 100]);
    expect(s).toMatchObject({ count: 5, p50: 12, min: 10, max: 100, mean: 29.2, mad: 1 });
    // |100 - 12| * 0.6745 / 1 = 59 > 3.5: one outlier; the rest are within 3.5
    expect(s.outliers).toBe(1);
    // numpy.percentile([10, 11, 12, 13, 100], 90) = 65.2
    expect(s.p90).toBeCloseTo(65.2, 10);
  });
  it('has no outliers when MAD is zero', () => {
    expect(summarize([5, 5, 5, 5]).outliers).toBe(0);
  });
  it('is NaN-filled for no samples', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p50).toBeNaN();
  });
  it('mad and relative spread', () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(relativeSpread(200, 10)).toBe(0.05);
    expect(relativeSpread(0, 10)).toBe(0);
  });
});
