// `graphprof compare`: one or more baseline results and a current one, all of the same command (run
// or analyze) -> per-metric verdicts against noise-aware thresholds; exit 1 when a gate failed.
// Phases: parse options (flags + config file) -> read the results -> compare (src/gate.ts, over
// core/compare) -> render -> JUnit -> update the baseline -> gate.
import { isFake } from '../core/compare/compare.js';
import { EXIT } from '../errors.js';
import { evaluate, gateFailure } from '../gate.js';
import { readResult } from '../ingest/result-json.js';
import type { Io } from '../io.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { compareNotes, renderCompareTable } from '../report/compare-table.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { parseCompareOptions, type RawCompareOptions } from './compare-options.js';
import { htmlPath, writeHtmlReport } from './html-output.js';
import { writeAtomically } from './output-file.js';

export async function execute(raw: RawCompareOptions, io: Io, args: string[] = []): Promise<number> {
  const options = parseCompareOptions(raw, args);
  const html = htmlPath(raw, [options.junitPath === null ? null : { flag: '--junit', path: options.junitPath }]);
  const baselines = options.baselinePaths.map(readResult);
  const current = readResult(options.currentPath);
  const result = evaluate(baselines, current, options, io.argv);
  const baselinePath = options.baselinePaths[0]!;
  for (const w of result.warnings) io.err(`warning: ${w}`);

  if (options.updateBaseline) {
    // Only a passing result becomes the baseline: a regression must never be accepted silently.
    if (!result.summary.passed) io.err(`baseline not updated: the gate failed; fix the regression, or copy ${options.currentPath} over ${baselinePath} by hand to accept it`);
    else if (isFake(current.result)) io.err(`baseline not updated: ${options.currentPath} comes from the fake harness and holds no measurement`);
    else {
      writeAtomically('--update-baseline', baselinePath, current.text);
      result.baselineUpdated = true;
    }
  }
  if (options.junitPath) writeAtomically('--junit', options.junitPath, renderJunit(result));
  await writeHtmlReport(html, result);
  const render = { table: () => renderCompareTable(result, io.color), markdown: () => renderCompareMarkdown(result), json: () => renderJson(result) }[options.format];
  io.out(render());
  // Notes are not the result: stderr (the JSON holds them; markdown, a document, keeps its callouts).
  if (options.format === 'table') for (const line of compareNotes(result)) io.err(line);
  if (!result.summary.passed) throw gateFailure(result);
  return EXIT.ok;
}
