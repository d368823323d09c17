// `graphprof analyze` as a table per profile and a short plain-language summary. Renderers scale
// units; the only arithmetic is none: every figure comes from the result.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import type { AnalyzeResult, ProfileAnalysis, ProfileDifference } from '../core/analyze/schema.js';
import { formatCount, formatDuration, formatPoints, formatRatio, formatShare, type FigureKind } from '../core/units.js';
import { printableDeep } from './printable.js';
import { formatValue } from './columns.js';

/**
 * The kinds of figure a row shows: those core/units.ts prints, and plain text. The figure list
 * below is the one column spec of analyze: rows of the table and markdown, columns of the CSV.
 */
export type RowKind = Exclude<FigureKind, 'bytes'> | 'text';

export interface Figure {
  key: string;
  label: string;
  kind: RowKind;
  /** measured, given (by a flag), estimated (by the model); null when unknown */
  basis: string | null;
  value: number | string | null;
  /** how the figure was found, in a few words */
  how: string;
}

/** The figures of one profile, in table order (the one list a new figure is added to). */
export function analyzeFigures(a: ProfileAnalysis): Figure[] {
  const s = a.perStep;
  const m = a.model;
  const costHow = { median: 'median x calls', total: 'Total Time (no median in report)', mixed: 'median x calls, Total where no median' }[a.launches.costMethod];
  const wall = m.eagerStepNs.wall;
  const spread = wall ? `; min ${formatDuration(wall.minNs)}${wall.p10Ns !== null ? `, p10 ${formatDuration(wall.p10Ns)}, p90 ${formatDuration(wall.p90Ns!)}` : ''}, max ${formatDuration(wall.maxNs)}` : '';
  const unknown = (f: { value: number | null; method: string }): string => (f.value === null ? `unknown: ${f.method}` : f.method);
  return [
    { key: 'perStep.launchCalls', label: 'kernel launches', kind: 'count', basis: 'measured', value: s.launchCalls, how: 'launch API calls / steps' },
    { key: 'perStep.launchNs', label: 'launch calls (driver)', kind: 'duration', basis: 'measured', value: s.launchNs, how: costHow },
    { key: 'perStep.backPressureNs', label: 'launch back-pressure', kind: 'duration', basis: 'measured', value: s.backPressureNs, how: 'launch Total Time - launch calls' },
    { key: 'perStep.graphLaunchCalls', label: 'graph launches', kind: 'count', basis: 'measured', value: s.graphLaunchCalls, how: 'cudaGraphLaunch/cuGraphLaunch calls' },
    { key: 'perStep.memcpyCalls', label: 'memory copies', kind: 'count', basis: 'measured', value: s.memcpyCalls, how: `${formatDuration(s.memcpyNs)} host time` },
    { key: 'perStep.syncCalls', label: 'host syncs', kind: 'count', basis: 'measured', value: s.syncCalls, how: `${formatDuration(s.syncNs)} host time` },
    { key: 'perStep.allocCalls', label: 'blocking allocs/frees', kind: 'count', basis: 'measured', value: s.allocCalls, how: 'cudaMalloc, cudaFree, ...' },
    { key: 'perStep.hostApiNs', label: 'host API time', kind: 'duration', basis: 'measured', value: s.hostApiNs, how: 'sum of every CUDA API Total Time' },
    { key: 'model.eagerStepNs', label: 'eager step W', kind: 'duration', basis: m.eagerStepNs.basis, value: m.eagerStepNs.value, how: m.eagerStepNs.method + spread },
    { key: 'model.gpuStepNs', label: 'GPU time G', kind: 'duration', basis: m.gpuStepNs.basis, value: m.gpuStepNs.value, how: m.gpuStepNs.value === null ? 'unknown: no device times' : `${m.gpuStepNs.method}; ${formatValue('count', s.gpuKernelInstances)} kernels` },
    { key: 'overheadShare', label: 'launch overhead share', kind: 'share', basis: m.overheadShare.basis, value: m.overheadShare.value, how: unknown(m.overheadShare) },
    { key: 'model.launchCallNs', label: '  inside launch calls', kind: 'duration', basis: m.launchCallNs.basis, value: m.launchCallNs.value, how: m.launchCallNs.method },
    { key: 'model.betweenLaunchesNs', label: '  host code between', kind: 'duration', basis: m.betweenLaunchesNs.basis, value: m.betweenLaunchesNs.value, how: unknown(m.betweenLaunchesNs) },
    { key: 'prediction.graphStepNs', label: 'graph step P', kind: 'duration', basis: m.graphStepNs.basis, value: m.graphStepNs.value, how: unknown(m.graphStepNs) },
    { key: 'prediction.savedPerStepNs', label: 'saved per step', kind: 'duration', basis: m.savedNs.basis, value: m.savedNs.value, how: unknown(m.savedNs) },
    { key: 'prediction.speedup', label: 'speedup', kind: 'ratio', basis: m.speedup.basis, value: m.speedup.value, how: unknown(m.speedup) },
    {
      key: 'verdict',
      label: 'verdict',
      kind: 'text',
      basis: a.verdictBasis,
      value: a.verdict === 'unknown' ? 'none' : a.verdict,
      how: a.verdict === 'already-graphed' ? 'graph launches present' : a.verdict === 'unknown' ? `no verdict: ${m.missing.join('; ')}` : `launch-bound when the GPU waits for the host more than half the step`,
    },
  ];
}

/** Two or three sentences a person can act on. */
export function summarize(a: ProfileAnalysis): string {
  const s = a.perStep;
  const m = a.model;
  const step = a.steps === 1 ? 'per step' : `per step (${formatCount(a.steps)} steps)`;
  const W = `${formatDuration(m.eagerStepNs.value!)} step (${m.eagerStepNs.basis})`;
  const parts: string[] = [];
  parts.push(`${formatValue('count', s.launchCalls)} kernel launches ${step}; the driver's launch calls take ${formatDuration(s.launchNs)} of a ${W}.`);
  if (a.verdict === 'already-graphed') parts.push(`The program already launches CUDA graphs (${formatValue('count', s.graphLaunchCalls)} ${step}); the eager launches left could go into them too.`);
  if (m.gpuStepNs.value === null || m.graphStepNs.value === null) {
    parts.push(`No verdict and no prediction: ${m.missing.join('; ')}.`);
  } else {
    const est = m.eagerStepNs.basis === 'measured' ? '' : ` (estimated: ${m.missing.join('; ') || 'the step time was given'})`;
    parts.push(
      `The GPU works ${formatDuration(m.gpuStepNs.value)} of it (measured) and waits for the host ${formatShare(m.overheadShare.value!)} of the step${est}: ${formatDuration(m.launchCallNs.value!)} in launch calls, ${formatDuration(m.betweenLaunchesNs.value!)} in host code between them.`,
    );
    if (a.verdict === 'launch-bound') parts.push('The step is launch-bound.');
    else if (a.verdict === 'gpu-bound') parts.push('The step is GPU-bound.');
    if (m.speedup.value !== null && m.speedup.value <= 1) {
      parts.push(`By the model a CUDA graph would not make the step faster (predicted graph step ${formatDuration(m.graphStepNs.value)}).`);
    } else if (m.speedup.value !== null) {
      parts.push(`Captured as a CUDA graph the step would take about ${formatDuration(m.graphStepNs.value)} (estimated; ${formatRatio(m.speedup.value)}, ${formatDuration(m.savedNs.value!)} saved).`);
    }
  }
  const blockers = a.findings.filter((f) => f.severity === 'blocker');
  if (blockers.length > 0) parts.push(`First remove what blocks capture: ${blockers.map((b) => `${formatValue('count', b.count)} ${b.id === 'host-sync' ? 'host syncs' : 'blocking allocations'}`).join(' and ')} ${step}.`);
  return parts.join(' ');
}

export function renderDifference(d: ProfileDifference): string {
  const lines = [`What changed from profile ${d.from + 1} to profile ${d.to + 1}:`];
  for (const it of d.items) {
    if (it.before === null && it.after === null) continue;
    if (it.change === 0) continue;
    const before = formatValue(it.kind, it.before);
    const after = formatValue(it.kind, it.after);
    const change = it.change === null ? '' : it.kind === 'share' ? ` (${formatPoints(it.change)})` : ` (${it.change >= 0 ? '+' : ''}${(it.change * 100).toFixed(1)}%)`;
    lines.push(`  ${it.label}: ${before} -> ${after}${change}`);
  }
  if (d.verdict.before !== d.verdict.after) lines.push(`  verdict: ${d.verdict.before} -> ${d.verdict.after}`);
  if (lines.length === 1) lines.push('  nothing');
  return lines.join('\n');
}

export function renderAnalyzeTable(shown: AnalyzeResult, color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out: string[] = [];
  for (const [i, a] of r.profiles.entries()) {
    out.push(`graphprof analyze: ${profileHeading(r, i)}`);
    const table = new Table({
      head: ['per step', 'value', 'basis', 'how'],
      style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
      colAligns: ['left', 'right', 'left', 'left'],
    });
    for (const f of analyzeFigures(a)) {
      let v = formatValue(f.kind, f.value);
      if (f.key === 'verdict' && a.verdict === 'launch-bound') v = color.yellow(v);
      if (f.key === 'overheadShare' && r.options.failAboveShare !== null && a.overheadShare !== null && a.overheadShare > r.options.failAboveShare) v = color.red(v);
      table.push([f.label, v, f.value === null ? '' : f.basis ?? '', f.how]);
    }
    out.push(table.toString());
    out.push(summarize(a));
    for (const f of a.findings) {
      const tag = f.severity === 'blocker' ? color.red('blocker') : f.severity === 'warning' ? color.yellow('warning') : 'info';
      out.push(`  ${tag} [${f.id}] ${f.message}`);
    }
    out.push('');
  }
  for (const d of r.differences) out.push(renderDifference(d), '');
  out.push(replayCostLine(r));
  return `${out.join('\n')}\n`;
}

/** The replay model the predictions used, and where the methods are written up. */
export function replayCostLine(r: AnalyzeResult): string {
  const rm = r.replayModel;
  return `Replay model: per node max(kernel time, ${formatDuration(rm.floorNs)}) + ${formatDuration(rm.gapNs)} after a different kernel, kernel time ${rm.repeatNs < 0 ? '-' : '+'} ${formatDuration(Math.abs(rm.repeatNs))} after the same kernel, ${formatDuration(rm.graphLaunchNs)} per graph launch (${rm.source}). Methods: docs/analyze.md.`;
}

/** The notes of a result, as the command prints them on stderr (every format but JSON, which holds them). */
export function analyzeNotes(r: AnalyzeResult): string[] {
  return [...r.replayModel.notes, ...r.notes].map((n) => `note: ${n}`);
}

/** The profile's heading line, the same in the table and markdown. */
export function profileHeading(r: AnalyzeResult, i: number): string {
  const a = r.profiles[i]!;
  const files = a.source.paths.length > 1 ? a.source.paths.join(' + ') : a.source.path;
  const idx = r.profiles.filter((p) => p.source.path === a.source.path).length > 1 ? ` #${a.source.index + 1}` : '';
  return `profile ${i + 1}: ${files}${idx} (${a.source.reports.join(', ')}${a.traceRows > 0 ? `, ${formatCount(a.traceRows)} trace rows` : ''}), ${formatCount(a.steps)} step${a.steps === 1 ? '' : 's'}`;
}
