import { describe, expect, it } from 'vitest';

import {
  analyzeProfile,
  analyzeProfiles,
  ANALYZE_HINTS,
  DEFAULT_REPLAY_MODEL,
  launchCost,
  type ApiRow,
  type ProfileInput,
} from '../../../src/core/analyze/analyze.js';

function row(name: string, calls: number, totalNs: number, medianNs: number | null = null): ApiRow {
  return { name, calls, totalNs, medianNs, avgNs: totalNs / calls, line: 1 };
}

function profile(api: ApiRow[], extra: Partial<ProfileInput> = {}): ProfileInput {
  return { path: 'p.csv', paths: ['p.csv'], index: 0, reports: ['cuda_api_sum'], api, kernels: null, memOps: null, traceRows: 0, elidedRows: 0, kernelOrder: 'the test\'s order', ...extra };
}

const replay = { ...DEFAULT_REPLAY_MODEL, floorNs: 1000, gapNs: 100, repeatNs: -150, graphLaunchNs: 2000 };
const opts = { steps: 1 as number | null, stepRange: null, stepTimeNs: null as number | null, replay, ...ANALYZE_HINTS };

/** The published decode-token profile of issue 3. */
const published = profile([row('cudaLaunchKernel', 847, 12_690_000), row('cudaMemcpyAsync', 212, 8_430_000), row('cudaStreamSynchronize', 424, 5_520_000)]);

describe('the published decode-token profile (issue 3)', () => {
  const a = analyzeProfile(published, { ...opts, stepTimeNs: 30e6 });

  it('847 launches and 12.69 ms of launch overhead per token, a 42.3% share of 30 ms', () => {
    expect(a.launches.calls).toBe(847);
    expect(a.launches.totalNs).toBe(12_690_000);
    expect(a.launches.costNs).toBe(12_690_000);
    expect(a.launches.costMethod).toBe('total');
    expect(a.perStep.launchCalls).toBe(847);
    expect(a.perStep.launchNs).toBe(12_690_000);
    expect(a.stepLatencyNs).toBe(30e6);
    expect(a.stepLatencySource).toBe('step-time');
    expect(a.model.eagerStepNs.basis).toBe('given');
    // the driver's launch calls: 42.3% of the given 30 ms step
    expect(a.model.launchCallNs.value! / a.stepLatencyNs).toBeCloseTo(0.423, 12);
  });

  it('424 syncs and 212 copies per step flagged', () => {
    expect(a.sync.calls).toBe(424);
    expect(a.memcpy.calls).toBe(212);
    expect(a.findings.find((f) => f.id === 'host-sync')).toMatchObject({ severity: 'blocker', count: 424 });
    expect(a.findings.find((f) => f.id === 'host-device-copy')).toMatchObject({ severity: 'warning', count: 212 });
    expect(a.findings.map((f) => f.id)).toEqual(['host-sync', 'host-device-copy', 'no-median', 'no-gpu-data']);
  });

  it('without GPU time: no share, no prediction, no verdict, and the flag that adds them', () => {
    expect(a.overheadShare).toBeNull();
    expect(a.prediction.method).toBe('none');
    expect(a.prediction.eagerStepNs).toBe(30e6);
    expect(a.prediction.graphStepNs).toBeNull();
    expect(a.prediction.speedup).toBeNull();
    expect(a.prediction.savedPerStepNs).toBeNull();
    expect(a.verdict).toBe('unknown');
    expect(a.verdictBasis).toBeNull();
    expect(a.model.missing).toEqual([`GPU time per step (no device times): ${ANALYZE_HINTS.gpuHint}`]);
  });

  it('per step figures divide by --steps', () => {
    const b = analyzeProfile(published, { ...opts, steps: 4, stepTimeNs: 30e6 / 4 });
    expect(b.perStep.launchCalls).toBe(847 / 4);
    expect(b.perStep.launchNs).toBe(12_690_000 / 4);
    expect(b.findings.find((f) => f.id === 'host-sync')!.count).toBe(106);
  });

  it('without a step time W is estimated (the host API time here) and says what adds a measured one', () => {
    const b = analyzeProfile(published, opts);
    expect(b.stepLatencySource).toBe('estimated');
    expect(b.model.eagerStepNs.basis).toBe('estimated');
    expect(b.stepLatencyNs).toBe(26_640_000);
    expect(b.model.missing[0]).toContain('--step-range');
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

describe('with GPU kernel time: the step model', () => {
  // The kernel order is given as "no repeats" unless a test says otherwise. For a single name that is
  // an impossible order (n instances of one kernel on one stream repeat n - 1 times), chosen so that
  // these tests price switched nodes only; the repeat tests below use real orders.
  const kernels = (ns: number, n: number): ProfileInput['kernels'] => [{ name: 'k', instances: n, totalNs: ns, repeats: 0 }];

  it('measured W and G: share 1 - G/W, P = nodes x max(d, floor) + gap + one launch, saved W - P', () => {
    // 1000 kernels of 2 us = 2 ms of GPU time in a 10 ms measured step
    const stepWall = { medianNs: 10e6, minNs: 9e6, maxNs: 12e6, p10Ns: null, p90Ns: 11e6, count: 10, source: 'nvtx:step, 10 marked steps' };
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 10_000, 5e7, 4000)], { kernels: kernels(2e7, 10_000), stepWall }), { ...opts, steps: null });
    expect(a.steps).toBe(10);
    expect(a.stepLatencySource).toBe('trace-steps');
    expect(a.model.eagerStepNs).toMatchObject({ value: 10e6, basis: 'measured' });
    expect(a.model.gpuStepNs).toMatchObject({ value: 2e6, basis: 'measured', kind: 'sum' });
    expect(a.overheadShare).toBeCloseTo(0.8, 12);
    expect(a.model.overheadShare.basis).toBe('measured');
    expect(a.model.launchCallNs.value).toBe(4e6);
    expect(a.model.betweenLaunchesNs.value).toBe(10e6 - 2e6 - 4e6);
    expect(a.prediction.method).toBe('node-replay');
    expect(a.prediction.graphStepNs).toBe(1000 * (2000 + 100) + 2000);
    expect(a.prediction.savedPerStepNs).toBe(10e6 - 2_102_000);
    expect(a.prediction.speedup).toBeCloseTo(10e6 / 2_102_000, 12);
    expect(a.model.graphStepNs.basis).toBe('estimated');
    expect(a.verdict).toBe('launch-bound');
    expect(a.verdictBasis).toBe('measured');
  });

  it('gpu-bound when the GPU waits for the host less than half the step', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 10, 50_000, 5000)], { kernels: kernels(9e6, 10) }), { ...opts, stepTimeNs: 10e6 });
    expect(a.overheadShare).toBeCloseTo(0.1, 12);
    expect(a.verdict).toBe('gpu-bound');
    expect(a.verdictBasis).toBe('estimated');
    expect(a.model.overheadShare.basis).toBe('estimated');
  });

  it('an estimated W gives figures but no verdict', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 10, 50_000, 5000)], { kernels: kernels(9e6, 10) }), opts);
    expect(a.stepLatencySource).toBe('estimated');
    expect(a.stepLatencyNs).toBe(9e6);
    expect(a.prediction.graphStepNs).toBe(9e6 + 10 * 100 + 2000);
    expect(a.verdict).toBe('unknown');
  });

  it('short kernels are priced at the floor, long ones at their own time (Min/Max decide a name exactly)', () => {
    const k = [
      { name: 'tiny', instances: 100, totalNs: 100 * 400, minNs: 300, maxNs: 500, repeats: 0 },
      { name: 'long', instances: 10, totalNs: 10 * 50_000, minNs: 40_000, maxNs: 60_000, repeats: 0 },
      { name: 'mixed', instances: 10, totalNs: 10 * 1500, minNs: 500, maxNs: 2500, repeats: 0 },
    ];
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 120, 1e6, 5000)], { kernels: k }), { ...opts, stepTimeNs: 5e6 });
    expect(a.prediction.graphStepNs).toBe(100 * 1000 + 10 * 50_000 + 10 * 1500 + 120 * 100 + 2000);
  });

  it('repeats from the kernel order: d + repeat for a kernel that follows itself, no floor', () => {
    // 10 steps of 847 empty kernels of 1080 ns, one kernel back to back (graphprof run --kernel empty)
    const k = [{ name: 'empty', instances: 8470, totalNs: 8470 * 1080, minNs: 1000, maxNs: 1200, repeats: 8460 }];
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 8470, 8470 * 3000, 3000)], { kernels: k }), { ...opts, steps: 10, stepTimeNs: 3e6 });
    expect(a.prediction.graphStepNs).toBe(1080 + 100 + 846 * (1080 - 150) + 2000);
    expect(a.model.graphStepNs.method).toContain('d - 150 ns for the 846 that repeat the kernel before them (the test\'s order)');
  });

  it('without a kernel order, the fewest repeats the counts allow: c - 1 for a one-kernel step, none in a mix', () => {
    const one = [{ name: 'empty', instances: 847, totalNs: 847 * 1080, minNs: 1000, maxNs: 1200 }];
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 847, 847 * 3000, 3000)], { kernels: one, kernelOrder: null }), { ...opts, stepTimeNs: 3e6 });
    expect(a.prediction.graphStepNs).toBe(1080 + 100 + 846 * (1080 - 150) + 2000);
    expect(a.model.graphStepNs.method).toContain('no kernel order in the report: the fewest repeats the counts allow');
    // 60 of one kernel among 100 nodes: at least 2 x 60 - 100 - 1 = 19 of them follow themselves
    const mix = [
      { name: 'a', instances: 60, totalNs: 60 * 5000, minNs: 5000, maxNs: 5000 },
      { name: 'b', instances: 30, totalNs: 30 * 5000, minNs: 5000, maxNs: 5000 },
    ];
    const memOps = [{ operation: '[CUDA memcpy Device-to-Device]', count: 10, totalNs: 10 * 5000, minNs: 5000, maxNs: 5000 }];
    const b = analyzeProfile(profile([row('cudaLaunchKernel', 90, 90 * 3000, 3000)], { kernels: mix, memOps, kernelOrder: null }), { ...opts, stepTimeNs: 3e6 });
    expect(b.prediction.graphStepNs).toBe(81 * (5000 + 100) + 19 * (5000 - 150) + 2000);
  });

  it('already graphed when graph launches are present', () => {
    const a = analyzeProfile(profile([row('cudaLaunchKernel', 100, 1e6, 5000), row('cudaGraphLaunch_v10000', 2, 20_000, 10_000)], { kernels: kernels(1e5, 900) }), { ...opts, stepTimeNs: 2e6 });
    expect(a.verdict).toBe('already-graphed');
    expect(a.graphLaunches.calls).toBe(2);
    expect(a.findings.map((f) => f.id)).toContain('graph-launches');
  });
});

describe('--step-range: the eager step from an NVTX range', () => {
  const ranges = [
    { name: ':decode_step', instances: 30, totalNs: 30 * 8e6, medianNs: 8e6, minNs: 7e6, maxNs: 11e6, durationsNs: null, line: 2 },
    { name: ':warmup', instances: 1, totalNs: 1e9, medianNs: 1e9, minNs: 1e9, maxNs: 1e9, durationsNs: null, line: 3 },
  ];
  const p = profile([row('cuLaunchKernel', 30 * 500, 30 * 500 * 3000, 3000)], { kernels: [{ name: 'k', instances: 30 * 500, totalNs: 30 * 500 * 2000 }], ranges });

  it('W is the range median, the step count its instances', () => {
    const a = analyzeProfile(p, { ...opts, steps: null, stepRange: 'decode_step' });
    expect(a.steps).toBe(30);
    expect(a.stepLatencySource).toBe('step-range');
    expect(a.model.eagerStepNs).toMatchObject({ value: 8e6, basis: 'measured' });
    expect(a.model.eagerStepNs.wall).toMatchObject({ minNs: 7e6, maxNs: 11e6, count: 30 });
    expect(a.overheadShare).toBeCloseTo(1 - 1e6 / 8e6, 12);
  });

  it('an unknown range, or a profile without NVTX data, is refused by name', () => {
    expect(() => analyzeProfile(p, { ...opts, steps: null, stepRange: 'prefill' })).toThrow('no NVTX range of that name in p.csv (ranges: :decode_step, :warmup)');
    expect(() => analyzeProfile(profile([row('cuLaunchKernel', 1, 1)]), { ...opts, steps: null, stepRange: 'x' })).toThrow('has no nvtx_sum or nvtx_pushpop_trace report');
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
    const k = [{ name: 'k', instances: 10, totalNs: 1e6 }];
    const r = analyzeProfiles([{ ...before, kernels: k }, { ...after, kernels: k }], { ...opts, stepTimeNs: 10e6 });
    expect(r.differences).toHaveLength(1);
    const d = r.differences[0]!;
    expect(d.from).toBe(0);
    expect(d.to).toBe(1);
    expect(d.items.find((i) => i.key === 'perStep.launchCalls')).toMatchObject({ before: 1000, after: 500, change: -0.5 });
    expect(d.items.find((i) => i.key === 'overheadShare')!.change).toBeCloseTo(0, 12);
  });
});
