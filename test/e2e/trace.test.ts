import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import type { TraceResult } from '../../src/core/trace/result.js';
import { graphprof, root } from './cli.js';

const release = join(root, 'build', 'Release');
const library = join(release, 'libgraphprof_inject.so');
// CMake writes this note only where it found CUPTI and built the library.
const builtWithCupti = existsSync(join(release, 'graphprof_inject.json'));
const hostLibrary = join(release, 'libgraphprof_host.so');
const fake = { GRAPHPROF_FAKE_TRACE: join(root, 'fixtures', 'trace', 'processes') };

describe('graphprof trace without a GPU', () => {
  it('exits 3 with one line when the command never initialises CUDA (no driver here: no record)', () => {
    const r = graphprof(['trace', '--', 'true']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    if (builtWithCupti) {
      expect(lines[0]).toMatch(/^graphprof: trace: no process of the command initialised CUDA under the tracer \(no trace record was written\): the command never touched CUDA, or it calls the driver without dlsym or cuGetProcAddress \(linked with -lcuda\), which only --tracer cupti sees/);
      const cupti = graphprof(['trace', '--tracer', 'cupti', '--', 'true']);
      expect(cupti.code).toBe(3);
      expect(cupti.stderr.trim()).toMatch(/^graphprof: trace: (no process of the command initialised CUDA under the tracer \(no trace record was written\): the command never touched CUDA, or the driver did not load the injection library|CUPTI \(libcupti\.so[.\d]*\) not found)/);
    } else {
      expect(lines[0]).toMatch(/^graphprof: trace: the host tracer library was not found/);
    }
  });

  it("passes the command's own non-zero exit code through", () => {
    const r = graphprof(['trace', '--', 'sh', '-c', 'exit 7']);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
  });

  it("passes the command's stdout through untouched, options after -- included", () => {
    const r = graphprof(['trace', '--steps', '3', '--', 'sh', '-c', 'printf "one --json\\ntwo -V --help\\n"; printf err >&2; exit 4']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('one --json\ntwo -V --help\n');
    expect(r.stderr.startsWith('err')).toBe(true);
  });

  it.each([
    [['trace', 'true'], "graphprof: trace: put -- between graphprof's options and the command, e.g. graphprof trace -- true; without it the command's own options could be taken for graphprof's"],
    [['trace', '--steps', '0', '--', 'true'], 'graphprof: --steps: expected a positive integer, got "0"'],
    [['trace', '--step-marker', 'decode', '--', 'true'], 'graphprof: --step-marker: expected nvtx:NAME (an NVTX range) or api:NAME (a CUDA API call), got "decode"'],
    [['trace', '--out', '/nonexistent/dir/prof', '--', 'true'], 'graphprof: --out: the folder "/nonexistent/dir" does not exist'],
    [['trace', '--', 'graphprof-no-such-command'], 'graphprof: trace: cannot run "graphprof-no-such-command": command not found'],
  ])('refuses %j with exit 2', (args, message) => {
    const r = graphprof(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });

  it('refuses unknown options and a missing command with exit 2', () => {
    expect(graphprof(['trace', '--stepz', '3', '--', 'true']).code).toBe(2);
    expect(graphprof(['trace']).code).toBe(2);
  });

  it('says when --cupti points nowhere, with exit 2', () => {
    const r = graphprof(['trace', '--tracer', 'cupti', '--cupti', '/nonexistent/cupti', '--', 'true']);
    if (!existsSync(library)) return; // the library check comes first (exit 3), asserted above
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^graphprof: --cupti: "\/nonexistent\/cupti" does not exist; give the folder that holds libcupti\.so/);
  });
});

describe('graphprof trace on synthetic records (GRAPHPROF_FAKE_TRACE: CLI plumbing only)', () => {
  it.skipIf(!builtWithCupti)('hands the library its settings: NVTX to the injection library, --no-device-time turns activity records off', () => {
    const show = ['sh', '-c', 'echo "$GRAPHPROF_TRACE_ACTIVITY|$GRAPHPROF_TRACE_STEP|$NVTX_INJECTION64_PATH"'];
    const on = graphprof(['trace', '--tracer', 'cupti', '--step-marker', 'nvtx:decode_step', '--', ...show], fake);
    expect(on.code).toBe(0);
    // one CUPTI per process: NVTX loads the injection library, which forwards to the CUPTI it is bound to
    expect(on.stdout).toBe(`|nvtx:decode_step|${library}\n`);
    const off = graphprof(['trace', '--tracer', 'cupti', '--no-device-time', '--', ...show], fake);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('0||\n');
    // --device-time alone means the CUPTI tracer, with device times
    const dev = graphprof(['trace', '--device-time', '--json', '--', 'sh', '-c', 'echo "[$GRAPHPROF_TRACE_ACTIVITY|$CUDA_INJECTION64_PATH|$LD_PRELOAD]"'], fake);
    expect(dev.stdout).toBe(`[|${library}|]\n`);
    expect((JSON.parse(dev.stderr) as TraceResult).options.tracer).toBe('cupti');
  });

  it.skipIf(!builtWithCupti)('runs the host tracer by default: LD_PRELOAD ahead of the user\'s, NVTX to the same library, no CUPTI', () => {
    const show = ['sh', '-c', 'echo "$LD_PRELOAD|$NVTX_INJECTION64_PATH|$CUDA_INJECTION64_PATH|$GRAPHPROF_TRACE_STEP"'];
    const r = graphprof(['trace', '--step-marker', 'nvtx:decode_step', '--json', '--', ...show], { ...fake, LD_PRELOAD: 'libc.so.6' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${hostLibrary} libc.so.6|${hostLibrary}||nvtx:decode_step\n`);
    const j = JSON.parse(r.stderr) as TraceResult;
    expect(j.options).toMatchObject({ tracer: 'host', graphTrace: null });
    expect(j.environment).toMatchObject({ injectLibrary: hostLibrary, cuptiLibrary: null, cuptiSource: null });
    // an api: marker on a runtime API becomes the driver call cudart makes for it
    const api = graphprof(['trace', '--step-marker', 'api:cudaDeviceSynchronize', '--', ...show], fake);
    expect(api.stdout).toBe(`${hostLibrary}|||api:cuCtxSynchronize\n`);
  });

  it.each([
    [['trace', '--tracer', 'nvprof', '--', 'true'], 'graphprof: --tracer: expected host (wrap the driver calls, the default: least overhead) or cupti (CUPTI records, with device times), got "nvprof"'],
    [['trace', '--tracer', 'host', '--device-time', '--', 'true'], 'graphprof: --device-time: kernel and memcpy device times come from CUPTI; use --tracer cupti (or --device-time alone)'],
    [['trace', '--graph-trace', 'node', '--', 'true'], 'graphprof: --graph-trace: chooses how CUPTI records graphs; add --device-time (or --tracer cupti)'],
    [['trace', '--tracer', 'host', '--cupti', '/usr', '--', 'true'], 'graphprof: --cupti: the host tracer loads no CUPTI; use --tracer cupti (or --cupti alone)'],
  ])('refuses %j with exit 2', (args, message) => {
    const r = graphprof(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(message);
  });

  it.skipIf(!builtWithCupti)('refuses an api: marker the host tracer cannot see, with exit 2', () => {
    const r = graphprof(['trace', '--step-marker', 'api:cudaMemcpy', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^graphprof: --step-marker api:cudaMemcpy: the host tracer sees driver calls only, and cudaMemcpy has no single driver call it maps to; use one of cudaLaunchKernel, .* or --tracer cupti$/);
    expect(graphprof(['trace', '--step-marker', 'api:cuMemcpyPeer', '--', 'true']).stderr).toContain('cuMemcpyPeer is not one it wraps');
    // exact driver symbols are taken as their base name
    const v2 = graphprof(['trace', '--step-marker', 'api:cuMemcpyHtoDAsync_v2_ptsz', '--', 'sh', '-c', 'echo $GRAPHPROF_TRACE_STEP'], fake);
    expect(v2.stdout).toBe('api:cuMemcpyHtoDAsync\n');
  });

  it.skipIf(!builtWithCupti)('--capture-range hands cudaProfilerApi to the library, and nothing else', () => {
    const show = ['sh', '-c', 'echo "[$GRAPHPROF_TRACE_CAPTURE]"'];
    const on = graphprof(['trace', '--capture-range', 'cudaProfilerApi', '--json', '--', ...show], fake);
    expect(on.code).toBe(0);
    expect(on.stdout).toBe('[cudaProfilerApi]\n');
    expect((JSON.parse(on.stderr) as TraceResult).options.captureRange).toBe('cudaProfilerApi');
    // a value left in the environment by an outer run does not leak into this one
    const off = graphprof(['trace', '--json', '--', ...show], { ...fake, GRAPHPROF_TRACE_CAPTURE: 'cudaProfilerApi' });
    expect(off.stdout).toBe('[]\n');
    expect((JSON.parse(off.stderr) as TraceResult).options.captureRange).toBeNull();
  });

  it.skipIf(!builtWithCupti)('--graph-trace: graph-level records by default, per node on request', () => {
    const show = ['sh', '-c', 'echo "[$GRAPHPROF_TRACE_GRAPH_TRACE]"'];
    const byDefault = graphprof(['trace', '--tracer', 'cupti', '--json', '--', ...show], fake);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toBe('[1]\n');
    expect((JSON.parse(byDefault.stderr) as TraceResult).options.graphTrace).toBe('graph');
    const node = graphprof(['trace', '--tracer', 'cupti', '--graph-trace', 'node', '--json', '--', ...show], fake);
    expect(node.stdout).toBe('[0]\n');
    expect((JSON.parse(node.stderr) as TraceResult).options.graphTrace).toBe('node');
    const bad = graphprof(['trace', '--tracer', 'cupti', '--graph-trace', 'nodes', '--', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('graphprof: --graph-trace: expected graph (a graph launch is one record, the default) or node (one kernel record per node), got "nodes"');
  });

  it('refuses a --capture-range other than cudaProfilerApi with exit 2', () => {
    const r = graphprof(['trace', '--capture-range', 'nvtx', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('graphprof: --capture-range: expected cudaProfilerApi (collect between cudaProfilerStart and cudaProfilerStop, as nsys), got "nvtx"');
  });

  it.skipIf(!builtWithCupti)('exits 3 when no traced process ever called cudaProfilerStart under --capture-range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-capture-'));
    const record = JSON.parse(readFileSync(join(root, 'fixtures', 'trace', 'processes', 'trace-4242.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'trace-4242.json'), JSON.stringify({ ...record, collection: { captureRange: 'cudaProfilerApi', captureRanges: 0 } }));
    const r = graphprof(['trace', '--capture-range', 'cudaProfilerApi', '--', 'true'], { GRAPHPROF_FAKE_TRACE: dir });
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe('graphprof: trace: --capture-range cudaProfilerApi: no traced process called cudaProfilerStart, so nothing was collected');
    // the command's own failure code still wins
    expect(graphprof(['trace', '--capture-range', 'cudaProfilerApi', '--', 'sh', '-c', 'exit 5'], { GRAPHPROF_FAKE_TRACE: dir }).code).toBe(5);
  });

  it.skipIf(!builtWithCupti)('merges the processes, writes nsys CSV and prints JSON on stderr, stdout left to the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-trace-'));
    const prefix = join(dir, 'prof');
    const out = join(dir, 'trace.json');
    const r = graphprof(['trace', '--tracer', 'cupti', '--step-marker', 'nvtx:decode_step', '--out', prefix, '--json', '-o', out, '--', 'sh', '-c', 'echo payload'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('payload\n');
    const j = JSON.parse(r.stderr) as TraceResult;
    expect(j).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(j.fake).toBe(true);
    expect(j.command).toBe('trace');
    expect(j.traced).toMatchObject({ command: ['sh', '-c', 'echo payload'], exitCode: 0 });
    expect(j.processes.map((p) => p.pid)).toEqual([4242, 4243]);
    // the fixture launches graphs: the report says their traced cost overstates the untraced one
    expect(j.notes.filter((n) => n.startsWith('graph launches run slower under CUPTI'))).toHaveLength(1);
    expect(j.launches).toMatchObject({ launchCalls: 1050, graphLaunchCalls: 5 });
    expect(j.steps).toMatchObject({ count: 10, launchesVary: false });
    // per step: inside the steps only (the fixture's child and graph launches are outside)
    expect(j.perStep).toMatchObject({ steps: 10, source: 'step-marker', scope: 'in-steps', launchCalls: 100 });
    expect(j.outside).toMatchObject({ launchCalls: 50, graphLaunchCalls: 5 });
    expect(j.inSteps!.api.find((a) => a.name === 'cudaLaunchKernel')!.count).toBe(1000);
    expect(j.timeline.map((t) => [t.pid, t.steps.map((s) => s.index)])).toEqual([[4242, [4]]]);
    expect(j.environment.driverCudaVersion).toBe('13.0');
    // analyze's engine on the in-step rows
    expect(j.analysis.perStep.launchCalls).toBe(100);
    expect(j.analysis.launches.calls).toBe(1000);
    // the fixture's graph launches come after the loop, outside the steps: the steps themselves are eager
    expect(j.analysis.graphLaunches.calls).toBe(0);
    expect(j.analysis.verdict).toBe('gpu-bound');
    expect(j.notes.join('\n')).toContain('process 4244 (python3 -c killed) initialised CUDA but did not reach its exit handler');
    expect(j.notes.join('\n')).toContain('FAKE TRACE RECORDS');
    // with steps: the in-step profile, the step range, and the whole run under PREFIX_whole_*
    const w = `${prefix}_whole`;
    expect(j.csv.filter((c) => !c.startsWith(w))).toContain(`${prefix}_cuda_api_sum.csv`);
    expect(j.csv).toContain(`${prefix}_nvtx_sum.csv`);
    expect(j.csv.filter((c) => c.startsWith(w))).toEqual([`${w}_cuda_api_sum.csv`, `${w}_cuda_gpu_kern_sum.csv`, `${w}_cuda_gpu_mem_time_sum.csv`]);
    const inApi = parse(readFileSync(`${prefix}_cuda_api_sum.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(inApi.find((x) => x.Name === 'cudaLaunchKernel')!['Num Calls']).toBe('1000');
    const api = parse(readFileSync(`${w}_cuda_api_sum.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(api.find((x) => x.Name === 'cudaLaunchKernel')!['Num Calls']).toBe('1000');
    const kern = parse(readFileSync(`${w}_cuda_gpu_kern_sum.csv`, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(kern.reduce((s, x) => s + Number(x.Instances), 0)).toBe(1100);
    // `graphprof analyze` reads the whole-run CSV files as an nsys profile and finds the same whole-run figures
    const a = graphprof(['analyze', `${w}_cuda_api_sum.csv`, `${w}_cuda_gpu_kern_sum.csv`, `${w}_cuda_gpu_mem_time_sum.csv`, '--steps', '10', '--json']);
    expect(a.code).toBe(0);
    const p = (JSON.parse(a.stdout) as { profiles: TraceResult['analysis'][] }).profiles;
    expect(p).toHaveLength(1);
    expect(p[0]!.launches.calls).toBe(j.launches.launchCalls);
    expect(p[0]!.perStep.launchCalls).toBe(105);
    expect(p[0]!.graphLaunches.calls).toBe(5);
    expect(p[0]!.gpu.kernelInstances).toBe(1100);
    expect(p[0]!.launches.totalNs).toBe(j.launches.byApi.filter((a) => a.name !== 'cudaGraphLaunch_v10000').reduce((t, a) => t + a.totalNs, 0));
  });

  it.skipIf(!builtWithCupti)('prints a table on stderr with the launch counts and the per-step figures', () => {
    const r = graphprof(['trace', '--step-marker', 'nvtx:decode_step', '--', 'true'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('FAKE TRACE RECORDS (GRAPHPROF_FAKE_TRACE): not a measurement');
    expect(r.stderr).toContain('kernel launches: 1,050; graph launches: 5;');
    expect(r.stderr).toContain('cudaLaunchKernel: 1,000 calls');
    expect(r.stderr).toContain('cuLaunchKernel: 50 calls, median 4.00 µs (+1,000 made inside other API calls, not counted)');
    expect(r.stderr).toMatch(/per step \(nvtx:decode_step, 10 steps\): 100 launches \(min 100, max 100\)/);
    expect(r.stderr).toContain('graphprof analyze: profile 1: trace of true (cuda_api_sum, cuda_gpu_kern_sum, cuda_gpu_mem_time_sum), 10 steps');
  });

  it.skipIf(!builtWithCupti)("exits with the command's code after reporting what it has", () => {
    const r = graphprof(['trace', '--', 'sh', '-c', 'exit 5'], fake);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('exit 5');
  });
});

describe('the injection library', () => {
  it.skipIf(!builtWithCupti)('is built next to the addon and exports the CUDA and NVTX entry points only', () => {
    expect(existsSync(library)).toBe(true);
    const nm = spawnSync('nm', ['-D', '--defined-only', library], { encoding: 'utf8' });
    if (nm.error) return; // no binutils here: nothing more to check
    const symbols = nm.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).slice(1).join(' '));
    expect(symbols).toContain('T InitializeInjection');
    // InitializeInjectionNvtx2: NVTX_INJECTION64_PATH points at this library, which forwards to its CUPTI
    expect(symbols.filter((s) => s.startsWith('T ') || s.startsWith('W ')).sort()).toEqual(['T InitializeInjection', 'T InitializeInjectionNvtx2']);
    const info = JSON.parse(readFileSync(join(release, 'graphprof_inject.json'), 'utf8')) as { cuptiSoname: string };
    expect(info.cuptiSoname).toMatch(/^libcupti\.so\.\d+$/);
  });

  it.skipIf(builtWithCupti)('was not built: CUPTI was not found when build:native ran (cmake printed why)', () => {
    expect(existsSync(join(release, 'graphprof_inject.json'))).toBe(false);
  });
});
