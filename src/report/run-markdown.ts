// `graphprof run --format markdown`: the table's columns (RUN_COLUMNS) as a GitHub-flavoured table.
import type { RunResult } from '../core/schema.js';
import { escapeMarkdownCell as esc, renderMarkdownTable } from './columns.js';
import { describeEnvironmentLine, describeWorkload, incompleteLine, RUN_COLUMNS, RUN_METHOD_LINE } from './run-table.js';
import { printableDeep } from './printable.js';

export function renderRunMarkdown(shown: RunResult): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out = [`### graphprof run: ${esc(describeEnvironmentLine(r))}`, '', `Workload: ${esc(describeWorkload(r))}.`, '', renderMarkdownTable(RUN_COLUMNS, r.results), '', `<sub>${esc(RUN_METHOD_LINE)}</sub>`];
  const incomplete = incompleteLine(r);
  if (incomplete) out.push('', `**${esc(incomplete)}**`);
  return `${out.join('\n')}\n`;
}
