// `graphprof recommend --format markdown`: the table's columns (RECOMMEND_COLUMNS) as a
// GitHub-flavoured table, the advice, and each engine's snippet as code.
import { ENGINE_NAMES, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { escapeMarkdownCell as esc, renderMarkdownTable } from './columns.js';
import { modelLine, poolRows, RECOMMEND_COLUMNS, RECOMMEND_LEGEND, recommendHeading } from './recommend-table.js';
import { printableDeep } from './printable.js';

export function renderRecommendMarkdown(shown: RecommendResult, engines: readonly Engine[]): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out = [`### ${esc(recommendHeading(r))}`, '', esc(modelLine(r)), '', renderMarkdownTable(RECOMMEND_COLUMNS, poolRows(r, engines)), '', `<sub>${esc(RECOMMEND_LEGEND)}</sub>`, ''];
  out.push(`Sizes (${r.graphCount}): ${r.sizes.join(', ')}`, '', `**${esc(r.advice)}**`, '');
  for (const e of engines) out.push(`${ENGINE_NAMES[e]}:`, '', '```', r.snippets[e], '```', '');
  return `${out.join('\n').trimEnd()}\n`;
}
