// `graphprof run --format csv`: one line per batch size, every column of RUN_COLUMNS (p90, p99 and
// MAD too), values in base units under their JSON keys. The first column names the harness, so a
// fake harness's figures cannot pass for a measurement once the header line is gone.
import type { RunBatchResult, RunResult } from '../core/schema.js';
import { renderCsv, type Column } from './columns.js';
import { RUN_COLUMNS } from './run-table.js';
import { printableDeep } from './printable.js';

export function renderRunCsv(shown: RunResult): string {
  // names read from files are printed escaped (report/printable.ts)
  const r = printableDeep(shown);
  const harness: Column<RunBatchResult> = { key: 'environment.harness', label: 'harness', kind: 'text', align: 'left', value: () => r.environment.harness, secondary: true };
  return renderCsv([harness, ...RUN_COLUMNS], r.results);
}
