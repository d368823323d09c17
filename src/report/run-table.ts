// `graphprof run` as a table: one row per batch size. Renderers scale units; sums come from core.
import type { ChalkInstance } from 'chalk';

import { instantiateUploadNs } from '../core/run/summary.js';
import type { RunBatchResult, RunResult, TimingSummary } from '../core/schema.js';
import { formatBytes, formatCount, formatDuration } from '../core/units.js';
import { renderTextTable, type Column } from './columns.js';
import { printableDeep } from './printable.js';

export function describeWorkload(r: RunResult): string {
  const w = r.workload;
  const kernel =
    w.kernel === 'spin' ? `spin ${formatDuration(w.kernelNs)}` : w.kernel === 'copy' ? `copy ${formatBytes(w.bytesPerSeq)}/seq` : 'empty';
  const parts = [`${formatCount(w.kernels)} kernels (${kernel})`];
  if (w.memcpys > 0) parts.push(`${formatCount(w.memcpys)} memcpys of ${formatBytes(w.memcpyBytes)}`);
  if (w.syncs > 0) parts.push(`${formatCount(w.syncs)} syncs (eager only)`);
  if (w.hostOverheadNs > 0) parts.push(`host overhead ${formatDuration(w.hostOverheadNs)}/launch`);
  parts.push(`${w.iterations} iterations after ${w.warmup} warm-up`);
  return parts.join(', ');
}

export function describeEnvironmentLine(r: RunResult): string {
  const e = r.environment;
  const gpu = e.gpu ? `${e.gpu.name} (sm_${e.gpu.computeCapability.replace('.', '')}, ${e.gpu.multiprocessors} SMs)` : 'no GPU';
  const fake = e.harness === 'fake' ? ' [FAKE HARNESS: not a measurement]' : '';
  return `${gpu}, driver ${e.driverVersion ?? 'unknown'} (CUDA ${e.driverCudaVersion ?? '?'}), runtime CUDA ${e.runtimeCudaVersion ?? '?'}, host ${e.host.cpu}${fake}`;
}

type Row = RunBatchResult;

const p50 = (key: string, label: string, get: (b: Row) => TimingSummary, withMad = false): Column<Row>[] => [
  {
    key: `${key}.p50Ns`,
    label,
    kind: 'duration',
    align: 'right',
    value: (b) => get(b).p50Ns,
    ...(withMad ? { display: (b: Row) => `${formatDuration(get(b).p50Ns)} ±${formatDuration(get(b).madNs)}` } : {}),
  },
  { key: `${key}.madNs`, label: `${label} MAD`, kind: 'duration', align: 'right', value: (b) => get(b).madNs, secondary: true },
  { key: `${key}.p90Ns`, label: `${label} p90`, kind: 'duration', align: 'right', value: (b) => get(b).p90Ns, secondary: true },
  { key: `${key}.p99Ns`, label: `${label} p99`, kind: 'duration', align: 'right', value: (b) => get(b).p99Ns, secondary: true },
];

/** The one column spec of `run`: the table, markdown and CSV (STYLE.md item 6). */
export const RUN_COLUMNS: readonly Column<Row>[] = [
  { key: 'batch', label: 'batch', kind: 'count', align: 'right', value: (b) => b.batch, display: (b) => String(b.batch) },
  ...p50('eager.stepNs', 'eager step', (b) => b.eager.stepNs, true),
  ...p50('graph.stepNs', 'graph step', (b) => b.graph.stepNs, true),
  { key: 'speedup', label: 'speedup', kind: 'ratio', align: 'right', value: (b) => b.speedup },
  { key: 'overheadShare', label: 'saved', kind: 'share', align: 'right', value: (b) => b.overheadShare },
  ...p50('eager.launchNs', 'host/launch', (b) => b.eager.launchNs),
  ...p50('graph.launchNs', 'graph launch', (b) => b.graph.launchNs),
  ...p50('graph.deviceNs', 'graph GPU', (b) => b.graph.deviceNs),
  { key: 'graph.captureNs', label: 'capture', kind: 'duration', align: 'right', value: (b) => b.graph.captureNs },
  { key: 'graph.instantiateNs', label: 'instantiate', kind: 'duration', align: 'right', value: (b) => b.graph.instantiateNs, secondary: true },
  { key: 'graph.uploadNs', label: 'upload', kind: 'duration', align: 'right', value: (b) => b.graph.uploadNs, secondary: true },
  {
    key: 'graph.instantiateUploadNs',
    label: 'inst+upload',
    kind: 'duration',
    align: 'right',
    value: (b) => instantiateUploadNs(b.graph),
  },
  {
    key: 'graph.memoryBytes',
    label: 'graph mem',
    kind: 'bytes',
    align: 'right',
    value: (b) => b.graph.memoryBytes,
    display: (b) => (b.graph.memoryBytes <= 0 ? '0 B*' : formatBytes(b.graph.memoryBytes)),
  },
  { key: 'graph.nodes', label: 'nodes', kind: 'count', align: 'right', value: (b) => b.graph.nodes, secondary: true },
  { key: 'verdict', label: 'verdict', kind: 'text', align: 'left', value: (b) => b.verdict, tone: (b) => (b.verdict === 'launch-bound' ? 'warn' : null) },
];

export const RUN_METHOD_LINE = 'Times are medians (p50); ± is the median absolute deviation; saved = 1 - graph/eager step. Methods: docs/methodology.md.';

export function incompleteLine(r: RunResult): string | null {
  if (r.complete) return null;
  const done = r.results.map((b) => b.batch).join(', ') || 'none';
  return `INCOMPLETE: measured batch sizes ${done} of ${r.workload.batchSizes.join(', ')}${r.error ? `; stopped: ${r.error.message}` : ''}`;
}

/** The notes of a result, as the command prints them on stderr (every format but JSON, which holds them). */
export function runNotes(r: RunResult): string[] {
  return r.notes.map((n) => `note: ${n}`);
}

export function renderRunTable(shown: RunResult, color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const lines = [`graphprof run: ${describeEnvironmentLine(r)}`, `workload: ${describeWorkload(r)}`, renderTextTable(RUN_COLUMNS, r.results, color)];
  lines.push(RUN_METHOD_LINE);
  const incomplete = incompleteLine(r);
  if (incomplete) lines.push(color.red(incomplete));
  return `${lines.join('\n')}\n`;
}
