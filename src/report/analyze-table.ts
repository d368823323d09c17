// `graphprof analyze` as a table per profile and a short plain-language summary. Renderers scale
// units; the only arithmetic is none: every figure comes from the result.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import type { AnalyzeResult, ProfileAnalysis, ProfileDifference } from '../core/analyze/schema.js';
import { formatCount, formatDuration, formatFigure, formatPoints, formatRatio, formatShare, type FigureKind } from '../core/units.js';

/**
 * The kinds of figure a row shows: those core/units.ts prints, and plain text. The figure list
 * below is the one column spec of analyze: rows of the table and markdown, columns of the CSV.
 */
export type RowKind = Exclude<FigureKind, 'bytes'> | 'text';

export interface Figure {
  key: string;
  label: string;
  kind: RowKind;
  value: number | string | null;
  /** how the figure was found, in a few words */
  how: string;
}

export function fmt(kind: RowKind, v: number | string | null): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string' || kind === 'text') return String(v);
  return formatFigure(kind, v);
}

const LATENCY_HOW: Record<ProfileAnalysis['stepLatencySource'], string> = {
  'target-latency': '--target-latency',
  'host-api-time': 'host API time (larger than GPU kernel time)',
  'gpu-kernel-time': 'GPU kernel time (larger than host API time)',
};

/** The figures of one profile, in table order (the one list a new figure is added to). */
export function analyzeFigures(a: ProfileAnalysis): Figure[] {
  const s = a.perStep;
  const costHow = { median: 'median x calls', total: 'Total Time (no median in report)', mixed: 'median x calls, Total where no median' }[a.launches.costMethod];
  return [
    { key: 'perStep.launchCalls', label: 'kernel launches', kind: 'count', value: s.launchCalls, how: 'launch API calls / steps' },
    { key: 'perStep.launchNs', label: 'launch overhead', kind: 'duration', value: s.launchNs, how: costHow },
    { key: 'perStep.backPressureNs', label: 'launch back-pressure', kind: 'duration', value: s.backPressureNs, how: 'launch Total Time - launch overhead' },
    { key: 'perStep.graphLaunchCalls', label: 'graph launches', kind: 'count', value: s.graphLaunchCalls, how: 'cudaGraphLaunch/cuGraphLaunch calls' },
    { key: 'perStep.memcpyCalls', label: 'memory copies', kind: 'count', value: s.memcpyCalls, how: `${formatDuration(s.memcpyNs)} host time` },
    { key: 'perStep.syncCalls', label: 'host syncs', kind: 'count', value: s.syncCalls, how: `${formatDuration(s.syncNs)} host time` },
    { key: 'perStep.allocCalls', label: 'blocking allocs/frees', kind: 'count', value: s.allocCalls, how: 'cudaMalloc, cudaFree, ...' },
    { key: 'perStep.hostApiNs', label: 'host API time', kind: 'duration', value: s.hostApiNs, how: 'sum of every CUDA API Total Time' },
    { key: 'perStep.hostEnqueueNs', label: 'host enqueue time', kind: 'duration', value: s.hostEnqueueNs, how: 'launch + graph launch + copy + memset cost' },
    { key: 'perStep.gpuKernelNs', label: 'GPU kernel time', kind: 'duration', value: s.gpuKernelNs, how: s.gpuKernelNs === null ? 'no kernel report' : `${fmt('count', s.gpuKernelInstances)} kernel instances` },
    { key: 'stepLatencyNs', label: 'step latency', kind: 'duration', value: a.stepLatencyNs, how: LATENCY_HOW[a.stepLatencySource] },
    { key: 'overheadShare', label: 'launch overhead share', kind: 'share', value: a.overheadShare, how: 'launch overhead / step latency' },
    { key: 'prediction.eagerStepNs', label: 'eager step (model)', kind: 'duration', value: a.prediction.eagerStepNs, how: a.prediction.method === 'max-host-gpu' ? 'max(host enqueue, GPU kernel time)' : 'step latency' },
    {
      key: 'prediction.graphStepNs',
      label: 'graph step (predicted)',
      kind: 'duration',
      value: a.prediction.graphStepNs,
      how:
        a.prediction.method === 'max-host-gpu'
          ? `max(graph launch ${formatDuration(a.prediction.graphLaunchNs)}, GPU + ${formatDuration(a.prediction.perNodeReplayNs)}/node)`
          : `step - launch overhead + ${formatDuration(a.prediction.perNodeReplayNs)}/node`,
    },
    { key: 'prediction.speedup', label: 'predicted speedup', kind: 'ratio', value: a.prediction.speedup, how: 'eager / graph step' },
    { key: 'prediction.savedPerStepNs', label: 'saved per step', kind: 'duration', value: a.prediction.savedPerStepNs, how: 'eager - graph step' },
    { key: 'verdict', label: 'verdict', kind: 'text', value: a.verdict + (a.verdictBasis === 'estimated' ? ' (estimated)' : ''), how: a.verdict === 'already-graphed' ? 'graph launches present' : 'host enqueue vs GPU time' },
  ];
}

/** Two or three sentences a person can act on. */
export function summarize(a: ProfileAnalysis): string {
  const s = a.perStep;
  const step = a.steps === 1 ? 'per step' : `per step (${formatCount(a.steps)} steps)`;
  const parts: string[] = [];
  parts.push(
    `${fmt('count', s.launchCalls)} kernel launches ${step} cost the CPU ${formatDuration(s.launchNs)}, ${formatShare(a.overheadShare)} of a ${formatDuration(a.stepLatencyNs)} step` +
      (a.stepLatencySource === 'target-latency' ? ' (target latency).' : '.'),
  );
  if (a.verdict === 'already-graphed') parts.push(`The program already launches CUDA graphs (${fmt('count', s.graphLaunchCalls)} ${step}); the eager launches left could go into them too.`);
  else if (a.verdict === 'launch-bound') parts.push(`The step is launch-bound${a.verdictBasis === 'estimated' ? ' (estimated: no GPU kernel report)' : ''}: the host needs longer to issue the work than the GPU needs to run it.`);
  else parts.push(`The step is GPU-bound${a.verdictBasis === 'estimated' ? ' (estimated: no GPU kernel report)' : ''}: the GPU's work takes longer than issuing it.`);
  if (Number.isFinite(a.prediction.speedup) && a.prediction.speedup <= 1) {
    parts.push(`By this model a CUDA graph would not make the step faster (${formatDuration(a.prediction.eagerStepNs)} eager, ${formatDuration(a.prediction.graphStepNs)} as a graph): replaying ${fmt('count', s.launchCalls)} nodes costs the GPU about as much as the launches cost the host.`);
  } else if (Number.isFinite(a.prediction.speedup)) {
    parts.push(`Capturing the step as a CUDA graph would take it from about ${formatDuration(a.prediction.eagerStepNs)} to ${formatDuration(a.prediction.graphStepNs)} (${formatRatio(a.prediction.speedup)}, ${formatDuration(a.prediction.savedPerStepNs)} saved).`);
  }
  const blockers = a.findings.filter((f) => f.severity === 'blocker');
  if (blockers.length > 0) parts.push(`First remove what blocks capture: ${blockers.map((b) => `${fmt('count', b.count)} ${b.id === 'host-sync' ? 'host syncs' : 'blocking allocations'}`).join(' and ')} ${step}.`);
  return parts.join(' ');
}

export function renderDifference(d: ProfileDifference): string {
  const lines = [`What changed from profile ${d.from + 1} to profile ${d.to + 1}:`];
  for (const it of d.items) {
    if (it.before === null && it.after === null) continue;
    if (it.change === 0) continue;
    const before = fmt(it.kind, it.before);
    const after = fmt(it.kind, it.after);
    const change = it.change === null ? '' : it.kind === 'share' ? ` (${formatPoints(it.change)})` : ` (${it.change >= 0 ? '+' : ''}${(it.change * 100).toFixed(1)}%)`;
    lines.push(`  ${it.label}: ${before} -> ${after}${change}`);
  }
  if (d.verdict.before !== d.verdict.after) lines.push(`  verdict: ${d.verdict.before} -> ${d.verdict.after}`);
  if (lines.length === 1) lines.push('  nothing');
  return lines.join('\n');
}

export function renderAnalyzeTable(r: AnalyzeResult, color: ChalkInstance): string {
  const out: string[] = [];
  for (const [i, a] of r.profiles.entries()) {
    out.push(`graphprof analyze: ${profileHeading(r, i)}`);
    const table = new Table({
      head: ['per step', 'value', 'how'],
      style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
      colAligns: ['left', 'right', 'left'],
    });
    for (const f of analyzeFigures(a)) {
      let v = fmt(f.kind, f.value);
      if (f.key === 'verdict' && a.verdict === 'launch-bound') v = color.yellow(v);
      if (f.key === 'overheadShare' && r.options.failAboveShare !== null && a.overheadShare > r.options.failAboveShare) v = color.red(v);
      table.push([f.label, v, f.how]);
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

/** The replay cost the predictions used, and where the methods are written up. */
export function replayCostLine(r: AnalyzeResult): string {
  return `Replay cost: ${formatDuration(r.replayCost.perNodeReplayNs)} per kernel node, ${formatDuration(r.replayCost.graphLaunchNs)} per graph launch (${r.replayCost.source}). Methods: docs/analyze.md.`;
}

/** The notes of a result, as the command prints them on stderr (every format but JSON, which holds them). */
export function analyzeNotes(r: AnalyzeResult): string[] {
  return [...r.replayCost.notes, ...r.notes].map((n) => `note: ${n}`);
}

/** The profile's heading line, the same in the table and markdown. */
export function profileHeading(r: AnalyzeResult, i: number): string {
  const a = r.profiles[i]!;
  const files = a.source.paths.length > 1 ? a.source.paths.join(' + ') : a.source.path;
  const idx = r.profiles.filter((p) => p.source.path === a.source.path).length > 1 ? ` #${a.source.index + 1}` : '';
  return `profile ${i + 1}: ${files}${idx} (${a.source.reports.join(', ')}${a.traceRows > 0 ? `, ${formatCount(a.traceRows)} trace rows` : ''}), ${formatCount(a.steps)} step${a.steps === 1 ? '' : 's'}`;
}
