import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { launchClassifier } from '../../src/commands/trace.js';
import { traceFigures } from '../../src/core/trace/figures.js';
import { bucketMid, bucketOf, HISTOGRAM_BUCKETS, HISTOGRAM_RELATIVE_ERROR, histogramMedian, histogramOf } from '../../src/core/trace/histogram.js';
import { mergeApi, mergeDevice, nsysApiName, stdDevNs } from '../../src/core/trace/merge.js';
import type { TraceRecord } from '../../src/core/trace/record.js';
import { parseStepMarker } from '../../src/core/trace/steps.js';
import { toTraceRecord } from '../../src/ingest/trace-record.js';
import { median } from '../../src/core/stats.js';
import { nsysHeader, renderNsysCsv } from '../../src/report/nsys-csv.js';

const root = join(__dirname, '..', '..');
const load = (pid: number): TraceRecord => toTraceRecord(JSON.parse(readFileSync(join(root, 'fixtures', 'trace', 'processes', `trace-${pid}.json`), 'utf8')));
const parent = load(4242);
const child = load(4243);

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('log-bucketed histogram (same scheme as native/trace/histogram.h)', () => {
  it('keeps values below 32 ns exact and bounds every bucket within 1/64 of its midpoint', () => {
    for (let v = 0; v < 32; v++) expect(bucketMid(bucketOf(v))).toBe(v);
    const rnd = lcg(7);
    for (let i = 0; i < 20_000; i++) {
      const v = Math.floor(32 + rnd() * 2 ** (5 + rnd() * 35));
      const mid = bucketMid(bucketOf(v));
      expect(Math.abs(mid - v) / v).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('is monotonic and handles powers of two and the top bucket', () => {
    let last = -1;
    for (let e = 5; e < 43; e++) {
      for (const v of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
        const b = bucketOf(v);
        expect(b).toBeGreaterThanOrEqual(last);
        last = b;
      }
      expect(bucketOf(2 ** e)).toBe(32 + (e - 5) * 32);
    }
    expect(bucketOf(2 ** 50)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it('gives medians within the stated error of the exact median (nsys: mean of the middle two)', () => {
    const rnd = lcg(42);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rnd() * 3000);
      const values = Array.from({ length: n }, () => Math.floor(500 + rnd() * rnd() * 2e6));
      const exact = median(values);
      const est = histogramMedian(histogramOf(values), n, Math.min(...values), Math.max(...values));
      expect(Math.abs(est - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
    expect(histogramMedian(histogramOf([10, 20]), 2, 10, 20)).toBe(15);
  });
});

describe('trace records', () => {
  it('reads a record as the library writes it', () => {
    expect(parent.pid).toBe(4242);
    expect(parent.api.find((a) => a.name === 'cuLaunchKernel')).toMatchObject({ calls: 0, nestedCalls: 1000, domain: 'driver' });
    expect(parent.steps).toHaveLength(10);
    expect(load(4244)).toMatchObject({ complete: false, api: [], steps: [] });
  });

  it('reads the capture ranges a record collected, null where the library did not say', () => {
    expect(parent.captureRanges).toBeNull();
    const base = JSON.parse(JSON.stringify(parent)) as Record<string, unknown>;
    expect(toTraceRecord({ ...base, collection: { captureRange: 'cudaProfilerApi', captureRanges: 0 } }).captureRanges).toBe(0);
    expect(toTraceRecord({ ...base, collection: { captureRange: 'cudaProfilerApi', captureRanges: 21 } }).captureRanges).toBe(21);
    expect(toTraceRecord({ ...base, collection: { captureRanges: -1 } }).captureRanges).toBeNull();
  });

  it('refuses a record of another schema or with a bad field, naming it', () => {
    expect(() => toTraceRecord({ schema: 'other/1' })).toThrow('record.schema: expected "graphprof-trace-record/2" (or "graphprof-trace-record/1"), got "other/1"');
    const bad = JSON.parse(JSON.stringify(parent)) as { api: { calls: unknown }[] };
    bad.api[0]!.calls = -3;
    expect(() => toTraceRecord(bad)).toThrow('api[0].calls: expected a number >= 0, got -3');
  });

  it('names APIs as nsys does: only a 4-digit version suffix goes', () => {
    expect(nsysApiName('cudaLaunchKernel_v7000')).toBe('cudaLaunchKernel');
    expect(nsysApiName('cudaGraphLaunch_v10000')).toBe('cudaGraphLaunch_v10000');
    expect(nsysApiName('cuMemAlloc_v2')).toBe('cuMemAlloc_v2');
    expect(nsysApiName('__cudaLaunchKernel_v13000')).toBe('__cudaLaunchKernel_v13000');
  });
});

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
    expect(f.perStep).toMatchObject({ steps: 10, source: 'step-marker', launchCalls: 105 });
    const g = traceFigures([parent], launchClassifier, 4, null);
    expect(g.steps).toBeNull();
    expect(g.perStep).toMatchObject({ steps: 4, source: 'steps-flag', launchCalls: 250 });
  });

  it('checks step markers', () => {
    expect(parseStepMarker('nvtx:decode step')).toEqual({ kind: 'nvtx', name: 'decode step' });
    expect(parseStepMarker('api:cudaStreamSynchronize')).toEqual({ kind: 'api', name: 'cudaStreamSynchronize' });
    expect(() => parseStepMarker('decode_step')).toThrow('expected nvtx:NAME');
    expect(() => parseStepMarker('api:printf')).toThrow('api:NAME names a CUDA runtime or driver API');
  });
});

describe('nsys-compatible CSV', () => {
  const fixtureHeader = (file: string) => readFileSync(join(root, 'fixtures', 'nsys', file), 'utf8').split('\n')[0];

  it('has exactly the header of nsys stats --format csv (2023+)', () => {
    expect(nsysHeader('cuda_api_sum')).toBe(fixtureHeader('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'));
    expect(nsysHeader('cuda_api_sum')).toBe(fixtureHeader('mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'));
    expect(nsysHeader('cuda_gpu_kern_sum')).toBe(fixtureHeader('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'));
  });

  it('writes rows in the fixtures\' number format and reads back to the same figures', () => {
    const api = mergeApi([parent, child]);
    const text = renderNsysCsv('cuda_api_sum', api);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const used = api.filter((r) => r.count > 0);
    expect(rows).toHaveLength(used.length);
    const real = readFileSync(join(root, 'fixtures', 'nsys', 'mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'), 'utf8').split('\n')[1]!;
    const shape = (line: string) => line.split(',').slice(0, 8).map((c) => (/^\d+\.\d$/.test(c) ? 'd.1' : /^\d+$/.test(c) ? 'int' : c));
    for (const line of text.split('\n').slice(1, -1)) expect(shape(line)).toEqual(shape(real));
    const launch = rows.find((r) => r.Name === 'cudaLaunchKernel')!;
    expect(Number(launch['Num Calls'])).toBe(1000);
    expect(Number(launch['Total Time (ns)'])).toBe(api.find((r) => r.name === 'cudaLaunchKernel')!.totalNs);
    expect(Number(launch['Min (ns)'])).toBe(2900);
    expect(Number(launch['Max (ns)'])).toBe(15_000);
    expect(rows.find((r) => r.Name === 'cudaStreamSynchronize')!['StdDev (ns)']).toBe('0.0');
    const shares = rows.reduce((s, r) => s + Number(r['Time (%)']), 0);
    expect(shares).toBeGreaterThan(99.5);
    expect(shares).toBeLessThan(100.5);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\r');
    // the nested-only driver row is not a call of the program: not in the report
    expect(rows.find((r) => r.Name === 'cuLaunchKernel')!['Num Calls']).toBe('50');
  });

  it('computes StdDev as nsys does (sample, n - 1)', () => {
    // mini-vllm fixture: cudaStreamCreateWithFlags, 2 calls of 10252 and 171492337 ns -> 121256145.2
    const row = { count: 2, totalNs: 10252 + 171492337, sumSqNs2: 10252 ** 2 + 171492337 ** 2 };
    expect(stdDevNs(row).toFixed(1)).toBe('121256145.2');
  });

  it('quotes kernel names with commas and keeps the Instances column', () => {
    const text = renderNsysCsv('cuda_gpu_kern_sum', mergeDevice([parent, child], 'kernels'));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(text).toContain('"void gemv<float>(const float *, float *, int)"');
    expect(rows.map((r) => r.Name)).toEqual(['void gemv<float>(const float *, float *, int)', 'elementwise_add(float *, const float *, int)', 'triton_poi_fused_add_0']);
    expect(rows.map((r) => Number(r.Instances))).toEqual([600, 450, 50]);
    expect(rows[1]!['Med (ns)']).toBe('1500.0');
  });
});
