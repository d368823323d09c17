// `graphprof compare` as a table, and the column spec the markdown renderer shares. Renderers scale
// units; the comparison (changes, intervals, verdicts) is computed in src/core/compare/compare.ts. Warnings
// are not in the table: the command prints them on stderr (markdown, JSON and JUnit carry them).
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import type { CompareResult, MetricComparison, MetricKind, Verdict } from '../core/compare/compare.js';
import { formatFigure, formatPoints } from '../core/units.js';
import { printableDeep } from './printable.js';

/** A figure with its unit: "2.50 ms", "847 calls", "42.3%", "4.0 MiB", "1.69x". */
export function formatMetric(kind: MetricKind, v: number | null): string {
  if (v === null) return '—';
  if (kind === 'count') return `${formatFigure('count', v)} ${Math.abs(v) === 1 ? 'call' : 'calls'}`;
  return formatFigure(kind, v);
}

/** A signed amount of change in the metric's unit: "+250 µs", "+120 calls", "+2.0 pp", "-0.12x". */
export function formatAmount(kind: MetricKind, v: number): string {
  if (kind === 'share') return formatPoints(v);
  const sign = v > 0 ? '+' : '';
  if (kind === 'ratio') return `${sign}${v.toFixed(2)}x`;
  return `${sign}${formatMetric(kind, v)}`;
}

/** 0.1 -> "+10.0%". */
export function formatPercent(v: number): string {
  const text = `${(v * 100).toFixed(Math.abs(v) < 0.001 && v !== 0 ? 2 : 1)}%`;
  return v > 0 ? `+${text}` : text;
}

export function formatChange(m: MetricComparison): string {
  if (m.change === null) return '—';
  if (m.change === 0) return 'none';
  const amount = formatAmount(m.kind, m.change);
  return m.relativeChange === null ? amount : `${amount} (${formatPercent(m.relativeChange)})`;
}

/** The threshold in the bad direction: "+5%", "+0 calls", "+2.0 pp", "+200 ns". */
export function formatThreshold(m: MetricComparison): string {
  const t = m.threshold.threshold;
  const bad = m.better === 'lower' ? 1 : -1;
  if (t.mode === 'relative') {
    const pct = `${Number((t.value * 100).toFixed(2))}%`;
    return bad > 0 ? `+${pct}` : `-${pct}`;
  }
  const text = formatAmount(m.kind, bad * t.value);
  return t.value === 0 ? text.replace(/^(?!\+)/, '+') : text;
}

/** How the noise was judged: the interval of the change, or why there is none. */
export function formatNoise(m: MetricComparison): string {
  if (m.verdict === 'new' || m.verdict === 'missing') return '';
  if (m.significance) return `${formatPercent(m.significance.changeLow)} … ${formatPercent(m.significance.changeHigh)}`;
  switch (m.noise) {
    case 'exact':
      return 'exact';
    case 'memory-step':
      return '2 MiB step';
    case 'single-value':
      return 'single value';
    case 'samples':
      return '';
  }
}

/**
 * The spread of a timing between several baseline runs: "±12.0% sd, limit +45.3%" (the relative
 * standard deviation of the runs, and how far from their median the current value may go).
 */
export function formatSpread(m: MetricComparison): string {
  const s = m.betweenRunSpread;
  if (!s || m.verdict === 'new' || m.verdict === 'missing') return '';
  const limit = m.better === 'lower' ? s.limitChangeHigh : s.limitChangeLow;
  return `±${(s.logSd * 100).toFixed(1)}% sd, limit ${formatPercent(limit)}`;
}

export function verdictText(v: Verdict): string {
  return v === 'within-noise' ? 'within noise' : v;
}

export interface Column {
  head: (r: CompareResult) => string;
  cell: (m: MetricComparison) => string;
  align: 'left' | 'right';
}

/** One column spec for the table and the markdown: adding a column touches this list only. */
export const COLUMNS: readonly Column[] = [
  { head: () => 'metric', cell: (m) => m.key, align: 'left' },
  { head: () => 'baseline', cell: (m) => formatMetric(m.kind, m.baseline), align: 'right' },
  { head: () => 'current', cell: (m) => formatMetric(m.kind, m.current), align: 'right' },
  { head: () => 'change', cell: formatChange, align: 'right' },
  { head: () => 'threshold', cell: formatThreshold, align: 'right' },
  { head: (r) => `noise (${Number((r.level * 100).toFixed(1))}% CI of change)`, cell: formatNoise, align: 'right' },
  { head: () => 'verdict', cell: (m) => verdictText(m.verdict), align: 'left' },
];

const SPREAD_COLUMN: Column = {
  head: (r) => `between ${r.baselines.length} baseline runs`,
  cell: formatSpread,
  align: 'right',
};

/** The columns of one comparison: with several baseline runs, their spread before the verdict. */
export function columnsFor(r: CompareResult): readonly Column[] {
  return r.baselines.length > 1 ? [...COLUMNS.slice(0, -1), SPREAD_COLUMN, COLUMNS[COLUMNS.length - 1]!] : COLUMNS;
}

/** One line per metric, for failure messages: what moved, by how much, against what, and the noise. */
export function describeMetric(m: MetricComparison): string {
  const what = `${m.label} (${m.key})`;
  if (m.verdict === 'missing') return `${what}: ${formatMetric(m.kind, m.baseline)} in the baseline, absent from the current result`;
  if (m.verdict === 'new') return `${what}: ${formatMetric(m.kind, m.current)}, not in the baseline`;
  const parts = [`${what}: ${formatMetric(m.kind, m.baseline)} -> ${formatMetric(m.kind, m.current)}, change ${formatChange(m)}, threshold ${formatThreshold(m)} [${m.threshold.source}]`];
  if (m.significance) {
    const s = m.significance;
    const pct = Number((s.level * 100).toFixed(1));
    parts.push(
      `${pct}% CI of the change ${formatPercent(s.changeLow)} … ${formatPercent(s.changeHigh)} (${s.baselineSamples} vs ${s.currentSamples} samples): ${s.significant ? 'significant' : 'not significant'}`,
    );
  } else if (m.noise === 'memory-step' && m.verdict === 'within-noise') {
    parts.push('less than one 2 MiB allocation step of the driver');
  } else if (m.noise === 'single-value') {
    parts.push('no raw samples: compared as single values');
  }
  const spread = m.betweenRunSpread;
  if (spread) {
    const pct = Number((spread.level * 100).toFixed(1));
    parts.push(
      `${spread.runs} baseline runs from ${formatMetric(m.kind, spread.min)} to ${formatMetric(m.kind, spread.max)} (±${(spread.logSd * 100).toFixed(1)}% sd), ` +
        `${pct}% prediction limits ${formatPercent(spread.limitChangeLow)} … ${formatPercent(spread.limitChangeHigh)}: ${spread.beyond ? 'beyond them' : 'within them'}`,
    );
  }
  return `${parts.join('; ')}: ${verdictText(m.verdict)}`;
}

/** "FAILED: 2 regressed, 1 missing; 1 improved, 3 within noise, 30 unchanged". */
export function summaryLine(r: CompareResult): string {
  const s = r.summary;
  const bad = [s.regressed ? `${s.regressed} regressed` : '', s.missing ? `${s.missing} missing` : ''].filter(Boolean);
  const rest = [
    s.improved ? `${s.improved} improved` : '',
    s['within-noise'] ? `${s['within-noise']} within noise` : '',
    s.unchanged ? `${s.unchanged} unchanged` : '',
    s.new ? `${s.new} new` : '',
  ].filter(Boolean);
  const head = s.passed ? `PASSED (${s.total} gates)` : `FAILED: ${bad.join(', ')} of ${s.total} gates`;
  return rest.length ? `${head}; ${rest.join(', ')}` : head;
}

export function methodLine(r: CompareResult): string {
  const pct = Number((r.level * 100).toFixed(1));
  if (r.baselines.length > 1) {
    return (
      `Baseline: the median of ${r.baselines.length} baseline runs. A timing regresses only when its change is past the threshold, the ${pct}% bootstrap interval of current/baseline excludes 1, ` +
      `and the current value lies beyond the ${Number(((r.metrics.find((m) => m.betweenRunSpread)?.betweenRunSpread?.level ?? 0.995) * 100).toFixed(1))}% prediction limits of the baseline runs (their spread between processes); ` +
      'counts, shares and ratios compare exactly; graph memory moves in 2 MiB steps. Method: docs/ci.md.'
    );
  }
  return (
    `A timing with raw samples regresses only when its change is past the threshold and the ${pct}% bootstrap interval of current/baseline excludes 1; ` +
    'counts, shares and ratios compare exactly; graph memory moves in 2 MiB steps. Method: docs/ci.md.'
  );
}

/** "baseline a.json" or "3 baseline runs (a.json, b.json, c.json)". */
export function baselineText(r: CompareResult): string {
  return r.baselines.length > 1 ? `${r.baselines.length} baseline runs (${r.baselines.join(', ')})` : `baseline ${r.baseline.path}`;
}

export function renderCompareTable(shown: CompareResult, color: ChalkInstance): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const columns = columnsFor(r);
  const table = new Table({
    head: columns.map((c) => c.head(r)),
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: columns.map((c) => c.align),
  });
  const paint: Partial<Record<Verdict, (s: string) => string>> = {
    regressed: color.red,
    missing: color.red,
    improved: color.green,
    'within-noise': color.yellow,
  };
  for (const m of r.metrics) {
    const cells = columns.map((c) => c.cell(m));
    const p = paint[m.verdict];
    if (p) cells[cells.length - 1] = p(cells[cells.length - 1]!);
    table.push(cells);
  }
  const lines = [`graphprof compare: ${r.compared} results, ${baselineText(r)} -> current ${r.current.path}`];
  lines.push(table.toString());
  lines.push(r.summary.passed ? color.green(summaryLine(r)) : color.red(summaryLine(r)));
  lines.push(methodLine(r));
  if (r.baselineUpdated) lines.push(`baseline updated: ${r.baseline.path} now holds ${r.current.path}`);
  return `${lines.join('\n')}\n`;
}

/** The notes of a comparison, as the commands print them on stderr (the JSON holds them; markdown shows them as callouts). */
export function compareNotes(r: CompareResult): string[] {
  return r.notes.map((n) => `note: ${n}`);
}
