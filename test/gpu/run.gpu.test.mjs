// GPU tests for `graphprof run`: real measurements on a CUDA device. They run with Node's own test
// runner, so they need nothing but node and the built project (on a GPU host without npm, the
// bundle's node: `/tmp/graphprof-node/node --test test/gpu/`). Where no device is usable they
// skip, saying why (what `graphprof doctor` says).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.GRAPHPROF_BIN ?? resolve(root, 'bin', 'graphprof.js');
const gp = (args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });

const doctor = gp(['doctor', '--json']);
const report = doctor.stdout ? JSON.parse(doctor.stdout) : { runWorks: false, reason: doctor.stderr.trim() };
const skip = report.runWorks ? false : `no usable CUDA device: ${report.reason}`;

test('doctor names the device and says run works', { skip }, () => {
  assert.equal(doctor.status, 0);
  assert.ok(report.devices.length >= 1);
  assert.match(report.devices[0].computeCapability, /^\d+\.\d$/);
});

test('eager and graph results check out, with figures in plausible ranges', { skip }, () => {
  const r = gp(['run', '--kernels', '200', '--batch-sizes', '1,4', '--iterations', '30', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.complete, true);
  assert.equal(j.environment.harness, 'native');
  assert.deepEqual(j.results.map((b) => b.batch), [1, 4]);
  for (const b of j.results) {
    assert.equal(b.checksum.ok, true);
    assert.equal(b.graph.nodes, 200);
    assert.equal(b.samples.eagerStepNs.length, 30);
    // Each spin kernel waits 2 us on the GPU: the replayed graph cannot be faster than that.
    assert.ok(b.graph.deviceNs.p50Ns >= 200 * 2000, `graph device ${b.graph.deviceNs.p50Ns} ns`);
    // A launch costs the host between 0.5 and 50 us on any machine this runs on.
    assert.ok(b.eager.launchNs.p50Ns > 500 && b.eager.launchNs.p50Ns < 50_000, `launch ${b.eager.launchNs.p50Ns} ns`);
    assert.ok(b.graph.captureNs > 0 && b.graph.instantiateNs > 0);
    assert.ok(b.graph.memoryBytes >= 0);
  }
});

test('host overhead is applied and measured per launch', { skip }, () => {
  const r = gp(['run', '--kernels', '100', '--kernel', 'empty', '--host-overhead-us', '12', '--batch-sizes', '1', '--iterations', '20', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const b = JSON.parse(r.stdout).results[0];
  assert.ok(Math.abs(b.eager.hostOverheadNs.p50Ns - 12_000) < 1_000, `overhead ${b.eager.hostOverheadNs.p50Ns} ns`);
  // 100 launches x 12 us of modelled dispatch: the eager step is at least 1.2 ms, the graph far less.
  assert.ok(b.eager.stepNs.p50Ns > 1.2e6);
  assert.ok(b.graph.stepNs.p50Ns < b.eager.stepNs.p50Ns / 2);
  assert.equal(b.verdict, 'launch-bound');
});

test('a device index that does not exist exits 3 with one line', { skip }, () => {
  const r = gp(['run', '--device', '64', '--batch-sizes', '1']);
  assert.equal(r.status, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^graphprof: run: --device 64: no such device/);
});
