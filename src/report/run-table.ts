// `graphprof run` as a table: one row per batch size. Renderers scale units; sums come from core.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import { instantiateUploadNs } from '../core/run/summary.js';
import type { RunResult } from '../core/schema.js';
import { formatBytes, formatCount, formatDuration, formatRatio, formatShare } from '../core/units.js';
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

export function renderRunTable(shown: RunResult, color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const table = new Table({
    head: ['batch', 'eager step', 'graph step', 'speedup', 'saved', 'host/launch', 'graph launch', 'graph GPU', 'capture', 'inst+upload', 'graph mem', 'verdict'],
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const b of r.results) {
    table.push([
      String(b.batch),
      `${formatDuration(b.eager.stepNs.p50Ns)} ±${formatDuration(b.eager.stepNs.madNs)}`,
      `${formatDuration(b.graph.stepNs.p50Ns)} ±${formatDuration(b.graph.stepNs.madNs)}`,
      formatRatio(b.speedup),
      formatShare(b.overheadShare),
      formatDuration(b.eager.launchNs.p50Ns),
      formatDuration(b.graph.launchNs.p50Ns),
      formatDuration(b.graph.deviceNs.p50Ns),
      formatDuration(b.graph.captureNs),
      formatDuration(instantiateUploadNs(b.graph)),
      b.graph.memoryBytes <= 0 ? '0 B*' : formatBytes(b.graph.memoryBytes),
      b.verdict === 'launch-bound' ? color.yellow(b.verdict) : b.verdict,
    ]);
  }
  const lines = [`graphprof run: ${describeEnvironmentLine(r)}`, `workload: ${describeWorkload(r)}`, table.toString()];
  lines.push('Times are medians (p50); ± is the median absolute deviation; saved = 1 - graph/eager step. Methods: docs/methodology.md.');
  for (const note of r.notes) lines.push(`note: ${note}`);
  if (!r.complete) {
    const done = r.results.map((b) => b.batch).join(', ') || 'none';
    lines.push(color.red(`INCOMPLETE: measured batch sizes ${done} of ${r.workload.batchSizes.join(', ')}${r.error ? `; stopped: ${r.error.message}` : ''}`));
  }
  return `${lines.join('\n')}\n`;
}
