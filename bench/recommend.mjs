// Timing of the exact capture-pool optimiser on the cases issue 4 sets limits for. Not run in CI:
// `npm run bench:recommend` (builds nothing; run `npm run build:ts` first). Figures go to
// bench/RESULTS-recommend.md by hand, with the date and the machine.
import { cpus } from 'node:os';

import { evaluatePool, optimisePool } from '../dist/core/recommend/pool.js';

function zipf(B, s) {
  const probabilities = new Float64Array(B + 1);
  let total = 0;
  for (let n = 1; n <= B; n++) total += n ** -s;
  for (let n = 1; n <= B; n++) probabilities[n] = n ** -s / total;
  return { maxBatch: B, probabilities, aboveProbability: 0, aboveBatchMoment: 0 };
}

function uniform(B) {
  const probabilities = new Float64Array(B + 1);
  for (let n = 1; n <= B; n++) probabilities[n] = 1 / B;
  return { maxBatch: B, probabilities, aboveProbability: 0, aboveBatchMoment: 0 };
}

// The documented defaults (src/core/recommend/recommend.ts): 8 ms + 25 us/seq, eager +4 ms,
// 8 MiB per graph, 1 MiB per sequence of shared pool, 250 ms capture per graph.
const MODEL = {
  stepBaseNs: 8e6,
  stepPerSeqNs: 25e3,
  eagerPenaltyNs: 4e6,
  graphMemBytes: 8 * 2 ** 20,
  poolPerSeqBytes: 2 ** 20,
  captureBaseNs: 250e6,
  capturePerSeqNs: 0,
};

const cases = [
  {
    name: 'B = 256, room for 64 graphs (shared pool)',
    limitMs: 100,
    problem: { distribution: uniform(256), model: MODEL, budgets: { memoryBytes: 256 * 2 ** 20 + 64 * 8 * 2 ** 20, captureNs: null }, sharedPool: true, allowEagerTail: false },
  },
  {
    name: 'B = 1024, 2 GiB',
    limitMs: 1000,
    problem: { distribution: uniform(1024), model: MODEL, budgets: { memoryBytes: 2 * 2 ** 30, captureNs: null }, sharedPool: true, allowEagerTail: false },
  },
  {
    name: 'B = 8192, 16 GiB (about 1000 graphs)',
    limitMs: 10000,
    problem: { distribution: uniform(8192), model: MODEL, budgets: { memoryBytes: 16 * 2 ** 30, captureNs: null }, sharedPool: true, allowEagerTail: false },
  },
  {
    name: 'B = 8192, 40 GiB (about 4100 graphs), eager tail allowed',
    limitMs: 10000,
    problem: { distribution: uniform(8192), model: MODEL, budgets: { memoryBytes: 40 * 2 ** 30, captureNs: null }, sharedPool: true, allowEagerTail: true },
  },
  {
    name: 'B = 1024, capture 100 ms + 1 ms/seq, capture budget 20 s, 2 GiB',
    limitMs: 10000,
    problem: { distribution: uniform(1024), model: { ...MODEL, captureBaseNs: 100e6, capturePerSeqNs: 1e6 }, budgets: { memoryBytes: 2 * 2 ** 30, captureNs: 20e9 }, sharedPool: true, allowEagerTail: false },
  },
  {
    name: 'B = 1024, capture 100 ms + 1 ms/seq, capture budget 60 s, eager tail',
    limitMs: 10000,
    problem: { distribution: uniform(1024), model: { ...MODEL, captureBaseNs: 100e6, capturePerSeqNs: 1e6 }, budgets: { memoryBytes: 2 * 2 ** 30, captureNs: 60e9 }, sharedPool: true, allowEagerTail: true },
  },
  {
    name: 'B = 1024, no shared pool, 4 GiB, capture budget 30 s',
    limitMs: 10000,
    problem: { distribution: uniform(1024), model: { ...MODEL, captureBaseNs: 100e6, capturePerSeqNs: 1e6, poolPerSeqBytes: 2 ** 20 }, budgets: { memoryBytes: 4 * 2 ** 30, captureNs: 30e9 }, sharedPool: false, allowEagerTail: false },
  },
  {
    name: 'B = 1024, zipf:1.2, capture 100 ms + 1 ms/seq, capture budget 20 s, 2 GiB',
    limitMs: 10000,
    problem: { distribution: zipf(1024, 1.2), model: { ...MODEL, captureBaseNs: 100e6, capturePerSeqNs: 1e6 }, budgets: { memoryBytes: 2 * 2 ** 30, captureNs: 20e9 }, sharedPool: true, allowEagerTail: false },
  },
];

console.log(`node ${process.version}, ${cpus().length} logical cores, ${cpus()[0]?.model ?? 'unknown CPU'}`);
let failed = 0;
for (const c of cases) {
  const runs = [];
  let result;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    result = optimisePool(c.problem);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  runs.sort((a, b) => a - b);
  const ms = runs[1];
  const ok = ms <= c.limitMs;
  if (!ok) failed++;
  const detail = result.ok
    ? `${result.pool.sizes.length} graphs, E = ${(result.pool.expectedStepNs / 1e6).toFixed(4)} ms, padding ${(result.pool.paddingOverhead * 100).toFixed(3)}%, ${result.stats.algorithm}, ${result.stats.states} states`
    : 'no pool fits';
  console.log(`${ok ? 'ok  ' : 'SLOW'} ${c.name}: median of 3 ${ms.toFixed(1)} ms (limit ${c.limitMs} ms); ${detail}`);
  void evaluatePool;
}
process.exitCode = failed ? 1 : 0;
