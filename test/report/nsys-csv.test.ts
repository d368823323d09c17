import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { nsysSumRows } from '../../src/core/trace/figures.js';
import { mergeApi, mergeDevice, stdDevNs } from '../../src/core/trace/merge.js';
import { nsysHeader, renderNsysCsv } from '../../src/report/nsys-csv.js';
import { child, parent, root } from '../core/trace/records.js';

describe('nsys-compatible CSV', () => {
  const fixtureHeader = (file: string) => readFileSync(join(root, 'fixtures', 'nsys', file), 'utf8').split('\n')[0];

  it('has exactly the header of nsys stats --format csv (2023+)', () => {
    expect(nsysHeader('cuda_api_sum')).toBe(fixtureHeader('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'));
    expect(nsysHeader('cuda_api_sum')).toBe(fixtureHeader('mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'));
    expect(nsysHeader('cuda_gpu_kern_sum')).toBe(fixtureHeader('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'));
  });

  it('writes rows in the fixtures\' number format and reads back to the same figures', () => {
    const api = mergeApi([parent, child]);
    const text = renderNsysCsv('cuda_api_sum', nsysSumRows(api));
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
    const text = renderNsysCsv('cuda_gpu_kern_sum', nsysSumRows(mergeDevice([parent, child], 'kernels')));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(text).toContain('"void gemv<float>(const float *, float *, int)"');
    expect(rows.map((r) => r.Name)).toEqual(['void gemv<float>(const float *, float *, int)', 'elementwise_add(float *, const float *, int)', 'triton_poi_fused_add_0']);
    expect(rows.map((r) => Number(r.Instances))).toEqual([600, 450, 50]);
    expect(rows[1]!['Med (ns)']).toBe('1500.0');
  });
});
