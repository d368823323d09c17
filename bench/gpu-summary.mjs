// Sets the figures of bench/gpu-checks.sh against issue 2's targets and prints a short table.
//   node bench/gpu-summary.mjs [dir]     (dir: where gpu-checks.sh wrote, default $OUT or bench/out)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.OUT ?? 'bench/out';
const load = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const us = (ns) => `${(ns / 1e3).toFixed(2)} us`;
const ms = (ns) => `${(ns / 1e6).toFixed(2)} ms`;
const rows = [];
const check = (name, value, target, ok) => rows.push({ name, value, target, ok: ok ? 'PASS' : 'FAIL' });

const baseSpin = load('baseline-spin.json');
const baseEmpty = load('baseline-empty.json');
const run1 = load('run1.json');
const run2 = load('run2.json');
const runEmpty = load('run-empty.json');
const classic = load('classic.json');
const wall = load('run1-wall.json');

for (const [label, run, base] of [
  ['spin', run1, baseSpin],
  ['empty', runEmpty, baseEmpty],
]) {
  const b1 = run.results[0];
  const launchRatio = b1.eager.launchNs.p50Ns / base.eagerHostPerLaunchNs;
  check(`1. host/launch ${label}, harness ${us(b1.eager.launchNs.p50Ns)} vs raw ${us(base.eagerHostPerLaunchNs)}`, launchRatio.toFixed(3), '<= 1.05', launchRatio <= 1.05);
  const nodeRatio = b1.graph.devicePerNodeNs / base.graphDevicePerNodeNs;
  check(`2. replay/node ${label}, harness ${us(b1.graph.devicePerNodeNs)} vs raw ${us(base.graphDevicePerNodeNs)}`, nodeRatio.toFixed(3), '<= 1.05', nodeRatio <= 1.05);
}
let worst = 0;
for (const [i, a] of run1.results.entries()) {
  const b = run2.results[i];
  for (const k of ['eager', 'graph']) worst = Math.max(worst, Math.abs(a[k].stepNs.p50Ns / b[k].stepNs.p50Ns - 1));
}
check('3. run twice: worst p50 difference', `${(worst * 100).toFixed(2)}%`, '<= 3%', worst <= 0.03);
check('4. run --kernels 847, default pool, wall', `${(wall.wallNs / 1e9).toFixed(2)} s`, '< 5 s', wall.wallNs < 5e9 && wall.exit === 0);
const c = classic.results[0];
check(`5. classic profile eager step (batch ${c.batch})`, ms(c.eager.stepNs.p50Ns), '>= 10 ms', c.eager.stepNs.p50Ns >= 10e6);
check(`5. classic profile graph step (batch ${c.batch})`, ms(c.graph.stepNs.p50Ns), '< 1 ms', c.graph.stepNs.p50Ns < 1e6);

console.log(`GPU: ${run1.environment.gpu?.name}, driver ${run1.environment.driverVersion}, CUDA ${run1.environment.runtimeCudaVersion}`);
const w = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) console.log(`${r.ok}  ${r.name.padEnd(w)}  ${String(r.value).padStart(9)}  (target ${r.target})`);
process.exitCode = rows.every((r) => r.ok === 'PASS') ? 0 : 1;
