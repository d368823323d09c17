// `graphprof recommend` as a table: the recommended pool beside the engines' default lists, one
// line of advice, and the flag or config snippet for each engine asked for. Renderers scale units;
// no other arithmetic.
import type { ChalkInstance } from 'chalk';

import { ENGINE_NAMES, type ConstantSource, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { formatBytes, formatDuration, formatShare } from '../core/units.js';
import { renderTextTable, type Column } from './columns.js';
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
  const label = (x: ConstantSource) => (x === 'default' ? 'assumed' : x === 'flag' ? 'flag' : x === 'file' ? 'fitted from --from' : x === 'curve' ? 'measured, curve' : 'measured, engine log');
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

/** Whether a pool's step times were measured (with --curve) or how many were interpolated. */
function stepBasis(curve: boolean, sizes: readonly number[], interpolated: readonly number[]): string {
  if (!curve) return 'model';
  return interpolated.length === 0 ? 'measured' : `${interpolated.length}/${sizes.length} interp.`;
}

/** One pool as the table shows it: the recommendation or an engine's default list. */
export interface PoolRow {
  name: string;
  recommended: boolean;
  graphCount: number;
  sizes: number[];
  expectedStepNs: number;
  /** null for the recommended pool itself */
  slowerThanRecommended: number | null;
  paddingOverhead: number;
  worstPaddingRatio: number;
  eagerShare: number;
  memoryBytes: number;
  captureNs: number;
  fits: boolean;
  /** step-time basis: "measured", "k/n interp." (with --curve) or "model" */
  stepBasis: string;
}

/** The recommended pool, then the default lists of the engines asked for (and the generic ones). */
export function poolRows(r: RecommendResult, engines: readonly Engine[]): PoolRow[] {
  const rows: PoolRow[] = [
    {
      name: 'recommended',
      recommended: true,
      graphCount: r.graphCount,
      sizes: r.sizes,
      expectedStepNs: r.expectedStepNs,
      slowerThanRecommended: null,
      paddingOverhead: r.paddingOverhead,
      worstPaddingRatio: r.worstPaddingRatio,
      eagerShare: r.eagerShare,
      memoryBytes: r.memoryBytes,
      captureNs: r.captureNs,
      fits: true,
      stepBasis: stepBasis(r.curve !== null, r.sizes, r.interpolatedSizes),
    },
  ];
  for (const b of r.baselines) {
    if (b.engine !== null && !engines.includes(b.engine)) continue;
    rows.push({ ...b, recommended: false, slowerThanRecommended: b.slowerThanRecommended, stepBasis: stepBasis(r.curve !== null, b.sizes, b.interpolatedSizes) });
  }
  return rows;
}

/** The one column spec of `recommend`: the table, markdown and CSV (STYLE.md item 6). */
export const RECOMMEND_COLUMNS: readonly Column<PoolRow>[] = [
  { key: 'pool', label: 'pool', kind: 'text', align: 'left', value: (p) => p.name, tone: (p) => (p.recommended ? 'strong' : null) },
  { key: 'graphCount', label: 'graphs', kind: 'count', align: 'right', value: (p) => p.graphCount, display: (p) => String(p.graphCount) },
  { key: 'expectedStepNs', label: 'expected step', kind: 'duration', align: 'right', value: (p) => p.expectedStepNs },
  { key: 'stepBasis', label: 'T(s)', kind: 'text', align: 'right', value: (p) => p.stepBasis },
  {
    key: 'slowerThanRecommended',
    label: 'vs recommended',
    kind: 'share',
    align: 'right',
    value: (p) => p.slowerThanRecommended,
    display: (p) => (p.slowerThanRecommended === null ? '-' : `${p.slowerThanRecommended >= 0 ? '+' : ''}${formatShare(p.slowerThanRecommended)}`),
  },
  { key: 'paddingOverhead', label: 'padding', kind: 'share', align: 'right', value: (p) => p.paddingOverhead },
  { key: 'worstPaddingRatio', label: 'worst pad', kind: 'ratio', align: 'right', value: (p) => p.worstPaddingRatio },
  { key: 'eagerShare', label: 'eager', kind: 'share', align: 'right', value: (p) => p.eagerShare },
  { key: 'memoryBytes', label: 'graph memory', kind: 'bytes', align: 'right', value: (p) => p.memoryBytes },
  { key: 'captureNs', label: 'capture', kind: 'duration', align: 'right', value: (p) => p.captureNs },
  {
    key: 'fits',
    label: 'budgets',
    kind: 'text',
    align: 'left',
    value: (p) => (p.fits ? 'fits' : 'does not fit'),
    tone: (p) => (p.recommended ? 'good' : p.fits ? null : 'bad'),
  },
  { key: 'sizes', label: 'sizes', kind: 'text', align: 'left', value: (p) => p.sizes.join(' '), secondary: true },
];

export const RECOMMEND_LEGEND =
  'padding = expected step / ideal - 1 (ideal: every batch at its own size); worst pad = largest padded / real batch; eager = share of steps above the largest size; T(s): step times measured (--curve) at every size of the pool, how many were interpolated (an interpolated size is charged the memory and capture time of the next measured size), or from the model line.';

export function recommendHeading(r: RecommendResult): string {
  return `graphprof recommend: max batch ${r.maxBatch}, ${describeDistribution(r)}; ${describeBudgets(r)}`;
}

/** The model, and whether its figures are estimated: the notes go to stderr, so the line says it. */
export function modelLine(r: RecommendResult): string {
  const sources = Object.values(r.model.sources);
  const assumed = sources.filter((s) => s === 'default').length;
  const basis = assumed === 0 ? '' : ` (estimated: ${assumed} of ${sources.length} constants are assumed defaults, not measurements; docs/recommend.md)`;
  return `model: ${describeModel(r)}; ideal step ${formatDuration(r.idealStepNs)}${basis}`;
}

/** The notes of a result, as the command prints them on stderr (every format but JSON, which holds them). */
export function recommendNotes(r: RecommendResult): string[] {
  return r.notes.map((n) => `note: ${n}`);
}

export function renderRecommendTable(shown: RecommendResult, engines: readonly Engine[], color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const lines = [
    recommendHeading(r),
    modelLine(r),
    renderTextTable(RECOMMEND_COLUMNS, poolRows(r, engines), color),
    RECOMMEND_LEGEND,
    `sizes (${r.graphCount}): ${r.sizes.join(', ')}`,
    color.bold(r.advice),
  ];
  for (const e of engines) lines.push(`${ENGINE_NAMES[e]}: ${r.snippets[e]}`);
  return `${lines.join('\n')}\n`;
}
