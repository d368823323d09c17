// SVG primitives for the HTML report: escaping, elements, the plot frame and its axes. Colours are
// CSS classes (page.ts declares them for light and dark), so a chart carries no colour of its own.
import type { LinearScale } from './geometry.js';

/** Text for HTML or SVG content and attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Attrs = Record<string, string | number | null | undefined | false>;

/** Pixel values rounded to 0.01 px: enough for any screen, and keeps a report small. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === null || v === undefined || v === false) continue;
    out += ` ${k}="${esc(typeof v === 'number' ? px(v) : v)}"`;
  }
  return out;
}

/** One element; `children` is markup (already escaped). */
export function el(name: string, a: Attrs = {}, children?: string): string {
  return children === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`;
}

/** A hover label: SVG's own <title>, which browsers show with scripts off. */
export function tip(text: string): string {
  return `<title>${esc(text)}</title>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/** The drawing area inside the margins that hold the axes. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function frame(width: number, height: number, margin: Partial<{ left: number; right: number; top: number; bottom: number }> = {}): Frame {
  const m = { left: 64, right: 16, top: 16, bottom: 44, ...margin };
  return { width, height, left: m.left, right: width - m.right, top: m.top, bottom: height - m.bottom };
}

/** The outer <svg>, sized by its viewBox so it scales with the page. */
export function svg(f: Frame, label: string, body: string): string {
  return el('svg', { viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'aria-label': label, class: 'chart' }, body);
}

export interface Tick {
  value: number;
  label: string;
}

/** A horizontal axis along the bottom of the frame, with grid lines and a label naming the unit. */
export function axisBottom(f: Frame, scale: LinearScale, ticks: readonly Tick[], label: string): string {
  let out = el('line', { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, class: 'axis' });
  for (const t of ticks) {
    const x = scale.map(t.value);
    out += el('line', { x1: x, x2: x, y1: f.top, y2: f.bottom, class: 'grid' });
    out += text(x, f.bottom + 16, t.label, { class: 'tick', 'text-anchor': 'middle' });
  }
  out += text((f.left + f.right) / 2, f.height - 6, label, { class: 'axis-label', 'text-anchor': 'middle' });
  return el('g', { class: 'x-axis' }, out);
}

/** A vertical axis along the left of the frame, with grid lines and a rotated label naming the unit. */
export function axisLeft(f: Frame, scale: LinearScale, ticks: readonly Tick[], label: string): string {
  let out = el('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, class: 'axis' });
  for (const t of ticks) {
    const y = scale.map(t.value);
    out += el('line', { x1: f.left, x2: f.right, y1: y, y2: y, class: 'grid' });
    out += text(f.left - 6, y + 4, t.label, { class: 'tick', 'text-anchor': 'end' });
  }
  const cy = (f.top + f.bottom) / 2;
  out += text(14, cy, label, { class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 14 ${px(cy)})` });
  return el('g', { class: 'y-axis' }, out);
}

/** An axis label with its unit: "step time (µs)", or the bare name when the unit is a count. */
export function withUnit(name: string, unit: string): string {
  return unit ? `${name} (${unit})` : name;
}

/** A legend row of swatches, laid out left to right (HTML, so it wraps on a narrow page). */
export function legend(items: readonly { label: string; cls: string; shape?: 'box' | 'line' | 'dash' | 'dot' }[]): string {
  return el(
    'ul',
    { class: 'legend' },
    items
      .map((i) => el('li', {}, `${el('span', { class: `sw sw-${i.shape ?? 'box'} ${i.cls}` }, '')}${esc(i.label)}`))
      .join(''),
  );
}
