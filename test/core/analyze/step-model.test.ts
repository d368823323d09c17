import { describe, expect, it } from 'vitest';

import { CalibrationError, DEFAULT_REPLAY_MODEL, REFERENCE_NODE_NS, replayModelFromRuns, replayNodesNs, stepModel, type StepModelInput } from '../../../src/core/analyze/step-model.js';
import type { RunBatchResult, RunResult } from '../../../src/core/schema.js';

const model = { ...DEFAULT_REPLAY_MODEL, floorNs: 1400, gapNs: 170, graphLaunchNs: 3000 };
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
  function run(kernel: 'spin' | 'copy' | 'empty', results: RunBatchResult[], kernelNs = 2000): RunResult {
    return { command: 'run', schemaVersion: '1.0', workload: { kernel, kernelNs, kernels: 847 }, results } as unknown as RunResult;
  }

  it('an empty-kernel run on the reference GPU keeps the defaults', () => {
    const m = replayModelFromRuns([{ run: run('empty', [batch(REFERENCE_NODE_NS, 3300)]), path: 'e.json' }]);
    expect(m.floorNs).toBeCloseTo(DEFAULT_REPLAY_MODEL.floorNs, 9);
    expect(m.gapNs).toBeCloseTo(DEFAULT_REPLAY_MODEL.gapNs, 9);
    expect(m.graphLaunchNs).toBe(3300);
    expect(m.source).toBe('e.json');
  });

  it('a spin run: node cost = GPU time per node - spin time; floor and gap scale with it', () => {
    // a GPU whose node costs half the reference's
    const m = replayModelFromRuns([{ run: run('spin', [batch(2000 + REFERENCE_NODE_NS / 2, 2000), batch(2000 + REFERENCE_NODE_NS / 2, 2200)]), path: 's.json' }]);
    expect(m.floorNs).toBeCloseTo(DEFAULT_REPLAY_MODEL.floorNs / 2, 9);
    expect(m.gapNs).toBeCloseTo(DEFAULT_REPLAY_MODEL.gapNs / 2, 9);
    expect(m.graphLaunchNs).toBe(2100);
  });

  it('copy kernels, no graph figures, or spin shorter than asked are refused with the file', () => {
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
    refused(run('copy', [batch(1200, 3000)]), 'copy kernels cannot calibrate');
    refused(run('spin', []), 'no measured batch size');
    refused(run('spin', [batch(1500, 3000)]), 'ran shorter than asked');
  });
});
