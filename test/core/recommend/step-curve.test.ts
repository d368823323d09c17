import { describe, expect, it } from 'vitest';

import { curveStepModel, isotonic, mergeCurves, type CurvePoint, type MeasuredStep } from '../../../src/core/recommend/step-curve.js';

function step(batch: number, stepNs: number, files = 1): MeasuredStep {
  return { batch, stepNs, madNs: 0, count: 10, files, captureNs: null, captureMemoryBytes: null, graphLaunchesPerStep: 1 };
}

function point(batch: number, medianNs: number, more: Partial<CurvePoint> = {}): CurvePoint {
  return { batch, status: 'ok', exitCode: 0, stepNs: { medianNs, madNs: 1, count: 5 }, launchesPerStep: 3, graphLaunchesPerStep: 1, captureNs: null, captureMemoryBytes: null, captureMemoryMethod: null, error: null, ...more };
}

describe('isotonic', () => {
  it('leaves a non-decreasing sequence alone and pools violators into their weighted mean', () => {
    expect(isotonic([1, 2, 3], [1, 1, 1])).toEqual([1, 2, 3]);
    expect(isotonic([1, 3, 2, 4], [1, 1, 1, 1])).toEqual([1, 2.5, 2.5, 4]);
    expect(isotonic([5, 1, 1], [1, 1, 1])).toEqual([7 / 3, 7 / 3, 7 / 3]);
    expect(isotonic([3, 1], [3, 1])).toEqual([2.5, 2.5]);
  });

  it('is non-decreasing and keeps the weighted sum on random inputs', () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(r() * 20);
      const v = Array.from({ length: n }, () => r() * 10);
      const w = Array.from({ length: n }, () => 1 + Math.floor(r() * 3));
      const f = isotonic(v, w);
      for (let i = 1; i < n; i++) expect(f[i]!).toBeGreaterThanOrEqual(f[i - 1]! - 1e-12);
      const sum = (xs: number[]) => xs.reduce((a, x, i) => a + x * w[i]!, 0);
      expect(sum(f)).toBeCloseTo(sum(v), 9);
    }
  });
});

describe('curveStepModel', () => {
  it('steps up to the next measured size between points and extrapolates above the last one', () => {
    const m = curveStepModel([step(2, 10), step(4, 20), step(8, 30)], 10);
    expect(Array.from(m.table.table)).toEqual([10, 10, 10, 20, 20, 30, 30, 30, 30, m.table.table[9], m.table.table[10]]);
    // least-squares slope of (2,10), (4,20), (8,30): 60 / (56/3) = 45/14 per sequence
    expect(m.slopeNs).toBeCloseTo(45 / 14, 12);
    expect(m.table.table[10]).toBeCloseTo(30 + (2 * 45) / 14, 12);
    expect(m.table.slopeAboveNs).toBeCloseTo(45 / 14, 12);
    expect(m.extrapolatedFrom).toBe(8);
    // the sizes the staircase steps up to: the optimiser charges a size between them as the next one
    expect(Array.from(m.table.measuredSizes!)).toEqual([2, 4, 8]);
    expect(m.trend).toBe('rising');
    expect(m.riseShare).toBeCloseTo(2, 12);
  });

  it('fixes a noisy point by pooling it with its neighbour, and says so', () => {
    const m = curveStepModel([step(1, 100), step(2, 110), step(4, 104), step(8, 200)], 8);
    expect(m.points.map((p) => p.stepNs)).toEqual([100, 107, 107, 200]);
    expect(m.points.map((p) => p.adjusted)).toEqual([false, true, true, false]);
    expect(m.maxAdjustShare).toBeCloseTo(3 / 104, 12);
  });

  it('calls a curve that rises less than 2% flat and one whose medians fall falling', () => {
    expect(curveStepModel([step(1, 1000), step(64, 1015)], 64).trend).toBe('flat');
    const falling = curveStepModel([step(1, 1000), step(32, 950), step(64, 900)], 64);
    expect(falling.trend).toBe('falling');
    expect(falling.riseShare).toBe(0);
    expect(curveStepModel([step(1, 1000), step(64, 1100)], 64).trend).toBe('rising');
  });

  it('with maxBatch below the largest measured size, the table stops at maxBatch, stepped up to the next measured size', () => {
    const m = curveStepModel([step(4, 10), step(8, 18)], 6);
    expect(Array.from(m.table.table)).toEqual([10, 10, 10, 10, 10, 18, 18]);
    expect(m.extrapolatedFrom).toBeNull();
    expect(m.table.slopeAboveNs).toBe(0);
  });
});

describe('mergeCurves', () => {
  it('takes the median over files of each size, ignores failed sizes, and counts steps and files', () => {
    const a = [point(1, 100, { captureNs: 10 }), point(2, 200)];
    const b = [point(1, 110, { captureNs: 30 }), point(2, 0, { status: 'failed', stepNs: null, exitCode: 139 })];
    const c = [point(1, 300), point(4, 400)];
    const m = mergeCurves([a, b, c]);
    expect(m.map((s) => [s.batch, s.stepNs, s.files, s.count])).toEqual([
      [1, 110, 3, 15],
      [2, 200, 1, 5],
      [4, 400, 1, 5],
    ]);
    expect(m[0]!.captureNs).toBe(20);
  });
});
