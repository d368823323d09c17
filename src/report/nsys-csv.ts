// nsys-compatible CSV: the `cuda_api_sum`, `cuda_gpu_kern_sum` and `cuda_gpu_mem_time_sum` reports
// exactly as `nsys stats --format csv` (2023 onward) prints them, so that `graphprof analyze` and
// other tools read a trace like an Nsight Systems profile. Column layout, units (ns), decimals
// (one for Time (%), Avg, Med and StdDev, none for Total, Min and Max), order (total time, largest
// first), RFC 4180 quoting and LF line ends as in fixtures/nsys/*_sum.csv. Rendering only: the rows
// arrive merged and sorted from core/trace/merge.ts.
import { stdDevNs, type StatRow } from '../core/trace/merge.js';

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

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const one = (n: number): string => n.toFixed(1);
const whole = (n: number): string => Math.round(n).toFixed(0);

/** One report as CSV text; rows with no calls (nested-only APIs) are left out, as nsys has none. */
export function renderNsysCsv(report: NsysReport, rows: readonly StatRow[]): string {
  const used = rows.filter((r) => r.count > 0);
  let total = 0;
  for (const r of used) total += r.totalNs;
  const lines = [nsysHeader(report)];
  for (const r of used) {
    const share = total > 0 ? (r.totalNs / total) * 100 : 0;
    lines.push(
      [one(share), whole(r.totalNs), String(r.count), one(r.totalNs / r.count), one(r.medNs), whole(r.minNs), whole(r.maxNs), one(stdDevNs(r)), csvField(r.name)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `--out PREFIX` -> PREFIX_cuda_api_sum.csv ..., as `nsys stats --output PREFIX` names them. */
export function nsysCsvPath(prefix: string, report: NsysReport): string {
  return `${prefix}_${report}.csv`;
}

/** One NVTX range's instances, as `nvtx_sum` summarises them (durations in ns). */
export interface RangeSummary {
  /** as nsys prints a range: ":NAME" for a push/pop range in the default domain */
  range: string;
  style: 'PushPop' | 'StartEnd';
  durationsNs: readonly number[];
}

export const NVTX_SUM_HEADER = 'Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Style,Range';

/** `nvtx_sum` as `nsys stats --report nvtx_sum --format csv` prints it: one row per range. */
export function renderNvtxSumCsv(ranges: readonly RangeSummary[]): string {
  const used = ranges.filter((r) => r.durationsNs.length > 0);
  const totals = used.map((r) => r.durationsNs.reduce((a, b) => a + b, 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const lines = [NVTX_SUM_HEADER];
  used.forEach((r, i) => {
    const d = [...r.durationsNs].sort((a, b) => a - b);
    const n = d.length;
    const total = totals[i]!;
    const mean = total / n;
    const med = n % 2 === 1 ? d[(n - 1) / 2]! : (d[n / 2 - 1]! + d[n / 2]!) / 2;
    let ss = 0;
    for (const v of d) ss += (v - mean) * (v - mean);
    const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    lines.push([one(all > 0 ? (total / all) * 100 : 0), whole(total), String(n), one(mean), one(med), whole(d[0]!), whole(d[n - 1]!), one(sd), r.style, csvField(r.range)].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** `--out PREFIX` -> PREFIX_nvtx_sum.csv; the whole run's reports -> PREFIX_whole_<report>.csv. */
export function nsysNvtxPath(prefix: string): string {
  return `${prefix}_nvtx_sum.csv`;
}
