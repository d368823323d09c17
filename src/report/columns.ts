// One column spec per result, shared by the table, markdown and CSV renderers (STYLE.md items 6, 7):
// adding a figure touches one list. A column's kind picks its formatting; the table and markdown
// show scaled units ("12.7 ms"), CSV the value in base units (ns, bytes, 0..1 shares) under the
// column's key, so a spreadsheet or script needs no unit parsing. Secondary columns (MAD, p90, ...)
// are left out of the table and markdown and kept in CSV, as in JSON.
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

import { formatFigure, type FigureKind } from '../core/units.js';

/** How a column prints: the figure kinds of core/units.ts, or plain text. */
export type ColumnKind = FigureKind | 'text';

/** How the table colours a cell (markdown bolds 'strong' and 'bad'); null: plain. */
export type Tone = 'warn' | 'bad' | 'good' | 'strong' | null;

export interface Column<R> {
  /** the CSV header: the JSON path of the figure, its unit in the name (STYLE.md item 5) */
  key: string;
  /** the table and markdown header */
  label: string;
  kind: ColumnKind;
  align: 'left' | 'right';
  value(row: R): number | string | null;
  /** the table and markdown cell when it shows more than the value (e.g. "12.7 ms ±0.3 ms") */
  display?(row: R): string;
  tone?(row: R): Tone;
  /** true: CSV only (the table and markdown leave it out) */
  secondary?: boolean;
}

/** A value in the unit a person reads: scaled durations and sizes, shares in % (core/units.ts). */
export function formatValue(kind: ColumnKind, v: number | string | null): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string' || kind === 'text') return String(v);
  return formatFigure(kind, v);
}

export function cellText<R>(c: Column<R>, row: R): string {
  return c.display ? c.display(row) : formatValue(c.kind, c.value(row));
}

function shown<R>(columns: readonly Column<R>[]): Column<R>[] {
  return columns.filter((c) => !c.secondary);
}

function paint(color: ChalkInstance, tone: Tone, text: string): string {
  switch (tone) {
    case 'warn':
      return color.yellow(text);
    case 'bad':
      return color.red(text);
    case 'good':
      return color.green(text);
    case 'strong':
      return color.bold(text);
    default:
      return text;
  }
}

export function renderTextTable<R>(columns: readonly Column<R>[], rows: readonly R[], color: ChalkInstance): string {
  const cols = shown(columns);
  const table = new Table({
    head: cols.map((c) => c.label),
    style: { head: color.level > 0 ? ['cyan'] : [], border: color.level > 0 ? ['grey'] : [], compact: true },
    colAligns: cols.map((c) => c.align),
  });
  for (const row of rows) table.push(cols.map((c) => paint(color, c.tone?.(row) ?? null, cellText(c, row))));
  return table.toString();
}

/** A markdown table cell: no line breaks, pipes escaped so they do not split the cell. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function renderMarkdownTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const cols = shown(columns);
  const lines = [`| ${cols.map((c) => escapeMarkdownCell(c.label)).join(' | ')} |`, `| ${cols.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`];
  for (const row of rows) {
    const cells = cols.map((c) => {
      const text = escapeMarkdownCell(cellText(c, row));
      const tone = c.tone?.(row) ?? null;
      return tone === 'bad' || tone === 'strong' ? `**${text}**` : text;
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
export function csvField(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Every column (secondary ones too), values in base units, one line per row, CRLF-free. */
export function renderCsv<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const lines = [columns.map((c) => csvField(c.key)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${lines.join('\n')}\n`;
}
