// `graphprof recommend --format csv`: one line per pool (the recommendation, then the engines'
// default lists), every column of RECOMMEND_COLUMNS (sizes too), values in base units.
import type { Engine, RecommendResult } from '../core/recommend/recommend.js';
import { renderCsv } from './columns.js';
import { poolRows, RECOMMEND_COLUMNS } from './recommend-table.js';
import { printableDeep } from './printable.js';

export function renderRecommendCsv(shown: RecommendResult, engines: readonly Engine[]): string {
  // names read from files are printed escaped (report/printable.ts)
  return renderCsv(RECOMMEND_COLUMNS, poolRows(printableDeep(shown), engines));
}
