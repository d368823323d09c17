// What padding costs per batch size under a capture pool, for the recommend pictures: a batch of n
// runs the smallest captured size s >= n at T(s) (it pays T(s) - T(n)), or eager at T(n) + the eager
// penalty above the largest size. Weighted by p(n), the costs sum to expected step - ideal step,
// the figure `recommend` prints. The same model as src/core/pool.ts (evaluatePool), with the same
// T: the measured curve's staircase under --curve, else the model's line. Pure.
import { stepNs, type PoolCostModel } from '../recommend/pool.js';
import type { RecommendResult } from '../recommend/recommend.js';
import { staircaseStepNs } from '../recommend/step-curve.js';

/** T(n) and the eager penalty, as the optimiser priced a step. */
export interface StepTime {
  stepNs: (batch: number) => number;
  eagerPenaltyNs: number;
}

/** T of the model's line. */
export function lineStepTime(model: PoolCostModel): StepTime {
  return { stepNs: (n) => stepNs(model, n), eagerPenaltyNs: model.eagerPenaltyNs };
}

/** T of a recommend result: its measured curve's staircase (what the optimiser priced), else the line. */
export function resultStepTime(r: Pick<RecommendResult, 'model' | 'curve'>): StepTime {
  if (!r.curve || r.curve.points.length === 0) return lineStepTime(r.model);
  return { stepNs: staircaseStepNs(r.curve.points, r.curve.slopeNs), eagerPenaltyNs: r.model.eagerPenaltyNs };
}

export interface PaddingPoint {
  batch: number;
  /** the size that serves it, or null: eager */
  servedBy: number | null;
  /** extra time of one step of this batch over running at its own size */
  costNs: number;
  /** p(n) x costNs: this batch size's part of the expected padding cost per step */
  expectedNs: number;
}

/** `shares`: [batch, probability] pairs (batch sizes that occur). */
export function paddingCost(t: StepTime, sizes: readonly number[], shares: readonly (readonly [number, number])[]): PaddingPoint[] {
  const pool = [...new Set(sizes)].sort((a, b) => a - b);
  const out: PaddingPoint[] = [];
  let i = 0;
  for (const [batch, p] of [...shares].sort((a, b) => a[0] - b[0])) {
    while (i < pool.length && pool[i]! < batch) i++;
    const servedBy = i < pool.length ? pool[i]! : null;
    const costNs = servedBy === null ? t.eagerPenaltyNs : t.stepNs(servedBy) - t.stepNs(batch);
    out.push({ batch, servedBy, costNs, expectedNs: p * costNs });
  }
  return out;
}

/** Bins of consecutive batch sizes (at most `maxBins`), summing expected cost and probability. */
export function binByBatch<T extends { batch: number }>(points: readonly T[], maxBins: number, value: (p: T) => number): { x0: number; x1: number; sum: number }[] {
  if (points.length === 0) return [];
  const lo = points[0]!.batch;
  const hi = points[points.length - 1]!.batch;
  const width = Math.max(1, Math.ceil((hi - lo + 1) / Math.max(1, maxBins)));
  const bins = new Map<number, { x0: number; x1: number; sum: number }>();
  for (const p of points) {
    const k = Math.floor((p.batch - lo) / width);
    const b = bins.get(k) ?? { x0: lo + k * width, x1: lo + (k + 1) * width, sum: 0 };
    b.sum += value(p);
    bins.set(k, b);
  }
  return [...bins.values()].sort((a, b) => a.x0 - b.x0);
}
