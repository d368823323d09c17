// Batch-size distributions for `recommend`: uniform, Zipf, or observed samples. Pure: the file
// formats live in src/ingest/distribution.ts.
import { ValueError } from '../../errors.js';
import type { BatchDistribution } from './pool.js';

export type DistributionSpec = { kind: 'uniform' } | { kind: 'zipf'; exponent: number } | { kind: 'file'; path: string };

/** "uniform", "zipf:1.2", or anything else: a file path. */
export function parseDistributionSpec(text: string): DistributionSpec {
  const t = text.trim();
  if (t === '') throw new ValueError('expected uniform, zipf:S (S > 0) or a file of observed batch sizes, got ""');
  if (t === 'uniform') return { kind: 'uniform' };
  if (t.toLowerCase().startsWith('zipf:')) {
    const s = t.slice(5);
    const exponent = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(exponent) || exponent <= 0 || exponent > 10) {
      throw new ValueError(`expected zipf:S with an exponent S between 0 and 10 such as zipf:1.2, got "${text}"`);
    }
    return { kind: 'zipf', exponent };
  }
  return { kind: 'file', path: t };
}

function fromWeights(maxBatch: number, weight: (n: number) => number): BatchDistribution {
  const probabilities = new Float64Array(maxBatch + 1);
  let total = 0;
  for (let n = 1; n <= maxBatch; n++) total += weight(n);
  for (let n = 1; n <= maxBatch; n++) probabilities[n] = weight(n) / total;
  return { maxBatch, probabilities, aboveProbability: 0, aboveBatchMoment: 0 };
}

/** Every batch size 1..maxBatch equally likely. */
export function uniformDistribution(maxBatch: number): BatchDistribution {
  return fromWeights(maxBatch, () => 1);
}

/** p(n) proportional to n^-s on 1..maxBatch: small batches dominate. */
export function zipfDistribution(maxBatch: number, exponent: number): BatchDistribution {
  return fromWeights(maxBatch, (n) => n ** -exponent);
}

/** Observed batch sizes (size -> count). Sizes above maxBatch are kept as eager mass. */
export function observedDistribution(maxBatch: number, counts: ReadonlyMap<number, number>): BatchDistribution {
  let total = 0;
  for (const [n, count] of counts) {
    if (!Number.isSafeInteger(n) || n < 1) throw new ValueError(`batch sizes must be positive integers, got ${n}`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new ValueError(`counts must be numbers >= 0, got ${count} for batch size ${n}`);
    total += count;
  }
  if (!(total > 0)) throw new ValueError('no batch sizes with a count above 0');
  const probabilities = new Float64Array(maxBatch + 1);
  let aboveProbability = 0;
  let aboveBatchMoment = 0;
  for (const [n, count] of counts) {
    const p = count / total;
    if (n <= maxBatch) probabilities[n]! += p;
    else {
      aboveProbability += p;
      aboveBatchMoment += p * n;
    }
  }
  return { maxBatch, probabilities, aboveProbability, aboveBatchMoment };
}

/** Mean batch size of a distribution, the mass above maxBatch included. */
export function meanBatch(d: BatchDistribution): number {
  let m = d.aboveBatchMoment;
  for (let n = 1; n <= d.maxBatch; n++) m += n * d.probabilities[n]!;
  return m;
}

/** [batch size, probability] for the sizes 1..maxBatch with a probability above 0, ascending. */
export function distributionShares(d: BatchDistribution): [number, number][] {
  const out: [number, number][] = [];
  for (let n = 1; n <= d.maxBatch; n++) if (d.probabilities[n]! > 0) out.push([n, d.probabilities[n]!]);
  return out;
}
