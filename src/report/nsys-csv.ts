// nsys-compatible CSV: the `cuda_api_sum`, `cuda_gpu_kern_sum` and `cuda_gpu_mem_time_sum` reports
// exactly as `nsys stats --format csv` (2023 onward) prints them, so that `graphprof analyze` and
// other tools read a trace like an Nsight Systems profile. Column layout, units (ns), decimals
// (one for Time (%), Avg, Med and StdDev, none for Total, Min and Max), order (total time, largest
// first), RFC 4180 quoting and LF line ends as in fixtures/nsys/*_sum.csv. Rendering only: the rows
// arrive merged and sorted from core/trace/merge.ts, their figures (Time (%), Avg, StdDev) from
// core/trace/figures.ts.
import type { NsysSumRow, NvtxSumRow } from '../core/trace/figures.js';
import { csvField } from './columns.js';

export type NsysReport = 'cuda_api_sum' | 'cuda_gpu_kern_sum' | 'cuda_gpu_mem_time_sum';

/** The header of each report; the count column is the only one that differs. */
const COUNT_COLUMN: Record<NsysReport, string> = {
  cuda_api_sum: 'Num Calls',
  cuda_gpu_kern_sum: 'Instances',
  cuda_gpu_mem_time_sum: 'Count',
};
const LAST_COLUMN: Record<NsysReport, string> = {
  cuda_api_sum: 'Name',
  cuda_gpu_kern_sum: 'Name',
  cuda_gpu_mem_time_sum: 'Operation',
};

export function nsysHeader(report: NsysReport): string {
  return `Time (%),Total Time (ns),${COUNT_COLUMN[report]},Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),${LAST_COLUMN[report]}`;
}

const one = (n: number): string => n.toFixed(1);
const whole = (n: number): string => Math.round(n).toFixed(0);

/** One report as CSV text, the rows as core/trace/figures.ts nsysSumRows gives them. */
export function renderNsysCsv(report: NsysReport, rows: readonly NsysSumRow[]): string {
  const lines = [nsysHeader(report)];
  for (const r of rows) {
    lines.push([one(r.timePct), whole(r.totalNs), String(r.count), one(r.avgNs), one(r.medNs), whole(r.minNs), whole(r.maxNs), one(r.stdDevNs), csvField(r.name)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** `--out PREFIX` -> PREFIX_cuda_api_sum.csv ..., as `nsys stats --output PREFIX` names them. */
export function nsysCsvPath(prefix: string, report: NsysReport): string {
  return `${prefix}_${report}.csv`;
}

export const NVTX_SUM_HEADER = 'Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Style,Range';

/** `nvtx_sum` as `nsys stats --report nvtx_sum --format csv` prints it: one row per range (core/trace/figures.ts nvtxSumRows). */
export function renderNvtxSumCsv(rows: readonly NvtxSumRow[]): string {
  const lines = [NVTX_SUM_HEADER];
  for (const r of rows) {
    lines.push([one(r.timePct), whole(r.totalNs), String(r.count), one(r.avgNs), one(r.medNs), whole(r.minNs), whole(r.maxNs), one(r.stdDevNs), r.style, csvField(r.range)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** `--out PREFIX` -> PREFIX_nvtx_sum.csv; the whole run's reports -> PREFIX_whole_<report>.csv. */
export function nsysNvtxPath(prefix: string): string {
  return `${prefix}_nvtx_sum.csv`;
}
