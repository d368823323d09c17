import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { ProfileAnalysis } from '../../../src/core/analyze/schema.js';
import { stepBreakdown } from '../../../src/core/pictures/breakdown.js';
import { binByBatch, lineStepTime, paddingCost, resultStepTime } from '../../../src/core/pictures/padding.js';
import { band, runPictures, spread } from '../../../src/core/pictures/run.js';
import { stepSeries } from '../../../src/core/pictures/step-series.js';
import { gaps, stepTimeline, union, type TimelineStep } from '../../../src/core/pictures/timeline.js';
import type { RecommendResult } from '../../../src/core/recommend/recommend.js';
import type { RunResult } from '../../../src/core/schema.js';
import { root } from '../../e2e/cli.js';

const json = <T>(...p: string[]): T => JSON.parse(readFileSync(join(root, ...p), 'utf8')) as T;

describe('run pictures', () => {
  it('bands are p10/p50/p90 of the raw samples (type 7 quantiles)', () => {
    const samples = Array.from({ length: 11 }, (_, i) => 100 + i * 10); // 100..200
    expect(band(samples, -1)).toEqual({ p10Ns: 110, p50Ns: 150, p90Ns: 190, count: 11 });
    expect(band(undefined, 42)).toEqual({ p10Ns: null, p50Ns: 42, p90Ns: null, count: 0 });
    expect(band([1, NaN], 42).p10Ns).toBeNull();
    expect(spread([5, 1, 3])).toEqual({ minNs: 1, p10Ns: 1.4, p50Ns: 3, p90Ns: 4.6, maxNs: 5, count: 3 });
  });

  it('on the real H200 run: the band brackets the summary p50, which it reproduces', () => {
    const r = json<RunResult>('fixtures', 'compare', 'real', 'h200-run-a.json');
    const rows = runPictures(r);
    expect(rows.map((x) => x.batch)).toEqual([1, 2, 4, 8, 16, 32]);
    for (const [i, x] of rows.entries()) {
      expect(x.eager.p50Ns).toBeCloseTo(r.results[i]!.eager.stepNs.p50Ns, 6);
      expect(x.graph.p90Ns).toBeCloseTo(r.results[i]!.graph.stepNs.p90Ns, 6);
      expect(x.eager.p10Ns!).toBeLessThanOrEqual(x.eager.p50Ns);
      expect(x.launch!.count).toBe(100);
      expect(x.launch!.p50Ns).toBeCloseTo(r.results[i]!.eager.launchNs.p50Ns, 6);
      expect(x.setupNs).toBe(r.results[i]!.graph.captureNs + r.results[i]!.graph.instantiateNs + r.results[i]!.graph.uploadNs);
    }
  });
});

describe('step series', () => {
  it('keeps every step up to the bin limit', () => {
    const s = stepSeries([5, 1, 3])!;
    expect(s.binSize).toBe(1);
    expect(s.bins.map((b) => b.p50Ns)).toEqual([5, 1, 3]);
    expect(s.p50Ns).toBe(3);
    expect(stepSeries([])).toBeNull();
  });

  it('bins a long run to a bounded size, keeping the warm-up and an outlier visible', () => {
    const d = Array.from({ length: 10_000 }, (_, i) => (i === 0 ? 50_000 : i === 7_777 ? 9_000 : 1_000 + (i % 3)));
    const s = stepSeries(d, 400)!;
    expect(s.bins).toHaveLength(400);
    expect(s.binSize).toBe(25);
    expect(s.bins[0]).toMatchObject({ first: 0, last: 24, maxNs: 50_000, p50Ns: 1_001 });
    const out = s.bins.find((b) => b.first <= 7_777 && 7_777 <= b.last)!;
    expect(out.maxNs).toBe(9_000);
    expect(s.outliers).toBe(2);
    expect(s.outlierAboveNs).toBeCloseTo(1_001 + (3.5 * 1) / 0.6745, 6);
    expect(JSON.stringify(s).length).toBeLessThan(40_000);
  });

  it('a million steps still make 400 bins', () => {
    const d = Array.from({ length: 1_000_000 }, (_, i) => 1_000 + (i % 97));
    const s = stepSeries(d)!;
    expect(s.bins).toHaveLength(400);
    expect(s.binSize).toBe(2_500);
    expect(s.count).toBe(1_000_000);
  });
});

describe('step timeline', () => {
  it('union merges overlaps; gaps are the rest of the window', () => {
    expect(union([{ startNs: 5, endNs: 8 }, { startNs: 0, endNs: 3 }, { startNs: 2, endNs: 4 }, { startNs: 8, endNs: 9 }])).toEqual([
      { startNs: 0, endNs: 4 },
      { startNs: 5, endNs: 9 },
    ]);
    expect(gaps(0, 12, [{ startNs: 2, endNs: 4 }, { startNs: 3, endNs: 6 }, { startNs: 10, endNs: 20 }])).toEqual([
      { startNs: 0, endNs: 2 },
      { startNs: 6, endNs: 10 },
    ]);
    expect(gaps(0, 10, [])).toEqual([{ startNs: 0, endNs: 10 }]);
  });

  it('GPU busy is the union over streams, idle the rest of the step; launches pair by correlation id', () => {
    const s: TimelineStep = {
      index: 3,
      tid: 1,
      startNs: 100,
      endNs: 200,
      host: [
        { tid: 1, name: 'cudaLaunchKernel', startNs: 100, durationNs: 10, correlationId: 1 },
        { tid: 1, name: 'cudaLaunchKernel', startNs: 105, durationNs: 10, correlationId: 2 },
        { tid: 2, name: 'cudaEventQuery', startNs: 150, durationNs: 5, correlationId: 0 },
      ],
      device: [
        { stream: 1, kind: 'kernel', name: 'a', startNs: 120, durationNs: 30, correlationId: 1, graph: false },
        { stream: 2, kind: 'kernel', name: 'b', startNs: 140, durationNs: 20, correlationId: 2, graph: false },
        { stream: 2, kind: 'memcpy', name: 'c', startNs: 190, durationNs: 30, correlationId: 9, graph: false },
      ],
    };
    const f = stepTimeline(s);
    expect(f.threads).toEqual([1, 2]);
    expect(f.streams).toEqual([1, 2]);
    expect(f.gpuBusyNs).toBe(40 + 10); // 120-160, and 190-200 clipped to the step
    expect(f.gpuIdle).toEqual([
      { startNs: 100, endNs: 120 },
      { startNs: 160, endNs: 190 },
    ]);
    expect(f.hostApiNs).toBe(15);
    expect(f.hostGaps).toEqual([{ startNs: 115, endNs: 200 }]);
    expect(f.pairs).toBe(2);
  });
});

describe('step breakdown', () => {
  const analyze = () => json<{ profiles: ProfileAnalysis[] }>('fixtures', 'report', 'analyze.json').profiles;
  const trace = () => json<{ analysis: ProfileAnalysis }>('fixtures', 'report', 'trace.json').analysis;

  it('host segments add up to W (or to the API time above it); the GPU bar is G and the rest of W', () => {
    const p = trace();
    const b = stepBreakdown(p);
    expect(b.wallBasis).toBe('measured');
    expect(b.wallNs).toBe(p.model.eagerStepNs.value);
    const host = b.host.launchNs + b.host.syncNs + b.host.otherApiNs + b.host.betweenNs;
    expect(host).toBeCloseTo(Math.max(b.wallNs, p.perStep.hostApiNs), 3);
    expect(b.host.launchNs).toBe(p.perStep.launchTotalNs);
    expect(b.gpu!.busyNs).toBe(p.model.gpuStepNs.value);
    expect(b.gpu!.busyNs + b.gpu!.idleNs).toBeCloseTo(b.wallNs, 3);
  });

  it('the predicted graph step splits into the kernels, the nodes\' replay cost and one graph launch', () => {
    const p = trace();
    const g = stepBreakdown(p).graph!;
    expect(g.totalNs).toBe(p.model.graphStepNs.value);
    expect(g.gpuNs + g.replayOverheadNs + g.launchNs).toBeCloseTo(g.totalNs, 3);
    expect(g.launchNs).toBe(p.model.graphStepNs.graphLaunchNs);
    expect(g.gpuNs).toBe(Math.min(p.model.gpuStepNs.value!, p.model.graphStepNs.replayNs!));
  });

  it('without GPU time there is no GPU bar and no prediction, and the breakdown says what is missing', () => {
    const p = analyze().find((x) => x.model.gpuStepNs.value === null)!;
    const b = stepBreakdown(p);
    expect(b.gpu).toBeNull();
    expect(b.graph).toBeNull();
    expect(b.missing.length).toBeGreaterThan(0);
    expect(b.wallBasis).toBe('estimated');
  });
});

describe('padding cost', () => {
  it('each batch pays T(s) - T(n) at the size that serves it, the eager penalty above the largest', () => {
    const model = { stepBaseNs: 1000, stepPerSeqNs: 10, eagerPenaltyNs: 500, graphMemBytes: 0, poolPerSeqBytes: 0, captureBaseNs: 0, capturePerSeqNs: 0 };
    const pts = paddingCost(lineStepTime(model), [4, 2], [[1, 0.5], [3, 0.25], [4, 0.125], [6, 0.125]]);
    expect(pts).toEqual([
      { batch: 1, servedBy: 2, costNs: 10, expectedNs: 5 },
      { batch: 3, servedBy: 4, costNs: 10, expectedNs: 2.5 },
      { batch: 4, servedBy: 4, costNs: 0, expectedNs: 0 },
      { batch: 6, servedBy: null, costNs: 500, expectedNs: 62.5 },
    ]);
  });

  it('summed over the distribution it is expected - ideal step, as recommend computed it (fixture)', () => {
    const r = json<RecommendResult>('fixtures', 'report', 'recommend.json');
    const total = (sizes: number[]) => paddingCost(resultStepTime(r), sizes, r.distribution.shares!).reduce((s, x) => s + x.expectedNs, 0);
    expect(total(r.sizes)).toBeCloseTo(r.expectedStepNs - r.idealStepNs, 3);
    for (const b of r.baselines) expect(total(b.sizes)).toBeCloseTo(b.expectedStepNs - r.idealStepNs, 3);
    expect(r.distribution.shares!.reduce((s, [, p]) => s + p, 0)).toBeCloseTo(1, 12);
  });

  it('bins consecutive batch sizes, keeping the sum', () => {
    const pts = Array.from({ length: 10 }, (_, i) => ({ batch: i + 1, v: 1 }));
    expect(binByBatch(pts, 3, (p) => p.v)).toEqual([
      { x0: 1, x1: 5, sum: 4 },
      { x0: 5, x1: 9, sum: 4 },
      { x0: 9, x1: 13, sum: 2 },
    ]);
  });
});
