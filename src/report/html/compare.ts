// The `compare` report: each gated metric's change from the baseline with its noise interval and
// the gate, one row per metric, coloured by verdict.
import type { CompareResult, MetricComparison } from '../../core/compare/compare.js';
import { formatBytes, formatCount, formatDuration, formatRatio, formatShare } from '../../core/units.js';
import { forest, type ForestRow } from './charts.js';
import { figure, missing, type Section } from './page.js';
import { legend } from './svg.js';

function value(m: MetricComparison, v: number | null): string {
  if (v === null) return '-';
  if (m.kind === 'duration') return formatDuration(v);
  if (m.kind === 'bytes') return formatBytes(v);
  if (m.kind === 'share') return formatShare(v);
  if (m.kind === 'ratio') return formatRatio(v);
  return formatCount(v);
}

/** The noise interval as relative changes: the bootstrap interval, else the between-run limits. */
function interval(m: MetricComparison): { low: number; high: number; what: string } | null {
  if (m.significance) return { low: m.significance.changeLow, high: m.significance.changeHigh, what: `${Math.round(m.significance.level * 100)}% bootstrap interval of the ${m.significance.quantile === 0.5 ? 'median' : `p${Math.round(m.significance.quantile * 100)}`} ratio` };
  if (m.betweenRunSpread) return { low: m.betweenRunSpread.limitChangeLow, high: m.betweenRunSpread.limitChangeHigh, what: `${(m.betweenRunSpread.level * 100).toFixed(1)}% limits between ${m.betweenRunSpread.runs} baseline runs` };
  return null;
}

/** The gate as a relative change in the bad direction (+ for lower-is-better figures). */
function gate(m: MetricComparison): number | null {
  if (m.threshold.allowed === null || m.baseline === null || m.baseline === 0) return null;
  const rel = m.threshold.allowed / Math.abs(m.baseline);
  return m.better === 'lower' ? rel : -rel;
}

const VERDICT_CLASS: Record<string, string> = { regressed: 'k-bad', missing: 'k-bad', improved: 'k-good', 'within-noise': 'k-api', unchanged: 'k-model', new: 'k-model' };

export function compareSection(r: CompareResult, source: string | null): Section {
  const rows: ForestRow[] = r.metrics.map((m) => {
    const iv = interval(m);
    return {
      label: m.label,
      change: m.relativeChange,
      low: iv?.low ?? null,
      high: iv?.high ?? null,
      gate: gate(m),
      cls: VERDICT_CLASS[m.verdict] ?? 'k-model',
      tip: `${m.label}: ${value(m, m.baseline)} -> ${value(m, m.current)} (${m.verdict})${iv ? `; ${iv.what}: ${formatShare(iv.low)} to ${formatShare(iv.high)}` : ''}`,
    };
  });
  const s = r.summary;
  const meta = [
    `${r.compared} results: baseline ${r.baselines.length > 1 ? `${r.baselines.length} runs (median of each figure)` : r.baseline.path}, current ${r.current.path}; ${s.passed ? 'gate passed' : 'GATE FAILED'}: ${s.regressed} regressed, ${s.missing} missing, ${s['within-noise']} within noise, ${s.improved} improved, ${s.unchanged} unchanged`,
    `GPU ${r.current.gpu ?? 'unknown'}; confidence level ${formatShare(r.level)}`,
  ];
  if (source) meta.push(`from ${source}, created ${r.createdAt}`);
  const body = rows.length === 0 ? missing('No metric to compare.') : forest({ label: 'change of each gated metric from the baseline', rows });
  const fig = figure({
    id: 'compare-metrics',
    title: 'Each gated metric: current vs baseline, noise interval and gate',
    body,
    legend: legend([
      { label: 'regressed / missing', cls: 'k-bad', shape: 'dot' },
      { label: 'improved', cls: 'k-good', shape: 'dot' },
      { label: 'beyond the threshold but within noise', cls: 'k-api', shape: 'dot' },
      { label: 'unchanged (within the threshold)', cls: 'k-model', shape: 'dot' },
      { label: 'gate: the largest change that passes', cls: 'k-bad', shape: 'dash' },
    ]),
    method:
      'Change = current / baseline - 1 (baseline: the median over baseline runs). Whisker: the bootstrap interval of the quantile ratio from the raw samples, or the prediction limits between baseline runs, as the compare table gives them; counts, shares and ratios are exact. A metric regresses when its change passes the gate in the bad direction and lies beyond the noise (docs/ci.md).',
    values: {
      head: ['metric', 'baseline', 'current', 'change', 'noise interval', 'gate', 'verdict'],
      rows: r.metrics.map((m) => {
        const iv = interval(m);
        const g = gate(m);
        return [m.label, value(m, m.baseline), value(m, m.current), m.relativeChange === null ? '-' : `${m.relativeChange >= 0 ? '+' : ''}${formatShare(m.relativeChange)}`, iv ? `${formatShare(iv.low)} to ${formatShare(iv.high)}` : m.noise, g === null ? '-' : `${g >= 0 ? '+' : ''}${formatShare(g)}`, m.verdict];
      }),
    },
  });
  return { heading: 'graphprof compare', meta, figures: [fig] };
}
