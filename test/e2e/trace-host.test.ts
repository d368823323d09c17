// The host tracer (libgraphprof_host.so) end to end, without a GPU: test/native/fake_cuda.cc is a
// stand-in libcuda.so.1 that counts the calls it receives, and test/native/host_program.cc reaches
// it the way cudart and Triton reach the driver. graphprof trace must count exactly what the
// stand-in received, cut steps at NVTX ranges and API calls, honour a capture range, and leave the
// program's calls going where the program sent them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';

import type { TraceResult } from '../../src/core/trace/result.js';
import { HOST_APIS } from '../../src/core/trace/host-apis.js';
import { graphprof, root } from './cli.js';
import { build, buildFakeDriver, cudaInclude, hostLibrary, runnable } from './host-program.js';


let dir = '';
let env: Record<string, string> = {};

/** What the stand-in driver counted, as host_program prints it. */
interface Received {
  cuLaunchKernel: number;
  cuLaunchKernel_ptsz: number;
  cuStreamSynchronize: number;
  cuGraphLaunch: number;
  cuCtxSynchronize: number;
  cuCtxSynchronize_v2: number;
  cuMemAlloc_v2: number;
  cuMemcpyHtoD_v2: number;
  cuMemcpyHtoDAsync_v2: number;
  cuMemcpyDtoH_v2: number;
  cuMemsetD32Async: number;
  rtldNext: boolean;
}

function trace(args: string[], program: string[] = []): { code: number; received: Received; result: TraceResult } {
  const r = graphprof(['trace', ...args, '--json', '--', join(dir, 'host_program'), ...program], env);
  if (r.code !== 0) throw new Error(`graphprof trace exited ${r.code}: ${r.stderr}`);
  return { code: r.code, received: JSON.parse(r.stdout) as Received, result: JSON.parse(r.stderr) as TraceResult };
}

/** API calls by name in one scope's table. */
function counts(t: TraceResult['inSteps']): Record<string, number> {
  expect(t).not.toBeNull();
  return Object.fromEntries(t!.api.filter((a) => a.count > 0).map((a) => [a.name, a.count]));
}

function calls(result: TraceResult, name: string): number {
  return result.api.find((a) => a.name === name)?.count ?? 0;
}

describe.skipIf(!runnable)('graphprof trace, host tracer, on a stand-in driver', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'graphprof-host-'));
    env = buildFakeDriver(dir);
    build(['-std=c++17', '-O1', '-I', cudaInclude!, join(root, 'test', 'native', 'host_program.cc'), '-o', join(dir, 'host_program'), '-ldl', '-pthread']);
  }, 60_000);

  it('counts every wrapped call the driver received, by variant, and cuts NVTX steps', () => {
    const { received, result } = trace(['--step-marker', 'nvtx:step']);
    // 3 warm-up + 5 steps x (6 through cuGetProcAddress + 1 through dlsym) + 4 on another thread
    expect(received).toMatchObject({ cuLaunchKernel: 42, cuLaunchKernel_ptsz: 10, cuStreamSynchronize: 5, cuGraphLaunch: 5, cuCtxSynchronize: 2, cuCtxSynchronize_v2: 1 });
    expect(calls(result, 'cuLaunchKernel')).toBe(received.cuLaunchKernel);
    expect(calls(result, 'cuLaunchKernel_ptsz')).toBe(received.cuLaunchKernel_ptsz);
    expect(calls(result, 'cuStreamSynchronize')).toBe(5);
    expect(calls(result, 'cuGraphLaunch')).toBe(5);
    // the two cuCtxSynchronize ABIs (cuGetProcAddress versions 2000 and 13000) each reach their own function
    expect(calls(result, 'cuCtxSynchronize')).toBe(2);
    expect(calls(result, 'cuCtxSynchronize_v2')).toBe(1);
    expect(result.launches).toMatchObject({ launchCalls: 52, graphLaunchCalls: 5 });
    expect(result.processes).toHaveLength(1);
    expect(result.options.tracer).toBe('host');
    expect(result.activity).toBe(false);
    expect(result.steps).toMatchObject({ count: 5, launchesVary: false });
    expect(result.steps!.launches).toMatchObject({ min: 9, max: 9 });
    expect(result.steps!.graphLaunches).toMatchObject({ min: 1, max: 1 });
    expect(result.environment.driverCudaVersion).toBe('13.0');
    // dlsym(RTLD_NEXT) from the program still resolves past the program, not past our library
    expect(received.rtldNext).toBe(true);
  });

  it('keeps the calls inside NVTX steps apart from set-up and teardown, and divides only those by the steps', () => {
    const { received, result } = trace(['--step-marker', 'nvtx:step']);
    expect(received).toMatchObject({ cuMemAlloc_v2: 4, cuMemcpyHtoD_v2: 3, cuMemcpyHtoDAsync_v2: 5, cuMemcpyDtoH_v2: 1, cuMemsetD32Async: 5 });
    const inSteps = counts(result.inSteps);
    const outside = counts(result.outsideSteps);
    expect(inSteps).toEqual({ cuLaunchKernel: 35, cuLaunchKernel_ptsz: 10, cuGraphLaunch: 5, cuMemcpyHtoDAsync_v2: 5, cuMemsetD32Async: 5, cuStreamSynchronize: 5 });
    // set-up (allocations, uploads, warm-up launches, syncs), teardown and the other thread's launches
    expect(outside).toEqual({ cuLaunchKernel: 7, cuCtxSynchronize: 2, cuCtxSynchronize_v2: 1, cuMemAlloc_v2: 4, cuMemcpyHtoD_v2: 3, cuMemcpyDtoH_v2: 1 });
    for (const a of result.api) expect((inSteps[a.name] ?? 0) + (outside[a.name] ?? 0)).toBe(a.count);
    const s = result.steps!;
    expect([s.syncs.min, s.syncs.max, s.allocations.max, s.copies.min, s.copies.max, s.memsets.min, s.memsets.max]).toEqual([1, 1, 0, 1, 1, 1, 1]);
    expect([s.gpuNs, s.gpuBusyNs]).toEqual([null, null]);
    expect(result.perStep).toMatchObject({ steps: 5, source: 'step-marker', scope: 'in-steps', launchCalls: 9, graphLaunchCalls: 1, apiCalls: 13 });
    expect(result.outside).toMatchObject({ launchCalls: 7, graphLaunchCalls: 0, apiCalls: 18 });
    // what analyze sees: one sync and no allocation per step (the set-up's 4 + 2 are not divided by 5)
    expect(result.analysis.perStep).toMatchObject({ syncCalls: 1, allocCalls: 0 });
    expect(result.notes.join('\n')).not.toContain('set-up, warm-up and teardown are included');
  });

  it('keeps every call of the timeline\'s steps, within each step\'s window', () => {
    const { result } = trace(['--step-marker', 'nvtx:step', '--timeline-steps', '2'], ['7']);
    expect(result.options.timelineSteps).toBe(2);
    expect(result.timeline).toHaveLength(1);
    const steps = result.timeline[0]!.steps;
    expect(steps).toHaveLength(2);
    const order = ['cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel_ptsz', 'cuLaunchKernel_ptsz', 'cuLaunchKernel', 'cuGraphLaunch', 'cuMemcpyHtoDAsync_v2', 'cuMemsetD32Async', 'cuStreamSynchronize'];
    for (const st of steps) {
      expect(st.index).toBeGreaterThanOrEqual(0);
      expect(st.index).toBeLessThan(7);
      expect(st.host.map((h) => h.name)).toEqual(order);
      expect(st.device).toEqual([]);
      for (const h of st.host) {
        expect(h.startNs).toBeGreaterThanOrEqual(st.startNs);
        expect(h.startNs + h.durationNs).toBeLessThanOrEqual(st.endNs);
      }
    }
    expect(steps[0]!.index).toBeLessThan(steps[1]!.index);
    const off = trace(['--step-marker', 'nvtx:step', '--timeline-steps', '0']).result;
    expect(off.timeline).toEqual([]);
  });

  it('maps an api: marker on a runtime API to its driver call', () => {
    const { result } = trace(['--step-marker', 'api:cudaStreamSynchronize']);
    expect(result.options.stepMarker).toBe('api:cudaStreamSynchronize');
    // 5 synchronisations: 4 steps between them, each with one step's launches
    expect(result.steps).toMatchObject({ count: 4 });
    expect(result.steps!.launches).toMatchObject({ min: 9, max: 9 });
    // before the first marker call and after the last: outside; the closing call is its step's
    expect(counts(result.inSteps)).toEqual({ cuLaunchKernel: 28, cuLaunchKernel_ptsz: 8, cuGraphLaunch: 4, cuMemcpyHtoDAsync_v2: 4, cuMemsetD32Async: 4, cuStreamSynchronize: 4 });
    expect(counts(result.outsideSteps)).toMatchObject({ cuLaunchKernel: 14, cuLaunchKernel_ptsz: 2, cuStreamSynchronize: 1, cuMemAlloc_v2: 4, cuCtxSynchronize: 2 });
    expect(result.analysis.perStep).toMatchObject({ syncCalls: 1, allocCalls: 0 });
  });

  it('collects only inside cudaProfilerStart / cudaProfilerStop with --capture-range', () => {
    const whole = trace([], ['6', 'capture']);
    expect(whole.result.launches.launchCalls).toBe(3 + 6 * 9 + 4);
    const { received, result } = trace(['--capture-range', 'cudaProfilerApi', '--step-marker', 'nvtx:step'], ['6', 'capture']);
    expect(received.cuLaunchKernel + received.cuLaunchKernel_ptsz).toBe(3 + 6 * 9 + 4);
    // the range opens after the warm-up and closes before the last step: 5 steps of 9
    expect(result.launches.launchCalls).toBe(45);
    expect(result.steps).toMatchObject({ count: 5 });
    expect(calls(result, 'cuCtxSynchronize')).toBe(0);
  });

  it('writes nsys-compatible cuda_api_sum CSV with the driver names, and no GPU reports', () => {
    const prefix = join(dir, 'prof');
    const { result } = trace(['--out', prefix]);
    expect(result.csv).toEqual([`${prefix}_cuda_api_sum.csv`]);
    const rows = parse(readFileSync(`${prefix}_cuda_api_sum.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.Name === 'cuLaunchKernel')!['Num Calls']).toBe('42');
    expect(rows.map((r) => r.Name).sort()).toEqual([
      'cuCtxSynchronize', 'cuCtxSynchronize_v2', 'cuGraphLaunch', 'cuLaunchKernel', 'cuLaunchKernel_ptsz', 'cuMemAlloc_v2', 'cuMemcpyDtoH_v2',
      'cuMemcpyHtoDAsync_v2', 'cuMemcpyHtoD_v2', 'cuMemsetD32Async', 'cuStreamSynchronize',
    ]);
    expect(result.notes.join('\n')).toContain('host tracer: driver API calls');
  });
});

describe('the host tracer\'s API list', () => {
  it('is the same in native/trace/host_hooks.cc and src/core/trace/host-apis.ts', () => {
    const source = readFileSync(join(root, 'native', 'trace', 'host_hooks.cc'), 'utf8');
    const inCpp = [...source.matchAll(/GP_(?:PT|LEGACY)\((?:\d+|kWatch\w+), (\w+),/g)].map((m) => m[1]);
    expect(inCpp.length).toBeGreaterThan(40);
    expect(inCpp).toEqual([...HOST_APIS]);
  });

  it.skipIf(!existsSync(hostLibrary))('exports dlsym and the NVTX hook only (nothing of the CUPTI stand-ins)', () => {
    const nm = spawnSync('nm', ['-D', '--defined-only', hostLibrary], { encoding: 'utf8' });
    if (nm.error) return;
    const symbols = nm.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).slice(1).join(' '));
    expect(symbols.filter((s) => s.startsWith('T ') || s.startsWith('W ')).sort()).toEqual(['T InitializeInjectionNvtx2', 'T dlsym']);
    const ldd = spawnSync('ldd', [hostLibrary], { encoding: 'utf8' });
    if (!ldd.error) expect(ldd.stdout).not.toContain('libcupti');
  });
});
