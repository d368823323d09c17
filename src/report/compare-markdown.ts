// `graphprof compare --format markdown`: a GitHub-flavoured table for CI step summaries and
// pull-request comments. Same columns as the terminal table (COLUMNS in compare-table.ts).
import type { CompareResult } from '../core/compare/compare.js';
import { columnsFor, describeMetric, methodLine, summaryLine } from './compare-table.js';
import { printableDeep } from './printable.js';

/** A table cell: no line breaks, pipes escaped so they do not split the cell. */
export function escapeCell(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function renderCompareMarkdown(shown: CompareResult): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out: string[] = [];
  const status = r.summary.passed ? '✅ passed' : '❌ failed';
  out.push(`### graphprof compare (${r.compared}): ${status}`, '');
  const from = r.baselines.length > 1 ? `${r.baselines.length} baseline runs (${r.baselines.map((p) => `\`${escapeCell(p)}\``).join(', ')})` : `Baseline \`${escapeCell(r.baseline.path)}\``;
  out.push(`${from} → current \`${escapeCell(r.current.path)}\`. ${summaryLine(r)}.`, '');
  for (const w of r.warnings) out.push(`> [!WARNING]`, `> ${escapeCell(w)}`, '');
  for (const n of r.notes) out.push(`> [!NOTE]`, `> ${escapeCell(n)}`, '');
  const failed = r.metrics.filter((m) => m.verdict === 'regressed' || m.verdict === 'missing');
  if (failed.length > 0) {
    for (const m of failed) out.push(`- **${escapeCell(m.verdict)}** ${escapeCell(describeMetric(m))}`);
    out.push('');
  }
  const columns = columnsFor(r);
  out.push(`| ${columns.map((c) => escapeCell(c.head(r))).join(' | ')} |`);
  out.push(`| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`);
  for (const m of r.metrics) {
    const cells = columns.map((c) => escapeCell(c.cell(m)));
    cells[0] = `\`${cells[0]}\``;
    if (m.verdict === 'regressed' || m.verdict === 'missing') cells[cells.length - 1] = `**${cells[cells.length - 1]}**`;
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('', `<sub>${escapeCell(methodLine(r))}</sub>`);
  if (r.baselineUpdated) out.push('', `Baseline updated: \`${escapeCell(r.baseline.path)}\` now holds \`${escapeCell(r.current.path)}\`.`);
  return `${out.join('\n')}\n`;
}
