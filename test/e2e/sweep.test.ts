// graphprof sweep end to end, without a GPU: test/native/sweep_program.cc runs NVTX-marked steps on
// the stand-in driver (fake_cuda.cc) with `batch` launches, one graph launch and a busy wait of
// 300 + 40 x batch microseconds per step. The sweep must record each size's step time and launch
// counts, keep going past a size that crashes, write the curve after each size, and refuse a
// command without {batch}.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { CurveResult } from '../../src/core/recommend/step-curve.js';
import type { RecommendResult } from '../../src/core/recommend/recommend.js';
import { formatBytes } from '../../src/core/units.js';
import { readRecords } from '../../src/ingest/trace-record.js';
import { graphprof, root } from './cli.js';
import { build, buildFakeDriver, cudaInclude, hostLibrary, runnable } from './host-program.js';


let dir = '';
let env: Record<string, string> = {};
let program = '';

describe.skipIf(!runnable)('graphprof sweep on a stand-in driver', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'graphprof-sweep-'));
    env = buildFakeDriver(dir);
    build(['-std=c++17', '-O1', '-I', cudaInclude!, join(root, 'test', 'native', 'sweep_program.cc'), '-o', join(dir, 'sweep_program'), '-ldl']);
    program = join(dir, 'sweep_program');
  }, 60_000);

  it('records the step time, launches and graph launches per step at each size, and writes the curve', () => {
    const out = join(dir, 'curve.json');
    const r = graphprof(['sweep', '--batch-sizes', '1,4,16', '--step-marker', 'nvtx:decode_step', '-o', out, '--json', '--', program, '{batch}', '12'], env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CurveResult;
    expect(j).toMatchObject({ command: 'sweep', format: 'graphprof-curve/1', complete: true, schemaVersion: '1.0' });
    expect(j.config).toMatchObject({ batchSizes: [1, 4, 16], stepMarker: 'nvtx:decode_step', tracer: 'host', batchVia: 'placeholder' });
    expect(j.points.map((p) => [p.batch, p.status, p.stepNs?.count, p.launchesPerStep, p.graphLaunchesPerStep])).toEqual([
      [1, 'ok', 12, 1, 1],
      [4, 'ok', 12, 4, 1],
      [16, 'ok', 12, 16, 1],
    ]);
    // a step waits 300 + 40 x batch us: the median is at least that, and not far above on an idle core
    for (const p of j.points) {
      const floor = (300 + 40 * p.batch) * 1e3;
      expect(p.stepNs!.medianNs).toBeGreaterThanOrEqual(floor);
      expect(p.stepNs!.medianNs).toBeLessThan(floor * 1.5 + 200e3);
    }
    // this program captures no graph: recorded as none seen, null
    expect(j.points.every((p) => p.captureNs === null && p.captureMemoryBytes === null && p.captureMemoryMethod === null)).toBe(true);
    expect(j.notes[0]).toMatch(/^capture time and capture memory per graph come from the host tracer .*checked on a GPU for memory only/);
    expect(j.notes[1]).toBe('no graph capture was seen at batch 1, 4, 16: capture time and memory are null there (recommend takes them from --engine-log, flags or its assumed defaults)');
    // the program's own output went to stderr, never into the result
    expect(r.stderr).toContain('sweep_program: batch 16, 12 steps');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(j);
    // and recommend reads it
    const rec = graphprof(['recommend', '--max-batch', '16', '--curve', out, '--json']);
    expect(rec.code).toBe(0);
    const rj = JSON.parse(rec.stdout) as RecommendResult;
    expect(rj.curve?.points.map((p) => p.batch)).toEqual([1, 4, 16]);
    expect(rj.trend.kind).toBe('rising');
  });

  it('capture time and memory per graph, from a program that captures one graph of known allocations (SWEEP_CAPTURE)', () => {
    // sweep_program.cc: 4,096 B before the capture; 65,536 x batch B by cuMemAllocAsync inside it and
    // a 2 ms wait; 1 MiB by cuMemAlloc after capture end; instantiate, a 1 ms wait, upload; 12,345 B
    // after the upload and a second instantiation of the same graph (neither is the capture's)
    const out = join(dir, 'capture.json');
    const r = graphprof(['sweep', '--batch-sizes', '2,8', '--step-marker', 'nvtx:decode_step', '-o', out, '--json', '--', program, '{batch}', '3'], { ...env, SWEEP_CAPTURE: '1' });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CurveResult;
    expect(j.points.map((p) => [p.batch, p.captureMemoryBytes])).toEqual([
      [2, 65536 * 2 + (1 << 20)],
      [8, 65536 * 8 + (1 << 20)],
    ]);
    for (const p of j.points) {
      expect(p.captureMemoryMethod).toMatch(/^allocation APIs \(cuMemAlloc_v2, cuMemAllocAsync, cuMemAllocFromPoolAsync\): .*is captureFreeDropBytes, where the program measured it$/);
      // the program calls cuMemGetInfo before the capture and after the upload: the stand-in's free memory drops by what was allocated between
      expect(p.captureFreeDropBytes).toBe(65536 * p.batch + (1 << 20));
      // at least the two waits; not far above on an idle core
      expect(p.captureNs!).toBeGreaterThanOrEqual(3e6);
      expect(p.captureNs!).toBeLessThan(3e6 * 1.5 + 200e6);
      // the steps are untouched by the capture: batch launches and one graph launch each
      expect([p.launchesPerStep, p.graphLaunchesPerStep]).toEqual([p.batch, 1]);
    }
    expect(j.notes).toHaveLength(1);
    // the table shows them per size; a size with no capture says so
    const t = graphprof(['sweep', '--batch-sizes', '2', '--step-marker', 'nvtx:decode_step', '--', program, '{batch}', '2'], { ...env, SWEEP_CAPTURE: '1' });
    expect(t.stdout).toMatch(new RegExp(`│ +\\d[\\d.]* ms │ +${formatBytes(65536 * 2 + (1 << 20))} │ +${formatBytes(65536 * 2 + (1 << 20))} │`));
    expect(t.stdout).toContain('free-memory drop: cuMemGetInfo before minus after, where the program called it around its captures');
    expect(graphprof(['sweep', '--batch-sizes', '2', '--step-marker', 'nvtx:decode_step', '--', program, '{batch}', '2'], env).stdout).toMatch(/│ +none seen │ +none seen │ +not measured │/);
    // recommend takes them as measured
    const rec = graphprof(['recommend', '--max-batch', '8', '--curve', out, '--json']);
    expect(rec.code).toBe(0);
    const rj = JSON.parse(rec.stdout) as RecommendResult;
    // a line through the two sizes: 1 MiB per graph and 64 KiB per sequence
    expect([rj.model.graphMemBytes, rj.model.poolPerSeqBytes]).toEqual([1 << 20, 65536]);
    expect([rj.model.sources.graphMemBytes, rj.model.sources.poolPerSeqBytes, rj.model.sources.captureBaseNs]).toEqual(['curve', 'curve', 'curve']);
  });

  it("the host tracer's record of that capture: its times in order, and which allocations fell in its window", () => {
    const out = mkdtempSync(join(tmpdir(), 'graphprof-capture-'));
    const lib = hostLibrary;
    const r = spawnSync(program, ['4', '2'], {
      env: { ...process.env, ...env, SWEEP_CAPTURE: '1', LD_PRELOAD: lib, NVTX_INJECTION64_PATH: lib, GRAPHPROF_TRACE_DIR: out, GRAPHPROF_TRACE_STEP: 'nvtx:decode_step', GRAPHPROF_TRACE_ACTIVITY: '0' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const { records } = readRecords(out);
    expect(records).toHaveLength(1);
    const g = records[0]!.graphCaptures!;
    expect(g).toMatchObject({ allocationApis: ['cuMemAlloc_v2', 'cuMemAllocAsync', 'cuMemAllocFromPoolAsync'], capturesDropped: 0, allocationsDropped: 0, freeSamplesDropped: 0 });
    // cuMemGetInfo before the capture and after the upload: one bracket around one graph
    expect(g.freeMemory).toHaveLength(1);
    expect(g.freeMemory[0]!.freeBeforeBytes - g.freeMemory[0]!.freeAfterBytes).toBe(4 * 65536 + (1 << 20));
    expect(g.freeMemory[0]!.graphs).toBe(1);
    expect(g.freeMemory[0]!.beforeNs).toBeLessThan(g.captures[0]!.startNs);
    expect(g.freeMemory[0]!.afterNs).toBeGreaterThan(g.captures[0]!.uploadEndNs!);
    expect(g.captures).toHaveLength(1);
    const c = g.captures[0]!;
    // 4 x 64 KiB inside the capture, 1 MiB between capture end and upload; not the 4,096 B before nor the 12,345 B after
    expect([c.allocBytesInCapture, c.allocBytes, c.allocCalls]).toEqual([4 * 65536, 4 * 65536 + (1 << 20), 2]);
    // begin < end (2 ms wait) <= instantiate < upload (1 ms wait); the second instantiation is not the capture's
    expect(c.captureEndNs! - c.startNs).toBeGreaterThanOrEqual(2e6);
    expect(c.instantiateEndNs!).toBeGreaterThanOrEqual(c.captureEndNs!);
    expect(c.uploadEndNs! - c.instantiateEndNs!).toBeGreaterThanOrEqual(1e6);
    expect(c.captureNs).toBe(c.uploadEndNs! - c.startNs);
  });

  it('two graphs between one pair of cuMemGetInfo calls: memory per graph from each window, the free-memory drop shared between them', () => {
    const r = graphprof(['sweep', '--batch-sizes', '4', '--step-marker', 'nvtx:decode_step', '--json', '--', program, '{batch}', '2'], { ...env, SWEEP_CAPTURE: '2' });
    expect(r.code).toBe(0);
    const p = (JSON.parse(r.stdout) as CurveResult).points[0]!;
    expect(p.captureMemoryBytes).toBe(65536 * 4 + (1 << 20));
    // the free memory fell by both graphs' allocations and the 12,345 B allocated between them (outside any window)
    expect(p.captureFreeDropBytes).toBe((2 * (65536 * 4 + (1 << 20)) + 12345) / 2);
    expect(p.captureNs!).toBeGreaterThanOrEqual(3e6);
  });

  it('a size that crashes is reported with its exit code, the sweep goes on, and the exit is 1; nothing measured is lost', () => {
    const out = join(dir, 'crash.json');
    const r = graphprof(['sweep', '--batch-sizes', '2,3,5', '--step-marker', 'nvtx:decode_step', '-o', out, '--', program, '{batch}', '6'], { ...env, SWEEP_CRASH_AT: '3' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sweep: batch 3 failed: the command exited 134 (SIGABRT); the sweep goes on');
    expect(r.stdout).toMatch(/│ +3 │ failed \(exit 134\) │/);
    expect(r.stdout).toContain('failed: batch 3: the command exited 134 (SIGABRT)');
    const j = JSON.parse(readFileSync(out, 'utf8')) as CurveResult;
    expect(j.complete).toBe(true);
    expect(j.points.map((p) => [p.batch, p.status, p.exitCode])).toEqual([
      [2, 'ok', 0],
      [3, 'failed', 134],
      [5, 'ok', 0],
    ]);
    // recommend uses the measured sizes and names the failed one
    const rec = JSON.parse(graphprof(['recommend', '--max-batch', '5', '--curve', out, '--json']).stdout) as RecommendResult;
    expect(rec.curve?.points.map((p) => p.batch)).toEqual([2, 5]);
    expect(rec.notes).toContain(`${out}: batch 3 failed in the sweep (exit 134: the command exited 134 (SIGABRT)) and is not used`);
  });

  it('--batch-env runs the command unchanged with GRAPHPROF_BATCH set', () => {
    const r = graphprof(['sweep', '--batch-sizes', '2,8', '--step-marker', 'nvtx:decode_step', '--batch-env', '--json', '--', program, '-', '5'], env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CurveResult;
    expect(j.config.batchVia).toBe('env');
    expect(j.points.map((p) => p.launchesPerStep)).toEqual([2, 8]);
  });

  it('a wrong step marker fails every size with a reason, exit 1', () => {
    const r = graphprof(['sweep', '--batch-sizes', '1', '--step-marker', 'nvtx:nope', '--', program, '{batch}', '3'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sweep: batch 1 failed: no step marked by nvtx:nope was seen; the sweep goes on');
  });
});

describe('graphprof sweep: usage', () => {
  it('refuses a command without {batch} unless --batch-env says the program reads GRAPHPROF_BATCH', () => {
    const r = graphprof(['sweep', '--max-batch', '8', '--step-marker', 'nvtx:decode_step', '--', 'python', 'decode.py']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'graphprof: sweep: the command has no {batch}: put {batch} where the batch size goes (e.g. -- python decode.py --batch {batch}), or pass --batch-env if the program reads the size from GRAPHPROF_BATCH; without either every size would run the same program',
    );
  });

  it('needs one of --batch-sizes and --max-batch, and a step marker', () => {
    expect(graphprof(['sweep', '--step-marker', 'nvtx:s', '--', 'x', '{batch}']).stderr).toContain('sweep: give the sizes as --batch-sizes 1,2,4,8 or --max-batch B');
    expect(graphprof(['sweep', '--max-batch', '4', '--', 'x', '{batch}']).stderr).toContain('--step-marker: required');
    expect(graphprof(['sweep', '--max-batch', '0', '--step-marker', 'nvtx:s', '--', 'x', '{batch}']).stderr.trim()).toBe('graphprof: --max-batch: expected a positive integer, got "0"');
  });
});
