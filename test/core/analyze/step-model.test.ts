import { describe, expect, it } from 'vitest';

import { CalibrationError, DEFAULT_REPLAY_MODEL, FITTED_REPLAY_MODELS, replayModelFromRuns, replayNodesNs, stepModel, type StepModelInput } from '../../../src/core/analyze/step-model.js';
import type { RunBatchResult, RunResult } from '../../../src/core/schema.js';

const model = { ...DEFAULT_REPLAY_MODEL, floorNs: 1400, gapNs: 170, repeatNs: -150, graphLaunchNs: 3000 };
const group = (count: number, eachNs: number, name = `k${eachNs}`) => ({ name, count, totalNs: count * eachNs, minNs: eachNs, maxNs: eachNs });

describe('replay cost of a step\'s nodes: max(d, floor) + gap', () => {
  it('short kernels are bounded below by the floor', () => {
    expect(replayNodesNs([group(100, 500)], model)).toEqual({ replayNs: 100 * (1400 + 170), nodes: 100, repeats: 0 });
  });

  it('long kernels are not inflated: their own time plus the gap', () => {
    expect(replayNodesNs([group(10, 50_000)], model)).toEqual({ replayNs: 10 * (50_000 + 170), nodes: 10, repeats: 0 });
  });

  it('a name with instances on both sides of the floor is priced at its mean', () => {
    const g = { name: 'm', count: 4, totalNs: 4 * 2000, minNs: 500, maxNs: 3500 };
    expect(replayNodesNs([g], model).replayNs).toBe(4 * (2000 + 170));
    const noBounds = { name: 'm', count: 4, totalNs: 4 * 1000, minNs: null, maxNs: null };
    expect(replayNodesNs([noBounds], model).replayNs).toBe(4 * (1400 + 170));
  });
});

describe('repeated kernels: d + repeat, no floor', () => {
  it('a one-kernel step: the first node after another kernel, the rest repeats (graphprof run, empty kernels)', () => {
    // 847 empty kernels of 1080 ns: 1 switched node at the floor, 846 at d - 150
    const g = { ...group(847, 1080), repeats: 846 };
    expect(replayNodesNs([g], model)).toEqual({ replayNs: 1400 + 170 + 846 * (1080 - 150), nodes: 847, repeats: 846 });
  });

  it('repeats are priced at the mean, switched instances of the same name keep the floor', () => {
    const g = { name: 'm', count: 10, totalNs: 10 * 1000, minNs: 900, maxNs: 1100, repeats: 4 };
    expect(replayNodesNs([g], model).replayNs).toBe(6 * (1400 + 170) + 4 * (1000 - 150));
  });

  it('repeats are capped at count - 1 (a run starts after another node); a repeat never costs less than nothing', () => {
    const g = { ...group(5, 100), repeats: 9 };
    expect(replayNodesNs([g], model)).toEqual({ replayNs: 1400 + 170, nodes: 5, repeats: 4 });
  });
});

describe('the step model', () => {
  const input = (over: Partial<StepModelInput> = {}): StepModelInput => ({
    wall: { medianNs: 8e6, minNs: 7e6, maxNs: 9e6, p10Ns: 7.5e6, p90Ns: 8.8e6, count: 30, source: 'nvtx:decode_step, 30 marked steps' },
    givenStepNs: null,
    gpu: { kernelNs: 1.6e6, memOpNs: 0.02e6, busyNs: 1.6e6, nodes: [group(590, 1.6e6 / 590)], repeatsFrom: 'test' },
    launchCalls: 590,
    launchCallNs: 590 * 3000,
    hostApiNs: 3e6,
    gpuHint: 'add --predict',
    wallHint: 'add --step-marker',
    ...over,
  });

  it('W measured, G busy, P estimated, and the overhead split into launch calls and host code', () => {
    const m = stepModel(input(), model);
    expect(m.eagerStepNs).toMatchObject({ value: 8e6, basis: 'measured' });
    expect(m.gpuStepNs).toMatchObject({ value: 1.6e6, basis: 'measured', kind: 'busy' });
    expect(m.graphStepNs.value).toBeCloseTo(1.6e6 + 590 * 170 + 3000, 6);
    expect(m.graphStepNs.basis).toBe('estimated');
    expect(m.overheadShare.value).toBeCloseTo(0.8, 12);
    expect(m.launchCallNs.value).toBe(1.77e6);
    expect(m.betweenLaunchesNs.value).toBeCloseTo(8e6 - 1.6e6 - 1.77e6, 6);
    expect(m.verdict).toBe('launch-bound');
    expect(m.missing).toEqual([]);
  });

  it('without device times: no G, no P, no verdict; what is missing names the flag', () => {
    const m = stepModel(input({ gpu: null }), model);
    expect(m.gpuStepNs.value).toBeNull();
    expect(m.graphStepNs.value).toBeNull();
    expect(m.savedNs.value).toBeNull();
    expect(m.speedup.value).toBeNull();
    expect(m.overheadShare.value).toBeNull();
    expect(m.verdict).toBe('unknown');
    expect(m.missing).toEqual(['GPU time per step (no device times): add --predict']);
    // what is measured stays: the step and the launch calls
    expect(m.eagerStepNs.basis).toBe('measured');
    expect(m.launchCallNs.value).toBe(1.77e6);
  });

  it('without timed steps W is estimated, and no verdict is given on an estimate', () => {
    const m = stepModel(input({ wall: null }), model);
    expect(m.eagerStepNs).toMatchObject({ value: 3e6, basis: 'estimated' });
    expect(m.overheadShare.basis).toBe('estimated');
    expect(m.verdict).toBe('unknown');
    expect(m.missing[0]).toContain('add --step-marker');
  });
});

describe('calibration from graphprof run --json', () => {
  function batch(devicePerNodeNs: number, launchP50: number, nodes = 847): RunBatchResult {
    return { batch: 1, graph: { devicePerNodeNs, nodes, launchNs: { p50Ns: launchP50 } } } as unknown as RunBatchResult;
  }
  function run(kernel: 'spin' | 'copy' | 'empty', results: RunBatchResult[], kernelNs = 2000, gpu: string | null = 'NVIDIA H100 80GB HBM3'): RunResult {
    return {
      command: 'run',
      schemaVersion: '1.0',
      environment: { gpu: gpu === null ? null : { name: gpu } },
      workload: { kernel, kernelNs, kernels: 847 },
      results,
    } as unknown as RunResult;
  }

  it('the defaults are the H200 fit, and say so', () => {
    expect(DEFAULT_REPLAY_MODEL).toMatchObject({ floorNs: 1400, gapNs: 200, repeatNs: -79, graphLaunchNs: 4160 });
    expect(DEFAULT_REPLAY_MODEL.source).toBe('default: fitted on an NVIDIA H200 (driver 580.159.04, CUDA 13.0), not measured on this machine');
  });

  it('a run on a GPU with fitted constants takes them, unscaled, and its own graph launch', () => {
    // node cost 770 ns: the old calibration would have scaled floor and gap by 770/936
    const m = replayModelFromRuns([{ run: run('empty', [batch(770, 2000), batch(770, 2200), batch(770, 9000)]), path: 'e.json' }]);
    expect(m).toMatchObject({ floorNs: 1400, gapNs: 170, repeatNs: -150, graphLaunchNs: 2200, source: 'e.json' });
    expect(m.notes).toEqual([
      'e.json: empty kernels on NVIDIA H100 80GB HBM3, node cost 770 ns (graph GPU time per node; for reference, not used)',
      'floor, gap and repeat fitted on an NVIDIA H100 80GB HBM3 (driver 580.159.04, CUDA 13.0) (bench/results/h100-2026-12-06b-{model-check,count,harness-predict,replay-cost})',
    ]);
  });

  it('a run on a GPU without fitted constants keeps the default constants and says so; copy runs count for the launch', () => {
    const m = replayModelFromRuns([
      { run: run('spin', [batch(2790, 4000)], 2000, 'NVIDIA A100-SXM4-80GB'), path: 's.json' },
      { run: run('copy', [batch(1200, 5000), batch(1200, 6000)], 2000, 'NVIDIA A100-SXM4-80GB'), path: 'c.json' },
    ]);
    expect(m).toMatchObject({ floorNs: 1400, gapNs: 200, repeatNs: -79, graphLaunchNs: 5000, source: 's.json, c.json' });
    expect(m.notes[0]).toBe('s.json: spin kernels on NVIDIA A100-SXM4-80GB, node cost 790 ns (graph GPU time per node - 2000 ns spin; for reference, not used)');
    expect(m.notes[1]).toBe('c.json: copy kernels on NVIDIA A100-SXM4-80GB');
    expect(m.notes[2]).toMatch(/^no replay constants were fitted on NVIDIA A100-SXM4-80GB: floor, gap and repeat are the defaults, fitted on an NVIDIA H200 /);
  });

  it('every fitted GPU has its own name, and the default is one of them', () => {
    const names = FITTED_REPLAY_MODELS.map((m) => m.gpu);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('NVIDIA H200');
  });

  it('no GPU name, runs of two GPUs, no graph figures, or spin shorter than asked are refused with the file', () => {
    const refused = (r: RunResult, text: string) => {
      try {
        replayModelFromRuns([{ run: r, path: 'x.json' }]);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(CalibrationError);
        expect((err as CalibrationError).path).toBe('x.json');
        expect((err as Error).message).toContain(text);
      }
    };
    refused(run('empty', [batch(800, 3000)], 2000, null), 'names no GPU');
    refused(run('spin', []), 'no measured batch size');
    refused(run('spin', [batch(1500, 3000)]), 'ran shorter than asked');
    try {
      replayModelFromRuns([
        { run: run('empty', [batch(800, 3000)]), path: 'a.json' },
        { run: run('empty', [batch(800, 3000)], 2000, 'NVIDIA H200'), path: 'b.json' },
      ]);
      expect.unreachable();
    } catch (err) {
      expect((err as CalibrationError).path).toBe('b.json');
      expect((err as Error).message).toBe('it was measured on NVIDIA H200, a.json on NVIDIA H100 80GB HBM3: calibrate with runs of one GPU model');
    }
  });
});
