// `graphprof trace` and the step model on a synthetic /2 record (GRAPHPROF_FAKE_TRACE: plumbing
// only): figures from inside the steps, set-up outside them never divided, no verdict without GPU
// time, and `trace --out` read back by `analyze --step-range` giving the same figures.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { AnalyzeResult } from '../../src/core/analyze/schema.js';
import { histogramMedian, histogramOf } from '../../src/core/trace/histogram.js';
import type { TraceResult } from '../../src/core/trace/result.js';
import { graphprof, root } from './cli.js';

function stat(samples: number[]) {
  const hist = histogramOf(samples);
  const totalNs = samples.reduce((a, b) => a + b, 0);
  const minNs = Math.min(...samples);
  const maxNs = Math.max(...samples);
  return { totalNs, minNs, maxNs, medNs: histogramMedian(hist, samples.length, minNs, maxNs), sumSqNs2: samples.reduce((a, b) => a + b * b, 0), hist };
}
const repeat = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const api = (name: string, samples: number[]) => ({ name, domain: 'driver', calls: samples.length, nestedCalls: 0, ...stat(samples) });
const dev = (name: string, samples: number[]) => ({ name, instances: samples.length, graphInstances: 0, ...stat(samples) });

const STEPS = 10;
/**
 * A decode loop of 10 steps: each 200 launches (100 kernels of 1 us, 100 of 20 us), 1 sync, and a
 * step of 8 ms; before the loop, set-up: 3 cudaMalloc, 2 HtoD copies, 2 syncs and 50 warm-up launches.
 */
function record(activity: boolean) {
  const inApi = [api('cuLaunchKernel', repeat(STEPS * 200, () => 3_000)), api('cuStreamSynchronize', repeat(STEPS, () => 5_000_000))];
  const outApi = [api('cuLaunchKernel', repeat(50, () => 3_000)), api('cuMemAlloc_v2', repeat(3, () => 100_000)), api('cuMemcpyHtoD_v2', repeat(2, () => 50_000)), api('cuCtxSynchronize', repeat(2, () => 1_000_000))];
  const inK = activity ? [dev('small', repeat(STEPS * 100, () => 1_000)), dev('big', repeat(STEPS * 100, () => 20_000))] : [];
  const outK = activity ? [dev('small', repeat(50, () => 1_000))] : [];
  const outM = activity ? [dev('[CUDA memcpy Host-to-Device]', repeat(2, () => 40_000))] : [];
  const gpuNs = 100 * 1_000 + 100 * 20_000;
  return {
    schema: 'graphprof-trace-record/2', complete: true, attached: true, pid: 5000, ppid: 1, exe: '/usr/bin/python3', argv: ['python3', 'decode.py'],
    stepMarker: 'nvtx:decode_step', wallNs: 1e9, cuptiVersion: activity ? 130001 : 0, driverVersion: 13000, runtimeVersion: 13000, runtimeLibraries: [],
    activity, threads: 1,
    api: [api('cuLaunchKernel', repeat(STEPS * 200 + 50, () => 3_000)), api('cuStreamSynchronize', repeat(STEPS, () => 5_000_000)), ...outApi.slice(1)],
    kernels: activity ? [dev('small', repeat(STEPS * 100 + 50, () => 1_000)), dev('big', repeat(STEPS * 100, () => 20_000))] : [],
    memcpy: outM,
    memset: [],
    inSteps: { api: inApi, kernels: inK, memcpy: [], memset: [] },
    outsideSteps: { api: outApi, kernels: outK, memcpy: outM, memset: [] },
    steps: repeat(STEPS, (i) => ({
      tid: 5000, startNs: 1e8 + i * 1e7, durationNs: 8_000_000 + (i % 3) * 100_000, launches: 200, graphLaunches: 0, syncs: 1, allocations: 0, copies: 0, memsets: 0,
      apiCalls: 201, apiNs: 200 * 3_000 + 5_000_000, gpuNs: activity ? gpuNs : null, gpuBusyNs: activity ? gpuNs : null, deviceRecords: activity ? 200 : 0,
    })),
    stepsDropped: 0, timeline: null, deviceRecordsUnattributed: 0, droppedRecords: 0, unmatchedExits: 0, captureRanges: null, graphCaptures: null, errors: [],
  };
}

function fakeDir(activity: boolean, edit: (r: ReturnType<typeof record>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-model-'));
  const r = record(activity);
  edit(r);
  writeFileSync(join(dir, 'trace-5000.json'), JSON.stringify(r));
  return dir;
}

function traceJson(args: string[], activity: boolean): { t: TraceResult; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-model-out-'));
  const out = join(dir, 't.json');
  const r = graphprof(['trace', '--step-marker', 'nvtx:decode_step', '-o', out, ...args, '--', 'true'], { GRAPHPROF_FAKE_TRACE: fakeDir(activity) });
  expect(r.code, r.stderr).toBe(0);
  return { t: JSON.parse(readFileSync(out, 'utf8')) as TraceResult, stderr: r.stderr };
}

/**
 * One kept step whose 100 small kernels ran back to back, then its 100 big ones (stream 7): by
 * counts alone (100 and 100 of 200) no repeat would be forced; the order says 99 of each.
 */
function keptOrder(r: ReturnType<typeof record>): void {
  const device = [
    ...repeat(100, (i) => ({ stream: 7, kind: 'kernel', name: 'small', startNs: 1e8 + i * 2_000, durationNs: 1_000, correlationId: i + 1, graph: false })),
    ...repeat(100, (i) => ({ stream: 7, kind: 'kernel', name: 'big', startNs: 1e8 + 300_000 + i * 21_000, durationNs: 20_000, correlationId: i + 101, graph: false })),
  ];
  (r as { timeline: unknown }).timeline = { steps: [{ index: 4, tid: 5000, startNs: 1e8, endNs: 1e8 + 8e6, host: [], device }] };
}
// the default replay model (fitted on an H200): floor 1400 ns, gap 200 ns, repeat -79 ns, graph launch 4160 ns
const REPEATED_P = 1400 + 200 + (20_000 + 200) + 99 * (1_000 - 79) + 99 * (20_000 - 79) + 4160;

describe('trace: repeats for the replay model from the kept steps\' kernel order', () => {
  it('--device-time with a kept step: 99 of each kernel follow themselves, priced d - 79 ns; the P line says where they came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-model-out-'));
    const out = join(dir, 't.json');
    const r = graphprof(['trace', '--device-time', '--step-marker', 'nvtx:decode_step', '-o', out, '--', 'true'], { GRAPHPROF_FAKE_TRACE: fakeDir(true, keptOrder) });
    expect(r.code, r.stderr).toBe(0);
    const a = (JSON.parse(readFileSync(out, 'utf8')) as TraceResult).analysis;
    // one node of each after a different kernel (or none), 99 of each after itself
    expect(a.prediction.graphStepNs).toBeCloseTo(REPEATED_P, 6);
    expect(a.model.graphStepNs.method).toContain('d - 79 ns for the 198 that repeat the kernel before them (the kernel order of 1 kept step)');
  });
});

describe('trace: the step model on figures from inside the steps', () => {
  it('with device records: W the median step, G the busy time, P by the replay model; set-up is not a per-step finding', () => {
    const { t } = traceJson([], true);
    const a = t.analysis;
    expect(a.steps).toBe(10);
    expect(a.perStep.launchCalls).toBe(200);
    expect(a.model.eagerStepNs).toMatchObject({ value: 8_100_000, basis: 'measured' });
    expect(a.model.gpuStepNs).toMatchObject({ value: 2_100_000, basis: 'measured', kind: 'busy' });
    // 100 kernels of 1 us at the 1.4 us floor, 100 of 20 us at their own time, 200 ns each, one launch
    expect(a.prediction.graphStepNs).toBeCloseTo(100 * 1400 + 100 * 20_000 + 200 * 200 + 4160, 6);
    expect(a.overheadShare).toBeCloseTo(1 - 2.1 / 8.1, 12);
    expect(a.model.launchCallNs.value).toBe(200 * 3_000);
    expect(a.verdict).toBe('launch-bound');
    expect(a.verdictBasis).toBe('measured');
    // the step's own sync is a finding; the set-up allocations, copies and syncs are not
    expect(a.findings.find((f) => f.id === 'host-sync')!.count).toBe(1);
    expect(a.findings.map((f) => f.id)).not.toContain('alloc-in-loop');
    expect(a.findings.map((f) => f.id)).not.toContain('host-device-copy');
    expect(t.outside).toMatchObject({ launchCalls: 50 });
  });

  it('without device times: no verdict, no prediction, and the flag that adds them', () => {
    const { t, stderr } = traceJson([], false);
    const a = t.analysis;
    expect(a.model.eagerStepNs).toMatchObject({ value: 8_100_000, basis: 'measured' });
    expect(a.verdict).toBe('unknown');
    expect(a.prediction.graphStepNs).toBeNull();
    expect(a.overheadShare).toBeNull();
    expect(a.model.missing).toEqual(['GPU time per step (no device times): add --predict (runs the command a second time under CUPTI for device times) or --device-time']);
    expect(stderr).toContain('No verdict and no prediction: GPU time per step (no device times): add --predict');
    expect(stderr).toMatch(/│ graph step P\s+│\s+n\/a │/);
    expect(stderr).not.toMatch(/launch-bound|gpu-bound/);
  });

  it.runIf(existsSync(join(root, 'build', 'Release', 'graphprof_inject.json')))('--predict: W from the host tracer\'s run, G and the kernels from the CUPTI run, launches per step checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-predict-'));
    const out = join(dir, 't.json');
    // the CUPTI run's steps are slower (the tracer's cost): W must come from the host run
    const slow = (r: ReturnType<typeof record>) => r.steps.forEach((st) => (st.durationNs += 2_000_000));
    const env = { GRAPHPROF_FAKE_TRACE: fakeDir(false), GRAPHPROF_FAKE_TRACE_CUPTI: fakeDir(true, slow) };
    const r = graphprof(['trace', '--predict', '--step-marker', 'nvtx:decode_step', '-o', out, '--', 'true'], env);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(out, 'utf8')) as TraceResult & { predict: { launchesAgree: boolean; hostLaunchesPerStep: number; deviceLaunchesPerStep: number } };
    expect(t.predict).toMatchObject({ launchesAgree: true, hostLaunchesPerStep: 200, deviceLaunchesPerStep: 200 });
    expect(t.analysis.model.eagerStepNs.value).toBe(8_100_000);
    expect(t.analysis.model.gpuStepNs).toMatchObject({ value: 2_100_000, kind: 'busy' });
    expect(t.analysis.prediction.graphStepNs).toBeCloseTo(100 * 1400 + 100 * 20_000 + 200 * 200 + 4160, 6);
    expect(t.analysis.verdict).toBe('launch-bound');
    expect(t.notes.join('\n')).toContain('--predict: both runs made 200 launches per step (median)');
    // a CUPTI run that did other work is said so
    const fewer = (x: ReturnType<typeof record>) => x.steps.forEach((st) => (st.launches = 150));
    const d = graphprof(['trace', '--predict', '--step-marker', 'nvtx:decode_step', '--json', '--', 'true'], { GRAPHPROF_FAKE_TRACE: fakeDir(false), GRAPHPROF_FAKE_TRACE_CUPTI: fakeDir(true, fewer) });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toContain('--predict: the runs DISAGREE on launches per step (host tracer 200, CUPTI 150)');
    // the repeats come from the CUPTI run's kept step (the host run has no device events)
    const o = join(dir, 'o.json');
    const k = graphprof(['trace', '--predict', '--step-marker', 'nvtx:decode_step', '-o', o, '--', 'true'], { GRAPHPROF_FAKE_TRACE: fakeDir(false), GRAPHPROF_FAKE_TRACE_CUPTI: fakeDir(true, keptOrder) });
    expect(k.code, k.stderr).toBe(0);
    const ka = (JSON.parse(readFileSync(o, 'utf8')) as TraceResult).analysis;
    expect(ka.prediction.graphStepNs).toBeCloseTo(REPEATED_P, 6);
    expect(ka.model.graphStepNs.method).toContain('(the kernel order of 1 kept step)');
  });

  it('--predict needs a step marker and runs both tracers itself', () => {
    const r = graphprof(['trace', '--predict', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('graphprof: --predict: the eager step and its GPU time are measured over marked steps; add --step-marker nvtx:NAME or api:NAME');
    const t = graphprof(['trace', '--predict', '--step-marker', 'nvtx:s', '--tracer', 'host', '--', 'true']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('--predict runs the command under both tracers');
  });
});

describe('trace --out, then analyze --step-range: the same figures', () => {
  it('writes the in-step profile, nvtx_sum and the whole run apart; analyze reads them back to the same W, G, P', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-roundtrip-'));
    const prefix = join(dir, 'prof');
    const { t } = traceJson(['--out', prefix], true);
    expect(t.csv.map((p) => p.slice(dir.length + 1))).toEqual([
      'prof_cuda_api_sum.csv',
      'prof_cuda_gpu_kern_sum.csv',
      'prof_nvtx_sum.csv',
      'prof_whole_cuda_api_sum.csv',
      'prof_whole_cuda_gpu_kern_sum.csv',
      'prof_whole_cuda_gpu_mem_time_sum.csv',
    ]);
    expect(readFileSync(`${prefix}_nvtx_sum.csv`, 'utf8')).toBe(
      'Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Style,Range\n100.0,80900000,10,8090000.0,8100000.0,8000000,8200000,87559.5,PushPop,:decode_step\n',
    );
    // no copies inside the steps: nsys writes no mem_time table then, and neither does trace
    const r = graphprof(['analyze', `${prefix}_cuda_api_sum.csv`, `${prefix}_cuda_gpu_kern_sum.csv`, `${prefix}_nvtx_sum.csv`, '--step-range', 'decode_step', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const a = (JSON.parse(r.stdout) as AnalyzeResult).profiles[0]!;
    const b = t.analysis;
    expect(a.steps).toBe(b.steps);
    expect(a.perStep.launchCalls).toBe(b.perStep.launchCalls);
    expect(a.perStep.syncCalls).toBe(b.perStep.syncCalls);
    expect(a.model.eagerStepNs.value).toBe(b.model.eagerStepNs.value);
    // trace has timestamps (busy time), the CSVs do not (sum): one stream, so the same here
    expect(a.model.gpuStepNs.kind).toBe('sum');
    expect(a.model.gpuStepNs.value).toBe(b.model.gpuStepNs.value);
    expect(a.prediction.graphStepNs).toBeCloseTo(b.prediction.graphStepNs!, 6);
    expect(a.overheadShare).toBeCloseTo(b.overheadShare!, 12);
    expect(a.model.launchCallNs.value).toBeCloseTo(b.model.launchCallNs.value!, 6);
    expect(a.verdict).toBe(b.verdict);
    expect(a.findings.map((f) => [f.id, f.count])).toEqual(b.findings.map((f) => [f.id, f.count]));
    // the whole run, set-up included, is there for reference
    expect(readFileSync(`${prefix}_whole_cuda_api_sum.csv`, 'utf8')).toContain('cuMemAlloc_v2');
    expect(readFileSync(`${prefix}_cuda_api_sum.csv`, 'utf8')).not.toContain('cuMemAlloc_v2');
  });
});
