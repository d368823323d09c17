import { describe, expect, it } from 'vitest';

import {
  bootstrapRatio,
  bootstrapRatioRuns,
  erfc,
  generator,
  mannWhitney,
  medianOf,
  normalUpperTail,
  predictionLimits,
  quantile,
  seedFrom,
  studentTCentral,
  studentTQuantile,
} from '../../../src/core/compare/significance.js';

/** Lognormal samples around a median, from the module's own seeded generator. */
function lognormal(next: () => number, n: number, medianNs: number, sigma: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - next();
    const v = next();
    return medianNs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  });
}

describe('erfc and the normal tail', () => {
  it.each([
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [2, 0.004677734981047266],
    [3, 2.2090496998585445e-5],
    [-1, 1.8427007929497148],
  ])('erfc(%f) matches the reference to 1.2e-7 relative', (x, ref) => {
    expect(Math.abs(erfc(x) - ref) / ref).toBeLessThan(1.2e-7);
  });

  it('gives the familiar normal quantiles', () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
  });
});

describe('Mann-Whitney U', () => {
  it('counts pairs by hand: no overlap', () => {
    // every current value is above every baseline value: U(current) = 3 x 3 = 9, U(baseline) = 0
    const r = mannWhitney([1, 2, 3], [4, 5, 6]);
    expect(r.uCurrent).toBe(9);
    expect(r.uBaseline).toBe(0);
  });

  it('uses midranks for ties, the tie-corrected variance and a continuity correction', () => {
    // pooled sorted: 1 | 2 2 2 | 3 | 4 -> ranks 1 | 3 3 3 | 5 | 6; current {2,3,4} sums 3+5+6 = 14
    // U(current) = 14 - 3*4/2 = 8; U(baseline) = 9 - 8 = 1
    // var = 3*3/12 * (7 - (3^3-3)/(6*5)) = 0.75 * 6.2 = 4.65; z = (8 - 4.5 - 0.5) / sqrt(4.65) = 1.3912
    const r = mannWhitney([1, 2, 2], [2, 3, 4]);
    expect(r.uCurrent).toBe(8);
    expect(r.uBaseline).toBe(1);
    expect(r.z).toBeCloseTo(3 / Math.sqrt(4.65), 10);
    // scipy.stats.mannwhitneyu([2,3,4], [1,2,2], method='asymptotic') -> 0.16415972847851523
    expect(r.pValue).toBeCloseTo(0.16415972847851523, 6);
  });

  it.each([
    // scipy.stats.mannwhitneyu(current, baseline, use_continuity=True, method='asymptotic')
    [[10.1, 10.4, 9.8, 10.0, 10.3, 10.2, 9.9, 10.5], [10.6, 10.9, 10.2, 10.8, 11.0, 10.4, 10.7, 10.5, 10.3], 64, 0.007985117693224414],
    [[1, 1, 2, 2, 2, 3, 3, 4], [2, 3, 3, 4, 4, 4, 5, 5], 54, 0.020720895186739533],
  ])('matches scipy on %j vs %j', (baseline, current, u, p) => {
    const r = mannWhitney(baseline, current);
    expect(r.uCurrent).toBe(u);
    expect(r.pValue).toBeCloseTo(p, 6);
  });

  it('gives p = 1 when every value is tied', () => {
    expect(mannWhitney([5, 5, 5], [5, 5]).pValue).toBe(1);
  });
});

describe('the bootstrap interval of the ratio of quantiles', () => {
  const next = generator(42);
  const base = lognormal(next, 100, 2.5e6, 0.02);
  const same = lognormal(next, 100, 2.5e6, 0.02);
  const slower = lognormal(next, 100, 2.75e6, 0.02);

  it('is reproducible: the same inputs and seed give the same interval', () => {
    const a = bootstrapRatio(base, slower, { seed: seedFrom('graph.p50@b1') });
    const b = bootstrapRatio(base, slower, { seed: seedFrom('graph.p50@b1') });
    expect(a).toEqual(b);
  });

  it('holds the observed ratio of medians, and finds a real 10% shift under 2% noise', () => {
    const r = bootstrapRatio(base, slower);
    expect(r.ratio).toBeCloseTo(quantile(slower, 0.5) / quantile(base, 0.5), 12);
    expect(r.low).toBeGreaterThan(1.07);
    expect(r.high).toBeLessThan(1.13);
    expect(r.low).toBeLessThan(r.ratio);
    expect(r.high).toBeGreaterThan(r.ratio);
    expect(r.significant).toBe(true);
  });

  it('does not call equal distributions different', () => {
    const r = bootstrapRatio(base, same);
    expect(r.low).toBeLessThan(1);
    expect(r.high).toBeGreaterThan(1);
    expect(r.significant).toBe(false);
  });

  it('works on p99 and on identical samples', () => {
    const r = bootstrapRatio(base, base, { quantile: 0.99 });
    expect(r.ratio).toBe(1);
    expect(r.low).toBeLessThanOrEqual(1);
    expect(r.high).toBeGreaterThanOrEqual(1);
    expect(r.significant).toBe(false);
    const s = bootstrapRatio(base, slower, { quantile: 0.99 });
    expect(s.ratio).toBeCloseTo(quantile(slower, 0.99) / quantile(base, 0.99), 12);
    expect(s.significant).toBe(true);
  });

  it('widens with the level', () => {
    const r95 = bootstrapRatio(base, same, { level: 0.95 });
    const r99 = bootstrapRatio(base, same, { level: 0.99 });
    expect(r99.low).toBeLessThan(r95.low);
    expect(r99.high).toBeGreaterThan(r95.high);
  });
});

describe('false-positive rate on equal distributions', () => {
  // 400 pairs of 30-sample draws from one lognormal (2% spread): the share of pairs the test calls
  // different should be near the nominal 5%. Binomial sd at 400 draws: 1.1 points.
  const trials = 400;
  const next = generator(7);
  const pairs = Array.from({ length: trials }, () => [lognormal(next, 30, 2.5e6, 0.02), lognormal(next, 30, 2.5e6, 0.02)] as const);

  it('bootstrap at 95%: about 5% of equal pairs are called significant', () => {
    let hits = 0;
    pairs.forEach(([a, b], i) => {
      if (bootstrapRatio(a, b, { resamples: 1000, seed: i + 1 }).significant) hits++;
    });
    const rate = hits / trials;
    // measured here: 12 of 400 (3.0%); over 2,000 pairs 3.3% at n = 30 and 3.0% at n = 100: the
    // percentile interval of a median is slightly conservative, never above the nominal 5%
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.08);
  });

  it('Mann-Whitney at 5%: about 5% of equal pairs have p < 0.05', () => {
    const rate = pairs.filter(([a, b]) => mannWhitney(a, b).pValue < 0.05).length / trials;
    // measured here: 16 of 400 (4.0%); over 2,000 pairs 5.2% at n = 30 and 4.85% at n = 100
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.08);
  });
});

describe("Student's t", () => {
  it.each([
    [0.975, 1, 12.7062],
    [0.975, 2, 4.3027],
    [0.975, 4, 2.7764],
    [0.975, 9, 2.2622],
    [0.995, 3, 5.8409],
    [0.9975, 2, 14.089],
    [0.9975, 4, 5.5976],
    [0.95, 30, 1.6973],
  ])('the %f quantile with %i degrees of freedom is %f (printed tables)', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
  });

  it('P(|T| <= t) is 0 at 0 and rises to 1', () => {
    expect(studentTCentral(0, 5)).toBe(0);
    expect(studentTCentral(1e6, 5)).toBeCloseTo(1, 9);
    expect(() => studentTQuantile(0.4, 3)).toThrow(RangeError);
  });
});

describe('several baseline runs', () => {
  it('the stratified bootstrap with one run is bootstrapRatio, draw for draw', () => {
    const next = generator(21);
    const b = lognormal(next, 50, 1e6, 0.02);
    const c = lognormal(next, 50, 1.03e6, 0.02);
    expect(bootstrapRatioRuns([b], c, { seed: 5 })).toEqual(bootstrapRatio(b, c, { seed: 5 }));
  });

  it('centres the interval on the median of the runs\' quantiles', () => {
    const next = generator(22);
    const runs = [0.95, 1.0, 1.08].map((f) => lognormal(next, 100, f * 1e6, 0.02));
    const c = lognormal(next, 100, 1e6, 0.02);
    const ci = bootstrapRatioRuns(runs, c, { resamples: 1000 });
    expect(ci.ratio).toBeCloseTo(quantile(c, 0.5) / medianOf(runs.map((r) => quantile(r, 0.5))), 12);
    expect(ci.low).toBeLessThan(ci.ratio);
    expect(ci.high).toBeGreaterThan(ci.ratio);
  });

  it('prediction limits: log mean +- t x sd x sqrt(1 + 1/n)', () => {
    const l = predictionLimits([100, 110, 121], 0.95)!;
    expect(l.logMean).toBeCloseTo(Math.log(110), 12);
    expect(l.logSd).toBeCloseTo(Math.log(1.1), 12);
    expect(l.factor).toBeCloseTo(4.3027 * Math.sqrt(4 / 3), 3);
    expect(l.high).toBeCloseTo(110 * Math.exp(l.factor * Math.log(1.1)), 6);
    expect(predictionLimits([100], 0.95)).toBeNull();
    expect(predictionLimits([100, 0], 0.95)).toBeNull();
  });

  it.each([2, 3, 5])(
    'a new run of an unchanged process passes the upper limit at the stated rate, whatever the spread (%i runs, 40,000 trials)',
    (n) => {
      const next = generator(100 + n);
      const z = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      for (const [level, sigma] of [
        [0.95, 0.12],
        [0.995, 0.3],
      ] as const) {
        let above = 0;
        const trials = 40_000;
        for (let t = 0; t < trials; t++) {
          const runs = Array.from({ length: n }, () => 3000 * Math.exp(sigma * z()));
          if (3000 * Math.exp(sigma * z()) > predictionLimits(runs, level)!.high) above++;
        }
        const expected = (1 - level) / 2;
        // within 4 binomial standard errors of the nominal one-sided rate
        expect(Math.abs(above / trials - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / trials));
      }
    },
  );
});
