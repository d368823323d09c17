// What padding costs per batch size under a capture pool, for the recommend pictures: a batch of n
// runs the smallest captured size s >= n at T(s) (it pays T(s) - T(n)), or eager at T(n) + the eager
// penalty above the largest size. Weighted by p(n), the costs sum to expected step - ideal step,
// the figure `recommend` prints. The same model as src/core/pool.ts (evaluatePool). Pure.
import type { PoolCostModel } from '../recommend/pool.js';

export interface PaddingPoint {
  batch: number;
  /** the size that serves it, or null: eager */
  servedBy: number | null;
  /** extra time of one step of this batch over running at its own size */
  costNs: number;
  /** p(n) x costNs: this batch size's part of the expected padding cost per step */
  expectedNs: number;
}

function step(model: PoolCostModel, batch: number): number {
  return model.stepBaseNs + model.stepPerSeqNs * batch;
}

/** `shares`: [batch, probability] pairs (batch sizes that occur). */
export function paddingCost(model: PoolCostModel, sizes: readonly number[], shares: readonly (readonly [number, number])[]): PaddingPoint[] {
  const pool = [...new Set(sizes)].sort((a, b) => a - b);
  const out: PaddingPoint[] = [];
  let i = 0;
  for (const [batch, p] of [...shares].sort((a, b) => a[0] - b[0])) {
    while (i < pool.length && pool[i]! < batch) i++;
    const servedBy = i < pool.length ? pool[i]! : null;
    const costNs = servedBy === null ? model.eagerPenaltyNs : step(model, servedBy) - step(model, batch);
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
