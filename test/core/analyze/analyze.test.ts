import { describe, expect, it } from 'vitest';

import {
  analyzeProfile,
  analyzeProfiles,
  DEFAULT_REPLAY_COST,
  launchCost,
  replayCostFromRun,
  type ApiRow,
  type ProfileInput,
} from '../../../src/core/analyze/analyze.js';
import type { RunBatchResult, RunResult } from '../../../src/core/schema.js';

function row(name: string, calls: number, totalNs: number, medianNs: number | null = null): ApiRow {
  return { name, calls, totalNs, medianNs, avgNs: totalNs / calls, line: 1 };
}

function profile(api: ApiRow[], extra: Partial<ProfileInput> = {}): ProfileInput {
  return { path: 'p.csv', paths: ['p.csv'], index: 0, reports: ['cuda_api_sum'], api, kernels: null, memOps: null, traceRows: 0, elidedRows: 0, ...extra };
}

const opts = { steps: 1, targetLatencyNs: null, replay: DEFAULT_REPLAY_COST };

/** The published decode-token profile of issue 3. */
const published = profile([row('cudaLaunchKernel', 847, 12_690_000), row('cudaMemcpyAsync', 212, 8_430_000), row('cudaStreamSynchronize', 424, 5_520_000)]);

describe('the published decode-token profile (issue 3)', () => {
  const a = analyzeProfile(published, { ...opts, targetLatencyNs: 30e6 });

  it('847 launches and 12.69 ms of launch overhead per token, a 42.3% share of 30 ms', () => {
    expect(a.launches.calls).toBe(847);
    expect(a.launches.totalNs).toBe(12_690_000);
    expect(a.launches.costNs).toBe(12_690_000);
    expect(a.launches.costMethod).toBe('total');
    expect(a.perStep.launchCalls).toBe(847);
    expect(a.perStep.launchNs).toBe(12_690_000);
    expect(a.stepLatencyNs).toBe(30e6);
    expect(a.stepLatencySource).toBe('target-latency');
    expect(a.overheadShare).toBeCloseTo(0.423, 12);
  });

  it('424 syncs and 212 copies per step flagged', () => {
    expect(a.sync.calls).toBe(424);
    expect(a.memcpy.calls).toBe(212);
    expect(a.findings.find((f) => f.id === 'host-sync')).toMatchObject({ severity: 'blocker', count: 424 });
    expect(a.findings.find((f) => f.id === 'host-device-copy')).toMatchObject({ severity: 'warning', count: 212 });
    expect(a.findings.map((f) => f.id)).toEqual(['host-sync', 'host-device-copy', 'no-median', 'no-gpu-data']);
  });

  it('without GPU time: graph step = step - launch cost + kernels x per-node replay', () => {
    expect(a.prediction.method).toBe('latency-minus-launch-cost');
    expect(a.prediction.eagerStepNs).toBe(30e6);
    expect(a.prediction.graphStepNs).toBe(30e6 - 12_690_000 + 847 * 500);
    expect(a.prediction.speedup).toBeCloseTo(30e6 / 17_733_500, 12);
    expect(a.prediction.savedPerStepNs).toBe(12_690_000 - 847 * 500);
    // host enqueue 21.12 ms > the 8.88 ms left of the step: launch-bound, estimated
    expect(a.perStep.hostEnqueueNs).toBe(21_120_000);
    expect(a.verdict).toBe('launch-bound');
    expect(a.verdictBasis).toBe('estimated');
  });

  it('per step figures divide by --steps', () => {
    const b = analyzeProfile(published, { ...opts, steps: 4, targetLatencyNs: 30e6 / 4 });
    expect(b.perStep.launchCalls).toBe(847 / 4);
    expect(b.perStep.launchNs).toBe(12_690_000 / 4);
    expect(b.overheadShare).toBeCloseTo(0.423, 12);
    expect(b.findings.find((f) => f.id === 'host-sync')!.count).toBe(106);
  });

  it('without --target-latency the step latency is the host API time', () => {
    const b = analyzeProfile(published, opts);
    expect(b.stepLatencySource).toBe('host-api-time');
    expect(b.stepLatencyNs).toBe(26_640_000);
    expect(b.overheadShare).toBeCloseTo(12.69 / 26.64, 12);
  });
});

describe('launch cost and back-pressure (median x calls)', () => {
  it('cs336: median 6.1 us, mean 322 us over 7,328 calls: the rest is back-pressure', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 7328, 2361231070, 6129.5)]), opts);
    expect(a.launches.costNs).toBe(7328 * 6129.5);
    expect(a.launches.backPressureNs).toBe(2361231070 - 7328 * 6129.5);
    expect(a.launches.costMethod).toBe('median');
    expect(a.findings.find((f) => f.id === 'back-pressure')).toMatchObject({ severity: 'info' });
  });

  it('never counts more than the total (median above the mean)', () => {
    expect(launchCost({ calls: 10, totalNs: 100, medianNs: 20 })).toEqual({ costNs: 100, fromMedian: true });
    expect(launchCost({ calls: 10, totalNs: 100, medianNs: null })).toEqual({ costNs: 100, fromMedian: false });
  });

  it('mixed: some launch APIs with a median, some without', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 10, 1000, 50), row('cuLaunchKernel', 5, 700)]), opts);
    expect(a.launches.costMethod).toBe('mixed');
    expect(a.launches.costNs).toBe(500 + 700);
    expect(a.launches.byApi.map((b) => [b.name, b.costNs])).toEqual([
      ['cudaLaunchKernel', 500],
      ['cuLaunchKernel', 700],
    ]);
  });
});

describe('with GPU kernel time', () => {
  const kernels = (ns: number, n: number): ProfileInput['kernels'] => [{ name: 'k', instances: n, totalNs: ns }];

  it('launch-bound: host enqueue above GPU time; graph step = max(launch, GPU + nodes x replay)', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 1000, 5e6, 4000)], { kernels: kernels(1e6, 1000) }), opts);
    expect(a.perStep.hostEnqueueNs).toBe(4e6);
    expect(a.prediction.method).toBe('max-host-gpu');
    expect(a.prediction.eagerStepNs).toBe(4e6);
    expect(a.prediction.graphStepNs).toBe(1e6 + 1000 * 500);
    expect(a.prediction.speedup).toBeCloseTo(4e6 / 1.5e6, 12);
    expect(a.verdict).toBe('launch-bound');
    expect(a.verdictBasis).toBe('measured');
  });

  it('gpu-bound, and the step latency is the GPU time when it is larger than host API time', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 10, 50_000, 5000)], { kernels: kernels(9e6, 10) }), opts);
    expect(a.verdict).toBe('gpu-bound');
    expect(a.stepLatencySource).toBe('gpu-kernel-time');
    expect(a.stepLatencyNs).toBe(9e6);
    expect(a.prediction.graphStepNs).toBe(9e6 + 10 * 500);
  });

  it('a tiny step is floored at one graph launch', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 1, 3000, 3000)], { kernels: kernels(100, 1) }), opts);
    expect(a.prediction.graphStepNs).toBe(2100);
  });

  it('already graphed when graph launches are present', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 100, 1e6, 5000), row('cudaGraphLaunch_v10000', 2, 20_000, 10_000)], { kernels: kernels(1e5, 900) }), opts);
    expect(a.verdict).toBe('already-graphed');
    expect(a.graphLaunches.calls).toBe(2);
    expect(a.findings.map((f) => f.id)).toContain('graph-launches');
  });
});

describe('findings', () => {
  it('blocking allocations, not stream-ordered ones; unknown APIs listed without failing', () => {
    const a = analyzeProfile(
      profile([row('cudaLaunchKernel', 10, 1e5, 1e4), row('cudaMalloc', 3, 3e5), row('cudaFree', 2, 1e5), row('cudaMallocAsync', 5, 1e4), row('cudaNewThing_v13000', 7, 70)]),
      { ...opts, steps: 2 },
    );
    expect(a.alloc.calls).toBe(5);
    expect(a.findings.find((f) => f.id === 'alloc-in-loop')).toMatchObject({ severity: 'blocker', count: 2.5 });
    expect(a.unknownApis).toEqual([{ name: 'cudaNewThing_v13000', calls: 7, totalNs: 70 }]);
    expect(a.findings.find((f) => f.id === 'unknown-apis')!.message).toContain('cudaNewThing_v13000');
    expect(a.hostApi).toEqual({ calls: 27, totalNs: 1e5 + 3e5 + 1e5 + 1e4 + 70 });
  });
});

describe('two profiles: what changed', () => {
  it('lists relative changes, the share in points, and the verdicts', () => {
    const before = profile([row('cudaLaunchKernel', 1000, 4e6, 4000)]);
    const after = profile([row('cudaLaunchKernel', 500, 2e6, 4000)]);
    const r = analyzeProfiles([before, after], { ...opts, targetLatencyNs: 10e6 });
    expect(r.differences).toHaveLength(1);
    const d = r.differences[0]!;
    expect(d.from).toBe(0);
    expect(d.to).toBe(1);
    expect(d.items.find((i) => i.key === 'perStep.launchCalls')).toMatchObject({ before: 1000, after: 500, change: -0.5 });
    expect(d.items.find((i) => i.key === 'overheadShare')!.change).toBeCloseTo(-0.2, 12);
  });
});

describe('calibration from graphprof run --json', () => {
  function batch(batchSize: number, devicePerNodeNs: number, launchP50: number, nodes = 847): RunBatchResult {
    return { batch: batchSize, graph: { devicePerNodeNs, nodes, launchNs: { p50Ns: launchP50 } } } as unknown as RunBatchResult;
  }
  function run(kernel: 'spin' | 'copy' | 'empty', results: RunBatchResult[]): RunResult {
    return { command: 'run', schemaVersion: '1.0', workload: { kernel, kernelNs: 2000, kernels: 847 }, results } as unknown as RunResult;
  }

  it('spin: median over batch sizes of device time per node minus the spin work', () => {
    const c = replayCostFromRun(run('spin', [batch(1, 2600, 2000), batch(2, 2500, 2100), batch(4, 2550, 2300)]), 'run.json');
    expect(c.perNodeReplayNs).toBe(550);
    expect(c.graphLaunchNs).toBe(2100);
    expect(c.source).toBe('run.json');
  });

  it('empty: the device time per node is the replay cost', () => {
    expect(replayCostFromRun(run('empty', [batch(1, 480, 1900)]), 'r').perNodeReplayNs).toBe(480);
  });

  it('copy: used as is, with a note that it includes the copy work', () => {
    const c = replayCostFromRun(run('copy', [batch(1, 900, 1900)]), 'r');
    expect(c.perNodeReplayNs).toBe(900);
    expect(c.notes[0]).toContain('cannot be told apart');
  });

  it('a negative result is clamped to 0 with a note; no results is an error', () => {
    const c = replayCostFromRun(run('spin', [batch(1, 1500, 1900)]), 'r');
    expect(c.perNodeReplayNs).toBe(0);
    expect(c.notes.some((n) => n.includes('negative'))).toBe(true);
    expect(() => replayCostFromRun(run('spin', []), 'r')).toThrow('it holds no measured batch size with graph figures');
  });

  it('the calibrated cost reaches the prediction', () => {
    const replay = replayCostFromRun(run('empty', [batch(1, 300, 1500)]), 'r');
    const a = analyzeProfile(published, { steps: 1, targetLatencyNs: 30e6, replay });
    expect(a.prediction.perNodeReplayNs).toBe(300);
    expect(a.prediction.graphStepNs).toBe(30e6 - 12_690_000 + 847 * 300);
  });
});
