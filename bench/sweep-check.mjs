// The acceptance table of issue 14 from gpu-sweep.sh's files: measured mean step of each replayed
// pool against recommend's expectedStepNs (and against the curve's figure for the same draws, to
// tell model error from sampling), the recommended pool's gain over vLLM's and SGLang's default
// lists under the measured curve, and the sweep's overhead (traced medians vs untraced p50s).
//   node bench/sweep-check.mjs OUTDIR [overhead sizes...]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...osizes] = process.argv.slice(2);
const read = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : null);
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
const ms = (ns) => `${(ns / 1e6).toFixed(4)} ms`;
const curve = read('curve.json');
const rec = read('recommend.json');
let bad = 0;
if (!curve || !rec) {
  console.log(`missing ${!curve ? 'curve.json' : 'recommend.json'}: nothing to check`);
  process.exit(1);
}
const gpu = (() => {
  try {
    return readFileSync(join(dir, 'work', 'gpu.txt'), 'utf8').split('\n')[0];
  } catch {
    return 'see work/gpu.txt';
  }
})();
console.log(`GPU: ${gpu}; curve: ${curve.points.filter((p) => p.status === 'ok').length} of ${curve.points.length} sizes ok`);
for (const p of curve.points) console.log(`  T(${p.batch}) = ${p.stepNs ? `${ms(p.stepNs.medianNs)} (MAD ${ms(p.stepNs.madNs)}, ${p.stepNs.count} steps, ${p.launchesPerStep} launches, ${p.graphLaunchesPerStep} graph launches per step)` : `failed: ${p.error}`}`);
// T as recommend uses it: the isotonic staircase in rec.curve.points, stepped up to the next measured size
const pts = rec.curve.points;
const T = (s) => (pts.find((p) => p.batch >= s) ?? pts[pts.length - 1]).stepNs;
const rows = [
  ['recommended', rec.sizes, rec.expectedStepNs, read('replay-recommended.json')],
  ['vLLM default', rec.baselines.find((b) => b.engine === 'vllm').sizes, rec.baselines.find((b) => b.engine === 'vllm').expectedStepNs, read('replay-vllm.json')],
];
console.log(`recommend: ${rec.graphCount} sizes (${rec.sizes.join(',')}), ${rec.distribution.kind}${rec.distribution.exponent ? ` ${rec.distribution.exponent}` : ''}, memory ${(rec.memoryBytes / 2 ** 20).toFixed(0)} MiB (model: ${rec.model.sources.graphMemBytes}), trend ${rec.trend.kind} (+${(rec.trend.riseShare * 100).toFixed(1)}%)`);
for (const [name, sizes, expected, replay] of rows) {
  if (!replay) {
    console.log(`${name}: no replay result`);
    bad++;
    continue;
  }
  let sameDraws = 0;
  let n = 0;
  for (const [b, c] of Object.entries(replay.drawnBatchCounts)) {
    const s = replay.pool.find((x) => x >= Number(b));
    sameDraws += c * T(s);
    n += c;
  }
  sameDraws /= n;
  const off = replay.meanStepNs / expected - 1;
  if (Math.abs(off) > 0.05) bad++;
  console.log(`${name}: ${replay.pool.length} graphs replayed (${sizes.length} in the list), ${replay.draws} draws: measured mean ${ms(replay.meanStepNs)}; recommend's expectedStepNs ${ms(expected)} (${pct(off)}, ${Math.abs(off) <= 0.05 ? 'within 5%' : 'NOT within 5%'}); the curve on the same draws ${ms(sameDraws)} (${pct(replay.meanStepNs / sameDraws - 1)}); capture ${(replay.captureNs / 1e9).toFixed(2)} s, free memory drop ${(replay.captureMemoryBytes / 2 ** 20).toFixed(0)} MiB`);
}
for (const b of rec.baselines.filter((x) => x.engine === 'vllm' || x.engine === 'sglang')) {
  console.log(`gain over ${b.name} under the measured curve: its expected step ${ms(b.expectedStepNs)} is ${pct(b.slowerThanRecommended)} against the recommended ${ms(rec.expectedStepNs)} (${b.graphCount} graphs, ${(b.memoryBytes / 2 ** 20).toFixed(0)} MiB modelled, ${b.fits ? 'fits' : 'does not fit'} the budget; ${b.interpolatedSizes.length} of its sizes not measured, charged the next measured size)`);
}
const again = read('curve-again.json');
// the program's own JSON line per size under sweep (sweep passes the program's output to stderr):
// its GPU time (CUDA events) beside the untraced one, which host-wall noise does not blur
const tracedLines = new Map();
try {
  for (const line of readFileSync(join(dir, 'work', 'sweep.stderr'), 'utf8').split('\n')) {
    if (!line.startsWith('{"mode": "graph"')) continue;
    const j = JSON.parse(line);
    tracedLines.set(j.shape.batch, j);
  }
} catch {
  // no stderr kept: the GPU-time line is left out
}
for (const b of osizes.map(Number)) {
  let untraced = null;
  try {
    untraced = JSON.parse(readFileSync(join(dir, 'work', `untraced-${b}.json`), 'utf8').trim().split('\n').pop());
  } catch {
    // the archive holds it when the work folder was packed: read before packing
  }
  const traced = curve.points.find((p) => p.batch === b)?.stepNs?.medianNs;
  const traced2 = again?.points.find((p) => p.batch === b)?.stepNs?.medianNs;
  if (!untraced || !traced) {
    console.log(`overhead at batch ${b}: missing data`);
    continue;
  }
  const u = untraced.replayWall.p50Us * 1e3;
  const worst = Math.max(...[traced, traced2].filter(Boolean).map((t) => Math.abs(t / u - 1)));
  if (worst > 0.02) bad++;
  console.log(`overhead at batch ${b}: untraced replay wall p50 ${ms(u)}; under sweep ${ms(traced)} (${pct(traced / u - 1)})${traced2 ? `, again ${ms(traced2)} (${pct(traced2 / u - 1)})` : ''}; ${worst <= 0.02 ? 'within 2%' : 'NOT within 2%'}`);
  const t = tracedLines.get(b);
  if (t && untraced.replayEvents) {
    const ue = untraced.replayEvents.p50Us * 1e3;
    const te = t.replayEvents.p50Us * 1e3;
    console.log(`  GPU time (CUDA events p50) at batch ${b}: untraced ${ms(ue)}, under sweep ${ms(te)} (${pct(te / ue - 1)}); the program's own wall under sweep ${ms(t.replayWall.p50Us * 1e3)} (${pct((t.replayWall.p50Us * 1e3) / u - 1)})`);
  }
}
console.log(bad ? `${bad} check(s) outside their bounds` : 'all checks within their bounds');
