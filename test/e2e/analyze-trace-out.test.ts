// `analyze` on the nsys-style reports that `trace --out` wrote, against the figures that same trace
// gave for the same steps (issue 12): real outputs of an H100 device call (fixtures/trace-out/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { AnalyzeResult, ProfileAnalysis } from '../../src/core/analyze/schema.js';
import { graphprof } from './cli.js';

const dir = (name: string): string => join('fixtures', 'trace-out', name);

// the traces ran on an H100 with its replay constants; analyze takes the same ones from a real
// `graphprof run --json` of that call (its GPU's fitted constants, its own graph launch)
const H100_RUN = join(dir('h100-run-spin'), 'run.json');
const H100_RUN_LAUNCH_NS = 13_596;

function analyze(name: string, prefix: string, reports: string[], range: string): ProfileAnalysis {
  const r = graphprof(['analyze', ...reports.map((rep) => join(dir(name), `${prefix}_${rep}.csv`)), '--step-range', range, '--calibration', H100_RUN, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const a = JSON.parse(r.stdout) as AnalyzeResult;
  expect(a.profiles).toHaveLength(1);
  return a.profiles[0]!;
}

function traced(name: string): { analysis: ProfileAnalysis; replayModel: { floorNs: number; gapNs: number; repeatNs?: number } } {
  return JSON.parse(readFileSync(join(dir(name), 'trace.json'), 'utf8')) as { analysis: ProfileAnalysis; replayModel: { floorNs: number; gapNs: number; repeatNs?: number } };
}

/** The figures that do not depend on the replay model: they must be the same, to the nanosecond. */
function expectSameSteps(a: ProfileAnalysis, t: ProfileAnalysis): void {
  expect(a.model.eagerStepNs.value).toBe(t.model.eagerStepNs.value);
  expect(a.model.eagerStepNs.basis).toBe('measured');
  expect(a.steps).toBe(t.steps);
  expect(a.perStep.launchCalls).toBe(t.perStep.launchCalls);
  expect(a.perStep.memcpyCalls).toBe(t.perStep.memcpyCalls);
  expect(a.perStep.syncCalls).toBe(t.perStep.syncCalls);
  expect(a.model.launchCallNs.value).toBe(t.model.launchCallNs.value);
  expect(a.model.graphStepNs.nodes).toBe(t.model.graphStepNs.nodes);
  expect(a.verdict).toBe(t.verdict);
  expect(a.findings.map((f) => [f.id, f.count])).toEqual(t.findings.map((f) => [f.id, f.count]));
}

describe('analyze on trace --out reports = trace, for the same steps', () => {
  it('a PyTorch decode step (16 layers, hidden 2048, batch 8): every figure, G as a sum where trace has the busy time', () => {
    const a = analyze('h100-llama-b8', 'llama-b8', ['cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum', 'nvtx_sum'], 'decode_step');
    const t = traced('h100-llama-b8').analysis;
    expectSameSteps(a, t);
    expect(a.model.eagerStepNs.value).toBe(7_222_285);
    expect(a.perStep.launchCalls).toBe(590);
    expect(a.model.graphStepNs.nodes).toBe(607);
    // nsys summaries have no timestamps: the sum of kernel and copy time, 0.1% above trace's busy time
    expect(t.model.gpuStepNs.kind).toBe('busy');
    expect(a.model.gpuStepNs.kind).toBe('sum');
    expect(a.model.gpuStepNs.value! / t.model.gpuStepNs.value! - 1).toBeCloseTo(0.000_99, 4);
    // no kernel order in the summaries, and none needed: with 590 kernels of 28 names the counts
    // force no repeat, and trace.json (made before the repeat rule) priced none: the same P but for
    // the graph launch, the run's own against the default trace used then
    expect(a.model.graphStepNs.method).toContain('for the 0 that repeat the kernel before them (no kernel order in the report');
    expect(a.prediction.graphStepNs).toBeCloseTo(t.prediction.graphStepNs! + H100_RUN_LAUNCH_NS - 3300, 3);
  });

  it('graphprof run\'s spin step (847 launches of one kernel): the same steps; P less the repeats trace.json did not price', () => {
    const a = analyze('h100-run-spin', 'run-spin', ['cuda_api_sum', 'cuda_gpu_kern_sum', 'nvtx_sum'], 'graphprof_eager_step');
    const { analysis: t, replayModel } = traced('h100-run-spin');
    expectSameSteps(a, t);
    expect(a.steps).toBe(60);
    expect(a.perStep.launchCalls).toBe(847);
    expect(a.model.gpuStepNs.value).toBeCloseTo(t.model.gpuStepNs.value!, 3); // one stream: sum = busy
    // trace.json predates the repeat rule (its model has no repeatNs): it priced all 847 nodes at
    // d + gap (every spin kernel is above the floor). analyze finds 846 repeats by count (a one-kernel
    // step) and prices them d - 150 ns (the H100's repeat): 846 x (170 + 150) ns less; and the run's
    // graph launch in place of the 3300 ns trace used.
    expect(replayModel.repeatNs).toBeUndefined();
    expect(a.model.graphStepNs.method).toContain('for the 846 that repeat the kernel before them');
    expect(a.prediction.graphStepNs).toBeCloseTo(t.prediction.graphStepNs! - 846 * (replayModel.gapNs + 150) + H100_RUN_LAUNCH_NS - 3300, 3);
    // and the prediction against what run measured itself in clean processes of the same call
    // (bench/results/h100-2026-12-06b-harness-predict: graph GPU p50 2492.9 and 2489.0 us)
    expect(a.prediction.graphStepNs! / ((2_492_900 + 2_489_000) / 2) - 1).toBeCloseTo(0.0114, 3);
  });
});
