// The capture-size optimiser: the pool of CUDA-graph batch sizes with the lowest expected step
// time within memory and capture-time budgets, proven optimal (docs/recommend.md says why), plus
// the engines' default lists and the figures every pool is judged by. Pure: no I/O.
//
// Model. Batch sizes n = 1..B occur with probability p(n); mass above B always runs eager. A pool S
// serves n with the smallest s in S with s >= n, at T(s) = base + perSeq x s; n above max(S) runs
// eager at T(n) + eagerPenalty. Memory is poolPerSeq x max(S) + perGraph x |S| with a shared pool,
// or the sum over s of (perGraph + poolPerSeq x s) without; capture time is the sum over s of
// (captureBase + capturePerSeq x s).

export interface PoolCostModel {
  /** graph step time at batch 0 (intercept of T(s) = base + perSeq x s) */
  stepBaseNs: number;
  stepPerSeqNs: number;
  /** extra time of an eager step over a replayed graph of the same batch */
  eagerPenaltyNs: number;
  /** memory each captured graph adds (its own, outside the shared pool) */
  graphMemBytes: number;
  /** pool memory per sequence of the largest captured size (shared) or of every size (not shared) */
  poolPerSeqBytes: number;
  captureBaseNs: number;
  capturePerSeqNs: number;
}

export interface PoolBudgets {
  /** null: no memory limit */
  memoryBytes: number | null;
  /** null: no capture-time limit */
  captureNs: number | null;
  /** most graphs captured (--max-graphs; recommend --within searches it); null or absent: no limit */
  maxGraphs?: number | null;
}

/** A distribution over batch sizes 1..maxBatch, plus the mass observed above it (always eager). */
export interface BatchDistribution {
  maxBatch: number;
  /** probabilities[n] for n = 1..maxBatch; index 0 is unused and 0 */
  probabilities: Float64Array;
  /** probability of a batch above maxBatch */
  aboveProbability: number;
  /** sum over n > maxBatch of p(n) x n (so the eager cost of that mass is linear in it) */
  aboveBatchMoment: number;
}

/**
 * A measured step-time curve in place of the line base + perSeq x s (recommend --curve): T(n) for
 * n = 0..maxBatch, non-decreasing (src/core/step-curve.ts makes it so and says how), and above
 * maxBatch T(maxBatch) + slopeAboveNs x (n - maxBatch). Every proof below needs only that T is
 * non-decreasing, so the optimiser stays exact for any such table.
 */
export interface StepTable {
  table: Float64Array;
  slopeAboveNs: number;
  /**
   * The measured sizes the table steps up to (ascending), when it is a staircase over them
   * (src/core/recommend/step-curve.ts). A captured size between two measured sizes is then charged
   * the memory and capture time of the next measured size, as its step time is: no figure of an
   * unmeasured size is promised below one measured at a size that serves its batches. Above the
   * largest measured size a size is charged as itself. Absent or null: every size as itself.
   */
  measuredSizes?: Int32Array | null;
}

export interface PoolProblem {
  distribution: BatchDistribution;
  model: PoolCostModel;
  /** measured T(n); absent or null: the model's line */
  stepTable?: StepTable | null;
  budgets: PoolBudgets;
  /** graphs share one memory pool (vLLM, SGLang, PyTorch); false: each graph has its own */
  sharedPool: boolean;
  /** the largest size may stop short of maxBatch (bigger batches run eager) */
  allowEagerTail: boolean;
}

export interface PoolFigures {
  sizes: number[];
  memoryBytes: number;
  captureNs: number;
  expectedStepNs: number;
  idealStepNs: number;
  /** expected / ideal - 1 */
  paddingOverhead: number;
  /** largest padded batch / real batch over the batch sizes that occur and are served by a graph */
  worstPaddingRatio: number;
  /** probability that a step runs eager (above the largest size, or above maxBatch) */
  eagerShare: number;
  /** within the memory and capture budgets */
  fits: boolean;
}

export interface OptimiserStats {
  algorithm: 'count-dp' | 'pareto-dp';
  /** sizes the optimiser considered (the support of p, 1 and maxBatch; others are provably never needed) */
  candidateSizes: number;
  /** DP states (count-dp) or Pareto labels (pareto-dp) created */
  states: number;
}

export type OptimiseResult =
  | { ok: true; pool: PoolFigures; stats: OptimiserStats }
  | {
      ok: false;
      /** the cheapest pool allowed: [maxBatch], or [1] with an eager tail */
      smallestPool: number[];
      needMemoryBytes: number;
      needCaptureNs: number;
      memoryShort: boolean;
      captureShort: boolean;
    };

export function stepNs(model: PoolCostModel, batch: number): number {
  return model.stepBaseNs + model.stepPerSeqNs * batch;
}

/** T(n) of a problem: its measured table where it has one, else the model's line. */
function stepFunction(problem: Pick<PoolProblem, 'model' | 'stepTable'>): (batch: number) => number {
  const t = problem.stepTable;
  if (!t) return (n) => stepNs(problem.model, n);
  const B = t.table.length - 1;
  return (n) => (n <= B ? t.table[n]! : t.table[B]! + t.slopeAboveNs * (n - B));
}

/**
 * r(s): the size whose memory and capture time a captured size s is charged (StepTable.measuredSizes):
 * the smallest measured size >= s, or s itself above the largest measured size or without a list.
 * Non-decreasing, and r(s) >= s.
 */
function resourceSizeFunction(problem: Pick<PoolProblem, 'stepTable'>): (size: number) => number {
  const m = problem.stepTable?.measuredSizes;
  if (!m || m.length === 0) return (s) => s;
  const last = m[m.length - 1]!;
  return (s) => {
    if (s > last) return s;
    let lo = 0;
    let hi = m.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid]! >= s) hi = mid;
      else lo = mid + 1;
    }
    return m[lo]!;
  };
}

/** Expected eager step of the mass above maxBatch (excluding the eager penalty): Σ p(n) T(n), n > B. */
function aboveStepNs(problem: Pick<PoolProblem, 'model' | 'stepTable' | 'distribution'>): number {
  const d = problem.distribution;
  const t = problem.stepTable;
  if (!t) return d.aboveProbability * problem.model.stepBaseNs + problem.model.stepPerSeqNs * d.aboveBatchMoment;
  const B = t.table.length - 1;
  // T(n) = T(B) + slope (n - B) is linear in n above B, so the first moment gives the sum exactly
  return d.aboveProbability * (t.table[B]! - t.slopeAboveNs * B) + t.slopeAboveNs * d.aboveBatchMoment;
}

/** Memory and capture time of a pool with `count` sizes, sum `sum` and largest `max`. */
export function poolResources(model: PoolCostModel, sharedPool: boolean, count: number, sum: number, max: number): { memoryBytes: number; captureNs: number } {
  const memoryBytes = sharedPool ? model.poolPerSeqBytes * max + model.graphMemBytes * count : model.graphMemBytes * count + model.poolPerSeqBytes * sum;
  const captureNs = model.captureBaseNs * count + model.capturePerSeqNs * sum;
  return { memoryBytes, captureNs };
}

function withinBudgets(budgets: PoolBudgets, r: { memoryBytes: number; captureNs: number }, graphs: number): boolean {
  return (
    (budgets.memoryBytes === null || r.memoryBytes <= budgets.memoryBytes) &&
    (budgets.captureNs === null || r.captureNs <= budgets.captureNs) &&
    (budgets.maxGraphs === null || budgets.maxGraphs === undefined || graphs <= budgets.maxGraphs)
  );
}

/** The figures of any pool (sizes in any order, duplicates ignored, sizes above maxBatch allowed). */
export function evaluatePool(problem: PoolProblem, sizesIn: readonly number[]): PoolFigures {
  const { distribution: d, model } = problem;
  const sizes = [...new Set(sizesIn)].sort((a, b) => a - b);
  const B = d.maxBatch;
  const T = stepFunction(problem);
  const aboveIdeal = aboveStepNs(problem);
  let expected = aboveIdeal + d.aboveProbability * model.eagerPenaltyNs;
  let ideal = aboveIdeal;
  let eager = d.aboveProbability;
  let worst = 1;
  let idx = 0;
  for (let n = 1; n <= B; n++) {
    const p = d.probabilities[n]!;
    if (p === 0) continue;
    while (idx < sizes.length && sizes[idx]! < n) idx++;
    const t = T(n);
    ideal += p * t;
    if (idx < sizes.length) {
      const s = sizes[idx]!;
      expected += p * T(s);
      if (s / n > worst) worst = s / n;
    } else {
      expected += p * (t + model.eagerPenaltyNs);
      eager += p;
    }
  }
  const rsize = resourceSizeFunction(problem);
  let sum = 0;
  for (const s of sizes) sum += rsize(s);
  const r = poolResources(model, problem.sharedPool, sizes.length, sum, sizes.length ? rsize(sizes[sizes.length - 1]!) : 0);
  return {
    sizes,
    memoryBytes: r.memoryBytes,
    captureNs: r.captureNs,
    expectedStepNs: expected,
    idealStepNs: ideal,
    paddingOverhead: ideal > 0 ? expected / ideal - 1 : 0,
    worstPaddingRatio: worst,
    eagerShare: eager,
    fits: withinBudgets(problem.budgets, r, sizes.length),
  };
}

// ---------------------------------------------------------------------------------------------
// The optimiser

/** Shared precomputation: candidate sizes and prefix sums, so each interval cost is O(1). */
interface Ctx {
  problem: PoolProblem;
  /** c[0] = 0 (a virtual start), c[1..N] the candidate sizes ascending */
  c: Int32Array;
  /** rs[j] = r(c[j]): the size whose memory and capture time c[j] is charged (resourceSizeFunction) */
  rs: Int32Array;
  N: number;
  /** P(c_j): probability of n <= c_j */
  pc: Float64Array;
  /** T(c_j) */
  tc: Float64Array;
  /** expected cost of running eager everything above c_j (including above maxBatch) */
  tail: Float64Array;
  /** j may be the largest size */
  canStop: Uint8Array;
}

function buildCtx(problem: PoolProblem): Ctx {
  const { distribution: d, model } = problem;
  const B = d.maxBatch;
  // Candidates. In an optimal pool every size below the largest can be moved down to the largest
  // batch size that occurs (p > 0) at or below it without raising E or any resource, and a size
  // with no occurring batch since the previous size can be dropped; with an eager tail the largest
  // size can be moved down the same way. So sizes outside support(p) + {1, B} are never needed.
  const T = stepFunction(problem);
  const rsize = resourceSizeFunction(problem);
  const tread = treadTops(problem, T, rsize);
  const cand: number[] = [];
  for (let n = 1; n <= B; n++) {
    if (tread && n <= tread.lastMeasured) {
      if (n === B || tread.top(n) === n) cand.push(n);
    } else if (n === 1 || n === B || d.probabilities[n]! > 0) cand.push(n);
  }
  const N = cand.length;
  const c = new Int32Array(N + 1);
  const rs = new Int32Array(N + 1);
  for (let j = 0; j < N; j++) {
    c[j + 1] = cand[j]!;
    rs[j + 1] = rsize(cand[j]!);
  }
  const P = new Float64Array(B + 1);
  const Q = new Float64Array(B + 1);
  for (let n = 1; n <= B; n++) {
    const p = d.probabilities[n]!;
    P[n] = P[n - 1]! + p;
    Q[n] = Q[n - 1]! + p * T(n);
  }
  const aboveEager = aboveStepNs(problem) + d.aboveProbability * model.eagerPenaltyNs;
  const pc = new Float64Array(N + 1);
  const tc = new Float64Array(N + 1);
  const tail = new Float64Array(N + 1);
  const canStop = new Uint8Array(N + 1);
  for (let j = 0; j <= N; j++) {
    const s = c[j]!;
    pc[j] = P[s]!;
    tc[j] = T(s);
    tail[j] = Q[B]! - Q[s]! + model.eagerPenaltyNs * (P[B]! - P[s]!) + aboveEager;
    canStop[j] = j >= 1 && (problem.allowEagerTail || j === N) ? 1 : 0;
  }
  return { problem, c, rs, N, pc, tc, tail, canStop };
}

/**
 * Candidates of a staircase over measured sizes (StepTable.measuredSizes). Let t(s) = min(r(s), B),
 * the top of the tread of s within 1..B. For s <= the largest measured size, T(s) = T(t(s)) (the
 * table steps up to the next measured size; checked below, else null and no restriction) and
 * r(t(s)) = r(s). So replacing every such size s of a pool by t(s) (merging sizes that meet):
 *  - serves every batch n at no higher step: n was served by some s >= n, the new pool has
 *    t(s) >= s >= n, so the smallest new size >= n is at most t(s) and T of it is at most
 *    T(t(s)) = T(s) (T non-decreasing); a batch that ran eager above the largest size now runs
 *    eager still (same T(n) + penalty) or in a graph at T(t(max)) = T(n) (same tread), cheaper;
 *  - charges no more memory or capture time: each size is charged r(t(s)) = r(s) as before, merged
 *    sizes count once, and r of the largest size is unchanged;
 *  - keeps B the largest size where the pool must reach it (t(B) = B).
 * A size above the largest measured size is charged as itself and moves down to the largest batch
 * that occurs at or below it (the argument of buildCtx); if that lands at or below the largest
 * measured size, the tread move above lifts it to a measured size below the old size. So some
 * optimal pool uses only measured sizes <= B, B, and occurring sizes above the largest measured
 * size: with a 256-point curve, about 256 candidates whatever B is.
 */
function treadTops(problem: PoolProblem, T: (n: number) => number, rsize: (s: number) => number): { lastMeasured: number; top: (s: number) => number } | null {
  const m = problem.stepTable?.measuredSizes;
  if (!m || m.length === 0) return null;
  const B = problem.distribution.maxBatch;
  const lastMeasured = Math.min(m[m.length - 1]!, B);
  const top = (s: number): number => Math.min(rsize(s), B);
  // the proof needs T constant on each tread; a table that is not such a staircase gets no restriction
  for (let n = 1; n <= lastMeasured; n++) if (T(n) !== T(top(n))) return null;
  return { lastMeasured, top };
}

/** Whether resources depend on the sum of the sizes (else only on their count and the largest). */
function sumMatters(problem: PoolProblem): boolean {
  const { model, budgets } = problem;
  return (budgets.captureNs !== null && model.capturePerSeqNs > 0) || (budgets.memoryBytes !== null && !problem.sharedPool && model.poolPerSeqBytes > 0);
}

function fitsKSM(problem: PoolProblem, k: number, sum: number, max: number): boolean {
  // A graph-count limit is one more monotone constraint on k, checked wherever the budgets are; the
  // Pareto DP also prices it with its own Lagrangian multiplier, so its bounds account for it.
  return withinBudgets(problem.budgets, poolResources(problem.model, problem.sharedPool, k, sum, max), k);
}

export function optimisePool(problem: PoolProblem): OptimiseResult {
  const B = problem.distribution.maxBatch;
  const smallest = problem.allowEagerTail ? 1 : B;
  const rSmallest = resourceSizeFunction(problem)(smallest);
  const minimal = poolResources(problem.model, problem.sharedPool, 1, rSmallest, rSmallest);
  if (!withinBudgets(problem.budgets, minimal, 1)) {
    return {
      ok: false,
      smallestPool: [smallest],
      needMemoryBytes: minimal.memoryBytes,
      needCaptureNs: minimal.captureNs,
      memoryShort: problem.budgets.memoryBytes !== null && minimal.memoryBytes > problem.budgets.memoryBytes,
      captureShort: problem.budgets.captureNs !== null && minimal.captureNs > problem.budgets.captureNs,
    };
  }
  const ctx = buildCtx(problem);
  const found = sumMatters(problem) ? paretoDp(ctx) : countDp(ctx);
  const sizes = pruneUseless(ctx, found.sizes);
  return { ok: true, pool: evaluatePool(problem, sizes), stats: { algorithm: found.algorithm, candidateSizes: ctx.N, states: found.states } };
}

/**
 * Drop sizes that serve no probability mass or whose removal costs nothing (ties): fewer graphs,
 * less memory and capture time, same E(S). Keeps the largest size.
 */
function pruneUseless(ctx: Ctx, sizes: number[]): number[] {
  const { problem } = ctx;
  const d = problem.distribution;
  if (sizes.length <= 1) return sizes;
  // cumulative probabilities at the sizes, computed once
  const cum: number[] = [];
  let acc = 0;
  let t = 1;
  for (const s of sizes) {
    for (; t <= Math.min(s, d.maxBatch); t++) acc += d.probabilities[t]!;
    cum.push(acc);
  }
  const keep: number[] = [];
  const keepCum: number[] = [];
  const T = stepFunction(problem);
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    if (i === sizes.length - 1) {
      keep.push(s);
      keepCum.push(cum[i]!);
      break;
    }
    const prevCum = keepCum.length ? keepCum[keepCum.length - 1]! : 0;
    const mass = cum[i]! - prevCum;
    const next = sizes[i + 1]!;
    const delta = (T(next) - T(s)) * mass;
    if (delta <= 0) continue; // removing s leaves E unchanged: its batches move to the next size at no cost
    keep.push(s);
    keepCum.push(cum[i]!);
  }
  return keep;
}

// --- Case 1: resources depend only on |S| and max(S) --------------------------------------------
//
// f_k(j) = min cost of serving n <= c_j with exactly k sizes, the largest c_j:
//   f_k(j) = min_{i<j} f_{k-1}(i) + T(c_j) (P(c_j) - P(c_i)).
// The interval cost w(i,j) = T(c_j)(P(c_j) - P(c_i)) satisfies the quadrangle inequality
// (w(a,c) + w(b,d) <= w(a,d) + w(b,c) for a<=b<=c<=d, since T and P are non-decreasing), so the
// optimal split points are monotone: opt_{k-1}(j) <= opt_k(j) <= opt_k(j+1) (Knuth-Yao). Scanning
// only that window costs O(N^2) over all layers together. f_k(j) is non-increasing in k, so for a
// largest size c_j the best pool uses the most sizes the budgets allow with that largest size.

function maxCountFor(problem: PoolProblem, max: number, limit: number): number {
  // resources are non-decreasing in the count: binary search the largest count that fits
  if (!fitsKSM(problem, 1, max, max)) return 0;
  let lo = 1;
  let hi = limit;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (fitsKSM(problem, mid, max, max)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function countDp(ctx: Ctx): { sizes: number[]; algorithm: 'count-dp'; states: number } {
  const { problem, c, rs, N, pc, tc, tail, canStop } = ctx;
  // target layer per possible largest size
  const target = new Int32Array(N + 1);
  let K = 0;
  for (let j = 1; j <= N; j++) {
    if (!canStop[j]) continue;
    target[j] = maxCountFor(problem, rs[j]!, j);
    if (target[j]! > K) K = target[j]!;
  }
  const wide = N + 1 > 65535;
  const opts: (Uint16Array | Int32Array)[] = [];
  let prev = new Float64Array(N + 1).fill(Infinity);
  let cur = new Float64Array(N + 1).fill(Infinity);
  let optPrev = new Int32Array(N + 1);
  let optCur = new Int32Array(N + 1);
  let best = Infinity;
  let bestJ = -1;
  let bestK = -1;
  let states = 0;
  for (let k = 1; k <= K; k++) {
    cur.fill(Infinity);
    const row = wide ? new Int32Array(N + 1) : new Uint16Array(N + 1);
    if (k === 1) {
      for (let j = 1; j <= N; j++) {
        cur[j] = tc[j]! * pc[j]!;
        optCur[j] = 0;
      }
      states += N;
    } else {
      for (let j = N; j >= k; j--) {
        let lo = optPrev[j]!;
        if (lo < k - 1) lo = k - 1;
        let hi = j === N ? N - 1 : optCur[j + 1]!;
        if (hi > j - 1) hi = j - 1;
        if (lo > hi) {
          lo = k - 1;
          hi = j - 1;
        }
        const t = tc[j]!;
        const p = pc[j]!;
        let bv = Infinity;
        let bi = lo;
        for (let i = lo; i <= hi; i++) {
          const v = prev[i]! + t * (p - pc[i]!);
          if (v <= bv) {
            bv = v;
            bi = i;
          }
        }
        states += hi - lo + 1;
        cur[j] = bv;
        optCur[j] = bi;
      }
    }
    for (let j = k; j <= N; j++) row[j] = optCur[j]!;
    opts.push(row);
    for (let j = k; j <= N; j++) {
      if (target[j] === k) {
        const v = cur[j]! + tail[j]!;
        if (v < best) {
          best = v;
          bestJ = j;
          bestK = k;
        }
      }
    }
    [prev, cur] = [cur, prev];
    [optPrev, optCur] = [optCur, optPrev];
  }
  const sizes: number[] = [];
  let j = bestJ;
  for (let k = bestK; k >= 1; k--) {
    sizes.push(c[j]!);
    j = opts[k - 1]![j]!;
  }
  sizes.reverse();
  return { sizes, algorithm: 'count-dp', states };
}

// --- Case 2: resources depend on the sum of the sizes too ---------------------------------------
//
// A label DP over (largest size so far j, count k) whose labels are Pareto-optimal pairs
// (sum of sizes, cost of serving n <= c_j): a label is dropped only when another label of the same
// state has no larger sum and no larger cost (same future, no better), when no completion can fit
// the budgets, or when a Lagrangian lower bound on its best completion is above a pool already
// found. Each bound is valid for any multipliers (weak duality), so the search stays exact.

interface Multipliers {
  capture: number;
  memory: number;
  /** price of a graph under --max-graphs: makes the bounds count-aware */
  graphs: number;
}

/** The model and budgets as the Lagrangian phases read them (an absent budget reads as 0, unused). */
function budgetView(problem: PoolProblem) {
  return {
    m: problem.model,
    shared: problem.sharedPool,
    hasC: problem.budgets.captureNs !== null,
    hasM: problem.budgets.memoryBytes !== null,
    hasG: problem.budgets.maxGraphs !== null && problem.budgets.maxGraphs !== undefined,
    C: problem.budgets.captureNs ?? 0,
    M: problem.budgets.memoryBytes ?? 0,
    G: problem.budgets.maxGraphs ?? 0,
  };
}

function makeDual(ctx: Ctx) {
  const { problem, c, rs, N, pc, tc, tail, canStop } = ctx;
  const { m, shared, hasC, hasM, hasG, C, M, G } = budgetView(problem);
  /** R(j): min over completions above c_j of cost + penalised resources; and the completion */
  const solve = (nu: Multipliers): { R: Float64Array; next: Int32Array } => {
    const R = new Float64Array(N + 1);
    const next = new Int32Array(N + 1);
    const nc = hasC ? nu.capture : 0;
    const nm = hasM ? nu.memory : 0;
    const ng = hasG ? nu.graphs : 0;
    const stepRes = new Float64Array(N + 1);
    for (let j = 1; j <= N; j++) {
      const s = rs[j]!;
      stepRes[j] = nc * (m.captureBaseNs + m.capturePerSeqNs * s) + nm * (m.graphMemBytes + (shared ? 0 : m.poolPerSeqBytes * s)) + ng;
    }
    for (let j = N; j >= 0; j--) {
      let best = canStop[j] ? tail[j]! + (shared ? nm * m.poolPerSeqBytes * rs[j]! : 0) : Infinity;
      let arg = -1;
      const p = pc[j]!;
      for (let jj = j + 1; jj <= N; jj++) {
        const v = tc[jj]! * (pc[jj]! - p) + stepRes[jj]! + R[jj]!;
        if (v < best) {
          best = v;
          arg = jj;
        }
      }
      R[j] = best;
      next[j] = arg;
    }
    return { R, next };
  };
  const pathFrom0 = (next: Int32Array): number[] => {
    const sizes: number[] = [];
    for (let j = next[0]!; j !== -1; j = next[j]!) sizes.push(c[j]!);
    return sizes;
  };
  return { solve, pathFrom0, C, M, G, hasC, hasM, hasG };
}

function paretoDp(ctx: Ctx): { sizes: number[]; algorithm: 'pareto-dp'; states: number } {
  const { problem, rs, N } = ctx;
  const m = problem.model;
  const rsize = resourceSizeFunction(problem);
  const shared = problem.sharedPool;
  const dual = makeDual(ctx);
  let ub = Infinity;
  let ubSizes: number[] = [];
  const consider = (sizes: number[]): void => {
    if (sizes.length === 0) return;
    const f = evaluatePool(problem, sizes);
    const top = sizes[sizes.length - 1]!;
    if (!f.fits || (!problem.allowEagerTail && top !== problem.distribution.maxBatch)) return;
    if (f.expectedStepNs < ub) {
      ub = f.expectedStepNs;
      ubSizes = f.sizes;
    }
  };

  // 1. Multipliers: coordinate ascent on the dual, bisection on each subgradient's sign. Any
  // multipliers give valid bounds; good ones only make the search below smaller.
  const tried: { nu: Multipliers; value: number; R: Float64Array; next: Int32Array }[] = [];
  const evalNu = (nu: Multipliers): { value: number; sizes: number[] } => {
    const { R, next } = dual.solve(nu);
    const sizes = dual.pathFrom0(next);
    consider(sizes);
    const value = R[0]! - (dual.hasC ? nu.capture * dual.C : 0) - (dual.hasM ? nu.memory * dual.M : 0) - (dual.hasG ? nu.graphs * dual.G : 0);
    tried.push({ nu: { ...nu }, value, R, next });
    return { value, sizes };
  };
  const over = (sizes: number[], which: 'capture' | 'memory' | 'graphs'): boolean => {
    if (which === 'graphs') return sizes.length > dual.G;
    let sum = 0;
    for (const s of sizes) sum += rsize(s);
    const r = poolResources(m, shared, sizes.length, sum, sizes.length ? rsize(sizes[sizes.length - 1]!) : 0);
    return which === 'capture' ? r.captureNs > dual.C : r.memoryBytes > dual.M;
  };
  const nu: Multipliers = { capture: 0, memory: 0, graphs: 0 };
  evalNu(nu);
  const coords: ('capture' | 'memory' | 'graphs')[] = [];
  if (dual.hasC) coords.push('capture');
  if (dual.hasM) coords.push('memory');
  if (dual.hasG) coords.push('graphs');
  for (let round = 0; round < (coords.length > 1 ? 3 : 1); round++) {
    for (const which of coords) {
      const at = (x: number) => evalNu({ ...nu, [which]: x });
      const base = at(0);
      if (!over(base.sizes, which)) {
        nu[which] = 0;
        continue;
      }
      let hi = 1e-15;
      let guard = 0;
      while (over(at(hi).sizes, which) && guard++ < 200) hi *= 4;
      let lo = 0;
      for (let it = 0; it < 40 && hi - lo > hi * 1e-6; it++) {
        const mid = (lo + hi) / 2;
        if (over(at(mid).sizes, which)) lo = mid;
        else hi = mid;
      }
      nu[which] = (lo + hi) / 2;
      evalNu(nu);
    }
  }
  tried.sort((a, b) => b.value - a.value);
  const bounds: { nu: Multipliers; R: Float64Array }[] = [];
  for (const t of tried) {
    if (bounds.length >= 4) break;
    if (bounds.some((x) => x.nu.capture === t.nu.capture && x.nu.memory === t.nu.memory && x.nu.graphs === t.nu.graphs)) continue;
    bounds.push(t);
  }
  const dualValue = tried[0]!.value;

  // 2. Reduced costs under the best multipliers: moving from a label at i to a next size j raises
  // its bound by exactly rc_i(j) = w(i,j) + resources(j) + R(j) - R(i) >= 0, so the transitions of
  // a label are visited cheapest first and the scan stops once the bound passes the limit.
  const best = bounds[0]!;
  const stepRes = new Float64Array(N + 1);
  const nc0 = dual.hasC ? best.nu.capture : 0;
  const nm0 = dual.hasM ? best.nu.memory : 0;
  const ng0 = dual.hasG ? best.nu.graphs : 0;
  for (let j = 1; j <= N; j++) {
    const s = rs[j]!;
    stepRes[j] = nc0 * (m.captureBaseNs + m.capturePerSeqNs * s) + nm0 * (m.graphMemBytes + (shared ? 0 : m.poolPerSeqBytes * s)) + ng0;
  }
  const order = orderedTransitions(ctx, best.R, stepRes);

  // 3. Label DP within a limit, the limit raised until a pool at or under it is found (or the
  // limit reaches a pool already known). Every label whose bound is within the limit is kept,
  // so the pool found is optimal.
  let states = 0;
  let gap = Math.max(Math.abs(dualValue) * 1e-6, 1);
  for (;;) {
    const limit = Math.min(ub, dualValue + gap);
    const run = labelDp(ctx, bounds, order, limit);
    states += run.states;
    if (run.sizes && run.cost <= limit) {
      return { sizes: run.cost < ub ? run.sizes : ubSizes, algorithm: 'pareto-dp', states };
    }
    if (limit >= ub) return { sizes: ubSizes, algorithm: 'pareto-dp', states };
    gap *= 8;
  }
}

interface Transitions {
  /** for label position i: next sizes j > i sorted by reduced cost, and those costs */
  next: Int32Array[];
  rc: Float64Array[];
}

function orderedTransitions(ctx: Ctx, R: Float64Array, stepRes: Float64Array): Transitions {
  const { N, pc, tc } = ctx;
  const next: Int32Array[] = [];
  const rc: Float64Array[] = [];
  for (let i = 0; i <= N; i++) {
    const n = N - i;
    const js = new Int32Array(n);
    const vals = new Float64Array(n);
    for (let x = 0; x < n; x++) {
      const j = i + 1 + x;
      js[x] = j;
      vals[x] = tc[j]! * (pc[j]! - pc[i]!) + stepRes[j]! + R[j]! - R[i]!;
    }
    const idx = Array.from(js.keys()).sort((a, b) => vals[a]! - vals[b]!);
    next.push(Int32Array.from(idx, (x) => js[x]!));
    rc.push(Float64Array.from(idx, (x) => vals[x]!));
  }
  return { next, rc };
}

function labelDp(
  ctx: Ctx,
  bounds: { nu: Multipliers; R: Float64Array }[],
  order: Transitions,
  limitIn: number,
): { sizes: number[] | null; cost: number; states: number } {
  const { problem, c, rs, N, pc, tc, tail, canStop } = ctx;
  const { m, shared, hasC, hasM, hasG, C, M, G } = budgetView(problem);
  const nb = bounds.length;
  const nuC = Float64Array.from(bounds, (x) => (hasC ? x.nu.capture : 0));
  const nuM = Float64Array.from(bounds, (x) => (hasM ? x.nu.memory : 0));
  const nuG = Float64Array.from(bounds, (x) => (hasG ? x.nu.graphs : 0));
  const Rs = bounds.map((b) => b.R);
  let limit = limitIn;
  const tol = (x: number) => x + Math.abs(x) * 1e-12 + 1e-9;
  // bound under multiplier set b of a label at (j, k, sum) whose cost so far is `cost`
  const boundAt = (b: number, j: number, k: number, sum: number, cost: number): number => {
    const slackC = C - m.captureBaseNs * k - m.capturePerSeqNs * sum;
    const slackM = M - m.graphMemBytes * k - (shared ? 0 : m.poolPerSeqBytes * sum);
    return cost + Rs[b]![j]! - (hasC ? nuC[b]! * slackC : 0) - (hasM ? nuM[b]! * slackM : 0) - (hasG ? nuG[b]! * (G - k) : 0);
  };
  const rB = rs[N]!;
  const completable = (j: number, k: number, sum: number): boolean => {
    if (canStop[j] && fitsKSM(problem, k, sum, rs[j]!)) return true;
    if (j >= N) return false;
    if (!problem.allowEagerTail) return fitsKSM(problem, k + 1, sum + rB, rB);
    return fitsKSM(problem, k + 1, sum + rs[j + 1]!, rs[j + 1]!);
  };

  interface Layer {
    j: Int32Array;
    sum: Float64Array;
    cost: Float64Array;
    /** bound under the first multiplier set (the one the transitions are ordered by) */
    lb0: Float64Array;
    parent: Int32Array;
  }
  const layers: Layer[] = [];
  let bestLabel: { k: number; idx: number } | null = null;
  let bestCost = Infinity;
  let states = 0;
  // candidates of the layer being built, bucketed by j
  const bSum: number[][] = Array.from({ length: N + 1 }, () => []);
  const bCost: number[][] = Array.from({ length: N + 1 }, () => []);
  const bParent: number[][] = Array.from({ length: N + 1 }, () => []);
  const touched: number[] = [];
  const offer = (j: number, k: number, sum: number, cost: number, parent: number): void => {
    if (!completable(j, k, sum)) return;
    for (let b = 0; b < nb; b++) if (boundAt(b, j, k, sum, cost) > tol(limit)) return;
    if (bSum[j]!.length === 0) touched.push(j);
    bSum[j]!.push(sum);
    bCost[j]!.push(cost);
    bParent[j]!.push(parent);
  };
  let prev: Layer | null = null;
  for (let k = 1; k <= N; k++) {
    touched.length = 0;
    if (k === 1) {
      const list = order.next[0]!;
      const rcs = order.rc[0]!;
      const base = boundAt(0, 0, 0, 0, 0);
      for (let x = 0; x < list.length; x++) {
        if (base + rcs[x]! > tol(limit)) break;
        const j = list[x]!;
        offer(j, 1, rs[j]!, tc[j]! * pc[j]!, -1);
      }
    } else if (prev) {
      for (let l = 0; l < prev.j.length; l++) {
        const i = prev.j[l]!;
        const list = order.next[i]!;
        const rcs = order.rc[i]!;
        const lb = prev.lb0[l]!;
        const sum = prev.sum[l]!;
        const cost = prev.cost[l]!;
        const p = pc[i]!;
        for (let x = 0; x < list.length; x++) {
          if (lb + rcs[x]! > tol(limit)) break;
          const j = list[x]!;
          offer(j, k, sum + rs[j]!, cost + tc[j]! * (pc[j]! - p), l);
        }
      }
    }
    touched.sort((a, b) => a - b);
    const js: number[] = [];
    const sums: number[] = [];
    const costs: number[] = [];
    const lbs: number[] = [];
    const parents: number[] = [];
    for (const j of touched) {
      const S = bSum[j]!;
      const Cc = bCost[j]!;
      const Pp = bParent[j]!;
      const idx = Array.from(S.keys()).sort((a, b) => S[a]! - S[b]! || Cc[a]! - Cc[b]!);
      let front = Infinity;
      for (const o of idx) {
        const cost = Cc[o]!;
        if (cost >= front) continue; // dominated: no smaller sum, no lower cost
        front = cost;
        const sum = S[o]!;
        const at = js.length;
        js.push(j);
        sums.push(sum);
        costs.push(cost);
        lbs.push(boundAt(0, j, k, sum, cost));
        parents.push(Pp[o]!);
        if (canStop[j] && fitsKSM(problem, k, sum, rs[j]!)) {
          const total = cost + tail[j]!;
          if (total < bestCost) {
            bestCost = total;
            bestLabel = { k, idx: at };
            if (total < limit) limit = total;
          }
        }
      }
      S.length = 0;
      Cc.length = 0;
      Pp.length = 0;
    }
    const layer: Layer = {
      j: Int32Array.from(js),
      sum: Float64Array.from(sums),
      cost: Float64Array.from(costs),
      lb0: Float64Array.from(lbs),
      parent: Int32Array.from(parents),
    };
    states += js.length;
    layers.push(layer);
    prev = layer;
    if (js.length === 0) break;
  }
  if (!bestLabel) return { sizes: null, cost: Infinity, states };
  const { k, idx } = bestLabel as { k: number; idx: number };
  const sizes: number[] = [];
  let x = idx;
  for (let layer = k; layer >= 1; layer--) {
    const L = layers[layer - 1]!;
    sizes.push(c[L.j[x]!]!);
    x = L.parent[x]!;
  }
  sizes.reverse();
  return { sizes, cost: bestCost, states };
}

// ---------------------------------------------------------------------------------------------
// Engine default lists, each produced the way the engine produces it (docs/recommend.md cites the
// source). `maxBatch` is the engine's own max batch setting: vLLM max_num_seqs, SGLang
// cuda_graph_max_bs, TensorRT-LLM cuda_graph_config.max_batch_size.

function range(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let v = start; v < stop; v += step) out.push(v);
  return out;
}

/**
 * vLLM (VllmConfig._set_cudagraph_sizes): max_cudagraph_capture_size = min(2 x max_num_seqs, 512)
 * (1024 on data-centre Blackwell), then 1, 2, 4, multiples of 8 below 256, multiples of 16 from 256.
 * Assumes max_num_batched_tokens >= that ceiling, no speculative decoding, performance_mode
 * "balanced" and no sequence parallelism.
 */
export function vllmDefaultSizes(maxNumSeqs: number, dataCenterBlackwell = false): number[] {
  const max = Math.min(maxNumSeqs * 2, dataCenterBlackwell ? 1024 : 512);
  let sizes = [1, 2, 4].filter((s) => s <= max);
  if (max >= 8) sizes = sizes.concat(range(8, Math.min(max + 1, 256), 8));
  if (max >= 256) sizes = sizes.concat(range(256, max + 1, 16));
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** SGLang (ServerArgs._generate_cuda_graph_batch_sizes, no speculative decoding, padding on). */
export function sglangDefaultSizes(cudaGraphMaxBs: number): number[] {
  const sizes = [1, 2, 4, 8, 12, ...range(16, 257, 8), ...range(272, 512, 16), ...range(512, cudaGraphMaxBs + 1, 32)];
  return sizes.filter((s) => s <= cudaGraphMaxBs);
}

/** TensorRT-LLM (CudaGraphConfig._generate_cuda_graph_batch_sizes, enable_padding=True). */
export function trtllmDefaultSizes(maxBatchSize: number): number[] {
  const sizes = [1, 2, 4, ...range(1, 17, 1).map((i) => i * 8)];
  while (sizes[sizes.length - 1]! + 64 <= maxBatchSize) sizes.push(sizes[sizes.length - 1]! + 64);
  const out = sizes.filter((s) => s <= maxBatchSize).sort((a, b) => a - b);
  if (out.length === 0 || out[out.length - 1] !== maxBatchSize) out.push(maxBatchSize);
  return out;
}

/** 1, 2, 4, ... up to maxBatch, and maxBatch itself. */
export function powersOfTwoSizes(maxBatch: number): number[] {
  const out: number[] = [];
  for (let s = 1; s < maxBatch; s *= 2) out.push(s);
  out.push(maxBatch);
  return out;
}

export function everySize(maxBatch: number): number[] {
  return range(1, maxBatch + 1, 1);
}
