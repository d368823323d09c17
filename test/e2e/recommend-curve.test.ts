import { describe, expect, it } from 'vitest';

import { paddingCost, resultStepTime } from '../../src/core/pictures/padding.js';
import type { RecommendResult } from '../../src/core/recommend/recommend.js';
import { graphprof } from './cli.js';

function json(args: string[]): RecommendResult {
  const r = graphprof(['recommend', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RecommendResult;
}

describe('graphprof recommend --curve', () => {
  it('the padding picture prices steps on the measured staircase, as the optimiser did (a real H100 sweep)', () => {
    // fixtures/curves/h100-llama-sweep.json: bench/results/h100-2026-12-06b-sweep/curve.json, 36 sizes
    const j = json(['--curve', 'fixtures/curves/h100-llama-sweep.json', '--max-batch', '256', '--mem-budget', '500MB', '--dist', 'zipf:1.1']);
    const padding = (sizes: number[]) => paddingCost(resultStepTime(j), sizes, j.distribution.shares!).reduce((s, x) => s + x.expectedNs, 0);
    expect(j.expectedStepNs - j.idealStepNs).toBeGreaterThan(0);
    expect(padding(j.sizes)).toBeCloseTo(j.expectedStepNs - j.idealStepNs, 3);
    for (const b of j.baselines) expect(padding(b.sizes), b.name).toBeCloseTo(b.expectedStepNs - j.idealStepNs, 3);
  });

  it('optimises on the measured staircase: three graphs at the treads cost nothing over ideal', () => {
    // 4 ms up to 16, 6 ms up to 32, 8 ms up to 64 (fixtures/curves/staircase.json)
    const j = json(['--max-batch', '64', '--max-graphs', '3', '--curve', 'fixtures/curves/staircase.json']);
    expect(j.sizes).toEqual([16, 32, 64]);
    expect(j.expectedStepNs).toBeCloseTo((16 * 4e6 + 16 * 6e6 + 32 * 8e6) / 64, 3);
    expect(j.paddingOverhead).toBeCloseTo(0, 12);
    expect(j.interpolatedSizes).toEqual([]);
    expect(j.curve?.interpolation).toBe('isotonic-step-up');
    expect(j.curve?.points.map((p) => p.batch)).toEqual([1, 2, 4, 8, 16, 24, 32, 48, 64]);
    expect(j.trend.kind).toBe('rising');
    // per-graph memory and capture time fitted from the curve's capture figures
    expect(j.model).toMatchObject({ graphMemBytes: 4 * 2 ** 20, poolPerSeqBytes: 2 ** 19, captureBaseNs: 100e6, capturePerSeqNs: 1e6 });
    expect(j.model.sources).toMatchObject({ stepBaseNs: 'curve', graphMemBytes: 'curve', captureBaseNs: 'curve', eagerPenaltyNs: 'default' });
    expect(j.memoryBytes).toBe(4 * 2 ** 20 * 3 + 2 ** 19 * 64);
    expect(j.captureNs).toBe(3 * 100e6 + 1e6 * (16 + 32 + 64));
    // vLLM's list at B = 64 goes up to 128: sizes between measured points are interpolated, above 64 extrapolated
    const vllm = j.baselines.find((b) => b.engine === 'vllm')!;
    expect(vllm.interpolatedSizes).toEqual(vllm.sizes.filter((s) => ![1, 2, 4, 8, 16, 24, 32, 48, 64].includes(s)));
  });

  it('the table says which figures were measured and which assumed, and which pool sizes were interpolated', () => {
    const r = graphprof(['recommend', '--max-batch', '64', '--max-graphs', '3', '--curve', 'fixtures/curves/staircase.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('model: step measured at 9 sizes (1..64; staircase between), eager +4.00 ms (assumed), graph 4.0 MiB + pool 512 KiB/seq (measured, curve), capture 100 ms + 1.00 ms/seq (measured, curve)');
    expect(r.stdout).toMatch(/│ recommended +│ +3 │ +6\.50 ms │ +measured │/);
    expect(r.stdout).toMatch(/│ vLLM default +│ +19 │ +6\.50 ms │ +10\/19 interp\. │/);
  });

  it('merges several curves by the median of each size (two files: the mean)', () => {
    const j = json(['--max-batch', '64', '--max-graphs', '3', '--curve', 'fixtures/curves/staircase.json', '--curve', 'fixtures/curves/staircase-run2.json']);
    expect(j.curve?.files).toEqual(['fixtures/curves/staircase.json', 'fixtures/curves/staircase-run2.json']);
    expect(j.curve?.points.find((p) => p.batch === 16)?.measuredNs).toBeCloseTo(4e6 * 1.01, 3);
    expect(j.curve?.points.find((p) => p.batch === 16)?.files).toBe(2);
    expect(j.expectedStepNs).toBeCloseTo(((16 * 4e6 + 16 * 6e6 + 32 * 8e6) / 64) * 1.01, 3);
  });

  it('skips a failed size, fixes a noisy one, and says both', () => {
    const j = json(['--max-batch', '64', '--curve', 'fixtures/curves/noisy-failed.json']);
    expect(j.curve?.points.map((p) => p.batch)).toEqual([1, 2, 4, 8, 16, 24, 32, 64]);
    const p16 = j.curve!.points.find((p) => p.batch === 16)!;
    const p24 = j.curve!.points.find((p) => p.batch === 24)!;
    // 24 below the 4 ms of 1..16: the six points pool into their mean
    expect(p16.stepNs).toBeCloseTo((5 * 4e6 + 3.8e6) / 6, 3);
    expect(p24.stepNs).toBe(p16.stepNs);
    expect(p24.adjusted).toBe(true);
    expect(j.notes).toContain('fixtures/curves/noisy-failed.json: batch 48 failed in the sweep (exit 137: killed by SIGKILL) and is not used');
    expect(j.notes.some((n) => n.startsWith('6 measured points fell below a smaller size\'s time') && n.endsWith('sizes 1, 2, 4, 8, 16, 24'))).toBe(true);
  });

  it('extrapolates above the largest measured size and says so', () => {
    const j = json(['--max-batch', '128', '--curve', 'fixtures/curves/staircase.json', '--mem-budget', '1GB']);
    expect(j.curve?.extrapolatedFrom).toBe(64);
    expect(j.interpolatedSizes).toContain(128);
    expect(j.notes.some((n) => /above 64 extrapolated at .*\/seq \(not measured\)/.test(n))).toBe(true);
  });

  it('refuses --step-base or --step-per-seq with --curve', () => {
    const r = graphprof(['recommend', '--curve', 'fixtures/curves/staircase.json', '--step-per-seq', '1us']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('graphprof: --step-per-seq: the step time comes from --curve (measured); drop one of them');
  });

  it('bad curves: negative or missing times, no measured size, not a curve: one line naming file, line and field, exit 2', () => {
    const cases: [string, string][] = [
      ['fixtures/curves/bad-negative.json', 'graphprof: fixtures/curves/bad-negative.json:93: points[3] (batch 8): stepNs.medianNs: a step time must be above 0 ns, got -4000000'],
      ['fixtures/curves/bad-missing.json', 'graphprof: fixtures/curves/bad-missing.json:125: points[5] (batch 24): stepNs.medianNs: missing step time'],
      ['fixtures/recommend/run-linear.json', 'graphprof: fixtures/recommend/run-linear.json: expected a `graphprof sweep` curve (command "sweep"), got command "run"'],
      ['fixtures/curves/nope.json', 'graphprof: fixtures/curves/nope.json: no such file (--curve takes the JSON written by `graphprof sweep -o`)'],
    ];
    for (const [file, line] of cases) {
      const r = graphprof(['recommend', '--max-batch', '64', '--curve', file]);
      expect(r.code, file).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe(line);
    }
  });
});

describe('flat or falling step times', () => {
  it('a flat measured curve: one line that says so and what it means, not a pool presented as the answer', () => {
    const r = graphprof(['recommend', '--max-batch', '64', '--curve', 'fixtures/curves/flat.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^The step time barely grows with the batch \(measured: \+0\.3% from batch 1 to 64, under the 2\.0% taken as flat\)\. Padding is then nearly free, so the pool is decided by memory and capture time, not by step time: one graph at 64 gives 3\.01 ms with 72\.0 MiB, 0\.\d% above the optimum/m);
    expect(r.stdout).not.toMatch(/^Capture \d+ size/m);
    const j = json(['--max-batch', '64', '--curve', 'fixtures/curves/flat.json']);
    expect(j.trend).toMatchObject({ kind: 'flat', source: 'curve', firstBatch: 1, lastBatch: 64 });
    expect(j.trend.riseShare).toBeCloseTo(0.003 - 0.0005, 3);
  });

  it('a falling curve says to re-measure', () => {
    const j = json(['--max-batch', '64', '--curve', 'fixtures/curves/falling.json']);
    expect(j.trend.kind).toBe('falling');
    expect(j.advice).toMatch(/^The step time falls as the batch grows \(measured: 5\.00 ms at batch 1, 4\.00 ms at 64\)\./);
    expect(j.advice).toContain('re-measure');
  });

  it('a flat --from run (the spin kernels of graphprof run on an H200) says so; --within still applies', () => {
    const j = json(['--max-batch', '256', '--mem-budget', '500MB', '--from', 'fixtures/compare/real/h200-run-a.json', '--within', '1%']);
    expect(j.trend).toMatchObject({ kind: 'flat', source: 'file' });
    expect(j.graphCount).toBe(1);
    expect(j.advice).toMatch(/^The step time barely grows with the batch \(fitted from the run: \+0\.4% from batch 1 to 256/);
    expect(j.advice).toContain('above the pool within 1.0% of the optimum (1 size,');
  });

  it('the default model rises: the usual advice', () => {
    const j = json(['--max-batch', '256', '--mem-budget', '500MB']);
    expect(j.trend).toMatchObject({ kind: 'rising', source: 'default' });
    expect(j.advice).toMatch(/^Capture 27 sizes/);
  });
});

describe('graphprof recommend --engine-log', () => {
  it('takes capture time and memory per graph from the log, says so, and scores the engine\'s own list', () => {
    const j = json(['--max-batch', '8', '--engine-log', 'fixtures/engine-logs/sglang-mar2026-musa.log']);
    expect(j.model.captureBaseNs).toBe(Math.round(27.41e9 / 4));
    expect(j.model.graphMemBytes).toBe(Math.round((0.83 * 2 ** 30) / 4));
    expect(j.model.sources).toMatchObject({ captureBaseNs: 'engine-log', graphMemBytes: 'engine-log', poolPerSeqBytes: 'engine-log', stepBaseNs: 'default' });
    expect(j.engineLogs).toHaveLength(1);
    expect(j.engineLogs[0]).toMatchObject({ engine: 'sglang', ranks: 2, graphCount: 4, unread: [] });
    const own = j.baselines.find((b) => b.name === 'SGLang list in fixtures/engine-logs/sglang-mar2026-musa.log')!;
    expect(own.sizes).toEqual([1, 2, 4, 8]);
    expect(own.memoryBytes).toBe(4 * Math.round((0.83 * 2 ** 30) / 4));
    expect(own.captureNs).toBe(4 * Math.round(27.41e9 / 4));
  });

  it('a partial log: figures read are used, the ones missing are named, exit 0', () => {
    const j = json(['--max-batch', '256', '--engine-log', 'fixtures/engine-logs/sglang-v0.4-jan2025.log']);
    expect(j.model.sources).toMatchObject({ captureBaseNs: 'engine-log', graphMemBytes: 'default' });
    expect(j.notes).toContain('fixtures/engine-logs/sglang-v0.4-jan2025.log (sglang): could not read capture memory (the end line prints none: an older SGLang); the captured size list (no cudagraph_capture_sizes or "Capture cuda graph bs" line)');
  });

  it('a log with no capture line: one line, exit 2', () => {
    const r = graphprof(['recommend', '--engine-log', 'fixtures/engine-logs/no-capture-line.log']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^graphprof: fixtures\/engine-logs\/no-capture-line\.log: no CUDA graph capture line, size list or capture progress bar found/);
  });

  it('with a curve: step times from the curve, capture figures from the log', () => {
    const j = json(['--max-batch', '64', '--curve', 'fixtures/curves/flat.json', '--engine-log', 'fixtures/engine-logs/vllm-v0.10.0-v1.log']);
    expect(j.model.sources).toMatchObject({ stepBaseNs: 'curve', captureBaseNs: 'engine-log', graphMemBytes: 'engine-log' });
  });
});
