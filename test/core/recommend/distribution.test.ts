import { describe, expect, it } from 'vitest';

import { meanBatch, observedDistribution, parseDistributionSpec, uniformDistribution, zipfDistribution } from '../../../src/core/recommend/distribution.js';

describe('distributions', () => {
  it('parses the --dist spec', () => {
    expect(parseDistributionSpec('uniform')).toEqual({ kind: 'uniform' });
    expect(parseDistributionSpec('zipf:1.2')).toEqual({ kind: 'zipf', exponent: 1.2 });
    expect(parseDistributionSpec('batches.csv')).toEqual({ kind: 'file', path: 'batches.csv' });
    expect(() => parseDistributionSpec('zipf:0')).toThrow('expected zipf:S with an exponent S between 0 and 10 such as zipf:1.2, got "zipf:0"');
    expect(() => parseDistributionSpec('zipf:-1')).toThrow('got "zipf:-1"');
  });

  it('uniform and zipf sum to 1 with the right shape', () => {
    const u = uniformDistribution(4);
    expect(Array.from(u.probabilities)).toEqual([0, 0.25, 0.25, 0.25, 0.25]);
    expect(meanBatch(u)).toBeCloseTo(2.5, 12);
    const z = zipfDistribution(3, 1);
    const h = 1 + 1 / 2 + 1 / 3;
    expect(z.probabilities[1]).toBeCloseTo(1 / h, 12);
    expect(z.probabilities[3]).toBeCloseTo(1 / 3 / h, 12);
  });

  it('observed counts: sizes above maxBatch become eager mass', () => {
    const d = observedDistribution(8, new Map([[1, 3], [8, 1], [300, 1]]));
    expect(d.probabilities[1]).toBeCloseTo(0.6, 12);
    expect(d.probabilities[8]).toBeCloseTo(0.2, 12);
    expect(d.aboveProbability).toBeCloseTo(0.2, 12);
    expect(d.aboveBatchMoment).toBeCloseTo(60, 9);
    expect(meanBatch(d)).toBeCloseTo(0.6 + 1.6 + 60, 9);
    expect(() => observedDistribution(8, new Map([[2, 0]]))).toThrow('no batch sizes with a count above 0');
  });
});
