// Sets the figures of bench/gpu-checks.sh against issue 2's targets and prints a short table.
//   node bench/gpu-summary.mjs [dir]     (dir: where gpu-checks.sh wrote, default $OUT or bench/out)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.OUT ?? 'bench/out';
const load = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const us = (ns) => `${(ns / 1e3).toFixed(2)} us`;
const ms = (ns) => `${(ns / 1e6).toFixed(2)} ms`;
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rows = [];
const check = (name, value, target, ok) => rows.push({ name, value, target, ok: ok ? 'PASS' : 'FAIL' });

const alternation = readFileSync(join(dir, 'alternation.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
for (const kind of ['spin', 'empty']) {
  const base = alternation.filter((a) => a.kind === kind && a.baseline).map((a) => a.baseline);
  const harness = alternation.filter((a) => a.kind === kind && a.harness).map((a) => a.harness);
  const bLaunch = base.map((b) => b.eagerHostPerLaunchNs);
  const hLaunch = harness.map((h) => h.eagerHostPerLaunchNs);
  const launchRatio = median(hLaunch) / median(bLaunch);
  check(`1. host/launch ${kind}: harness ${us(median(hLaunch))} vs raw ${us(median(bLaunch))} (medians of ${hLaunch.length} alternating processes; raw ranged ${us(Math.min(...bLaunch))}-${us(Math.max(...bLaunch))})`, launchRatio.toFixed(3), '<= 1.05', launchRatio <= 1.05);
  const bNode = median(base.map((b) => b.graphDevicePerNodeNs));
  const hNode = median(harness.map((h) => h.graphDevicePerNodeNs));
  check(`2. graph replay/node ${kind}: harness ${us(hNode)} vs raw ${us(bNode)}`, (hNode / bNode).toFixed(3), '<= 1.05', hNode / bNode <= 1.05);
}

const run1 = load('run1.json');
const run2 = load('run2.json');
for (const mode of ['eager', 'graph']) {
  let worst = 0;
  for (const [i, a] of run1.results.entries()) worst = Math.max(worst, Math.abs(a[mode].stepNs.p50Ns / run2.results[i][mode].stepNs.p50Ns - 1));
  check(`3. run twice, ${mode} step p50s: worst difference over ${run1.results.length} batch sizes`, pct(worst), '<= 3%', worst <= 0.03);
}
const wall = load('run1-wall.json');
check('4. run --kernels 847, default pool, start to end', `${(wall.wallNs / 1e9).toFixed(2)} s`, '< 5 s', wall.wallNs < 5e9 && wall.exit === 0);
const classic = load('classic.json');
const c = classic.results[0];
check(`5. classic profile, eager step (batch ${c.batch})`, ms(c.eager.stepNs.p50Ns), '>= 10 ms', c.eager.stepNs.p50Ns >= 10e6);
check(`5. classic profile, graph step (batch ${c.batch})`, ms(c.graph.stepNs.p50Ns), '< 1 ms', c.graph.stepNs.p50Ns < 1e6);

console.log(`GPU: ${run1.environment.gpu?.name}, driver ${run1.environment.driverVersion}, CUDA ${run1.environment.runtimeCudaVersion}, host ${run1.environment.host.cpu}`);
for (const r of rows) console.log(`${r.ok}  ${r.name}: ${r.value} (target ${r.target})`);
process.exitCode = rows.every((r) => r.ok === 'PASS') ? 0 : 1;
