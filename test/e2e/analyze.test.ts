import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { AnalyzeResult } from '../../src/core/analyze/schema.js';
import { graphprof } from './cli.js';

const nsys = (name: string): string => `fixtures/nsys/${name}`;
const bad = (name: string): string => `fixtures/bad/${name}`;

function json(args: string[], env: Record<string, string> = {}): AnalyzeResult {
  const r = graphprof(['analyze', ...args, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AnalyzeResult;
}

describe('graphprof analyze: the published decode-token profile', () => {
  it.each([['decode-token-published_column.txt'], ['decode-token-published_cuda_api_sum.csv']])('%s: 847 launches, 12.69 ms, 42.3%% in launch calls, 424 syncs, 212 copies', (file) => {
    const j = json([nsys(file), '--steps', '1', '--target-latency', '30ms']);
    expect(j.schemaVersion).toBe('1.0');
    expect(j.tool.name).toBe('graphprof');
    expect(j.command).toBe('analyze');
    expect(j.argv).toEqual(['analyze', nsys(file), '--steps', '1', '--target-latency', '30ms', '--json']);
    expect(j.options).toEqual({ steps: 1, stepRange: null, stepTimeNs: 30e6, failAboveShare: null, calibrationPath: null });
    expect(j.profiles).toHaveLength(1);
    const p = j.profiles[0]!;
    expect(p.source).toEqual({ path: nsys(file), paths: [nsys(file)], index: 0, reports: ['cuda_api_sum'] });
    expect(p.launches).toMatchObject({ calls: 847, totalNs: 12_690_000, costNs: 12_690_000, backPressureNs: 0 });
    expect(p.launches.byApi).toEqual([{ name: 'cudaLaunchKernel', calls: 847, totalNs: 12_690_000, medianNs: null, costNs: 12_690_000 }]);
    expect(p.graphLaunches.calls).toBe(0);
    expect(p.memcpy.calls).toBe(212);
    expect(p.sync.calls).toBe(424);
    expect(p.steps).toBe(1);
    expect(p.perStep.launchCalls).toBe(847);
    expect(p.perStep.launchNs).toBe(12_690_000);
    expect(p.stepLatencyNs).toBe(30e6);
    expect(p.model.launchCallNs.value! / p.stepLatencyNs).toBeCloseTo(0.423, 12);
    // no kernel report: GPU time unknown, so no share, no prediction and no verdict
    expect(p.overheadShare).toBeNull();
    expect(p.prediction.eagerStepNs).toBe(30e6);
    expect(p.prediction.graphStepNs).toBeNull();
    expect(p.prediction.speedup).toBeNull();
    expect(p.verdict).toBe('unknown');
    expect(p.findings.filter((f) => f.severity !== 'info').map((f) => [f.id, f.severity, f.count])).toEqual([
      ['host-sync', 'blocker', 424],
      ['host-device-copy', 'warning', 212],
    ]);
  });

  it('prints a table with units and a plain-language summary, nothing on stderr', () => {
    const r = graphprof(['analyze', nsys('decode-token-published_column.txt'), '--target-latency', '30ms']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/│ kernel launches\s+│\s+847 │/);
    expect(r.stdout).toMatch(/│ launch calls \(driver\)\s+│\s+12\.7 ms │ measured\s+│ Total Time \(no median in report\)/);
    expect(r.stdout).toMatch(/│ eager step W\s+│\s+30\.0 ms │ given\s+│ --step-time/);
    expect(r.stdout).toMatch(/│ graph step P\s+│\s+n\/a │\s+│ unknown: needs GPU time per step/);
    expect(r.stdout).toMatch(/│ verdict\s+│\s+none │\s+│ no verdict: GPU time per step \(no device times\): add the cuda_gpu_kern_sum report/);
    expect(r.stdout).toContain("847 kernel launches per step; the driver's launch calls take 12.7 ms of a 30.0 ms step (given).");
    expect(r.stdout).toContain('No verdict and no prediction: GPU time per step (no device times): add the cuda_gpu_kern_sum report');
    expect(r.stdout).toContain('blocker [host-sync] 424 host synchronisations per step (cudaStreamSynchronize 424)');
    expect(r.stdout).toContain('warning [host-device-copy] 212 memory copies per step (cudaMemcpyAsync 212)');
    expect(r.stdout).toContain('Replay model: per node max(kernel time, 1.40 µs) + 200 ns after a different kernel, kernel time - 79.0 ns after the same kernel, 4.16 µs per graph launch (default: fitted on an NVIDIA H200');
  });

  it('--fail-above: exit 1 when the share cannot be known (no GPU time), saying what is missing', () => {
    const r = graphprof(['analyze', nsys('decode-token-published_cuda_api_sum.csv'), '--target-latency', '30ms', '--fail-above', '30%']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'graphprof: --fail-above: the launch overhead share of profile 1 (fixtures/nsys/decode-token-published_cuda_api_sum.csv) is unknown: GPU time per step (no device times): add the cuda_gpu_kern_sum report (nsys stats --report cuda_gpu_kern_sum, with cuda_gpu_mem_time_sum for copies)',
    );
  });

  it('--fail-above: exit 1 above the share (1 - G/W), after printing the result; 0 below', () => {
    // cutlass: 5.95 ms of kernels and 10.43 ms of copies; a 30 ms step leaves the GPU waiting 45.4% of it
    const over = graphprof(['analyze', nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '30ms', '--fail-above', '30%']);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('45.4%');
    expect(over.stderr).toContain('graphprof: launch overhead share 45.4% of profile 1 (fixtures/nsys/cutlass-gemm_profile-stats_progressbars.log) is above --fail-above 30.0%');
    const under = graphprof(['analyze', nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '30ms', '--fail-above', '0.5']);
    expect(under.code).toBe(0);
  });
});

describe('graphprof analyze: every real fixture', () => {
  it('cs336 (column text, 2024.6.2): back-pressure apart from launch cost', () => {
    const r = graphprof(['analyze', nsys('cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt'), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(
      'note: fixtures/nsys/cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt: skipped osrt_sum table (line 9): not used by analyze; cuda_gpu_mem_size_sum table (line 133): not used by analyze',
    );
    const p = (JSON.parse(r.stdout) as AnalyzeResult).profiles[0]!;
    expect(p.source.reports).toEqual(['cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum']);
    expect(p.launches).toMatchObject({ calls: 7328, totalNs: 2361231070, costNs: 44916976, backPressureNs: 2361231070 - 44916976, costMethod: 'median' });
    expect(p.memcpy.calls).toBe(294);
    expect(p.sync.calls).toBe(295);
    expect(p.alloc.calls).toBe(486);
    expect(p.gpu.kernelNs).toBe(3389068613);
    expect(p.gpu.kernelInstances).toBe(7328);
    expect(p.hostApi.totalNs).toBe(10794695126);
    // no step time: W estimated (host API time), so no verdict
    expect(p.stepLatencySource).toBe('estimated');
    expect(p.stepLatencyNs).toBe(10794695126);
    expect(p.verdict).toBe('unknown');
    expect(p.findings.map((f) => f.id)).toEqual(['host-sync', 'host-device-copy', 'alloc-in-loop', 'back-pressure']);
  });

  it('cupy (old report names, driver API launches)', () => {
    const p = json([nsys('cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt')]).profiles[0]!;
    expect(p.launches).toMatchObject({ calls: 2480978, totalNs: 13572311665, costNs: 13468555421 });
    expect(p.launches.byApi.map((b) => b.name)).toEqual(['cuLaunchKernel', 'cudaLaunchKernel']);
    expect(p.gpu.kernelNs).toBe(28596650522);
    expect(p.stepLatencySource).toBe('estimated');
    expect(p.stepLatencyNs).toBe(p.gpu.kernelNs! + p.gpu.memOpsNs!); // the larger of host API time and GPU time
    expect(p.overheadShare).toBe(0);
    expect(p.verdict).toBe('unknown');
  });

  it('cutlass log with progress bars', () => {
    const p = json([nsys('cutlass-gemm_profile-stats_progressbars.log')]).profiles[0]!;
    expect(p.launches).toMatchObject({ calls: 13, totalNs: 138281, costNs: 80145 });
    expect(p.sync.byApi.map((s) => s.name)).toEqual(['cudaEventSynchronize']);
    expect(p.gpu.kernelNs).toBe(5954009);
    expect(p.verdict).toBe('unknown');
    const given = json([nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '20ms']).profiles[0]!;
    expect(given.model.gpuStepNs).toMatchObject({ value: 5954009 + 10427581, kind: 'sum' });
    expect(given.overheadShare).toBeCloseTo(1 - (5954009 + 10427581) / 20e6, 12);
    expect(given.verdict).toBe('gpu-bound');
    expect(given.verdictBasis).toBe('estimated');
  });

  it('paddle legacy layout: no median, the total is the cost', () => {
    const p = json([nsys('paddle-gcn_legacy-qdrep-era_stats.txt')]).profiles[0]!;
    expect(p.launches).toMatchObject({ calls: 136, totalNs: 1798852, costNs: 1798852, costMethod: 'total' });
    expect(p.memcpy.calls).toBe(314);
    expect(p.alloc.calls).toBe(202);
    expect(p.gpu.kernelNs).toBe(319640);
    expect(p.verdict).toBe('unknown');
    expect(p.findings.map((f) => f.id)).toContain('no-median');
  });

  it('bonsai: API and kernel CSVs of one base form one profile, already graphed', () => {
    const j = json([nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'), nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'), '--steps', '512']);
    expect(j.profiles).toHaveLength(1);
    const p = j.profiles[0]!;
    expect(p.source.reports).toEqual(['cuda_api_sum', 'cuda_gpu_kern_sum']);
    expect(p.source.paths).toHaveLength(2);
    expect(p.launches).toMatchObject({ calls: 7128, totalNs: 207998481, costNs: 22159800 });
    expect(p.graphLaunches.calls).toBe(127);
    expect(p.perStep.launchCalls).toBeCloseTo(7128 / 512, 12);
    expect(p.gpu.kernelInstances).toBe(197640);
    expect(p.verdict).toBe('already-graphed');
  });

  it('mini-vllm CSV', () => {
    const p = json([nsys('mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv')]).profiles[0]!;
    expect(p.launches).toMatchObject({ calls: 17576, totalNs: 151220920, costNs: 131943032 });
    expect(p.hostApi.totalNs).toBe(543176586);
    expect(p.overheadShare).toBeNull();
  });

  it('zisk traces grouped by base; the NVTX trace gives --step-range its durations', () => {
    const files = [nsys('zisk-zorch-prover-trimmed_cuda_api_trace.csv'), nsys('zisk-zorch-prover-trimmed_cuda_gpu_trace.csv'), nsys('zisk-zorch-prover-trimmed_nvtx_pushpop_trace.csv')];
    const r = graphprof(['analyze', ...files, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('');
    const p = (JSON.parse(r.stdout) as AnalyzeResult).profiles[0]!;
    expect(p.source.reports).toEqual(['cuda_api_trace', 'cuda_gpu_trace', 'nvtx_pushpop_trace']);
    const s = json([...files, '--step-range', 'host/slot_wait']).profiles[0]!;
    expect(s.stepLatencySource).toBe('step-range');
    expect(s.steps).toBe(1);
    expect(s.stepLatencyNs).toBe(184039966);
    expect(s.model.eagerStepNs.basis).toBe('measured');
    expect(p.launches).toMatchObject({ calls: 1, totalNs: 13620, costNs: 13620 });
    expect(p.gpu.kernelNs).toBe(338079 + 291008 + 928 + 832 + 4160);
    expect(p.traceRows).toBe(19);
  });

  it('a README with two runs: two profiles and what changed', () => {
    const r = graphprof(['analyze', nsys('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('profile 1: fixtures/nsys/nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md #1');
    expect(r.stdout).toContain('profile 2: fixtures/nsys/nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md #2');
    expect(r.stdout).toContain('What changed from profile 1 to profile 2:');
    expect(r.stdout).toContain('launch cost per step: 2.95 ms -> 2.92 ms (-1.0%)');
    expect(r.stdout).toContain('step latency: 110 ms -> 113 ms (+2.6%)');
    const j = json([nsys('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md')]);
    expect(j.profiles.map((p) => [p.source.index, p.launches.calls, p.launches.costNs, p.gpu.kernelNs, p.verdict])).toEqual([
      [0, 1010, 1010 * 2922, 1831281, 'unknown'],
      [1, 1010, 1010 * 2894, 1830493, 'unknown'],
    ]);
    expect(j.differences).toHaveLength(1);
  });

  it('a directory: every usable profile, in file order', () => {
    const j = json(['fixtures/nsys']);
    expect(j.profiles).toHaveLength(11);
    expect(j.profiles.map((p) => p.launches.calls)).toEqual([7128, 7328, 2480978, 13, 847, 847, 17576, 1010, 1010, 136, 1]);
  });
});

describe('graphprof analyze: bad input and usage', () => {
  it.each([
    [bad('empty.csv'), 'graphprof: fixtures/bad/empty.csv: the file is empty'],
    [bad('binary.sqlite'), 'graphprof: fixtures/bad/binary.sqlite: not a text file (byte 15 is NUL): give the CSV or text output of `nsys stats`, not the .nsys-rep or .sqlite file'],
    [bad('other-tool_nvidia-smi.csv'), 'graphprof: fixtures/bad/other-tool_nvidia-smi.csv:1: not an nsys stats report: unrecognised CSV header "timestamp, name, utilization.gpu [%], memory.used [MiB]"'],
    [
      bad('osrt-only_osrt_sum.csv'),
      'graphprof: fixtures/bad/osrt-only_osrt_sum.csv: no CUDA API data (cuda_api_sum or cuda_api_trace); tables found: osrt_sum: profile with `nsys profile --trace=cuda` and run `nsys stats --report cuda_api_sum`',
    ],
    [
      nsys('mineru-pipeline_csv-stdout_osrt-only_nsys2025.1.1.csv'),
      'graphprof: fixtures/nsys/mineru-pipeline_csv-stdout_osrt-only_nsys2025.1.1.csv: no CUDA API data (cuda_api_sum or cuda_api_trace); tables found: osrt_sum; nsys skipped cuda_api_sum (no CUDA trace data): profile with `nsys profile --trace=cuda` and run `nsys stats --report cuda_api_sum`',
    ],
    [
      bad('unused-report_cuda_gpu_mem_size_sum.csv'),
      'graphprof: fixtures/bad/unused-report_cuda_gpu_mem_size_sum.csv: no CUDA API data (cuda_api_sum or cuda_api_trace); tables found: cuda_gpu_mem_size_sum: profile with `nsys profile --trace=cuda` and run `nsys stats --report cuda_api_sum`',
    ],
    [bad('truncated-row_cuda_api_sum.csv'), 'graphprof: fixtures/bad/truncated-row_cuda_api_sum.csv:4: truncated or malformed row: 4 fields where the header on line 1 has 9'],
    [bad('negative_cuda_api_sum.csv'), 'graphprof: fixtures/bad/negative_cuda_api_sum.csv:3: Total Time (ns) is negative: "-151220920"'],
    [bad('non-numeric_cuda_api_sum.csv'), 'graphprof: fixtures/bad/non-numeric_cuda_api_sum.csv:3: Num Calls is not a number: "12a"'],
    [bad('column-truncated-row.txt'), 'graphprof: fixtures/bad/column-truncated-row.txt:6: Num Calls is missing: the row ends early (truncated row?)'],
    [bad('nothing-usable'), 'graphprof: fixtures/bad/nothing-usable: no nsys stats report in this directory (3 files looked at, none holds a table)'],
    ['fixtures/bad/missing.csv', 'graphprof: fixtures/bad/missing.csv: no such file or directory'],
  ])('%s: one line naming the file, exit 2, nothing on stdout', (path, message) => {
    const r = graphprof(['analyze', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });

  it.each([
    [['--steps', '0'], 'graphprof: --steps: expected a positive integer, got "0"'],
    [['--target-latency', '30'], 'graphprof: --target-latency: "30" has no unit; use ns, us (or µs), ms, s or min'],
    [['--target-latency', '0ms'], 'graphprof: --target-latency: expected a duration above 0 such as 18ms, got "0ms"'],
    [['--fail-above', '130%'], 'graphprof: --fail-above: expected a share between 0% and 100%, got "130%"'],
    [['--calibration', 'fixtures/bad/none.json'], 'graphprof: --calibration: cannot read fixtures/bad/none.json: no such file'],
    [['--calibration', 'fixtures/bad/other-tool_nvidia-smi.csv'], /^graphprof: fixtures\/bad\/other-tool_nvidia-smi\.csv: --calibration: not valid JSON: Unexpected token .i.$/],
  ])('%j: exit 2', (args, message) => {
    const r = graphprof(['analyze', nsys('decode-token-published_cuda_api_sum.csv'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    if (typeof message === 'string') expect(r.stderr.trim()).toBe(message);
    else expect(r.stderr.trim()).toMatch(message);
  });

  it('no report given', () => {
    const r = graphprof(['analyze']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'reports'");
  });
});

describe('graphprof analyze --calibration', () => {
  it('takes the constants fitted on the run\'s GPU, unscaled, and the run\'s graph launch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-cal-'));
    const b = (batch: number, perNode: number, launch: number) => ({ batch, graph: { devicePerNodeNs: perNode, nodes: 847, launchNs: { p50Ns: launch } } });
    const write = (name: string, gpu: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        JSON.stringify({
          schemaVersion: '1.0',
          command: 'run',
          complete: true,
          environment: { harness: 'native', gpu: { name: gpu } },
          workload: { kernel: 'spin', kernelNs: 2000, kernels: 847 },
          results: [b(1, 2458, 1800), b(8, 2468, 1900), b(32, 2478, 2000)],
        }),
      );
      return path;
    };
    const h100 = write('h100.json', 'NVIDIA H100 80GB HBM3');
    const j = json([nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '10ms', '--calibration', h100]);
    expect(j.replayModel).toMatchObject({ floorNs: 1400, gapNs: 170, repeatNs: -150, graphLaunchNs: 1900, source: h100 });
    expect(j.replayModel.notes.at(-1)).toBe(
      'floor, gap and repeat fitted on an NVIDIA H100 80GB HBM3 (driver 580.159.04, CUDA 13.0) (bench/results/h100-2026-12-06b-{model-check,count,harness-predict,replay-cost})',
    );
    expect(j.profiles[0]!.prediction.floorNs).toBe(1400);
    // a GPU with no fitted constants: the defaults (H200), said in the notes and the table
    const other = write('other.json', 'NVIDIA L4');
    const o = json([nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '10ms', '--calibration', other]);
    expect(o.replayModel).toMatchObject({ floorNs: 1400, gapNs: 200, repeatNs: -79, graphLaunchNs: 1900 });
    expect(o.replayModel.notes.at(-1)).toMatch(/^no replay constants were fitted on NVIDIA L4: floor, gap and repeat are the defaults, fitted on an NVIDIA H200/);
    const r = graphprof(['analyze', nsys('cutlass-gemm_profile-stats_progressbars.log'), '--step-time', '10ms', '--calibration', other]);
    expect(r.stderr).toContain('note: no replay constants were fitted on NVIDIA L4');
  });
});

describe('graphprof analyze on a trace read by two threads', () => {
  it('gives the same figures as one thread, quoted fields and a row cut by the split included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-par-'));
    const path = join(dir, 'big_cuda_api_trace.csv');
    const names = ['cudaLaunchKernel', 'cudaMemcpyAsync', 'cudaStreamSynchronize', '"lib::op(a, b)"', 'cuLaunchKernel', 'cudaGraphLaunch_v10000'];
    let text = 'Start (ns),Duration (ns),Name,Result,CorrID,Pid,Tid,T-Pri,Thread Name\r\n';
    let seed = 1;
    for (let i = 0; i < 40_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const d = 1000 + (seed % 9000) + (i % 53 === 0 ? 120_000 + (seed % 1000) : 0);
      text += `${1e9 + i * 10_000},${d},${names[seed % names.length]},0,${i},1,2,20,${i % 7 === 0 ? '"t, 1"' : 'py'}\r\n`;
    }
    writeFileSync(path, text);
    const one = json([path]);
    const two = json([path], { GRAPHPROF_PARALLEL_MIN_BYTES: '1' });
    const strip = (j: AnalyzeResult) => j.profiles.map((p) => ({ ...p }));
    expect(strip(two)).toEqual(strip(one));
    expect(one.profiles[0]!.traceRows).toBe(40_000);
    expect(one.profiles[0]!.unknownApis.map((u) => u.name)).toEqual(['lib::op(a, b)']);
  });
});
