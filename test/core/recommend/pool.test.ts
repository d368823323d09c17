import { describe, expect, it } from 'vitest';

import {
  evaluatePool,
  everySize,
  optimisePool,
  poolResources,
  powersOfTwoSizes,
  sglangDefaultSizes,
  trtllmDefaultSizes,
  vllmDefaultSizes,
  type BatchDistribution,
  type PoolCostModel,
  type PoolProblem,
  type StepTable,
} from '../../../src/core/recommend/pool.js';
import { MODEL_DEFAULTS } from '../../../src/core/recommend/model-defaults.js';
import { mulberry32 } from '../../../src/core/random.js';


function dist(weights: number[], above: [number, number][] = []): BatchDistribution {
  const B = weights.length;
  const total = weights.reduce((a, b) => a + b, 0) + above.reduce((a, [, w]) => a + w, 0);
  const probabilities = new Float64Array(B + 1);
  weights.forEach((w, i) => (probabilities[i + 1] = w / total));
  let aboveProbability = 0;
  let aboveBatchMoment = 0;
  for (const [n, w] of above) {
    aboveProbability += w / total;
    aboveBatchMoment += (n * w) / total;
  }
  return { maxBatch: B, probabilities, aboveProbability, aboveBatchMoment };
}

const MODEL: PoolCostModel = { ...MODEL_DEFAULTS };

/** Every pool allowed, enumerated: the reference the optimiser must match. */
function bruteForce(problem: PoolProblem): { expected: number; sizes: number[] } | null {
  const B = problem.distribution.maxBatch;
  let best: { expected: number; sizes: number[] } | null = null;
  for (let mask = 1; mask < 1 << B; mask++) {
    const sizes: number[] = [];
    for (let b = 0; b < B; b++) if (mask & (1 << b)) sizes.push(b + 1);
    if (!problem.allowEagerTail && sizes[sizes.length - 1] !== B) continue;
    const f = evaluatePool(problem, sizes);
    if (!f.fits) continue;
    if (!best || f.expectedStepNs < best.expected) best = { expected: f.expectedStepNs, sizes };
  }
  return best;
}

function randomProblem(r: () => number, B: number): PoolProblem {
  const shape = r();
  const weights = Array.from({ length: B }, (_, i): number => {
    if (shape < 0.25) return r() < 0.5 ? 0 : r(); // sparse support
    if (shape < 0.5) return 1 / (i + 1) ** (0.5 + r()); // zipf-like
    if (shape < 0.6) return 1; // uniform
    return r();
  });
  if (!weights.some((w) => w > 0)) weights[Math.floor(r() * B)] = 1;
  const above: [number, number][] = r() < 0.3 ? [[B + 1 + Math.floor(r() * 10), r()]] : [];
  const model: PoolCostModel = {
    stepBaseNs: Math.round(r() * 1e6),
    stepPerSeqNs: Math.round(r() * 1e5),
    eagerPenaltyNs: Math.round(r() * 2e6),
    graphMemBytes: Math.round(r() * 100),
    poolPerSeqBytes: Math.round(r() * 50),
    captureBaseNs: Math.round(r() * 100),
    capturePerSeqNs: r() < 0.5 ? 0 : Math.round(r() * 30),
  };
  const sharedPool = r() < 0.6;
  const allowEagerTail = r() < 0.4;
  // budgets between "only the smallest pool" and "every size": binding and not
  const all = poolResources(model, sharedPool, B, (B * (B + 1)) / 2, B);
  const memoryBytes = r() < 0.8 ? Math.round(all.memoryBytes * (0.05 + r() * 1.1)) : null;
  const captureNs = r() < 0.6 ? Math.round(all.captureNs * (0.05 + r() * 1.1)) : null;
  return { distribution: dist(weights, above), model, budgets: { memoryBytes, captureNs }, sharedPool, allowEagerTail };
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * optimisePool against exhaustive search on one instance: both find no pool (null), or the
 * optimiser's pool fits and its expected step is the best one. Returns both for the caller's checks.
 */
function matchBruteForce(problem: PoolProblem, label: string) {
  const ref = bruteForce(problem);
  const got = optimisePool(problem);
  if (!ref) {
    expect(got.ok, label).toBe(false);
    return null;
  }
  expect(got.ok, label).toBe(true);
  if (!got.ok) throw new Error(label);
  expect(got.pool.fits).toBe(true);
  expect(close(got.pool.expectedStepNs, ref.expected), `${label}: ${got.pool.expectedStepNs} vs ${ref.expected} (${ref.sizes})`).toBe(true);
  return { ref, pool: got.pool, stats: got.stats };
}

describe('optimisePool is exact', () => {
  it('matches exhaustive search on 1500 random instances with B up to 12', () => {
    const r = mulberry32(42);
    let binding = 0;
    let infeasible = 0;
    let pareto = 0;
    for (let t = 0; t < 1500; t++) {
      const B = 1 + Math.floor(r() * 12);
      const problem = randomProblem(r, B);
      const m = matchBruteForce(problem, `instance ${t}`);
      if (!m) {
        infeasible++;
        continue;
      }
      if (m.stats.algorithm === 'pareto-dp') pareto++;
      if (!problem.allowEagerTail) expect(m.pool.sizes[m.pool.sizes.length - 1]).toBe(B);
      if (m.ref.sizes.length < B) binding++;
    }
    // the sample covers both algorithms, binding budgets and infeasible ones
    expect(binding).toBeGreaterThan(300);
    expect(infeasible).toBeGreaterThan(10);
    expect(pareto).toBeGreaterThan(200);
  });

  it('with a graph-count limit, matches exhaustive search on 600 random instances with B up to 11', () => {
    const r = mulberry32(2026);
    let limiting = 0;
    let pareto = 0;
    for (let t = 0; t < 600; t++) {
      const B = 1 + Math.floor(r() * 11);
      const base = randomProblem(r, B);
      const maxGraphs = 1 + Math.floor(r() * B);
      const problem = { ...base, budgets: { ...base.budgets, maxGraphs } };
      const m = matchBruteForce(problem, `instance ${t}`);
      if (!m) continue;
      expect(m.pool.sizes.length).toBeLessThanOrEqual(maxGraphs);
      if (m.stats.algorithm === 'pareto-dp') pareto++;
      const free = bruteForce(base);
      if (free && free.sizes.length > maxGraphs && !close(free.expected, m.ref.expected)) limiting++;
    }
    // the limit binds (changes the optimum) in a good part of the sample, on both algorithms
    expect(limiting).toBeGreaterThan(100);
    expect(pareto).toBeGreaterThan(100);
  });

  it('matches exhaustive search on instances with B from 16 to 20', () => {
    const r = mulberry32(7);
    for (let t = 0; t < 8; t++) {
      const B = 16 + (t % 5);
      const problem = randomProblem(r, B);
      const ref = bruteForce(problem);
      const got = optimisePool(problem);
      if (!ref) {
        expect(got.ok).toBe(false);
        continue;
      }
      expect(got.ok).toBe(true);
      if (got.ok) expect(close(got.pool.expectedStepNs, ref.expected), `instance ${t}`).toBe(true);
    }
  });

  it('captures every size that occurs when the budgets allow it (ideal cost)', () => {
    const problem: PoolProblem = {
      distribution: dist([1, 0, 3, 0, 0, 2, 0, 1]),
      model: MODEL,
      budgets: { memoryBytes: null, captureNs: null },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok && got.pool.sizes).toEqual([1, 3, 6, 8]);
    expect(got.ok && got.pool.paddingOverhead).toBe(0);
  });

  it('with a flat step time (no per-sequence cost) one graph at B is optimal', () => {
    const problem: PoolProblem = {
      distribution: dist([1, 1, 1, 1, 1, 1, 1, 1]),
      model: { ...MODEL, stepPerSeqNs: 0 },
      budgets: { memoryBytes: null, captureNs: null },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok && got.pool.sizes).toEqual([8]);
  });

  it('structured large case: uniform B = 256 with room for k graphs spaces them evenly', () => {
    // Under a uniform distribution and linear T, the optimal k-pool for n = 1..256 has equal
    // spacing: with 4 graphs, 64/128/192/256.
    const model: PoolCostModel = { ...MODEL, poolPerSeqBytes: 0, graphMemBytes: 1000 };
    const problem: PoolProblem = {
      distribution: dist(Array(256).fill(1)),
      model,
      budgets: { memoryBytes: 4000, captureNs: null },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok && got.pool.sizes).toEqual([64, 128, 192, 256]);
    // expected step: mean over each block of T(top)
    const e = [64, 128, 192, 256].reduce((a, s) => a + (64 / 256) * (MODEL.stepBaseNs + MODEL.stepPerSeqNs * s), 0);
    expect(got.ok && got.pool.expectedStepNs).toBeCloseTo(e, 3);
  });

  it('structured large case: point masses are captured exactly, the rest of the range is not needed', () => {
    const w = Array(1024).fill(0);
    for (const n of [3, 17, 100, 511, 1000]) w[n - 1] = 1;
    const problem: PoolProblem = {
      distribution: dist(w),
      model: { ...MODEL, capturePerSeqNs: 1_000_000 },
      budgets: { memoryBytes: null, captureNs: 6 * 250_000_000 + 3000 * 1_000_000 },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok && got.pool.sizes).toEqual([3, 17, 100, 511, 1000, 1024]);
    expect(got.ok && got.stats.algorithm).toBe('pareto-dp');
  });

  it('structured large case: the two algorithms agree where both apply (B = 300, zipf-like)', () => {
    // A capture budget with a per-sequence cost of 1 ns that can never bind sends the problem to the
    // Pareto label DP; without it, to the count DP. Same optimum either way.
    const w = Array.from({ length: 300 }, (_, i) => 1 / (i + 1) ** 1.1);
    for (const allowEagerTail of [false, true]) {
      const base: PoolProblem = {
        distribution: dist(w),
        model: MODEL,
        budgets: { memoryBytes: 300 * 2 ** 20 + 20 * 8 * 2 ** 20, captureNs: null },
        sharedPool: true,
        allowEagerTail,
      };
      const a = optimisePool(base);
      const b = optimisePool({ ...base, model: { ...MODEL, capturePerSeqNs: 1 }, budgets: { ...base.budgets, captureNs: 1e15 } });
      expect(a.ok && b.ok).toBe(true);
      if (!a.ok || !b.ok) continue;
      expect(a.stats.algorithm).toBe('count-dp');
      expect(b.stats.algorithm).toBe('pareto-dp');
      expect(close(a.pool.expectedStepNs, b.pool.expectedStepNs)).toBe(true);
    }
  });

  it('says which budget is short and by how much when no pool fits', () => {
    const problem: PoolProblem = {
      distribution: dist(Array(256).fill(1)),
      model: MODEL,
      budgets: { memoryBytes: 100 * 2 ** 20, captureNs: 10e9 },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.smallestPool).toEqual([256]);
    expect(got.needMemoryBytes).toBe(256 * 2 ** 20 + 8 * 2 ** 20);
    expect(got.memoryShort).toBe(true);
    expect(got.captureShort).toBe(false);
    // with an eager tail the smallest pool is {1}
    const tail = optimisePool({ ...problem, allowEagerTail: true });
    expect(tail.ok).toBe(true);
  });
});

/** A random non-decreasing T(n), n = 0..B: a staircase, a concave curve, a convex one, or noise made monotone. */
function randomTable(r: () => number, B: number): StepTable {
  const table = new Float64Array(B + 1);
  const shape = r();
  const base = Math.round(r() * 1e6);
  let step = 1 + Math.floor(r() * 4);
  for (let n = 0; n <= B; n++) {
    let v: number;
    if (shape < 0.35) v = base + Math.ceil(n / step) * Math.round(r() < 0.3 ? 0 : 2e5 * r()); // staircase, random tread
    else if (shape < 0.55) v = base + 3e5 * Math.sqrt(n);
    else if (shape < 0.75) v = base + 2e3 * n * n;
    else v = base + r() * 4e5;
    table[n] = n === 0 ? v : Math.max(v, table[n - 1]!);
    if (shape < 0.35 && n % step === 0) step = 1 + Math.floor(r() * 4);
  }
  return { table, slopeAboveNs: r() < 0.5 ? 0 : Math.round(r() * 5e4) };
}

describe('optimisePool is exact for measured step-time tables', () => {
  it('matches exhaustive search on 1200 random instances with non-linear and staircase T(n), B up to 12', () => {
    const r = mulberry32(1414);
    let staircase = 0;
    let pareto = 0;
    let binding = 0;
    for (let t = 0; t < 1200; t++) {
      const B = 1 + Math.floor(r() * 12);
      const base = randomProblem(r, B);
      const stepTable = randomTable(r, B);
      if (r() < 0.3) base.budgets.maxGraphs = 1 + Math.floor(r() * B);
      const problem: PoolProblem = { ...base, stepTable };
      const m = matchBruteForce(problem, `instance ${t}`);
      if (!m) continue;
      if (m.stats.algorithm === 'pareto-dp') pareto++;
      if (new Set(stepTable.table).size < B) staircase++;
      if (m.ref.sizes.length < B) binding++;
    }
    expect(staircase).toBeGreaterThan(200);
    expect(pareto).toBeGreaterThan(150);
    expect(binding).toBeGreaterThan(200);
  });

  it('prices a step by the table, not the line: a staircase makes padding up to the tread free', () => {
    // T = 1 ms up to 8, 2 ms from 9 to 16: one graph at 8 and one at 16 serve everything at the ideal cost
    const table = Float64Array.from({ length: 17 }, (_, n) => (n <= 8 ? 1e6 : 2e6));
    const problem: PoolProblem = { distribution: dist(Array(16).fill(1)), model: MODEL, stepTable: { table, slopeAboveNs: 0 }, budgets: { memoryBytes: null, captureNs: null }, sharedPool: true, allowEagerTail: false };
    const got = optimisePool(problem);
    expect(got.ok && got.pool.sizes).toEqual([8, 16]);
    expect(got.ok && got.pool.expectedStepNs).toBeCloseTo(1.5e6, 6);
    expect(got.ok && got.pool.paddingOverhead).toBeCloseTo(0, 12);
  });

  it('charges the mass above maxBatch along the table\'s slope above it', () => {
    const table = Float64Array.from({ length: 5 }, (_, n) => 1e6 + n * 1e5);
    const problem: PoolProblem = { distribution: dist([1, 0, 0, 1], [[10, 2]]), model: { ...MODEL, eagerPenaltyNs: 5e5 }, stepTable: { table, slopeAboveNs: 2e5 }, budgets: { memoryBytes: null, captureNs: null }, sharedPool: true, allowEagerTail: false };
    const f = evaluatePool(problem, [1, 4]);
    // 1/4 at T(1), 1/4 at T(4), 1/2 eager at T(4) + 6 x 0.2 ms + 0.5 ms
    expect(f.expectedStepNs).toBeCloseTo(0.25 * 1.1e6 + 0.25 * 1.4e6 + 0.5 * (1.4e6 + 1.2e6 + 0.5e6), 3);
    expect(f.eagerShare).toBeCloseTo(0.5, 12);
  });
});

/**
 * A staircase over measured sizes, as src/core/recommend/step-curve.ts builds it: some sizes measured
 * (a few above B at times, or none near B so the top is extrapolated), T(n) = T(next measured size)
 * up to the largest measured size, and any non-decreasing values above it.
 */
function randomMeasuredStaircase(r: () => number, B: number): StepTable {
  const measured: number[] = [];
  for (let n = 1; n <= B + 3; n++) if (r() < 0.35) measured.push(n);
  if (measured.length === 0) measured.push(1 + Math.floor(r() * B));
  const last = measured[measured.length - 1]!;
  const atMeasured = new Map<number, number>();
  let v = Math.round(r() * 1e6);
  for (const m of measured) atMeasured.set(m, (v += r() < 0.2 ? 0 : Math.round(r() * 3e5)));
  const table = new Float64Array(B + 1);
  let j = 0;
  for (let n = 0; n <= B; n++) {
    while (j < measured.length && measured[j]! < n) j++;
    table[n] = j < measured.length ? atMeasured.get(measured[j]!)! : atMeasured.get(last)! + (n - last) * Math.round(r() * 1e5);
    if (n > 0 && table[n]! < table[n - 1]!) table[n] = table[n - 1]!;
  }
  return { table, slopeAboveNs: Math.round(r() * 5e4), measuredSizes: Int32Array.from(measured) };
}

/** top of the tread of s within 1..B: the next measured size (at most B), or s above the last measured */
function treadTop(t: StepTable, B: number, s: number): number {
  const m = [...t.measuredSizes!];
  const next = m.find((x) => x >= s);
  return next === undefined ? s : Math.min(next, B);
}

describe('optimisePool on a staircase over measured sizes (recommend --curve)', () => {
  it('matches exhaustive search with a capture term per sequence under a binding capture budget, on 900 random instances with B up to 12', () => {
    const r = mulberry32(8192);
    let binding = 0;
    let restricted = 0;
    let unmeasuredAllowed = 0;
    for (let t = 0; t < 900; t++) {
      const B = 2 + Math.floor(r() * 11);
      const base = randomProblem(r, B);
      const stepTable = randomMeasuredStaircase(r, B);
      const model = { ...base.model, captureBaseNs: Math.round(r() * 100), capturePerSeqNs: 1 + Math.round(r() * 30) };
      // the capture budget between the cheapest pool and every size: binding in most instances
      const every = evaluatePool({ ...base, model, stepTable }, everySize(B));
      const captureNs = Math.round(every.captureNs * (0.05 + r() * 0.6));
      // the memory budget only at times, so that the capture budget is the one that binds
      const memoryBytes = r() < 0.3 ? base.budgets.memoryBytes : null;
      const problem: PoolProblem = { ...base, model, stepTable, budgets: { memoryBytes, captureNs } };
      if (r() < 0.2) problem.budgets.maxGraphs = 1 + Math.floor(r() * B);
      const m = matchBruteForce(problem, `instance ${t}`);
      if (!m) continue;
      expect(m.stats.algorithm).toBe('pareto-dp');
      const free = bruteForce({ ...problem, budgets: { ...problem.budgets, captureNs: null } });
      if (free && !close(free.expected, m.ref.expected)) binding++;
      if (m.stats.candidateSizes < B) restricted++;
      // an exhaustive search that may capture unmeasured sizes found nothing better
      if (m.ref.sizes.some((s) => treadTop(stepTable, B, s) !== s)) unmeasuredAllowed++;
    }
    // the capture budget changes the optimum in much of the sample, and the candidates were cut
    expect(binding).toBeGreaterThan(200);
    expect(restricted).toBeGreaterThan(400);
    expect(unmeasuredAllowed).toBeGreaterThan(20);
  });

  it('never gains from an unmeasured size: moving each size up to the top of its tread keeps E, memory and capture or lowers them', () => {
    const r = mulberry32(31);
    let moved = 0;
    for (let t = 0; t < 2000; t++) {
      const B = 2 + Math.floor(r() * 30);
      const problem: PoolProblem = { ...randomProblem(r, B), stepTable: randomMeasuredStaircase(r, B) };
      problem.model = { ...problem.model, capturePerSeqNs: 1 + Math.round(r() * 30) };
      const sizes = everySize(B).filter(() => r() < 0.3);
      if (sizes.length === 0) continue;
      const lifted = [...new Set(sizes.map((s) => treadTop(problem.stepTable!, B, s)))];
      if (lifted.join() === sizes.join()) continue;
      moved++;
      const a = evaluatePool(problem, sizes);
      const b = evaluatePool(problem, lifted);
      expect(b.expectedStepNs).toBeLessThanOrEqual(a.expectedStepNs * (1 + 1e-12));
      expect(b.memoryBytes).toBeLessThanOrEqual(a.memoryBytes);
      expect(b.captureNs).toBeLessThanOrEqual(a.captureNs);
    }
    expect(moved).toBeGreaterThan(1000);
  });

  it('at B = 8192 with a 256-point staircase and a binding capture budget, considers only the measured sizes', () => {
    const B = 8192;
    const measured = Int32Array.from({ length: 256 }, (_, i) => (i + 1) * 32);
    const table = new Float64Array(B + 1);
    for (let n = 0; n <= B; n++) table[n] = 6e6 + 2e3 * Math.max(32, Math.ceil(n / 32) * 32) + 4e5 * Math.ceil(Math.max(32, Math.ceil(n / 32) * 32) / 128);
    const weights = Array.from({ length: B }, (_, i) => 1 / (i + 1) ** 1.1);
    const problem: PoolProblem = {
      distribution: dist(weights),
      model: { ...MODEL, captureBaseNs: 100e6, capturePerSeqNs: 20e3, graphMemBytes: 8 * 2 ** 20, poolPerSeqBytes: 2 ** 20 },
      stepTable: { table, slopeAboveNs: 0, measuredSizes: measured },
      budgets: { memoryBytes: 16 * 2 ** 30, captureNs: 5e9 },
      sharedPool: true,
      allowEagerTail: false,
    };
    const got = optimisePool(problem);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.stats.algorithm).toBe('pareto-dp');
    expect(got.stats.candidateSizes).toBe(256);
    expect(got.pool.sizes.every((s) => s % 32 === 0)).toBe(true);
    expect(got.pool.captureNs).toBeLessThanOrEqual(5e9);
    // the budget binds: every measured size would need 256 x 100 ms + 20 us x (32 + ... + 8192)
    expect(evaluatePool(problem, Array.from(measured)).fits).toBe(false);
  });

  it('charges a size between measured sizes the capture time and memory of the next measured size', () => {
    const table = Float64Array.from({ length: 11 }, (_, n) => (n <= 4 ? 1e6 : 2e6));
    const problem: PoolProblem = {
      distribution: dist(Array(10).fill(1)),
      model: { ...MODEL, graphMemBytes: 100, poolPerSeqBytes: 10, captureBaseNs: 1000, capturePerSeqNs: 7 },
      stepTable: { table, slopeAboveNs: 0, measuredSizes: Int32Array.from([4, 10]) },
      budgets: { memoryBytes: null, captureNs: null },
      sharedPool: false,
      allowEagerTail: false,
    };
    // 3 is charged as 4, 6 as 10
    const f = evaluatePool(problem, [3, 6, 10]);
    expect(f.captureNs).toBe(3 * 1000 + 7 * (4 + 10 + 10));
    expect(f.memoryBytes).toBe(3 * 100 + 10 * (4 + 10 + 10));
    const plain = evaluatePool({ ...problem, stepTable: { table, slopeAboveNs: 0 } }, [3, 6, 10]);
    expect(plain.captureNs).toBe(3 * 1000 + 7 * (3 + 6 + 10));
    // only the measured sizes (and B) are candidates; a table that is no staircase over its list gets no cut
    const got = optimisePool({ ...problem, budgets: { memoryBytes: null, captureNs: 1e9 } });
    expect(got.ok && got.stats.candidateSizes).toBe(2);
    expect(got.ok && got.pool.sizes).toEqual([4, 10]);
    const bumpy = Float64Array.from(table, (v, n) => v + n);
    const all = optimisePool({ ...problem, stepTable: { table: bumpy, slopeAboveNs: 0, measuredSizes: Int32Array.from([4, 10]) }, budgets: { memoryBytes: null, captureNs: 1e9 } });
    expect(all.ok && all.stats.candidateSizes).toBe(10);
  });
});

describe('evaluatePool', () => {
  it('computes padding, eager share and the worst padding ratio', () => {
    const problem: PoolProblem = {
      distribution: dist([1, 1, 1, 1], [[6, 1]]), // 1..4 and 6, each 1/5
      model: { ...MODEL, stepBaseNs: 100, stepPerSeqNs: 10, eagerPenaltyNs: 50 },
      budgets: { memoryBytes: null, captureNs: null },
      sharedPool: true,
      allowEagerTail: true,
    };
    const f = evaluatePool(problem, [3]);
    // 1,2,3 -> T(3)=130; 4 eager 140+50; 6 eager 160+50
    expect(f.expectedStepNs).toBeCloseTo((3 * 130 + 190 + 210) / 5, 9);
    expect(f.idealStepNs).toBeCloseTo((110 + 120 + 130 + 140 + 160) / 5, 9);
    expect(f.eagerShare).toBeCloseTo(0.4, 12);
    expect(f.worstPaddingRatio).toBe(3);
    expect(f.memoryBytes).toBe(3 * 2 ** 20 + 8 * 2 ** 20);
    expect(f.captureNs).toBe(250_000_000);
  });

  it('charges memory per graph without a shared pool', () => {
    const r = poolResources(MODEL, false, 3, 1 + 2 + 4, 4);
    expect(r.memoryBytes).toBe(3 * 8 * 2 ** 20 + 7 * 2 ** 20);
  });
});

describe('engine default lists', () => {
  it('vLLM: 1, 2, 4, multiples of 8 below 256, multiples of 16 up to min(2 x max_num_seqs, 512)', () => {
    expect(vllmDefaultSizes(1)).toEqual([1, 2]);
    expect(vllmDefaultSizes(4)).toEqual([1, 2, 4, 8]);
    expect(vllmDefaultSizes(16)).toEqual([1, 2, 4, 8, 16, 24, 32]);
    const v256 = vllmDefaultSizes(256);
    expect(v256.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(v256).toContain(248);
    expect(v256).toContain(272);
    expect(v256[v256.length - 1]).toBe(512);
    expect(v256).toHaveLength(3 + 31 + 17);
    expect(vllmDefaultSizes(1024)[vllmDefaultSizes(1024).length - 1]).toBe(512);
    expect(vllmDefaultSizes(1024, true)[vllmDefaultSizes(1024, true).length - 1]).toBe(1024);
    expect(vllmDefaultSizes(100)).toEqual([1, 2, 4, ...Array.from({ length: 25 }, (_, i) => 8 * (i + 1))]);
  });

  it('SGLang: 1, 2, 4, 8, 12, steps of 8 to 256, 16 to 496, 32 from 512, cut at cuda_graph_max_bs', () => {
    expect(sglangDefaultSizes(8)).toEqual([1, 2, 4, 8]);
    expect(sglangDefaultSizes(30)).toEqual([1, 2, 4, 8, 12, 16, 24]);
    const s = sglangDefaultSizes(1024);
    expect(s.slice(0, 7)).toEqual([1, 2, 4, 8, 12, 16, 24]);
    expect(s).toContain(256);
    expect(s).toContain(272);
    expect(s).toContain(496);
    expect(s).not.toContain(264);
    expect(s.filter((x) => x >= 512)).toEqual([512, 544, 576, 608, 640, 672, 704, 736, 768, 800, 832, 864, 896, 928, 960, 992, 1024]);
    expect(sglangDefaultSizes(300)[sglangDefaultSizes(300).length - 1]).toBe(288);
  });

  it('TensorRT-LLM (padding): 1, 2, 4, steps of 8 to 128, steps of 64, and max_batch_size itself', () => {
    expect(trtllmDefaultSizes(1)).toEqual([1]);
    expect(trtllmDefaultSizes(10)).toEqual([1, 2, 4, 8, 10]);
    expect(trtllmDefaultSizes(128)).toEqual([1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128]);
    expect(trtllmDefaultSizes(256).slice(-3)).toEqual([128, 192, 256]);
    expect(trtllmDefaultSizes(300).slice(-4)).toEqual([128, 192, 256, 300]);
  });

  it('powers of two and every size', () => {
    expect(powersOfTwoSizes(100)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
    expect(powersOfTwoSizes(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(everySize(5)).toEqual([1, 2, 3, 4, 5]);
  });
});
