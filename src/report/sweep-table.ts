// `graphprof sweep` as a table: one row per batch size, the step time with its spread, launches per
// step, and the capture figures where they were measured. Renderers scale units; no other arithmetic.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import type { CurveResult } from '../core/recommend/step-curve.js';
import { formatBytes, formatDuration } from '../core/units.js';

const count = (v: number | null): string => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(1));

export function renderSweepTable(r: CurveResult, color: ChalkInstance): string {
  const table = new Table({
    head: ['batch', 'status', 'step (median)', 'MAD', 'steps', 'launches/step', 'graph launches/step', 'capture/graph', 'capture memory', 'free-memory drop'],
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const p of r.points) {
    const ok = p.status === 'ok' && p.stepNs;
    table.push([
      String(p.batch),
      ok ? 'ok' : color.red(`failed (exit ${p.exitCode})`),
      ok ? formatDuration(p.stepNs!.medianNs) : '-',
      ok ? formatDuration(p.stepNs!.madNs) : '-',
      ok ? String(p.stepNs!.count) : '-',
      count(p.launchesPerStep),
      count(p.graphLaunchesPerStep),
      p.captureNs === null ? (ok ? 'none seen' : '-') : formatDuration(p.captureNs),
      p.captureMemoryBytes === null ? (ok ? 'none seen' : '-') : formatBytes(p.captureMemoryBytes),
      p.captureFreeDropBytes === null ? (ok ? 'not measured' : '-') : formatBytes(p.captureFreeDropBytes),
    ]);
  }
  const failed = r.points.filter((p) => p.status === 'failed');
  const lines = [
    `graphprof sweep: ${r.points.length} of ${r.config.batchSizes.length} sizes run, ${failed.length} failed; steps marked by ${r.config.stepMarker}; ${r.config.command.join(' ')}`,
    table.toString(),
    'step: wall time of a marked step under the host tracer (median, median absolute deviation, steps measured); launches per step: medians over the steps.',
    'capture/graph: capture begin to the end of its first instantiate + upload; capture memory: bytes requested by allocation APIs in that window; free-memory drop: cuMemGetInfo before minus after, where the program called it around its captures, per graph captured between; medians over the graphs captured.',
  ];
  for (const p of failed) lines.push(`failed: batch ${p.batch}: ${p.error}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}
