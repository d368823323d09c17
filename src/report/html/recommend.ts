// The `recommend` report: the step-time curve (measured points apart from the assumed or fitted
// model) with the captured sizes, the expected padding cost per batch size for the recommended pool
// and the engines' default lists, and the batch-size distribution.
import { binByBatch, paddingCost, resultStepTime } from '../../core/pictures/padding.js';
import type { RecommendResult } from '../../core/recommend/recommend.js';
import { formatDuration, formatShare } from '../../core/units.js';
import { histogram, xyChart, type XySeries } from './charts.js';
import { PERCENT_UNIT, timeUnit } from './geometry.js';
import { figure, missing, type Section } from './page.js';
import { legend } from './svg.js';

const d = formatDuration;
/** Points drawn along a model line or a padding curve: enough for a smooth line, bounded in size. */
const MAX_POINTS = 256;

/** The captured sizes as vertical marks, the same on the curve and on the distribution. */
function capturedMarks(sizes: readonly number[]): { x: number; label: string; cls: string }[] {
  return sizes.map((s) => ({ x: s, label: `captured size ${s}`, cls: 'k-graph' }));
}

/** Batch sizes 1..B, thinned to about MAX_POINTS evenly spaced on a log axis, always with 1 and B. */
function sampleBatches(maxBatch: number): number[] {
  const out = new Set<number>([1, maxBatch]);
  const steps = Math.min(MAX_POINTS, maxBatch);
  for (let i = 0; i <= steps; i++) out.add(Math.max(1, Math.min(maxBatch, Math.round(2 ** ((Math.log2(maxBatch) * i) / steps)))));
  return [...out].sort((a, b) => a - b);
}

function modelBasis(r: RecommendResult): { text: string; assumed: boolean } {
  const s = r.model.sources;
  const parts = [s.stepBaseNs, s.stepPerSeqNs];
  if (parts.every((x) => x === 'file')) return { text: `fitted from ${r.model.fromFile}`, assumed: false };
  if (parts.every((x) => x === 'flag')) return { text: 'from flags', assumed: false };
  if (parts.every((x) => x === 'default')) return { text: 'assumed defaults', assumed: true };
  return { text: `step base ${s.stepBaseNs}, per sequence ${s.stepPerSeqNs}`, assumed: parts.includes('default') };
}

function curveFigure(r: RecommendResult): string {
  const m = r.model;
  const T = resultStepTime(r).stepNs;
  const line = r.curve === null;
  const xs = sampleBatches(r.maxBatch);
  const measured = m.measured ?? [];
  const swept = r.curve?.points.filter((p) => p.batch <= r.maxBatch) ?? [];
  const basis = modelBasis(r);
  const max = Math.max(T(r.maxBatch) + m.eagerPenaltyNs, ...measured.map((p) => Math.max(p.eagerStepNs, p.graphStepNs)), ...swept.map((p) => p.measuredNs));
  const series: XySeries[] = [
    { name: line ? `graph step T(s), model (${basis.text})` : 'graph step T(s), measured curve (staircase)', cls: 'k-graph', dashed: line && basis.assumed, marker: 'none', points: xs.map((n) => ({ x: n, y: T(n) })) },
    { name: `eager step T(n) + eager penalty, model`, cls: 'k-eager', dashed: true, marker: 'none', points: xs.map((n) => ({ x: n, y: T(n) + m.eagerPenaltyNs })) },
    { name: 'captured size, at T(s)', cls: 'k-graph', line: false, marker: 'open', points: r.sizes.map((s) => ({ x: s, y: T(s), tip: `captured size ${s}: T(s) = ${d(T(s))} (${line ? 'model' : 'measured curve'})` })) },
  ];
  if (measured.length > 0) {
    series.push(
      { name: 'graph step, measured p50', cls: 'k-graph', line: false, marker: 'dot', points: measured.map((p) => ({ x: p.batch, y: p.graphStepNs, tip: `measured graph step at batch ${p.batch}: ${d(p.graphStepNs)}` })) },
      { name: 'eager step, measured p50', cls: 'k-eager', line: false, marker: 'dot', points: measured.map((p) => ({ x: p.batch, y: p.eagerStepNs, tip: `measured eager step at batch ${p.batch}: ${d(p.eagerStepNs)}` })) },
    );
  }
  if (swept.length > 0) {
    series.push({ name: 'graph step, measured median (sweep)', cls: 'k-graph', line: false, marker: 'dot', points: swept.map((p) => ({ x: p.batch, y: p.measuredNs, tip: `measured step at batch ${p.batch}: ${d(p.measuredNs)}${p.adjusted ? ` (used: ${d(p.stepNs)}, isotonic fix)` : ''}` })) });
  }
  const body = xyChart({
    label: 'step-time curve with the captured sizes',
    x: { scale: 'log2', min: 1, max: r.maxBatch, title: 'batch size' },
    y: { unit: timeUnit(max), title: 'step time', max },
    series,
    marks: capturedMarks(r.sizes),
  });
  return figure({
    id: 'recommend-curve',
    title: 'Step-time curve and the captured sizes',
    body,
    legend: legend([
      { label: line ? `graph step model (${basis.text})` : 'graph step, measured curve', cls: 'k-graph', shape: line && basis.assumed ? 'dash' : 'line' },
      { label: 'eager step model', cls: 'k-eager', shape: 'dash' },
      { label: 'measured p50 (filled)', cls: 'k-graph', shape: 'dot' },
      { label: 'captured sizes (dashed verticals, hollow points)', cls: 'k-graph', shape: 'dash' },
    ]),
    method: `${line ? `T(s) = ${d(m.stepBaseNs)} + ${d(m.stepPerSeqNs)} x s` : 'T(s): the measured curve (recommend --curve), a staircase up to the next measured size, extrapolated above the largest (docs/recommend.md)'}; eager = T(n) + ${d(m.eagerPenaltyNs)}. ${!line ? 'Filled points are the sweep\'s measured step medians.' : basis.assumed ? 'Assumed defaults, not measurements (docs/recommend.md): pass --from run.json to fit them.' : `Constants ${basis.text}; filled points are the measured graph and eager step medians the fit used.`} A batch of n runs the smallest captured size s >= n.`,
    notes: line && measured.length === 0 ? ['no measured points in this result: the curve is the model only'] : [],
    values: {
      head: ['batch', 'graph step (model)', 'measured graph p50', 'measured eager p50'],
      rows: [...new Set([...r.sizes, ...measured.map((p) => p.batch)])]
        .sort((a, b) => a - b)
        .map((n) => {
          const p = measured.find((x) => x.batch === n);
          return [`${n}${r.sizes.includes(n) ? ' (captured)' : ''}`, d(T(n)), p ? d(p.graphStepNs) : '-', p ? d(p.eagerStepNs) : '-'];
        }),
    },
  });
}

const POOL_CLASSES = ['k-graph', 'k-eager', 'k-gpu', 'k-sync', 'k-api'];

function paddingFigure(r: RecommendResult, shares: [number, number][]): string {
  const pools = [
    { name: 'recommended', sizes: r.sizes, expected: r.expectedStepNs },
    ...r.baselines.filter((b) => b.engine !== null).map((b) => ({ name: b.name, sizes: b.sizes, expected: b.expectedStepNs })),
  ];
  const width = Math.max(1, Math.ceil(r.maxBatch / MAX_POINTS));
  const curves = pools.map((p) => {
    const pts = paddingCost(resultStepTime(r), p.sizes, shares);
    const bins = binByBatch(pts, MAX_POINTS, (x) => x.expectedNs);
    return { ...p, pts, bins, total: pts.reduce((s, x) => s + x.expectedNs, 0) };
  });
  const max = Math.max(1, ...curves.flatMap((c) => c.bins.map((b) => b.sum)));
  const body = xyChart({
    label: 'expected padding cost per batch size',
    x: { scale: 'log2', min: 1, max: r.maxBatch, title: width > 1 ? `batch size (bins of ${width})` : 'batch size' },
    y: { unit: timeUnit(max), title: 'expected padding cost per step', max },
    series: curves.map((c, i) => ({
      name: c.name,
      cls: POOL_CLASSES[i % POOL_CLASSES.length]!,
      dashed: i > 0,
      marker: 'none' as const,
      points: c.bins.map((b) => ({ x: b.x0, y: b.sum })),
    })),
  });
  return figure({
    id: 'recommend-padding',
    title: 'Expected padding cost per batch size: recommended pool vs the engines\' default lists',
    body,
    legend: legend(curves.map((c, i) => ({ label: `${c.name}: ${c.sizes.length} graphs, total ${d(c.total)}`, cls: POOL_CLASSES[i % POOL_CLASSES.length]!, shape: i > 0 ? ('dash' as const) : ('line' as const) }))),
    method:
      'Estimated by the cost model: p(n) x (T(s) - T(n)) for the size s that serves a batch of n, or p(n) x the eager penalty above the largest size; summed over n it is the expected step minus the ideal step, the "padding" of the table (docs/recommend.md).',
    values: {
      head: ['pool', 'graphs', 'expected padding cost', 'expected step', 'sizes'],
      rows: curves.map((c) => [c.name, String(c.sizes.length), d(c.total), d(c.expected), c.sizes.length > 12 ? `${c.sizes.slice(0, 12).join(', ')}, … (${c.sizes.length})` : c.sizes.join(', ')]),
    },
  });
}

function distributionFigure(r: RecommendResult, shares: [number, number][]): string {
  const bins = binByBatch(shares.map(([batch, p]) => ({ batch, p })), MAX_POINTS, (x) => x.p);
  const dist = r.distribution;
  const what = dist.kind === 'uniform' ? 'uniform' : dist.kind === 'zipf' ? `Zipf, exponent ${dist.exponent}` : `observed, ${dist.samples} steps from ${dist.file}`;
  const body = histogram({
    label: 'batch-size distribution',
    xTitle: bins.length > 0 && bins[0]!.x1 - bins[0]!.x0 > 1 ? `batch size (bins of ${bins[0]!.x1 - bins[0]!.x0})` : 'batch size',
    yTitle: 'share of steps',
    yUnit: PERCENT_UNIT,
    cls: 'k-api',
    bins: bins.map((b) => ({ x0: b.x0 - 0.5, x1: b.x1 - 0.5, y: b.sum, tip: `batch ${b.x1 - b.x0 > 1 ? `${b.x0}-${b.x1 - 1}` : b.x0}: ${formatShare(b.sum)} of steps` })),
    marks: capturedMarks(r.sizes),
  });
  return figure({
    id: 'recommend-distribution',
    title: 'Batch-size distribution and the captured sizes',
    body,
    legend: legend([
      { label: 'share of steps at each batch size', cls: 'k-api' },
      { label: 'captured sizes', cls: 'k-graph', shape: 'dash' },
    ]),
    method: `${what}, over 1..${r.maxBatch}; mean batch ${dist.meanBatch.toFixed(1)}${dist.aboveMaxShare > 0 ? `; ${formatShare(dist.aboveMaxShare)} of steps above the largest size run eager (not drawn)` : ''}.`,
  });
}

export function recommendSection(r: RecommendResult, source: string | null): Section {
  const meta = [`max batch ${r.maxBatch}; ${r.graphCount} sizes captured: ${r.sizes.join(', ')}`, r.advice];
  if (source) meta.push(`from ${source}, created ${r.createdAt}`);
  const shares = r.distribution.shares;
  const why = 'This result holds no batch-size shares (written before the report existed): run recommend again with --json.';
  const figures = [curveFigure(r)];
  if (shares && shares.length > 0) figures.push(paddingFigure(r, shares), distributionFigure(r, shares));
  else {
    figures.push(
      figure({ id: 'recommend-padding', title: 'Expected padding cost per batch size', body: missing(why), method: 'Needs distribution.shares.' }),
      figure({ id: 'recommend-distribution', title: 'Batch-size distribution', body: missing(why), method: 'Needs distribution.shares.' }),
    );
  }
  return { heading: 'graphprof recommend', meta, figures };
}
