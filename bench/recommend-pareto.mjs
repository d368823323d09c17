// The Pareto DP (a capture budget with a capture term per sequence) on a 256-point measured
// staircase up to B = 8192 (issue 14: under 10 s), before and after the tread restriction, side by
// side in one run. "before": the same optimiser with the curve's measured sizes withheld
// (StepTable.measuredSizes null), which is the code path and cost model of the optimiser before this
// change (every size 1..B a candidate, each size charged as itself); each before-run gets its own
// process and a 60 s cap. "after": the table as `recommend --curve` builds it (a size between two
// measured sizes charged the memory and capture time of the next measured size, candidates only the
// measured sizes, B and occurring sizes above the largest measured size). Both exact for their model.
// Not run in CI: `npm run build:ts`, then `node bench/recommend-pareto.mjs`; results in
// bench/RESULTS-recommend.md.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

import { zipfDistribution } from '../dist/core/recommend/distribution.js';
import { optimisePool } from '../dist/core/recommend/pool.js';
import { curveStepModel, mergeCurves } from '../dist/core/recommend/step-curve.js';
import { syntheticCurvePoints } from './synthetic-curve.mjs';

const GiB = 2 ** 30;
const CAP_S = 60;

// The curve of bench/recommend-curve.mjs, its step times only (the capture figures are MODEL's).
const curvePoints = () => syntheticCurvePoints().map(({ batch, status, exitCode, stepNs }) => ({ batch, status, exitCode, stepNs }));

// capture 100 ms + 20 us/seq and 8 MiB + 1 MiB/seq of shared pool: the lines the curve's capture
// figures fit (bench/recommend-curve.mjs writes them on every point); eager +4 ms (the default).
const MODEL = { stepBaseNs: 0, stepPerSeqNs: 0, eagerPenaltyNs: 4e6, graphMemBytes: 8 * 2 ** 20, poolPerSeqBytes: 2 ** 20, captureBaseNs: 100e6, capturePerSeqNs: 20e3 };

const CASES = [
  { name: 'B = 1024, zipf:1.1, 4 GiB, capture budget 20 s', B: 1024, mem: 4 * GiB, cap: 20e9 },
  { name: 'B = 1024, zipf:1.1, 4 GiB, capture budget 2 s', B: 1024, mem: 4 * GiB, cap: 2e9 },
  { name: 'B = 8192, zipf:1.1, 16 GiB, capture budget 60 s', B: 8192, mem: 16 * GiB, cap: 60e9 },
  { name: 'B = 8192, zipf:1.1, 16 GiB, capture budget 20 s', B: 8192, mem: 16 * GiB, cap: 20e9 },
  { name: 'B = 8192, zipf:1.1, 16 GiB, capture budget 5 s', B: 8192, mem: 16 * GiB, cap: 5e9 },
];

function problemOf(c, withMeasured) {
  const model = curveStepModel(mergeCurves([curvePoints()]), c.B);
  const stepTable = withMeasured ? model.table : { ...model.table, measuredSizes: null };
  return { distribution: zipfDistribution(c.B, 1.1), model: MODEL, stepTable, budgets: { memoryBytes: c.mem, captureNs: c.cap }, sharedPool: true, allowEagerTail: false };
}

function timeOne(c, withMeasured) {
  const problem = problemOf(c, withMeasured);
  const t0 = process.hrtime.bigint();
  const r = optimisePool(problem);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!r.ok) return { s, ok: false };
  const p = r.pool;
  return { s, ok: true, graphs: p.sizes.length, expectedNs: p.expectedStepNs, captureNs: p.captureNs, memoryBytes: p.memoryBytes, candidates: r.stats.candidateSizes, states: r.stats.states, algorithm: r.stats.algorithm };
}

if (process.argv[2] === 'one') {
  process.stdout.write(JSON.stringify(timeOne(CASES[Number(process.argv[3])], process.argv[4] === 'after')));
} else {
  console.log(`node ${process.version}, ${cpus().length} logical cores, ${cpus()[0]?.model ?? 'unknown CPU'}; before: own process, ${CAP_S} s cap; after: median of 3 in one process`);
  const fmt = (x) => (x.ok ? `${x.graphs} graphs, E = ${(x.expectedNs / 1e6).toFixed(4)} ms, capture ${(x.captureNs / 1e9).toFixed(3)} s, ${(x.memoryBytes / GiB).toFixed(2)} GiB, ${x.candidates} candidates, ${x.states} labels` : 'no pool fits');
  let slow = 0;
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i];
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'one', String(i), 'before'], { encoding: 'utf8', timeout: CAP_S * 1000 });
    const before = child.error || child.signal || child.status !== 0 ? null : JSON.parse(child.stdout);
    const runs = [];
    let after;
    for (let k = 0; k < 3; k++) {
      after = timeOne(c, true);
      runs.push(after.s);
    }
    runs.sort((a, b) => a - b);
    if (runs[1] > 10) slow++;
    console.log(`${c.name}`);
    console.log(`  before: ${before ? `${before.s.toFixed(2)} s; ${fmt(before)}` : `not finished in ${CAP_S} s (stopped)`}`);
    console.log(`  after:  ${runs[1].toFixed(3)} s (min ${runs[0].toFixed(3)}, max ${runs[2].toFixed(3)}); ${fmt(after)}`);
  }
  process.exitCode = slow ? 1 : 0;
}
