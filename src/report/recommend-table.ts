// `graphprof recommend` as a table: the recommended pool beside the engines' default lists, one
// line of advice, and the flag or config snippet for each engine asked for. Renderers scale units;
// no other arithmetic.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import { ENGINE_NAMES, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { formatBytes, formatDuration, formatRatio, formatShare } from '../core/units.js';

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

function describeModel(r: RecommendResult): string {
  const m = r.model;
  return [
    `step ${formatDuration(m.stepBaseNs)} + ${formatDuration(m.stepPerSeqNs)}/seq`,
    `eager +${formatDuration(m.eagerPenaltyNs)}`,
    `graph ${formatBytes(m.graphMemBytes)} + pool ${formatBytes(m.poolPerSeqBytes)}/seq`,
    `capture ${formatDuration(m.captureBaseNs)} + ${formatDuration(m.capturePerSeqNs)}/seq`,
  ].join(', ');
}

export function renderRecommendTable(r: RecommendResult, engines: readonly Engine[], color: ChalkInstance): string {
  const table = new Table({
    head: ['pool', 'graphs', 'expected step', 'vs recommended', 'padding', 'worst pad', 'eager', 'graph memory', 'capture', 'budgets'],
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  table.push([
    color.bold('recommended'),
    String(r.graphCount),
    formatDuration(r.expectedStepNs),
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
    'padding = expected step / ideal - 1 (ideal: every batch at its own size); worst pad = largest padded / real batch; eager = share of steps above the largest size.',
    `sizes (${r.graphCount}): ${r.sizes.join(', ')}`,
    color.bold(r.advice),
  ];
  for (const e of engines) lines.push(`${ENGINE_NAMES[e]}: ${r.snippets[e]}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
