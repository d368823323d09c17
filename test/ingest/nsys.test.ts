import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parse as parseCsvSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import type { ApiRow } from '../../src/core/analyze/schema.js';
import { mulberry32 } from '../../src/core/random.js';
import { InputError } from '../../src/errors.js';
import { splitCsvRecord } from '../../src/ingest/csv.js';
import { draftProfiles, parseFile, parseText, readInputs, reportFileBase } from '../../src/ingest/nsys.js';
import { cellsBySpans, dashSpans, parseNumberCell, parseTitle } from '../../src/ingest/nsys-reports.js';
import { DurationHistogram } from '../../src/ingest/nsys-trace.js';

const fx = (name: string): string => resolve(__dirname, '..', '..', 'fixtures', 'nsys', name);
const bad = (name: string): string => resolve(__dirname, '..', '..', 'fixtures', 'bad', name);

function api(path: string, index = 0): Map<string, ApiRow> {
  const drafts = draftProfiles(parseFile(path));
  return new Map(drafts[index]!.profile.api.map((r) => [r.name, r]));
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

async function asyncErrorOf(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('real nsys stats outputs (fixtures/nsys)', () => {
  it('cs336 2024.6.2 stdout: column text among SKIPPED lines, osrt_sum told apart from cuda_api_sum', () => {
    const file = parseFile(fx('cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt'));
    expect(file.tables.map((t) => t.report)).toEqual(['osrt_sum', 'cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum', 'cuda_gpu_mem_size_sum']);
    const rows = api(fx('cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt'));
    expect(rows.size).toBe(18);
    expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 7328, totalNs: 2361231070, medianNs: 6129.5, avgNs: 322220.4, line: 74 });
    expect(rows.get('cudaGetDeviceProperties_v2_v12000')).toMatchObject({ calls: 1, totalNs: 3405931 });
    const p = draftProfiles(file)[0]!.profile;
    expect(p.kernels).toHaveLength(23);
    // a kernel name cut at 100 characters with an ellipsis stays as printed
    expect(p.kernels!.filter((k) => k.name.endsWith('…')).length).toBeGreaterThan(10);
    expect(p.kernels!.reduce((s, k) => s + k.instances, 0)).toBe(7328);
    expect(p.memOps).toMatchObject([{ operation: '[CUDA memcpy Host-to-Device]', count: 294, totalNs: 4460346194 }]);
    // Min and Max are kept: the replay model prices a kernel name exactly when they sit on one side of its floor
    expect(p.memOps![0]!.minNs).toBeGreaterThan(0);
    expect(p.memOps![0]!.maxNs).toBeGreaterThanOrEqual(p.memOps![0]!.minNs!);
    expect(file.skipped.filter((s) => s.reason.startsWith("nsys:")).length).toBe(15);
  });

  it('cupy 2022.4.2: old report names, GridXYZ/BlockXYZ columns of several tokens', () => {
    const file = parseFile(fx('cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt'));
    expect(file.tables.map((t) => t.report)).toEqual(['osrt_sum', 'cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum', 'cuda_gpu_mem_size_sum']);
    const rows = api(fx('cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt'));
    expect(rows.get('cuLaunchKernel')).toMatchObject({ calls: 2244662, totalNs: 12294515566, medianNs: 5431 });
    expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 236316, totalNs: 1277796099, medianNs: 5697 });
    const kernels = draftProfiles(file)[0]!.profile.kernels!;
    expect(kernels[0]).toMatchObject({ name: 'cupy_add__float64_float64_float64', instances: 354354, totalNs: 8299053090 });
    expect(kernels.reduce((s, k) => s + k.instances, 0)).toBe(2480978);
  });

  it('cutlass: --stats=true log with bare carriage-return progress bars', () => {
    const rows = api(fx('cutlass-gemm_profile-stats_progressbars.log'));
    expect([...rows.keys()]).toEqual([
      'cudaMalloc',
      'cudaMemcpy',
      'cudaEventSynchronize',
      'cudaFree',
      'cudaLaunchKernel',
      'cudaEventCreate',
      'cudaEventRecord',
      'cudaEventDestroy',
      'cuModuleGetLoadingMode',
      'cuKernelGetName',
    ]);
    expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 13, totalNs: 138281, medianNs: 6165 });
  });

  it('paddle legacy (about 2020.3): "CUDA API Statistics (nanoseconds)", Calls/Average, no median', () => {
    const file = parseFile(fx('paddle-gcn_legacy-qdrep-era_stats.txt'));
    expect(file.tables.map((t) => t.report)).toEqual(['cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum', 'cuda_gpu_mem_size_sum', 'osrt_sum']);
    const rows = api(fx('paddle-gcn_legacy-qdrep-era_stats.txt'));
    expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 136, totalNs: 1798852, medianNs: null, avgNs: 13226.9 });
    expect(rows.get('cudaMalloc')).toMatchObject({ calls: 195, totalNs: 1709124966 });
    const p = draftProfiles(file)[0]!.profile;
    expect(p.kernels!.reduce((s, k) => s + k.instances, 0)).toBe(136);
    expect(p.memOps!.map((m) => [m.operation, m.count])).toEqual([
      ['[CUDA memcpy HtoD]', 215],
      ['[CUDA memcpy DtoD]', 56],
      ['[CUDA memcpy DtoH]', 43],
    ]);
  });

  it('bonsai llama.cpp CSV with graphs; its kernel summary with quoted names holding commas', () => {
    const rows = api(fx('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'));
    expect(rows.size).toBe(40);
    expect(rows.get('cudaGraphLaunch_v10000')).toMatchObject({ calls: 127, totalNs: 137065013, medianNs: 1043934 });
    expect(rows.get('cudaLaunchKernelExC_v11060')).toMatchObject({ calls: 96, totalNs: 9268022, medianNs: 3786 });
    const kern = parseFile(fx('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'));
    expect(kern.tables.map((t) => t.report)).toEqual(['cuda_gpu_kern_sum']);
    const kernels = kern.tables[0]!.kernels!;
    expect(kernels).toHaveLength(33);
    expect(kernels[0]!.name).toBe(
      'void mul_mat_vec_ptq1_0_pt<(int)1, (int)4, (bool)0, (bool)0>(const void *, const void *, ggml_cuda_mm_fusion_args_device, float *, int, int, int, int, int, int, uint3, uint3, bool)',
    );
    expect(kernels.reduce((s, k) => s + k.instances, 0)).toBe(197640);
  });

  it('mini-vllm clean CSV', () => {
    const rows = api(fx('mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'));
    expect(rows.size).toBe(20);
    expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 17576, totalNs: 151220920, medianNs: 7507 });
  });

  it('mineru: CSV on stdout with progress and SKIPPED lines, osrt_sum only', () => {
    const file = parseFile(fx('mineru-pipeline_csv-stdout_osrt-only_nsys2025.1.1.csv'));
    expect(file.tables.map((t) => t.report)).toEqual(['osrt_sum']);
    expect(file.skipped.find((s) => s.what === 'cuda_api_sum')).toMatchObject({ reason: 'nsys: no CUDA trace data', line: 70 });
  });

  it('zisk traces: CRLF cuda_api_trace summed per name, cuda_gpu_trace kernels and memory operations', () => {
    const t = parseFile(fx('zisk-zorch-prover-trimmed_cuda_api_trace.csv'));
    expect(t.tables[0]).toMatchObject({ report: 'cuda_api_trace', traceRows: 4 });
    expect(t.tables[0]!.api!.find((r) => r.name === 'cuModuleLoadFatBinary')).toMatchObject({ calls: 2, totalNs: 25634123, medianNs: 12817061.5 });
    expect(t.tables[0]!.api!.find((r) => r.name === 'cuLaunchKernelEx')).toMatchObject({ calls: 1, totalNs: 13620, medianNs: 13620 });
    const g = parseFile(fx('zisk-zorch-prover-trimmed_cuda_gpu_trace.csv'));
    expect(g.tables[0]).toMatchObject({ report: 'cuda_gpu_trace', traceRows: 8 });
    expect(g.tables[0]!.kernels!.map((k) => [k.name, k.instances, k.totalNs])).toEqual([
      ['evalTwiddleFirstKernel(gl64_t *, gl64_t *, unsigned int)', 1, 338079],
      ['evalTwiddleSecondKernel(gl64_t *, gl64_t *, unsigned int)', 1, 291008],
      ['loop_multiply_fusion', 1, 928],
      ['input_concatenate_fusion_3', 1, 832],
      ['input_concatenate_fusion_2', 1, 4160],
    ]);
    expect(g.tables[0]!.memOps!.map((m) => [m.operation, m.count, m.totalNs])).toEqual([
      ['[CUDA memset]', 1, 928],
      ['[CUDA memcpy Host-to-Device]', 2, 1184],
    ]);
    const n = parseFile(fx('zisk-zorch-prover-trimmed_nvtx_pushpop_trace.csv'));
    expect(n.tables.map((x) => x.report)).toEqual(['nvtx_pushpop_trace']);
  });

  it('markdown README with two runs pasted: two profiles, thousands separators', () => {
    const file = parseFile(fx('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md'));
    const drafts = draftProfiles(file);
    expect(drafts).toHaveLength(2);
    expect(api(fx('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md'), 0).get('cudaLaunchKernel')).toMatchObject({ calls: 1010, totalNs: 3201638, medianNs: 2922 });
    expect(api(fx('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md'), 1).get('cudaLaunchKernel')).toMatchObject({ calls: 1010, totalNs: 3145161, medianNs: 2894 });
    expect(drafts[1]!.profile.kernels).toMatchObject([{ name: 'vectorAdd(const float *, const float *, float *, int)', instances: 1010, totalNs: 1830493 }]);
  });

  it('the published decode-token profile: column text with "..." and the same as CSV', () => {
    const col = api(fx('decode-token-published_column.txt'));
    const csv = api(fx('decode-token-published_cuda_api_sum.csv'));
    for (const rows of [col, csv]) {
      expect(rows.get('cudaLaunchKernel')).toMatchObject({ calls: 847, totalNs: 12_690_000, medianNs: null, avgNs: 14988 });
      expect(rows.get('cudaMemcpyAsync')).toMatchObject({ calls: 212, totalNs: 8_430_000 });
      expect(rows.get('cudaStreamSynchronize')).toMatchObject({ calls: 424, totalNs: 5_520_000 });
    }
    expect(draftProfiles(parseFile(fx('decode-token-published_column.txt')))[0]!.profile.elidedRows).toBe(1);
  });
});

describe('variants', () => {
  const header = 'Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name';
  const row = '27.8,151220920,17576,8603.8,7507.0,6663,10079577,76054.0,cudaLaunchKernel';

  it('BOM, CRLF and no final newline', () => {
    const f = parseText('x.csv', `\ufeff${header}\r\n${row}\r\n1.0,100,2,50.0,50.0,40,60,10.0,cudaStreamSynchronize`);
    expect(f.tables[0]!.api!.map((r) => [r.name, r.calls])).toEqual([
      ['cudaLaunchKernel', 17576],
      ['cudaStreamSynchronize', 2],
    ]);
  });

  it('time units other than ns: (us) and (ms) are scaled to ns', () => {
    const us = parseText('x.csv', 'Time (%),Total Time (us),Num Calls,Avg (us),Med (us),Name\n50.0,12690.5,847,14.98,12.5,cudaLaunchKernel\n');
    expect(us.tables[0]!.api![0]).toMatchObject({ totalNs: 12_690_500, medianNs: 12_500, avgNs: 14_980 });
    const ms = parseText('x.csv', 'Time (%),Total Time (ms),Num Calls,Avg (ms),Med (ms),Name\n50.0,12.69,847,0.015,0.0125,cudaLaunchKernel\n');
    expect(ms.tables[0]!.api![0]!.totalNs).toBeCloseTo(12_690_000, 3);
    expect(ms.tables[0]!.api![0]!.medianNs).toBeCloseTo(12_500, 6);
  });

  it('a quoted name with commas and doubled quotes, and a quoted field over two lines', () => {
    const f = parseText('x.csv', `${header}\n1.0,100,2,50.0,50.0,40,60,10.0,"cudaMy ""api"", v2"\n1.0,100,2,50.0,50.0,40,60,10.0,"cudaTwo\nlines"\n`);
    expect(f.tables[0]!.api!.map((r) => [r.name, r.line])).toEqual([
      ['cudaMy "api", v2', 2],
      ['cudaTwo\nlines', 3],
    ]);
  });

  it('rows pasted without their header are ignored', () => {
    const f = parseText('x.log', `${row}\n${row}\n\n${header}\n${row}\n`);
    expect(f.tables).toHaveLength(1);
    expect(f.tables[0]!.api).toHaveLength(1);
  });

  it('a bare CSV is told osrt_sum or cuda_api_sum by its names, not its file name', () => {
    const osrt = parseText('prof_cuda_api_sum.csv', `${header}\n1.0,100,2,50.0,50.0,40,60,10.0,poll\n1.0,100,2,50.0,50.0,40,60,10.0,ioctl\n`);
    expect(osrt.tables[0]!.report).toBe('osrt_sum');
    const cuda = parseText('prof_osrt_sum.csv', `${header}\n${row}\n`);
    expect(cuda.tables[0]!.report).toBe('cuda_api_sum');
  });

  it('several cuda_api_sum tables in one log are several profiles, in order', () => {
    const f = parseText('x.log', `[4/8] Executing 'cuda_api_sum' stats report\n${header}\n${row}\n\n[4/8] Executing 'cuda_api_sum' stats report\n${header}\n${row.replace('17576', '100')}\n`);
    const d = draftProfiles(f);
    expect(d.map((x) => x.profile.api[0]!.calls)).toEqual([17576, 100]);
    expect(d.map((x) => x.profile.index)).toEqual([0, 1]);
  });

  it('a markdown pipe table', () => {
    const f = parseText('x.md', '| Time (%) | Total Time (ns) | Num Calls | Med (ns) | Name |\n|---|---:|---:|---:|---|\n| 42.3 | 12,690,000 | 847 | 14,000 | `cudaLaunchKernel` |\n\nprose\n');
    expect(f.tables[0]!.api![0]).toMatchObject({ name: 'cudaLaunchKernel', calls: 847, totalNs: 12_690_000, medianNs: 14_000 });
  });

  it('<base>_<report>.csv names', () => {
    expect(reportFileBase('/d/prof_cuda_api_sum.csv')).toBe('/d/prof');
    expect(reportFileBase('/d/ptq1_decode512.stats.csv_cuda_gpu_kern_sum.csv')).toBe('/d/ptq1_decode512.stats.csv');
    expect(reportFileBase('/d/prof_cudaapisum.csv')).toBe('/d/prof');
    expect(reportFileBase('/d/nsys_stdout.log')).toBeNull();
  });

  it('groups <base>_<report>.csv files and reads directories', async () => {
    const both = await readInputs([fx('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'), fx('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv')]);
    expect(both.profiles).toHaveLength(1);
    expect(both.profiles[0]!.reports).toEqual(['cuda_api_sum', 'cuda_gpu_kern_sum']);
    expect(both.profiles[0]!.kernels).toHaveLength(33);

    const dir = await readInputs([resolve(__dirname, '..', '..', 'fixtures', 'nsys')]);
    // SOURCES.md and the osrt-only file hold no profile; the kernel summary and gpu trace join their API files
    expect(dir.profiles.map((p) => `${p.path.split('/').pop()}#${p.index}`)).toEqual([
      'bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv#0',
      'cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt#0',
      'cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt#0',
      'cutlass-gemm_profile-stats_progressbars.log#0',
      'decode-token-published_column.txt#0',
      'decode-token-published_cuda_api_sum.csv#0',
      'mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv#0',
      'nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md#0',
      'nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md#1',
      'paddle-gcn_legacy-qdrep-era_stats.txt#0',
      'zisk-zorch-prover-trimmed_cuda_api_trace.csv#0',
    ]);
    expect(dir.profiles.at(-1)!.reports).toEqual(['cuda_api_trace', 'cuda_gpu_trace', 'nvtx_pushpop_trace']);
    // nvtx_pushpop_trace: durations by range name (for --step-range)
    expect(dir.profiles.at(-1)!.ranges!.find((r) => r.name === ':host/slot_wait')).toMatchObject({ instances: 1, totalNs: 184039966, medianNs: 184039966, durationsNs: [184039966] });
    expect(dir.skipped.some((s) => s.path.endsWith('SOURCES.md') && s.reason === 'no nsys stats table')).toBe(true);
  });
});

describe('bad input: one InputError naming file and line', () => {
  it.each([
    ['empty.csv', undefined, 'the file is empty'],
    ['binary.sqlite', undefined, 'not a text file (byte 15 is NUL): give the CSV or text output of `nsys stats`, not the .nsys-rep or .sqlite file'],
    ['truncated-row_cuda_api_sum.csv', 4, 'truncated or malformed row: 4 fields where the header on line 1 has 9'],
    ['negative_cuda_api_sum.csv', 3, 'Total Time (ns) is negative: "-151220920"'],
    ['non-numeric_cuda_api_sum.csv', 3, 'Num Calls is not a number: "12a"'],
    ['column-truncated-row.txt', 6, 'Num Calls is missing: the row ends early (truncated row?)'],
  ])('%s', (name, line, problem) => {
    const e = errorOf(() => parseFile(bad(name)));
    expect(e.file).toBe(bad(name));
    expect(e.line).toBe(line);
    expect(e.problem).toBe(problem);
  });

  it('files with no usable profile', async () => {
    expect((await asyncErrorOf(readInputs([bad('other-tool_nvidia-smi.csv')]))).message).toBe(
      `${bad('other-tool_nvidia-smi.csv')}:1: not an nsys stats report: unrecognised CSV header "timestamp, name, utilization.gpu [%], memory.used [MiB]"`,
    );
    expect((await asyncErrorOf(readInputs([bad('osrt-only_osrt_sum.csv')]))).problem).toBe(
      'no CUDA API data (cuda_api_sum or cuda_api_trace); tables found: osrt_sum: profile with `nsys profile --trace=cuda` and run `nsys stats --report cuda_api_sum`',
    );
    expect((await asyncErrorOf(readInputs([fx('mineru-pipeline_csv-stdout_osrt-only_nsys2025.1.1.csv')]))).problem).toContain('nsys skipped cuda_api_sum (no CUDA trace data)');
    expect((await asyncErrorOf(readInputs([bad('unused-report_cuda_gpu_mem_size_sum.csv')]))).problem).toContain('tables found: cuda_gpu_mem_size_sum');
    expect((await asyncErrorOf(readInputs([bad('nothing-usable')]))).message).toBe(`${bad('nothing-usable')}: no nsys stats report in this directory (3 files looked at, none holds a table)`);
    expect((await asyncErrorOf(readInputs(['/nonexistent/prof.csv']))).message).toBe('/nonexistent/prof.csv: no such file or directory');
  });
});

describe('pieces', () => {
  it('numbers with thousands separators', () => {
    expect(parseNumberCell('12,690,000')).toBe(12_690_000);
    expect(parseNumberCell(' 5477.2 ')).toBe(5477.2);
    expect(parseNumberCell('1,2')).toBeNull();
    expect(parseNumberCell('12a')).toBeNull();
    expect(parseNumberCell('')).toBeNull();
    expect(parseNumberCell('-5')).toBe(-5);
  });

  it('titles of every era', () => {
    expect(parseTitle(' ** CUDA API Summary (cuda_api_sum):', 1)?.report).toBe('cuda_api_sum');
    expect(parseTitle(' ** CUDA GPU Kernel Summary (gpukernsum):', 1)?.report).toBe('cuda_gpu_kern_sum');
    expect(parseTitle("[5/8] Executing 'cudaapisum' stats report", 1)?.report).toBe('cuda_api_sum');
    expect(parseTitle('CUDA API Statistics:', 1)?.report).toBe('cuda_api_sum');
    expect(parseTitle('CUDA API Statistics (nanoseconds)', 1)).toMatchObject({ report: 'cuda_api_sum', unitNs: 1 });
    expect(parseTitle('CUDA Memory Operation Statistics (by size in KiB):', 1)?.report).toBe('cuda_gpu_mem_size_sum');
    expect(parseTitle('Processing [a.sqlite] with [/opt/nvidia/reports/osrt_sum.py]... ', 1)?.report).toBe('osrt_sum');
    expect(parseTitle('- **CUDA API Statistics:** Lists CUDA API calls and their time cost.', 1)).toBeNull();
  });

  it('column cells by the dashes, hand-aligned rows included', () => {
    const spans = dashSpans(' -------  ---------------  ---------   --------   ----')!;
    expect(cellsBySpans('    42.3       12,690,000       847     14,988   cudaLaunchKernel', spans)).toEqual(['42.3', '12,690,000', '847', '14,988', 'cudaLaunchKernel']);
    expect(cellsBySpans('     0.4       1,823,597        501     3,639.9   void k<int, 2>(float *, int)', spans)).toEqual(['0.4', '1,823,597', '501', '3,639.9', 'void k<int, 2>(float *, int)']);
  });

  it('duration histogram medians equal a sort', () => {
    const h = new DurationHistogram();
    const values = [5, 70_000, 3, 200_000, 9, 65_536, 65_535];
    for (const v of values) h.add(v);
    expect(h.median()).toBe(65_535);
    h.add(1);
    expect(h.median()).toBe((9 + 65_535) / 2);
  });
});

// ---- property tests ----------------------------------------------------------------------------


const NAMES = ['cudaLaunchKernel', 'cudaLaunchKernelExC_v11060', 'cuLaunchKernel', 'cudaMemcpyAsync', 'cudaStreamSynchronize', 'cudaGraphLaunch_v10000', 'cudaMalloc', 'cudaEventRecord', 'cudaFoo, "bar"', 'cuMemAlloc_v2'];

interface GenRow {
  name: string;
  calls: number;
  totalNs: number;
  medianNs: number;
}

function genRows(r: () => number): GenRow[] {
  const n = 1 + Math.floor(r() * 8);
  const names = [...NAMES].sort(() => r() - 0.5).slice(0, n);
  return names.map((name) => {
    const calls = 1 + Math.floor(r() * 3_000_000);
    const medianNs = Math.floor(r() * 100_000);
    return { name, calls, medianNs, totalNs: calls * medianNs + Math.floor(r() * 1e9) };
  });
}

const withSep = (n: number): string => n.toLocaleString('en-US');

function asCsv(rows: GenRow[], crlf: boolean): string {
  const eol = crlf ? '\r\n' : '\n';
  const q = (s: string): string => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name', ...rows.map((x) => `1.0,${x.totalNs},${x.calls},${(x.totalNs / x.calls).toFixed(1)},${x.medianNs.toFixed(1)},0,${x.totalNs},0.0,${q(x.name)}`)].join(eol) + eol;
}

function asColumn(rows: GenRow[], sep: boolean): string {
  const fmt = (n: number): string => (sep ? withSep(n) : String(n));
  const cols = [
    ['Time (%)', rows.map(() => '1.0')],
    ['Total Time (ns)', rows.map((x) => fmt(x.totalNs))],
    ['Num Calls', rows.map((x) => fmt(x.calls))],
    ['Med (ns)', rows.map((x) => fmt(x.medianNs))],
  ] as const;
  const widths = cols.map(([h, v]) => Math.max(h.length, ...v.map((s) => s.length)));
  const nameW = Math.max(4, ...rows.map((x) => x.name.length));
  const line = (cells: string[], name: string): string => ` ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}  ${name.padEnd(nameW)}`;
  return [
    'Some prose before the table, 12, 34.',
    ' ** CUDA API Summary (cuda_api_sum):',
    '',
    line(cols.map(([h]) => h), 'Name'),
    ` ${widths.map((w) => '-'.repeat(w)).join('  ')}  ${'-'.repeat(nameW)}`,
    ...rows.map((x, i) => line(cols.map(([, v]) => v[i]!), x.name)),
    '',
    'Generated:',
  ].join('\n');
}

describe('property: random valid reports round-trip through the parser', () => {
  it('as CSV (LF and CRLF) and as column text (with and without thousands separators)', () => {
    const r = mulberry32(42);
    for (let i = 0; i < 150; i++) {
      const rows = genRows(r);
      const texts = [asCsv(rows, false), asCsv(rows, true), asColumn(rows.filter((x) => !x.name.includes(',')), true), asColumn(rows.filter((x) => !x.name.includes(',')), false)];
      for (const [k, text] of texts.entries()) {
        const want = k < 2 ? rows : rows.filter((x) => !x.name.includes(','));
        if (want.length === 0) continue;
        const f = parseText(`gen${i}.${k < 2 ? 'csv' : 'txt'}`, text);
        const got = f.tables.flatMap((t) => t.api ?? []);
        expect(got.map((g) => ({ name: g.name, calls: g.calls, totalNs: g.totalNs, medianNs: g.medianNs }))).toEqual(want);
      }
    }
  });

  it('the CSV splitter agrees with csv-parse on random records', () => {
    const r = mulberry32(7);
    const alphabet = ['a', 'b', ',', '"', ' ', 'é', '…'];
    for (let i = 0; i < 500; i++) {
      const fields = Array.from({ length: 1 + Math.floor(r() * 6) }, () => Array.from({ length: Math.floor(r() * 6) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
      const line = fields.map((f) => (/[",]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
      const reference = parseCsvSync(line, { relax_quotes: false }) as string[][];
      expect(splitCsvRecord(line)).toEqual(reference[0] ?? ['']);
    }
  });
});

describe('property: random corruptions never crash the parser', () => {
  it('gives a result or an InputError, nothing else', () => {
    const r = mulberry32(99);
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-corrupt-'));
    const sources = [asCsv(genRows(r), false), asColumn(genRows(r).filter((x) => !x.name.includes(',')), true)];
    const junk = ['"', ',', '\n', '\r', '-', '…', '\u0000', 'x', '...', '\ufeff', '9'];
    let errors = 0;
    let results = 0;
    for (let i = 0; i < 300; i++) {
      let text = sources[i % sources.length]!;
      const edits = 1 + Math.floor(r() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * text.length);
        const op = r();
        if (op < 0.4) text = text.slice(0, at) + junk[Math.floor(r() * junk.length)] + text.slice(at);
        else if (op < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
        else text = text.slice(0, at);
      }
      const path = join(dir, `c${i}.txt`);
      writeFileSync(path, text);
      try {
        parseFile(path);
        results++;
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).message.startsWith(path)).toBe(true);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
    expect(results).toBeGreaterThan(0);
  });
});

describe('traces in column text stream like CSV traces', () => {
  const header = ' Start (ns)   Duration (ns)          Name          Result  CorrID   Pid     Tid   ';
  const dashes = ' -----------  -------------  ---------------------  ------  ------  ------  ------';
  const row = (i: number, name: string, ns: number) =>
    ` ${String(1000 + i).padStart(11)}  ${String(ns).padStart(13)}  ${name.padEnd(21)}  ${'0'.padStart(6)}  ${String(i).padStart(6)}  ${'7'.padStart(6)}  ${'7'.padStart(6)}`;

  it('sums a column-text cuda_api_trace past the summary-row limit without keeping its rows', () => {
    const n = 510_000; // more than MAX_SUMMARY_ROWS (500,000): a summary table this long is refused
    const lines = [header, dashes];
    for (let i = 0; i < n; i++) lines.push(row(i, i % 2 === 0 ? 'cudaLaunchKernel' : 'cudaMemcpyAsync', i % 2 === 0 ? 3000 : 5000));
    const file = parseText('t.txt', `${lines.join('\n')}\n`);
    expect(file.tables).toHaveLength(1);
    const t = file.tables[0]!;
    expect(t.report).toBe('cuda_api_trace');
    expect(t.traceRows).toBe(n);
    const byName = Object.fromEntries(t.api!.map((a) => [a.name, a]));
    expect(byName.cudaLaunchKernel).toMatchObject({ calls: n / 2, totalNs: (n / 2) * 3000, medianNs: 3000 });
    expect(byName.cudaMemcpyAsync).toMatchObject({ calls: n / 2, totalNs: (n / 2) * 5000, medianNs: 5000 });
  }, 60_000);
});
