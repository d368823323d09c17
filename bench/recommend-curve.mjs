// recommend --curve at scale (issue 14): a 256-point measured curve up to B = 8192, interpolated
// between points, with the exact optimiser, through the CLI as a user runs it (reading, merging,
// the monotone fix, the table, both optimisers). Not run in CI: `npm run build:ts` first, then
// `node bench/recommend-curve.mjs`. Limit: 10 s per run. Results: bench/RESULTS-recommend.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { syntheticCurvePoints } from './synthetic-curve.mjs';

const dir = mkdtempSync(join(tmpdir(), 'graphprof-curve-bench-'));
const points = syntheticCurvePoints();
const curve = join(dir, 'curve.json');
writeFileSync(curve, JSON.stringify({ schemaVersion: '1.0', command: 'sweep', format: 'graphprof-curve/1', complete: true, points }));

// The Pareto DP rows (a capture budget with a per-sequence capture term) keep a 60 s cap: before
// the tread restriction (bench/recommend-pareto.mjs) the B = 8192 one did not finish in it.
const cases = [
  ['B = 8192, uniform, 16 GiB (count DP)', ['--max-batch', '8192', '--mem-budget', '16GiB']],
  ['B = 8192, zipf:1.1, 16 GiB, capture budget 60 s, capture time per graph only (count DP)', ['--max-batch', '8192', '--mem-budget', '16GiB', '--capture-budget', '60s', '--capture-per-seq', '0ns', '--dist', 'zipf:1.1']],
  ['B = 8192, uniform, 16 GiB, --within 1%', ['--max-batch', '8192', '--mem-budget', '16GiB', '--within', '1%']],
  ['B = 1024, zipf:1.1, 4 GiB, capture budget 20 s, capture 100 ms + 20 us/seq (Pareto DP)', ['--max-batch', '1024', '--mem-budget', '4GiB', '--capture-budget', '20s', '--dist', 'zipf:1.1']],
  ['B = 8192, zipf:1.1, 16 GiB, capture budget 60 s, capture 100 ms + 20 us/seq (Pareto DP)', ['--max-batch', '8192', '--mem-budget', '16GiB', '--capture-budget', '60s', '--dist', 'zipf:1.1'], 60],
  ['B = 8192, zipf:1.1, 16 GiB, capture budget 20 s (binding), capture 100 ms + 20 us/seq (Pareto DP)', ['--max-batch', '8192', '--mem-budget', '16GiB', '--capture-budget', '20s', '--dist', 'zipf:1.1'], 60],
];
console.log(`node ${process.version}, ${cpus().length} logical cores, ${cpus()[0]?.model ?? 'unknown CPU'}`);
let failed = 0;
for (const [name, args, capS] of cases) {
  const runs = [];
  let out;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    out = spawnSync(process.execPath, ['bin/graphprof.js', 'recommend', '--curve', curve, ...args, '--json'], { encoding: 'utf8', timeout: (capS ?? 600) * 1000 });
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (out.error || out.signal) break;
    if (out.status !== 0) throw new Error(`${name}: exit ${out.status}: ${out.stderr}`);
  }
  if (out.error || out.signal) {
    failed++;
    console.log(`SLOW ${name}: did not finish within ${capS} s (stopped)`);
    continue;
  }
  runs.sort((a, b) => a - b);
  const j = JSON.parse(out.stdout);
  const ok = runs[1] <= 10;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'SLOW'} ${name}: median of 3 ${runs[1].toFixed(2)} s (min ${runs[0].toFixed(2)}, max ${runs[2].toFixed(2)}; limit 10 s); ${j.graphCount} graphs, E = ${(j.expectedStepNs / 1e6).toFixed(4)} ms, ${j.optimizer.algorithm}, ${j.optimizer.states} states, ${j.interpolatedSizes.length} interpolated sizes`);
}
process.exitCode = failed ? 1 : 0;
