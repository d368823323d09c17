// The human report of `graphprof trace`: what the traced command launched, per step and in total.
// Printed on stderr after the command exits (its own stdout stays clean). Scaling units only.
import type { ChalkInstance } from 'chalk';

import { relativeSpread } from '../core/stats.js';
import type { TraceResult } from '../core/trace/result.js';
import { formatCount, formatDuration, formatShare } from '../core/units.js';
import { printableDeep } from './printable.js';

function pad(cells: string[][], rightAlign: boolean[]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

const TOP = 12;

export function renderTraceTable(shown: TraceResult, color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out: string[] = [];
  const cmd = r.traced.command.join(' ');
  const procs = r.processes.length;
  out.push(color.bold(`graphprof trace: ${cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd}`));
  if (r.fake) out.push('FAKE TRACE RECORDS (GRAPHPROF_FAKE_TRACE): not a measurement');
  out.push(
    `exit ${r.traced.exitCode}${r.traced.signal ? ` (${r.traced.signal})` : ''}, ${formatDuration(r.traced.wallNs)}, ${procs} process${procs === 1 ? '' : 'es'} with CUDA; ${r.options.tracer === 'host' ? 'host tracer (driver calls, no device times)' : `CUPTI ${r.environment.cuptiVersion ?? '?'}`}, driver CUDA ${r.environment.driverCudaVersion ?? '?'}`,
  );
  const l = r.launches;
  out.push(
    `kernel launches: ${formatCount(l.launchCalls)}; graph launches: ${formatCount(l.graphLaunchCalls)}; API calls: ${formatCount(r.totals.apiCalls)} taking ${formatDuration(r.totals.apiNs)} of host time${r.activity ? `; GPU kernels: ${formatCount(r.totals.kernelInstances)} taking ${formatDuration(r.totals.kernelNs)}` : ''}`,
  );
  for (const a of l.byApi) {
    out.push(`  ${a.name}: ${formatCount(a.calls)} calls, median ${formatDuration(a.medNs)}${a.nestedCalls > 0 ? ` (+${formatCount(a.nestedCalls)} made inside other API calls, not counted)` : ''}`);
  }
  if (r.steps) {
    const s = r.steps;
    const spread = (median: number, mad: number) => (median > 0 ? ` ±${formatShare(relativeSpread(median, mad))}` : '');
    out.push(
      `per step (${s.marker}, ${formatCount(s.count)} steps): ${formatCount(s.launches.p50)} launches (min ${formatCount(s.launches.min)}, max ${formatCount(s.launches.max)}), ${formatDuration(s.apiNs.p50)} in API calls${spread(s.apiNs.p50, s.apiNs.mad)}, step ${formatDuration(s.durationNs.p50)}${spread(s.durationNs.p50, s.durationNs.mad)}`,
    );
    out.push(
      `  in each step (median): ${formatCount(s.graphLaunches.p50)} graph launches, ${formatCount(s.syncs.p50)} syncs, ${formatCount(s.allocations.p50)} allocations, ${formatCount(s.copies.p50)} copies, ${formatCount(s.memsets.p50)} memsets${s.gpuNs ? `; GPU time launched ${formatDuration(s.gpuNs.p50)}, busy ${s.gpuBusyNs ? formatDuration(s.gpuBusyNs.p50) : 'unknown'} (measured, CUPTI)` : ''}`,
    );
    if (s.launchesVary) out.push('  note: launches per step differ between steps (data-dependent work, or the marker does not bracket one step)');
  } else if (r.options.stepMarker) {
    out.push(`per step: no step seen at ${r.options.stepMarker}`);
  }
  const p = r.perStep;
  if (p.source !== 'step-marker' || p.steps !== 1) {
    const what = p.scope === 'in-steps' ? 'in-step totals' : 'whole-run totals, set-up included';
    out.push(
      `per step (${what} / ${formatCount(p.steps)}${p.source === 'steps-flag' ? ', --steps' : p.source === 'step-marker' ? ', marker steps' : ', whole run'}): ${formatCount(p.launchCalls)} launches, ${formatDuration(p.apiNs)} in API calls${r.activity ? `, ${formatDuration(p.kernelNs)} GPU kernel time` : ''}`,
    );
  }
  if (r.outside) {
    const o = r.outside;
    out.push(
      `outside steps (set-up, warm-up, teardown; not divided): ${formatCount(o.launchCalls)} launches, ${formatCount(o.apiCalls)} API calls taking ${formatDuration(o.apiNs)}${r.activity ? `, ${formatCount(o.kernelInstances)} GPU kernels taking ${formatDuration(o.kernelNs)}` : ''}`,
    );
  }
  if (r.api.length > 0) {
    out.push('', color.bold('CUDA API calls (outermost calls only; host time)'));
    const rows = [['name', 'calls', 'total', 'median', 'share']];
    for (const a of r.api.filter((x) => x.count > 0).slice(0, TOP)) {
      rows.push([a.name, formatCount(a.count), formatDuration(a.totalNs), formatDuration(a.medNs), formatShare(a.share)]);
    }
    out.push(...pad(rows, [false, true, true, true, true]).map((x) => `  ${x}`));
  }
  if (r.kernels.length > 0) {
    out.push('', color.bold('GPU kernels (device time)'));
    const rows = [['name', 'instances', 'total', 'median']];
    for (const k of r.kernels.slice(0, TOP)) {
      const name = k.name.length > 70 ? `${k.name.slice(0, 69)}…` : k.name;
      rows.push([name, formatCount(k.count), formatDuration(k.totalNs), formatDuration(k.medNs)]);
    }
    out.push(...pad(rows, [false, true, true, true]).map((x) => `  ${x}`));
  }
  if (procs > 1) {
    out.push('', color.bold('processes'));
    const rows = [['pid', 'ppid', 'launches', 'API time', 'command']];
    for (const pr of r.processes) {
      rows.push([String(pr.pid), String(pr.ppid), formatCount(pr.launchCalls), formatDuration(pr.apiNs), pr.argv.join(' ').slice(0, 60)]);
    }
    out.push(...pad(rows, [true, true, true, true, false]).map((x) => `  ${x}`));
  }
  for (const f of r.csv) out.push(`wrote ${f}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}
