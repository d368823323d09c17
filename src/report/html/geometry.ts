// Chart geometry for the HTML report: scales, ticks and axis units. Pure (no DOM, no I/O), so every
// position a picture draws can be unit-tested (test/report/html-geometry.test.ts).

/** A value-to-pixel map over a closed domain, with the ticks an axis prints. */
export interface LinearScale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  map(value: number): number;
  invert(pixel: number): number;
}

/** The tick step near span / count that is 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  // The thresholds are the geometric midpoints between 1, 2, 5 and 10.
  const nice = f < Math.SQRT2 ? 1 : f < Math.sqrt(10) ? 2 : f < Math.sqrt(50) ? 5 : 10;
  return nice * power;
}

/** Rounds away float noise such as 0.30000000000000004 (ticks are printed as they are). */
function clean(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, digits)));
}

/**
 * The domain widened outwards to whole tick steps, so the axis starts and ends on a tick. A zero-width
 * domain is widened around its value (or to [0, 1] at zero) so a single point still has an axis.
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    if (lo === 0) return [0, 1];
    const pad = Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (min >= 0 && lo < 0) lo = 0;
  }
  const step = niceStep(hi - lo, count);
  return [clean(Math.floor(lo / step + 1e-9) * step, step), clean(Math.ceil(hi / step - 1e-9) * step, step)];
}

/** Tick values inside [min, max] at a nice step (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const step = niceStep(hi - lo, count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(clean(i * step, step));
  return ticks;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return {
    domain: [d0, d1],
    range: [r0, r1],
    // A zero-width domain maps everything to the middle of the range rather than to NaN.
    map: (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0)),
    invert: (p) => (r1 === r0 ? d0 : d0 + ((p - r0) / (r1 - r0)) * span),
  };
}

/** Positions of `n` equal bands across a range, with `padding` (0..1) of each band left empty. */
export interface BandScale {
  readonly n: number;
  /** start pixel of band i */
  start(i: number): number;
  /** centre pixel of band i */
  centre(i: number): number;
  readonly bandwidth: number;
}

export function bandScale(n: number, range: readonly [number, number], padding = 0.2): BandScale {
  const [r0, r1] = range;
  const step = n > 0 ? (r1 - r0) / n : 0;
  const bandwidth = step * (1 - padding);
  const start = (i: number) => r0 + i * step + (step - bandwidth) / 2;
  return { n, start, centre: (i) => start(i) + bandwidth / 2, bandwidth };
}

// ---- units on an axis ----------------------------------------------------------------------------
// An axis prints plain numbers in one unit named in its label ("step time (µs)"), so every tick reads
// in the same unit. The unit is the largest that keeps the axis maximum at 1 or more of it.

export interface AxisUnit {
  /** printed in the axis label, e.g. "µs" */
  name: string;
  /** base units (ns, bytes) per one of this unit */
  per: number;
}

const TIME_UNITS: readonly AxisUnit[] = [
  { name: 's', per: 1e9 },
  { name: 'ms', per: 1e6 },
  { name: 'µs', per: 1e3 },
  { name: 'ns', per: 1 },
];

const BYTE_UNITS: readonly AxisUnit[] = [
  { name: 'GiB', per: 2 ** 30 },
  { name: 'MiB', per: 2 ** 20 },
  { name: 'KiB', per: 2 ** 10 },
  { name: 'B', per: 1 },
];

function pick(units: readonly AxisUnit[], maxValue: number): AxisUnit {
  const m = Math.abs(maxValue);
  return units.find((u) => m >= u.per) ?? units[units.length - 1]!;
}

/** The time unit for an axis whose largest value is `maxNs` nanoseconds. */
export function timeUnit(maxNs: number): AxisUnit {
  return pick(TIME_UNITS, maxNs);
}

export function bytesUnit(maxBytes: number): AxisUnit {
  return pick(BYTE_UNITS, maxBytes);
}

export const COUNT_UNIT: AxisUnit = { name: '', per: 1 };
export const PERCENT_UNIT: AxisUnit = { name: '%', per: 0.01 };

/** A tick label: the value in the axis unit with as many decimals as the tick step needs. */
export function tickLabel(value: number, step: number): string {
  if (!Number.isFinite(value)) return '';
  const decimals = step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  const text = value.toFixed(decimals);
  return text === '-0' ? '0' : text;
}

/**
 * One axis, worked out in its display unit: the nice domain (in base units) and the ticks with their
 * labels. The chart maps base-unit values; the labels are in `unit`.
 */
export interface AxisPlan {
  unit: AxisUnit;
  domain: [number, number];
  ticks: { value: number; label: string }[];
}

export function planAxis(min: number, max: number, unit: AxisUnit, count = 5): AxisPlan {
  const [lo, hi] = niceDomain(min / unit.per, max / unit.per, count);
  const step = niceStep(hi - lo, count);
  const ticks = niceTicks(lo, hi, count).map((t) => ({ value: t * unit.per, label: tickLabel(t, step) }));
  return { unit, domain: [lo * unit.per, hi * unit.per], ticks };
}

/** Integer ticks only (batch sizes, step numbers): a nice step of at least 1. */
export function planIntegerAxis(min: number, max: number, count = 6): AxisPlan {
  const lo = Math.floor(Math.min(min, max));
  const hi = Math.ceil(Math.max(min, max));
  const step = Math.max(1, niceStep(hi - lo, count));
  const ticks: { value: number; label: string }[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push({ value: v, label: String(v) });
  return { unit: COUNT_UNIT, domain: [lo, hi === lo ? lo + 1 : hi], ticks };
}

/**
 * A base-2 logarithmic map for batch sizes (1, 2, 4 ... 256 evenly spaced), with a tick at every
 * power of two in the domain. Values must be positive; a value at or below 0 maps to the range start.
 */
export function log2Scale(domain: readonly [number, number], range: readonly [number, number]): LinearScale & { ticks: number[] } {
  const lo = Math.log2(Math.max(Number.MIN_VALUE, domain[0]));
  const hi = Math.log2(Math.max(Number.MIN_VALUE, domain[1]));
  const inner = linearScale([lo, hi], range);
  const ticks: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= Math.floor(hi + 1e-9); e++) ticks.push(2 ** e);
  return {
    domain: [domain[0], domain[1]],
    range: [range[0], range[1]],
    map: (v) => (v > 0 ? inner.map(Math.log2(v)) : range[0]),
    invert: (p) => 2 ** inner.invert(p),
    ticks,
  };
}
