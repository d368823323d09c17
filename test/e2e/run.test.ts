import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { RunResult } from '../../src/core/schema.js';
import { graphprof } from './cli.js';

const fake = { GRAPHPROF_FAKE_HARNESS: '1' };

describe('graphprof run without a GPU', () => {
  it('exits 3 with one line that says what is missing and what to do', () => {
    const r = graphprof(['run', '--kernels', '847']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^graphprof: run: (no NVIDIA driver found|no CUDA device found|the native addon was built without CUDA)/);
  });

  it.each([
    [['--kernels', '0'], 'graphprof: --kernels: expected a positive integer, got "0"'],
    [['--kernels', 'abc'], 'graphprof: --kernels: expected a positive integer, got "abc"'],
    [['--batch-sizes', '0,-1'], 'graphprof: --batch-sizes: expected positive integers, got "0" in "0,-1"'],
    [['--kernel-us', '-2'], 'graphprof: --kernel-us: expected a number >= 0, got "-2"'],
  ])('refuses %j with exit 2 before any GPU work', (args, message) => {
    const r = graphprof(['run', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });

  it('refuses unknown options and kernel kinds with exit 2', () => {
    expect(graphprof(['run', '--kernal', '3']).code).toBe(2);
    const r = graphprof(['run', '--kernel', 'gemm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'gemm' is invalid. Allowed choices are spin, copy, empty.");
  });

  it('refuses a workload larger than the device before running it', () => {
    const r = graphprof(['run', '--kernel', 'copy', '--bytes-per-seq', '1GiB', '--batch-sizes', '1,64'], fake);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "graphprof: the workload needs 128 GiB of device memory at batch size 64, more than 75% of Fake GPU (GRAPHPROF_FAKE_HARNESS)'s 80.0 GiB: lower --bytes-per-seq, --memcpy-bytes or the largest --batch-sizes",
    );
  });
});

describe('graphprof run through the fake harness (CLI plumbing only)', () => {
  it('prints a table with units, the environment and the notes', () => {
    const r = graphprof(['run', '--kernels', '100', '--kernel', 'empty', '--syncs', '4', '--batch-sizes', '1,8', '--iterations', '20'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FAKE HARNESS: not a measurement');
    expect(r.stdout).toContain('workload: 100 kernels (empty), 4 syncs (eager only), 20 iterations after 10 warm-up');
    expect(r.stdout).toMatch(/│\s+1 │ +[\d.]+ µs ±[^│]+│ +[\d.]+ µs ±[^│]+│ +\d\.\d\dx │ +\d+\.\d% │ +2\.\d\d µs │.*│ launch-bound/);
    expect(r.stdout).toMatch(/│\s+8 │/);
    // Notes are not the result: stderr only.
    expect(r.stdout).not.toContain('note: ');
    expect(r.stderr).toContain('note: graph mode leaves out the 4 host syncs per step');
  });

  it('prints versioned JSON with every figure in base units and the raw samples', () => {
    const r = graphprof(['run', '--kernels', '100', '--memcpys', '10', '--batch-sizes', '2,4', '--iterations', '30', '--json'], fake);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as RunResult;
    expect(j.schemaVersion).toBe('1.0');
    expect(j.tool.name).toBe('graphprof');
    expect(j.command).toBe('run');
    expect(j.complete).toBe(true);
    expect(j.environment.harness).toBe('fake');
    expect(j.environment.host.logicalCores).toBeGreaterThan(0);
    expect(j.workload).toMatchObject({ kernels: 100, memcpys: 10, batchSizes: [2, 4], iterations: 30 });
    expect(j.results.map((b) => b.batch)).toEqual([2, 4]);
    const b = j.results[0]!;
    expect(b.samples.eagerStepNs).toHaveLength(30);
    expect(b.samples.graphDeviceNs).toHaveLength(30);
    expect(b.graph.nodes).toBe(110);
    // the fake model: eager enqueue = 100 x 2.5 us + 10 x 2 us = 270 us (+-1% jitter)
    expect(b.eager.enqueueNs.p50Ns).toBeGreaterThan(267_000);
    expect(b.eager.enqueueNs.p50Ns).toBeLessThan(273_000);
    expect(b.speedup).toBeCloseTo(b.eager.stepNs.p50Ns / b.graph.stepNs.p50Ns, 9);
    expect(b.checksum.ok).toBe(true);
  });

  it('keeps the batch sizes measured before a CUDA error, marked incomplete, and exits 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-'));
    const out = join(dir, 'run.json');
    const r = graphprof(['run', '--kernels', '50', '--batch-sizes', '1,2,4,8', '--iterations', '10', '-o', out], { ...fake, GRAPHPROF_FAKE_FAIL_AT: '4' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('graphprof: run: CUDA error at batch size 4: cudaErrorMemoryAllocation: out of memory');
    expect(r.stdout).toMatch(/INCOMPLETE: measured batch sizes 1, 2 of 1, 2, 4, 8; stopped: cudaErrorMemoryAllocation/);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(saved.complete).toBe(false);
    expect(saved.results.map((b) => b.batch)).toEqual([1, 2]);
    expect(saved.error).toMatchObject({ kind: 'cudaErrorMemoryAllocation', batch: 4 });
  });

  it('fails with exit 1 and names batch size and mode on a checksum mismatch', () => {
    const r = graphprof(['run', '--kernels', '20', '--batch-sizes', '1,2,4', '--iterations', '5', '--json'], { ...fake, GRAPHPROF_FAKE_BAD_CHECKSUM: '2' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('graphprof: run: checksum mismatch at batch size 2: graph replay (got 0000000000000000)');
    const j = JSON.parse(r.stdout) as RunResult;
    expect(j.complete).toBe(false);
    expect(j.error?.kind).toBe('checksum-mismatch');
    expect(j.results.map((b) => b.batch)).toEqual([1, 2]);
  });
});

describe('graphprof doctor', () => {
  it('explains why run will not work here, and exits 3', () => {
    const r = graphprof(['doctor']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('built with CUDA: yes');
    expect(r.stdout).toMatch(/`graphprof run` will not work here: /);
  });
  it('prints JSON', () => {
    const r = graphprof(['doctor', '--json']);
    const j = JSON.parse(r.stdout) as { schemaVersion: string; runWorks: boolean; addon: { cuda: boolean }; runtimeCudaVersion: string };
    expect(j.schemaVersion).toBe('1.0');
    expect(j.runWorks).toBe(false);
    expect(j.addon.cuda).toBe(true);
    expect(j.runtimeCudaVersion).toBe('13.0');
  });
  it('says the addon is missing when it cannot be loaded', () => {
    const r = graphprof(['doctor'], { GRAPHPROF_ADDON: '/nonexistent/graphprof.node' });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('addon:          not loaded (the native harness could not be loaded (/nonexistent/graphprof.node: not found)');
  });
});

describe('graphprof --help', () => {
  it('works without the addon and lists every command', () => {
    const r = graphprof(['--help'], { GRAPHPROF_ADDON: '/nonexistent/graphprof.node' });
    expect(r.code).toBe(0);
    for (const c of ['run', 'doctor']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const run = graphprof(['run', '--help'], { GRAPHPROF_ADDON: '/nonexistent/graphprof.node' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--host-overhead-us <us>');
    expect(run.stdout).toContain('(default: 847)');
  });
});
