// `graphprof analyze --format csv`: one line per profile, one column per figure of analyzeFigures
// (the list the table shows), values in base units (ns, counts, 0..1 shares) under their JSON keys.
import type { AnalyzeResult, ProfileAnalysis } from '../core/analyze/schema.js';
import { analyzeFigures } from './analyze-table.js';
import { renderCsv, type Column } from './columns.js';
import { printableDeep } from './printable.js';

interface Row {
  index: number;
  profile: ProfileAnalysis;
}

export function analyzeColumns(r: AnalyzeResult): Column<Row>[] {
  const columns: Column<Row>[] = [
    { key: 'profile', label: 'profile', kind: 'count', align: 'right', value: (row) => row.index + 1 },
    { key: 'source.path', label: 'file', kind: 'text', align: 'left', value: (row) => row.profile.source.paths.join(' + ') },
    { key: 'steps', label: 'steps', kind: 'count', align: 'right', value: (row) => row.profile.steps },
  ];
  const first = r.profiles[0];
  if (!first) return columns;
  for (const f of analyzeFigures(first)) {
    // Each model figure's basis (measured, estimated, ...) beside it, as the table's basis column
    // says; the perStep.* counts and host times are always read from the report.
    if (f.key !== 'verdict' && !f.key.startsWith('perStep.')) {
      columns.push({
        key: `${f.key}.basis`,
        label: `${f.label.trim()} basis`,
        kind: 'text',
        align: 'left',
        value: (row) => analyzeFigures(row.profile).find((g) => g.key === f.key)?.basis ?? null,
      });
    }
    columns.push({
      key: f.key,
      label: f.label,
      kind: f.kind,
      align: f.kind === 'text' ? 'left' : 'right',
      // The verdict's text carries "(estimated)" in the table; CSV gives the plain verdict and its basis.
      value: (row) => (f.key === 'verdict' ? row.profile.verdict : (analyzeFigures(row.profile).find((g) => g.key === f.key)?.value ?? null)),
    });
  }
  columns.push({ key: 'verdictBasis', label: 'verdict basis', kind: 'text', align: 'left', value: (row) => row.profile.verdictBasis });
  return columns;
}

export function renderAnalyzeCsv(shown: AnalyzeResult): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  return renderCsv(analyzeColumns(r), r.profiles.map((profile, index) => ({ index, profile })));
}
