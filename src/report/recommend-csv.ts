// `graphprof recommend --format csv`: one line per pool (the recommendation, then the engines'
// default lists), every column of RECOMMEND_COLUMNS (sizes too), values in base units.
import type { Engine, RecommendResult } from '../core/recommend/recommend.js';
import { renderCsv } from './columns.js';
import { poolRows, RECOMMEND_COLUMNS } from './recommend-table.js';

export function renderRecommendCsv(r: RecommendResult, engines: readonly Engine[]): string {
  return renderCsv(RECOMMEND_COLUMNS, poolRows(r, engines));
}
