// Merging the tracers' rows across threads' records, processes and scopes into the tables that
// `trace` prints and writes as nsys CSV. Pure code.
import { histogramMedian, mergeHistograms } from './histogram.js';
import type { ApiStat, DeviceStat, DurationStat, TraceRecord } from './record.js';

/**
 * The name nsys prints: it strips a 4-digit CUPTI version suffix only, so `cudaLaunchKernel_v7000`
 * becomes `cudaLaunchKernel` while `cudaGraphLaunch_v10000` and `cuMemAlloc_v2` keep theirs.
 * (core/analyze/launch-apis.ts baseApiName strips every suffix, for classification.)
 */
export function nsysApiName(cuptiName: string): string {
  return cuptiName.replace(/_v\d{4}$/, '');
}

/** One row of a merged table: an API (by nsys name) or a kernel / memory operation (by name). */
export interface StatRow extends DurationStat {
  name: string;
  count: number;
  /** API rows: nested calls; device rows: graph instances */
  extra: number;
  bytes: number;
}

/** The four tables of one scope. */
export interface RowSet {
  api: StatRow[];
  kernels: StatRow[];
  memcpy: StatRow[];
  memset: StatRow[];
}

/** Which rows of a record: the whole run, or one side of the step marker. */
export type Scope = 'whole' | 'inSteps' | 'outsideSteps';

function addStat(into: StatRow | undefined, name: string, count: number, extra: number, bytes: number, d: DurationStat): StatRow {
  if (!into) return { ...d, name, count, extra, bytes, hist: [...d.hist] };
  const merged: StatRow = {
    name,
    count: into.count + count,
    extra: into.extra + extra,
    bytes: into.bytes + bytes,
    totalNs: into.totalNs + d.totalNs,
    minNs: into.count === 0 ? d.minNs : count === 0 ? into.minNs : Math.min(into.minNs, d.minNs),
    maxNs: Math.max(into.maxNs, d.maxNs),
    medNs: 0,
    sumSqNs2: into.sumSqNs2 + d.sumSqNs2,
    hist: mergeHistograms(into.hist, d.hist),
  };
  // A lone source keeps its own median (the library computed it from the same buckets).
  merged.medNs = into.count === 0 ? d.medNs : count === 0 ? into.medNs : histogramMedian(merged.hist, merged.count, merged.minNs, merged.maxNs);
  return merged;
}

type DeviceKey = 'kernels' | 'memcpy' | 'memset';

function apiOf(r: TraceRecord, scope: Scope): readonly ApiStat[] {
  return scope === 'whole' ? r.api : (r[scope]?.api ?? []);
}

function deviceOf(r: TraceRecord, key: DeviceKey, scope: Scope): readonly DeviceStat[] {
  return scope === 'whole' ? r[key] : (r[scope]?.[key] ?? []);
}

export function mergeApi(records: readonly TraceRecord[], scope: Scope = 'whole'): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of records) {
    for (const a of apiOf(r, scope)) {
      const name = nsysApiName(a.name);
      rows.set(name, addStat(rows.get(name), name, a.calls, a.nestedCalls, 0, a));
    }
  }
  return sortRows([...rows.values()]);
}

export function mergeDevice(records: readonly TraceRecord[], key: DeviceKey, scope: Scope = 'whole'): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of records) {
    for (const k of deviceOf(r, key, scope)) rows.set(k.name, addStat(rows.get(k.name), k.name, k.instances, k.graphInstances, k.bytes ?? 0, k));
  }
  return sortRows([...rows.values()]);
}

export function mergeRows(records: readonly TraceRecord[], scope: Scope): RowSet {
  return {
    api: mergeApi(records, scope),
    kernels: mergeDevice(records, 'kernels', scope),
    memcpy: mergeDevice(records, 'memcpy', scope),
    memset: mergeDevice(records, 'memset', scope),
  };
}

/** nsys order: by total time, largest first; ties by name. */
function sortRows(rows: StatRow[]): StatRow[] {
  return rows.sort((a, b) => b.totalNs - a.totalNs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Sample standard deviation (n - 1), as nsys prints it; 0 for one sample. */
export function stdDevNs(row: Pick<StatRow, 'count' | 'totalNs' | 'sumSqNs2'>): number {
  if (row.count < 2) return 0;
  const variance = (row.sumSqNs2 - (row.totalNs * row.totalNs) / row.count) / (row.count - 1);
  return Math.sqrt(Math.max(0, variance));
}
