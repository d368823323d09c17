// The HTML report: one self-contained page from one or more JSON results, one section per result,
// each drawn by the module of its kind. Fed by the JSON result only (docs/report.md).
import type { AnalyzeResult } from '../../core/analyze/schema.js';
import type { CompareResult } from '../../core/compare/compare.js';
import type { RecommendResult } from '../../core/recommend/recommend.js';
import type { RunResult } from '../../core/schema.js';
import type { TraceResult } from '../../core/trace/result.js';
import { analyzeSection, traceSection } from './analyze.js';
import { compareSection } from './compare.js';
import { page, type Section } from './page.js';
import { recommendSection } from './recommend.js';
import { runSection } from './run.js';

export type ReportableResult = RunResult | AnalyzeResult | TraceResult | RecommendResult | CompareResult;

export interface ReportInput {
  result: ReportableResult;
  /** the file it was read from (graphprof report), or null (--html) */
  source: string | null;
}

function section(input: ReportInput): Section {
  const r = input.result;
  switch (r.command) {
    case 'run':
      return runSection(r, input.source);
    case 'analyze':
      return analyzeSection(r, input.source);
    case 'trace':
      return traceSection(r, input.source);
    case 'recommend':
      return recommendSection(r, input.source);
    case 'compare':
      return compareSection(r, input.source);
  }
}

export function renderHtml(inputs: readonly ReportInput[]): string {
  const kinds = [...new Set(inputs.map((i) => i.result.command))];
  return page(`graphprof ${kinds.join(', ')} report`, inputs.map(section));
}
