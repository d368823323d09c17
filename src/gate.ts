// The gate shared by `compare` and the one-step `run --baseline` / `analyze --baseline`: compare
// loaded results under parsed gate options, and turn a failed gate into the one line of exit 1.
// Below the commands (they import it; it imports no command), above core, ingest and report.
import { Chalk } from 'chalk';

import type { ComparableResult, ComparedCommand, CompareResult } from './core/compare/compare.js';
import { aResult, evaluate as evaluateResults, type GateSettings, type LoadedResult } from './core/compare/gate.js';
import { EXIT, GateError, UsageError } from './errors.js';
import { readResult } from './ingest/result-json.js';
import type { Io } from './io.js';
import { compareNotes, formatChange, formatThreshold, renderCompareTable } from './report/compare-table.js';
import { toolInfo } from './version.js';

/**
 * Compare loaded results under the gate settings: the JSON-ready result of `compare`. `baseline` is
 * one baseline result or several runs of it.
 */
export function evaluate(baseline: LoadedResult | readonly LoadedResult[], current: LoadedResult, gate: GateSettings, argv: string[]): CompareResult {
  return evaluateResults(baseline, current, gate, { tool: toolInfo(), argv, createdAt: new Date().toISOString() });
}

/** The one line the CLI prints when the gate failed. */
export function gateFailure(r: CompareResult): GateError {
  const failed = r.metrics.filter((m) => m.verdict === 'regressed' || m.verdict === 'missing');
  const shown = failed.slice(0, 3).map((m) => (m.verdict === 'missing' ? `${m.key} missing` : `${m.key} ${formatChange(m)} > ${formatThreshold(m)}`));
  const more = failed.length > 3 ? `, and ${failed.length - 3} more` : '';
  return new GateError(`compare: ${failed.length} of ${r.summary.total} gates failed: ${shown.join(', ')}${more} (the comparison above says why)`);
}


// ---- one step: run/analyze --baseline FILE -------------------------------------------------------

export interface Gate {
  /** the baseline files, in the order given (one, or several runs) */
  readonly baselinePaths: readonly string[];
  /** Compare `current` with the baseline; prints the comparison to stderr; 0, or throws GateError (exit 1). */
  check(current: ComparableResult, io: Io): number;
}

/**
 * Read and check the baselines and the threshold options before any work, so a wrong --baseline
 * fails at once (exit 2), not after a long run. `command` is the command whose result it gates.
 * `--baseline` is repeatable: several baseline runs gate as `compare base-1 base-2 ... current`.
 */
export function prepareGate(paths: readonly string[], gate: GateSettings, command: ComparedCommand): Gate {
  const baselines = paths.map(readResult);
  for (const baseline of baselines) {
    if (baseline.result.command !== command) {
      throw new UsageError(`--baseline: ${baseline.path} is ${aResult(baseline.result.command)}; \`${command} --baseline\` needs the JSON of \`graphprof ${command} --json\``);
    }
  }
  return {
    baselinePaths: paths,
    check(current, io) {
      const label = `this ${command}`;
      const loaded: LoadedResult = { path: label, text: '', result: current };
      const result = evaluate(baselines, loaded, gate, io.argv);
      // stdout holds the command's own result; the comparison goes to stderr, uncoloured.
      for (const w of result.warnings) io.err(`warning: ${w}`);
      io.err(renderCompareTable(result, new Chalk({ level: 0 })));
      for (const line of compareNotes(result)) io.err(line);
      if (!result.summary.passed) throw gateFailure(result);
      return EXIT.ok;
    },
  };
}

