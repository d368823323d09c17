// `graphprof analyze --format markdown`: the table's figures (analyzeFigures, the one list) as a
// GitHub-flavoured table per profile, with the same summary, findings and replay-cost line.
import type { AnalyzeResult } from '../core/analyze/schema.js';
import { analyzeFigures, profileHeading, renderDifference, replayCostLine, summarize } from './analyze-table.js';
import { formatValue } from './columns.js';
import { escapeMarkdownCell as esc } from './columns.js';
import { printableDeep } from './printable.js';

export function renderAnalyzeMarkdown(shown: AnalyzeResult): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const out: string[] = [];
  for (const [i, a] of r.profiles.entries()) {
    out.push(`### graphprof analyze: ${esc(profileHeading(r, i))}`, '');
    out.push('| per step | value | basis | how |', '| --- | ---: | --- | --- |');
    for (const f of analyzeFigures(a)) out.push(`| ${esc(f.label.trim())} | ${esc(formatValue(f.kind, f.value))} | ${esc(f.basis ?? '')} | ${esc(f.how)} |`);
    out.push('', esc(summarize(a)), '');
    for (const f of a.findings) out.push(`- **${f.severity}** [${esc(f.id)}] ${esc(f.message)}`);
    if (a.findings.length > 0) out.push('');
  }
  for (const d of r.differences) out.push('```', renderDifference(d), '```', '');
  out.push(`<sub>${esc(replayCostLine(r))}</sub>`);
  return `${out.join('\n')}\n`;
}
