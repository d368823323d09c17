// The chart kinds the report draws, each from plain numbers to one <svg>: an x-y chart with bands,
// horizontal stacked bars, box plots, vertical bars, a timeline with lanes, and a forest plot of
// relative changes. Layout only: the figures arrive computed (src/report/html/figures/).
import { bandScale, linearScale, log2Scale, planAxis, planIntegerAxis, timeUnit as timeUnitFor, type AxisUnit, type LinearScale } from './geometry.js';
import { axisBottom, axisLeft, el, frame, px, svg, text, tip, withUnit, type Frame, type Tick } from './svg.js';

/** A value in an axis unit with three significant digits and the unit: "12.3 µs". */
export function inUnit(value: number, unit: AxisUnit): string {
  if (!Number.isFinite(value)) return 'n/a';
  const v = value / unit.per;
  const a = Math.abs(v);
  const s = a >= 100 || Number.isInteger(v) ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit.name ? `${s} ${unit.name}` : s;
}

// ---- x-y chart -----------------------------------------------------------------------------------

export interface XyPoint {
  x: number;
  y: number;
  /** a band from lo to hi around y (p10-p90) */
  lo?: number | null;
  hi?: number | null;
  /** hover text; default: series, x and y */
  tip?: string;
}

export interface XySeries {
  name: string;
  /** colour class: k-eager, k-graph, ... */
  cls: string;
  points: readonly XyPoint[];
  line?: boolean;
  dashed?: boolean;
  /** dot: filled (measured); open: hollow (assumed or estimated); none */
  marker?: 'dot' | 'open' | 'none';
  /** print each point's value beside it */
  labels?: boolean;
}

export interface XySpec {
  label: string;
  width?: number;
  height?: number;
  x: { scale: 'log2' | 'linear' | 'integer'; min: number; max: number; title: string; unit?: AxisUnit };
  /** `max`: the axis top; points above it are drawn at the top as a marked, labelled arrow (clipped) */
  y: { unit: AxisUnit; title: string; min?: number; max: number };
  series: readonly XySeries[];
  /** vertical marks across the plot (captured sizes) */
  marks?: readonly { x: number; label: string; cls: string }[];
}

function xAxis(f: Frame, x: XySpec['x']): { scale: LinearScale; ticks: Tick[]; title: string } {
  if (x.scale === 'log2') {
    const s = log2Scale([x.min, x.max], [f.left + 8, f.right - 8]);
    // at most ~12 labels: every other power of two on a wide range
    const every = Math.ceil(s.ticks.length / 12);
    return { scale: s, ticks: s.ticks.filter((_, i) => i % every === 0).map((v) => ({ value: v, label: String(v) })), title: x.title };
  }
  if (x.scale === 'integer') {
    const plan = planIntegerAxis(x.min, x.max, 8);
    return { scale: linearScale(plan.domain, [f.left, f.right]), ticks: plan.ticks, title: x.title };
  }
  const plan = planAxis(x.min, x.max, x.unit!, 6);
  return { scale: linearScale(plan.domain, [f.left, f.right]), ticks: plan.ticks, title: withUnit(x.title, plan.unit.name) };
}

export function xyChart(spec: XySpec): string {
  const f = frame(spec.width ?? 760, spec.height ?? 300);
  const xa = xAxis(f, spec.x);
  const yPlan = planAxis(spec.y.min ?? 0, spec.y.max, spec.y.unit, 5);
  const yScale = linearScale(yPlan.domain, [f.bottom, f.top]);
  const top = yPlan.domain[1];
  // Values above the axis are clamped to its top; each is marked and labelled below.
  const y = { ...yScale, map: (v: number) => yScale.map(Math.min(v, top)) };
  let body = axisLeft(f, y, yPlan.ticks, withUnit(spec.y.title, spec.y.unit.name)) + axisBottom(f, xa.scale, xa.ticks, xa.title);
  for (const m of spec.marks ?? []) {
    const x = xa.scale.map(m.x);
    body += el('line', { x1: x, x2: x, y1: f.top, y2: f.bottom, class: `gate ${m.cls}`, 'data-mark': m.x }, tip(m.label));
  }
  const u = spec.y.unit;
  for (const s of spec.series) {
    const pts = s.points;
    const banded = pts.filter((p) => p.lo != null && p.hi != null);
    if (banded.length > 1) {
      const upper = banded.map((p) => `${px(xa.scale.map(p.x))},${px(y.map(p.hi!))}`);
      const lower = banded.map((p) => `${px(xa.scale.map(p.x))},${px(y.map(p.lo!))}`).reverse();
      body += el('path', { d: `M${upper.join('L')}L${lower.join('L')}Z`, class: `band ${s.cls}` }, tip(`${s.name}: band`));
    } else {
      for (const p of banded) {
        const x = xa.scale.map(p.x);
        body += el('line', { x1: x, x2: x, y1: y.map(p.lo!), y2: y.map(p.hi!), class: `whisker ${s.cls}` });
      }
    }
    if (s.line !== false && pts.length > 1) {
      body += el('path', { d: `M${pts.map((p) => `${px(xa.scale.map(p.x))},${px(y.map(p.y))}`).join('L')}`, class: `ln ${s.cls}${s.dashed ? ' dash' : ''}` });
    }
    if (s.marker !== 'none') {
      for (const p of pts) {
        const band = p.lo != null && p.hi != null ? ` (band ${inUnit(p.lo, u)} to ${inUnit(p.hi, u)})` : '';
        const t = p.tip ?? `${s.name}, ${spec.x.title} ${p.x}: ${inUnit(p.y, u)}${band}`;
        body += el('circle', { cx: xa.scale.map(p.x), cy: y.map(p.y), r: 3.5, class: `${s.marker === 'open' ? 'open' : 'pt'} ${s.cls}`, 'data-series': s.name, 'data-x': p.x, 'data-y': p.y }, tip(t));
      }
    }
    if (s.labels) {
      for (const p of pts) body += text(xa.scale.map(p.x) + 5, y.map(p.y) - 6, inUnit(p.y, u), { class: 'value' });
    }
    for (const p of pts.filter((q) => Math.max(q.y, q.hi ?? 0) > top)) {
      const x = xa.scale.map(p.x);
      const v = Math.max(p.y, p.hi ?? 0);
      body += el('path', { d: `M${px(x - 5)},${px(f.top + 7)}L${px(x)},${px(f.top - 1)}L${px(x + 5)},${px(f.top + 7)}Z`, class: `bar ${s.cls}`, 'data-clipped': v }, tip(`${p.tip ?? s.name}: ${inUnit(v, u)}, above the axis`));
      body += text(x + 7, f.top + 8, `${inUnit(v, u)} ↑`, { class: 'value' });
    }
  }
  return svg(f, spec.label, body);
}

// ---- horizontal stacked bars ---------------------------------------------------------------------

export interface Segment {
  name: string;
  cls: string;
  value: number;
  /** drawn hatched-lighter and said so in the hover text */
  estimated?: boolean;
}

export interface BarRow {
  label: string;
  segments: readonly Segment[];
  /** printed after the bar; default: the sum in the unit */
  total?: string;
  /** a dashed tick across the row at this value (e.g. the eager step W the segments are split from) */
  mark?: { value: number; tip: string };
}

export interface BarGroup {
  label: string;
  rows: readonly BarRow[];
}

/** Groups of horizontal stacked bars on one value axis (e.g. one group per profile). */
export function stackedBars(spec: { label: string; unit: AxisUnit; title: string; groups: readonly BarGroup[]; width?: number }): string {
  const rowH = 20;
  const gap = 6;
  const groupGap = 22;
  const rows = spec.groups.reduce((n, g) => n + g.rows.length, 0);
  const height = 16 + rows * (rowH + gap) + spec.groups.length * groupGap + 50;
  // room on the right for the longest total printed after a bar (about 6.2 px a character at 10.5 px)
  const longest = Math.max(0, ...spec.groups.flatMap((g) => g.rows.map((r) => (r.total ?? '').length)));
  const f = frame(spec.width ?? 760, height, { left: 190, right: Math.max(96, Math.ceil(longest * 6.2) + 16) });
  const max = Math.max(0, ...spec.groups.flatMap((g) => g.rows.map((r) => r.segments.reduce((s, x) => s + Math.max(0, x.value), 0))));
  const plan = planAxis(0, max, spec.unit, 6);
  const x = linearScale(plan.domain, [f.left, f.right]);
  let body = axisBottom(f, x, plan.ticks, withUnit(spec.title, plan.unit.name));
  let yy = f.top;
  for (const g of spec.groups) {
    body += text(4, yy + 12, g.label, { class: 'axis-label' });
    yy += groupGap - 4;
    for (const r of g.rows) {
      body += text(f.left - 8, yy + rowH / 2 + 4, r.label, { class: 'lane', 'text-anchor': 'end' });
      let at = 0;
      for (const s of r.segments) {
        if (!(s.value > 0)) continue;
        const x0 = x.map(at);
        const x1 = x.map(at + s.value);
        at += s.value;
        body += el(
          'rect',
          { x: x0, y: yy, width: Math.max(0.5, x1 - x0), height: rowH, class: `bar ${s.cls}`, opacity: s.estimated ? 0.55 : null, 'data-segment': s.name, 'data-value': s.value },
          tip(`${g.label}, ${r.label}: ${s.name} ${inUnit(s.value, plan.unit)}${s.estimated ? ' (estimated)' : ''}`),
        );
      }
      if (r.mark) {
        const mx = x.map(r.mark.value);
        body += el('line', { x1: mx, x2: mx, y1: yy - 3, y2: yy + rowH + 3, class: 'wmark', 'data-mark': r.mark.value }, tip(r.mark.tip));
      }
      body += text(Math.max(x.map(at), r.mark ? x.map(r.mark.value) : 0) + 6, yy + rowH / 2 + 4, r.total ?? inUnit(at, plan.unit), { class: 'value' });
      yy += rowH + gap;
    }
    yy += 4;
  }
  return svg(f, spec.label, body);
}

// ---- box plots -----------------------------------------------------------------------------------

export interface Box {
  label: string;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
  count: number;
}

/** One box per category: whiskers min..max, box p10..p90, a line at the median. */
export function boxPlot(spec: { label: string; unit: AxisUnit; title: string; xTitle: string; boxes: readonly Box[]; cls: string; width?: number }): string {
  const f = frame(spec.width ?? 760, 260);
  const max = Math.max(0, ...spec.boxes.map((b) => b.max));
  const min = Math.min(max, ...spec.boxes.map((b) => b.min));
  // Zoomed on the data, not from zero: the spread is the point of this picture.
  const plan = planAxis(min, max, spec.unit, 5);
  const y = linearScale(plan.domain, [f.bottom, f.top]);
  const band = bandScale(spec.boxes.length, [f.left, f.right], 0.45);
  let body = axisLeft(f, y, plan.ticks, withUnit(spec.title, plan.unit.name));
  body += el('line', { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, class: 'axis' });
  spec.boxes.forEach((b, i) => {
    const cx = band.centre(i);
    const t = tip(`${spec.xTitle} ${b.label}: median ${inUnit(b.p50, plan.unit)}, p10-p90 ${inUnit(b.p10, plan.unit)} to ${inUnit(b.p90, plan.unit)}, min ${inUnit(b.min, plan.unit)}, max ${inUnit(b.max, plan.unit)}, ${b.count} samples`);
    body += el('line', { x1: cx, x2: cx, y1: y.map(b.min), y2: y.map(b.max), class: `whisker ${spec.cls}` });
    body += el('rect', { x: band.start(i), y: y.map(b.p90), width: band.bandwidth, height: Math.max(1, y.map(b.p10) - y.map(b.p90)), class: `band ${spec.cls}`, style: 'opacity:.35' }, t);
    body += el('line', { x1: band.start(i), x2: band.start(i) + band.bandwidth, y1: y.map(b.p50), y2: y.map(b.p50), class: `ln ${spec.cls}`, 'data-box': b.label, 'data-value': b.p50 }, t);
    body += text(cx, f.bottom + 16, b.label, { class: 'tick', 'text-anchor': 'middle' });
    body += text(band.start(i) + band.bandwidth + 3, y.map(b.p50) + 4, inUnit(b.p50, plan.unit), { class: 'value' });
  });
  body += text((f.left + f.right) / 2, f.height - 6, spec.xTitle, { class: 'axis-label', 'text-anchor': 'middle' });
  return svg(f, spec.label, body);
}

// ---- vertical bars -------------------------------------------------------------------------------

/** Bars over a numeric x (batch size): each bar spans [x0, x1] with height y. */
export function histogram(spec: {
  label: string;
  xTitle: string;
  yTitle: string;
  yUnit: AxisUnit;
  bins: readonly { x0: number; x1: number; y: number; tip: string }[];
  cls: string;
  marks?: readonly { x: number; label: string; cls: string }[];
  width?: number;
}): string {
  const f = frame(spec.width ?? 760, 240);
  const lo = Math.min(...spec.bins.map((b) => b.x0));
  const hi = Math.max(...spec.bins.map((b) => b.x1));
  const xPlan = planIntegerAxis(lo, hi, 10);
  const x = linearScale([lo, hi], [f.left, f.right]);
  const yPlan = planAxis(0, Math.max(0, ...spec.bins.map((b) => b.y)), spec.yUnit, 4);
  const y = linearScale(yPlan.domain, [f.bottom, f.top]);
  let body = axisLeft(f, y, yPlan.ticks, withUnit(spec.yTitle, yPlan.unit.name)) + axisBottom(f, x, xPlan.ticks.filter((t) => t.value >= lo && t.value <= hi), spec.xTitle);
  for (const b of spec.bins) {
    if (!(b.y > 0)) continue;
    const x0 = x.map(b.x0);
    body += el('rect', { x: x0, y: y.map(b.y), width: Math.max(0.8, x.map(b.x1) - x0 - 0.3), height: f.bottom - y.map(b.y), class: `bar ${spec.cls}`, 'data-value': b.y }, tip(b.tip));
  }
  for (const m of spec.marks ?? []) {
    const xm = x.map(m.x);
    body += el('line', { x1: xm, x2: xm, y1: f.top, y2: f.bottom, class: `gate ${m.cls}`, 'data-mark': m.x }, tip(m.label));
  }
  return svg(f, spec.label, body);
}

// ---- timeline ------------------------------------------------------------------------------------

export interface TimelineEvent {
  startNs: number;
  endNs: number;
  cls: string;
  tip: string;
}

export interface Lane {
  label: string;
  events: readonly TimelineEvent[];
  /** intervals shaded behind the lane's events (idle time) */
  gaps?: readonly { startNs: number; endNs: number; tip: string }[];
}

/** Lanes of events on one time axis from `startNs` to `endNs`, shown relative to `startNs`. */
export function timeline(spec: { label: string; startNs: number; endNs: number; lanes: readonly Lane[]; width?: number }): string {
  const laneH = 22;
  const height = 24 + spec.lanes.length * (laneH + 8) + 44;
  const f = frame(spec.width ?? 1040, height, { left: 150, right: 16 });
  const span = Math.max(1, spec.endNs - spec.startNs);
  const plan = planAxis(0, span, timeUnitFor(span), 8);
  const x = linearScale([0, plan.domain[1]], [f.left, f.right]);
  let body = axisBottom(f, x, plan.ticks, withUnit('time since the step began', plan.unit.name));
  let yy = f.top + 4;
  for (const lane of spec.lanes) {
    body += text(f.left - 8, yy + laneH / 2 + 4, lane.label, { class: 'lane', 'text-anchor': 'end' });
    for (const g of lane.gaps ?? []) {
      const x0 = x.map(g.startNs - spec.startNs);
      body += el('rect', { x: x0, y: yy - 3, width: Math.max(0.5, x.map(g.endNs - spec.startNs) - x0), height: laneH + 6, class: 'k-idle', 'data-gap': g.endNs - g.startNs }, tip(g.tip));
    }
    for (const e of lane.events) {
      const x0 = x.map(e.startNs - spec.startNs);
      // at least half a pixel wide: a 2 µs kernel in a 20 ms step must still be seen
      body += el('rect', { x: x0, y: yy, width: Math.max(0.6, x.map(e.endNs - spec.startNs) - x0), height: laneH, class: `evt ${e.cls}` }, tip(e.tip));
    }
    yy += laneH + 8;
  }
  return svg(f, spec.label, body);
}

// ---- forest plot ---------------------------------------------------------------------------------

export interface ForestRow {
  label: string;
  /** relative change of current from baseline (0.05 = +5%); null when it has none */
  change: number | null;
  /** the noise interval, as relative changes */
  low: number | null;
  high: number | null;
  /** the gate: the largest relative change in the bad direction that passes (signed: + for lower-is-better) */
  gate: number | null;
  cls: string;
  tip: string;
}

/** One row per metric: the change with its noise interval, the gate as a dashed tick, 0 = baseline. */
export function forest(spec: { label: string; rows: readonly ForestRow[]; width?: number }): string {
  const rowH = 18;
  const height = 16 + spec.rows.length * rowH + 50;
  const f = frame(spec.width ?? 900, height, { left: 300, right: 90 });
  // The axis spans the changes and the gates; a noise interval wider than that (a timing that moved
  // a lot between baseline runs) is cut at the edge with an arrow rather than squeezing every row.
  const values = spec.rows.flatMap((r) => [r.change, r.gate]).filter((v): v is number => v !== null && Number.isFinite(v));
  const lim = Math.max(0.05, ...values.map((v) => Math.abs(v))) * 1.25;
  const plan = planAxis(-lim, lim, { name: '%', per: 0.01 }, 8);
  const x0 = linearScale(plan.domain, [f.left, f.right]);
  const [dLo, dHi] = plan.domain;
  const x = { ...x0, map: (v: number) => x0.map(Math.max(dLo, Math.min(dHi, v))) };
  let body = axisBottom(f, x, plan.ticks, 'change from the baseline (%): 0 = baseline; whisker = noise interval; dashed = gate');
  body += el('line', { x1: x.map(0), x2: x.map(0), y1: f.top, y2: f.bottom, class: 'axis' });
  spec.rows.forEach((r, i) => {
    const cy = f.top + 8 + i * rowH + rowH / 2;
    body += text(f.left - 8, cy + 4, r.label, { class: 'lane', 'text-anchor': 'end' });
    if (r.gate !== null && Number.isFinite(r.gate)) {
      const gx = x.map(r.gate);
      body += el('line', { x1: gx, x2: gx, y1: cy - rowH / 2 + 2, y2: cy + rowH / 2 - 2, class: 'gate k-bad', 'data-gate': r.gate });
    }
    if (r.low !== null && r.high !== null) {
      body += el('line', { x1: x.map(r.low), x2: x.map(r.high), y1: cy, y2: cy, class: `whisker ${r.cls}` });
      for (const [v, edge, dir] of [[r.low, dLo, -1], [r.high, dHi, 1]] as const) {
        if ((dir < 0 && v < edge) || (dir > 0 && v > edge)) {
          const ex = x.map(edge);
          body += el('path', { d: `M${px(ex)},${px(cy)}L${px(ex - dir * 6)},${px(cy - 4)}L${px(ex - dir * 6)},${px(cy + 4)}Z`, class: `bar ${r.cls}`, 'data-cut': v }, tip(`interval reaches ${(v * 100).toFixed(1)}%, beyond the axis`));
        }
      }
    }
    if (r.change !== null) {
      body += el('circle', { cx: x.map(r.change), cy, r: 4, class: `pt ${r.cls}`, 'data-change': r.change }, tip(r.tip));
      body += text(f.right + 6, cy + 4, `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`, { class: 'value' });
    } else {
      body += text(f.right + 6, cy + 4, 'n/a', { class: 'value' });
    }
  });
  return svg(f, spec.label, body);
}
