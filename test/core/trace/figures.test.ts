import { describe, expect, it } from 'vitest';

import { launchClassifier } from '../../../src/core/analyze/launch-apis.js';
import { nsysSumRows, nvtxSumRows, traceFigures } from '../../../src/core/trace/figures.js';
import { HISTOGRAM_RELATIVE_ERROR, histogramOf } from '../../../src/core/trace/histogram.js';
import { mergeApi, stdDevNs } from '../../../src/core/trace/merge.js';
import { parseStepMarker, typicalTimelineStep } from '../../../src/core/trace/steps.js';
import { toTraceRecord } from '../../../src/ingest/trace-record.js';
import { child, parent } from './records.js';

describe('merging processes', () => {
  it('adds calls, nested calls, totals and histograms per API name', () => {
    const api = mergeApi([parent, child]);
    const cu = api.find((r) => r.name === 'cuLaunchKernel')!;
    expect(cu.count).toBe(50);
    expect(cu.extra).toBe(1000);
    expect(cu.totalNs).toBe(200_000);
    expect(cu.medNs).toBeCloseTo(4000, -2);
    const rt = api.find((r) => r.name === 'cudaLaunchKernel')!;
    expect(rt.count).toBe(1000);
    expect(rt.minNs).toBe(2900);
    expect(rt.maxNs).toBe(15_000);
    // sorted by total time, largest first, as nsys prints
    expect(api.map((r) => r.totalNs)).toEqual([...api.map((r) => r.totalNs)].sort((a, b) => b - a));
  });

  it('merges medians through the histograms', () => {
    const a = { ...parent, api: [{ ...parent.api[0]!, name: 'x', calls: 3, nestedCalls: 0, totalNs: 300, minNs: 100, maxNs: 100, medNs: 100, sumSqNs2: 30_000, hist: histogramOf([100, 100, 100]) }] };
    const b = { ...child, api: [{ ...parent.api[0]!, name: 'x', calls: 2, nestedCalls: 0, totalNs: 20_000, minNs: 10_000, maxNs: 10_000, medNs: 10_000, sumSqNs2: 2e8, hist: histogramOf([10_000, 10_000]) }] };
    const [row] = mergeApi([a, b]);
    expect(row!.count).toBe(5);
    expect(Math.abs(row!.medNs - 100) / 100).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    expect(stdDevNs(row!)).toBeCloseTo(Math.sqrt((3 * (100 - 4060) ** 2 + 2 * (10_000 - 4060) ** 2) / 4), 6);
  });

  it('counts launches with analyze\'s table: outermost calls once, graph launches apart', () => {
    const f = traceFigures([parent, child], launchClassifier, null, 'nvtx:decode_step');
    expect(f.launches.launchCalls).toBe(1050);
    expect(f.launches.graphLaunchCalls).toBe(5);
    expect(f.launches.byApi.map((a) => [a.name, a.calls, a.nestedCalls])).toEqual(
      expect.arrayContaining([
        ['cudaLaunchKernel', 1000, 0],
        ['cuLaunchKernel', 50, 1000],
        ['cudaGraphLaunch_v10000', 5, 0],
      ]),
    );
    expect(f.totals.kernelInstances).toBe(1100);
    expect(f.processes.map((p) => [p.pid, p.launchCalls])).toEqual([
      [4242, 1000],
      [4243, 50],
    ]);
  });

  it('gives per-step figures and their spread from the marker, and totals per --steps', () => {
    const f = traceFigures([parent, child], launchClassifier, null, 'nvtx:decode_step');
    expect(f.steps).toMatchObject({ marker: 'nvtx:decode_step', count: 10, launchesVary: false });
    expect(f.steps!.launches.p50).toBe(100);
    expect(f.steps!.apiNs.p50).toBe(564_500);
    expect(f.steps!.durationNs.min).toBe(480_000);
    expect(f.steps!.durationNs.max).toBe(490_000);
    const g = traceFigures([parent], launchClassifier, 4, null);
    expect(g.steps).toBeNull();
    expect(g.inSteps).toBeNull();
    expect(g.perStep).toMatchObject({ steps: 4, source: 'steps-flag', scope: 'whole-run', launchCalls: 250 });
  });

  it('divides only what ran inside the steps; set-up, graphs after the loop and the child stay outside, undivided', () => {
    const f = traceFigures([parent, child], launchClassifier, null, 'nvtx:decode_step');
    // in the steps: 1,000 launches, 20 copies, 10 memsets, 10 syncs over 10 steps
    expect(f.perStep).toMatchObject({ steps: 10, source: 'step-marker', scope: 'in-steps', launchCalls: 100, graphLaunchCalls: 0, apiCalls: 104, kernelInstances: 100 });
    expect(f.perStep.kernelNs).toBe((600 * 4100 + 400 * 1500) / 10);
    // outside: 2 cudaMalloc and 5 graph launches of the parent, 50 launches and a sync of the child
    expect(f.outside).toMatchObject({ launchCalls: 50, graphLaunchCalls: 5, apiCalls: 58, kernelInstances: 100 });
    expect(f.inSteps!.memset.map((m) => [m.name, m.count])).toEqual([['[CUDA memset]', 10]]);
    expect(f.outsideSteps!.api.map((a) => a.name).sort()).toEqual(['cuCtxSynchronize', 'cuLaunchKernel', 'cudaGraphLaunch_v10000', 'cudaMalloc']);
    // every whole-run call is on one side
    for (const a of f.rows.api) {
      const side = (rows: typeof f.rows.api) => rows.find((r) => r.name === a.name)?.count ?? 0;
      expect(side(f.inSteps!.api) + side(f.outsideSteps!.api)).toBe(a.count);
    }
    const s = f.steps!;
    expect([s.syncs.p50, s.allocations.max, s.copies.p50, s.memsets.p50]).toEqual([1, 0, 2, 1]);
    expect(s.gpuNs!.min).toBe(60 * 4100 + 40 * 1500 + 2 * 1200 + 800);
    expect(s.gpuBusyNs!.p50).toBe(s.gpuNs!.p50 - 5000);
  });

  it('reads a /1 record: memsets out of the copies, no scoped rows, whole-run totals per step', () => {
    const v1 = JSON.parse(JSON.stringify(parent)) as Record<string, unknown>;
    v1.schema = 'graphprof-trace-record/1';
    v1.memcpy = [...(v1.memcpy as unknown[]), ...(v1.memset as unknown[])];
    delete v1.memset;
    const r = toTraceRecord(v1);
    expect(r.inSteps).toBeNull();
    expect(r.timeline).toBeNull();
    expect(r.memcpy.map((m) => m.name)).toEqual(['[CUDA memcpy Device-to-Host]']);
    expect(r.memset.map((m) => [m.name, m.instances])).toEqual([['[CUDA memset]', 10]]);
    const f = traceFigures([r], launchClassifier, null, 'nvtx:decode_step');
    expect(f.perStep).toMatchObject({ steps: 10, scope: 'whole-run', launchCalls: 100, graphLaunchCalls: 0.5 });
    expect(f.outside).toBeNull();
  });

  it('reads the timeline of a record and refuses a bad event', () => {
    expect(parent.timeline!.steps[0]).toMatchObject({ index: 4, host: [{ name: 'cudaLaunchKernel_v7000', correlationId: 401 }], device: [{ kind: 'kernel', stream: 7, graph: false }] });
    const bad = JSON.parse(JSON.stringify(parent)) as { timeline: { steps: { device: { kind: string }[] }[] } };
    bad.timeline.steps[0]!.device[0]!.kind = 'copy';
    expect(() => toTraceRecord(bad)).toThrow('timeline.steps[0].device[0].kind: expected kernel, memcpy or memset, got "copy"');
  });

  it('picks the timeline step of median duration', () => {
    const step = (index: number, ns: number) => ({ index, tid: 1, startNs: index * 1000, endNs: index * 1000 + ns, host: [], device: [] });
    expect(typicalTimelineStep([])).toBeNull();
    expect(typicalTimelineStep([step(0, 50), step(1, 900), step(2, 70)])!.index).toBe(2);
    expect(typicalTimelineStep([step(0, 50), step(1, 900), step(2, 70), step(3, 60)])!.index).toBe(3);
  });

  it('checks step markers', () => {
    expect(parseStepMarker('nvtx:decode step')).toEqual({ kind: 'nvtx', name: 'decode step' });
    expect(parseStepMarker('api:cudaStreamSynchronize')).toEqual({ kind: 'api', name: 'cudaStreamSynchronize' });
    expect(() => parseStepMarker('decode_step')).toThrow('expected nvtx:NAME');
    expect(() => parseStepMarker('api:printf')).toThrow('api:NAME names a CUDA runtime or driver API');
  });
});

describe('the figures the renderers print (report/trace-table.ts, report/nsys-csv.ts format them only)', () => {
  it('gives each API row its share of the outermost-call host time', () => {
    const f = traceFigures([parent, child], launchClassifier, null, null);
    const api = f.tables.api;
    for (const a of api) expect(a.share).toBeCloseTo(a.totalNs / f.totals.apiNs, 12);
    expect(api.reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 12);
  });

  it('gives the nsys rows with Time (%) over the rows that have calls, and their average', () => {
    const rows = nsysSumRows(mergeApi([parent, child]));
    expect(rows.every((r) => r.count > 0)).toBe(true);
    expect(rows.reduce((s, r) => s + r.timePct, 0)).toBeCloseTo(100, 9);
    const rt = rows.find((r) => r.name === 'cudaLaunchKernel')!;
    expect(rt.avgNs).toBe(rt.totalNs / 1000);
  });

  it('summarises NVTX ranges as nvtx_sum: median of an even count, sample StdDev, shares of all ranges', () => {
    const [a, b] = nvtxSumRows([
      { range: ':step', style: 'PushPop', durationsNs: [40, 10, 30, 20] },
      { range: ':none', style: 'PushPop', durationsNs: [] },
      { range: 'other', style: 'StartEnd', durationsNs: [300] },
    ]);
    expect(a).toEqual({ timePct: 25, count: 4, totalNs: 100, avgNs: 25, medNs: 25, minNs: 10, maxNs: 40, stdDevNs: Math.sqrt(500 / 3), style: 'PushPop', range: ':step' });
    expect(b).toMatchObject({ timePct: 75, count: 1, medNs: 300, stdDevNs: 0, style: 'StartEnd' });
  });
});
