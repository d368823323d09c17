// `graphprof recommend` as a table: the recommended pool beside the engines' default lists, one
// line of advice, and the flag or config snippet for each engine asked for. Renderers scale units;
// no other arithmetic.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import { ENGINE_NAMES, type ConstantSource, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { formatBytes, formatDuration, formatRatio, formatShare } from '../core/units.js';
import { printableDeep } from './printable.js';

function describeDistribution(r: RecommendResult): string {
  const d = r.distribution;
  if (d.kind === 'uniform') return `uniform over 1..${r.maxBatch}`;
  if (d.kind === 'zipf') return `Zipf, exponent ${d.exponent}, over 1..${r.maxBatch}`;
  return `observed, ${d.samples} steps from ${d.file}`;
}

function describeBudgets(r: RecommendResult): string {
  const mem = r.budgets.memoryBytes === null ? 'no memory budget' : `memory budget ${formatBytes(r.budgets.memoryBytes)}`;
  const cap = r.budgets.captureNs === null ? 'no capture budget' : `capture budget ${formatDuration(r.budgets.captureNs)}`;
  const graphs = r.budgets.maxGraphs === null || r.budgets.maxGraphs === undefined ? '' : `, at most ${r.budgets.maxGraphs} graphs`;
  return `${mem}, ${cap}${graphs}, ${r.sharedPool ? 'shared memory pool' : 'one memory pool per graph'}${r.allowEagerTail ? ', eager tail allowed' : ''}`;
}

/** measured, fitted or assumed, as each constant's source says */
function basis(...sources: ConstantSource[]): string {
  const label = (s: ConstantSource) => (s === 'default' ? 'assumed' : s === 'flag' ? 'flag' : s === 'file' ? 'fitted from --from' : s === 'curve' ? 'measured, curve' : 'measured, engine log');
  return [...new Set(sources.map(label))].join(' / ');
}

function describeModel(r: RecommendResult): string {
  const m = r.model;
  const src = m.sources;
  const step = r.curve
    ? `step measured at ${r.curve.points.length} sizes (${r.curve.points[0]!.batch}..${r.curve.points[r.curve.points.length - 1]!.batch}; staircase between${r.curve.extrapolatedFrom !== null ? `, extrapolated above ${r.curve.extrapolatedFrom}` : ''})`
    : `step ${formatDuration(m.stepBaseNs)} + ${formatDuration(m.stepPerSeqNs)}/seq (${basis(src.stepBaseNs, src.stepPerSeqNs)})`;
  return [
    step,
    `eager +${formatDuration(m.eagerPenaltyNs)} (${basis(src.eagerPenaltyNs)})`,
    `graph ${formatBytes(m.graphMemBytes)} + pool ${formatBytes(m.poolPerSeqBytes)}/seq (${basis(src.graphMemBytes, src.poolPerSeqBytes)})`,
    `capture ${formatDuration(m.captureBaseNs)} + ${formatDuration(m.capturePerSeqNs)}/seq (${basis(src.captureBaseNs, src.capturePerSeqNs)})`,
  ].join(', ');
}

function stepBasis(r: RecommendResult, sizes: readonly number[], interpolated: readonly number[]): string {
  if (!r.curve) return 'model';
  return interpolated.length === 0 ? 'measured' : `${interpolated.length}/${sizes.length} interp.`;
}

export function renderRecommendTable(shown: RecommendResult, engines: readonly Engine[], color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const table = new Table({
    head: ['pool', 'graphs', 'expected step', 'T(s)', 'vs recommended', 'padding', 'worst pad', 'eager', 'graph memory', 'capture', 'budgets'],
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  table.push([
    color.bold('recommended'),
    String(r.graphCount),
    formatDuration(r.expectedStepNs),
    stepBasis(r, r.sizes, r.interpolatedSizes),
    '-',
    formatShare(r.paddingOverhead),
    formatRatio(r.worstPaddingRatio),
    formatShare(r.eagerShare),
    formatBytes(r.memoryBytes),
    formatDuration(r.captureNs),
    color.green('fits'),
  ]);
  for (const b of r.baselines) {
    if (b.engine !== null && !engines.includes(b.engine)) continue;
    table.push([
      b.name,
      String(b.graphCount),
      formatDuration(b.expectedStepNs),
      stepBasis(r, b.sizes, b.interpolatedSizes),
      `${b.slowerThanRecommended >= 0 ? '+' : ''}${formatShare(b.slowerThanRecommended)}`,
      formatShare(b.paddingOverhead),
      formatRatio(b.worstPaddingRatio),
      formatShare(b.eagerShare),
      formatBytes(b.memoryBytes),
      formatDuration(b.captureNs),
      b.fits ? 'fits' : color.red('does not fit'),
    ]);
  }
  const lines = [
    `graphprof recommend: max batch ${r.maxBatch}, ${describeDistribution(r)}; ${describeBudgets(r)}`,
    `model: ${describeModel(r)}; ideal step ${formatDuration(r.idealStepNs)}`,
    table.toString(),
    `padding = expected step / ideal - 1 (ideal: every batch at its own size); worst pad = largest padded / real batch; eager = share of steps above the largest size; T(s): step times ${r.curve ? 'measured at every size of the pool, or how many are interpolated' : 'from the model line (see model:)'}.`,
    `sizes (${r.graphCount}): ${r.sizes.join(', ')}`,
    color.bold(r.advice),
  ];
  for (const e of engines) lines.push(`${ENGINE_NAMES[e]}: ${r.snippets[e]}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
