// graphprof's own JSON results read back from files: `run --json` (analyze --calibration,
// recommend --from, compare, --baseline), `analyze --json` (compare, --baseline), and any kind
// `report` draws. One way to read, one check per use (src/core/run/check.ts, core/compare's
// checkResult, src/core/report/check.ts); every problem is exit 2 and names the file.
import { checkFigures, checkResult } from '../core/compare/compare.js';
import type { LoadedResult } from '../core/compare/gate.js';
import { jsonError } from '../core/compare/thresholds.js';
import { checkReportable, REPORTABLE_WHAT } from '../core/report/check.js';
import { checkRunResult, type CheckedRun } from '../core/run/check.js';
import { InputError, UsageError, ValueError } from '../errors.js';
import { isMissing, readWholeText } from './source.js';

const RUN_OR_ANALYZE = 'expected the JSON of `graphprof run --json` or `graphprof analyze --json`';

/**
 * Read and parse one JSON file (ingest/source.ts: a BOM dropped, FIFOs and `-` read as streams,
 * the size bounded). `flag` is the option that named it (--calibration, --from), or undefined for
 * a positional argument (compare, report; `expected` ends its parse errors); it is named in every
 * error.
 */
function parseJson(path: string, flag: string | undefined, expected: string): { text: string; value: unknown } {
  let text: string;
  try {
    text = readWholeText(path);
  } catch (err) {
    if (isMissing(err)) {
      if (flag) throw new UsageError(`${flag}: cannot read ${path}: no such file`);
      throw new InputError(path, undefined, 'cannot read: no such file');
    }
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const { line, problem } = jsonError(text, err as Error);
    if (flag) throw new InputError(path, line, `${flag}: ${problem}`);
    throw new InputError(path, line, `${problem}; ${expected}`);
  }
  return { text, value };
}

/** parseJson, and every number must be finite and every time or size >= 0 (checkFigures), or the file is refused, by name. */
function readJson(path: string, flag: string | undefined): { text: string; value: unknown } {
  const read = parseJson(path, flag, RUN_OR_ANALYZE);
  checked(path, () => checkFigures(read.value));
  return read;
}

function checked<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ValueError) throw new InputError(path, undefined, err.message);
    throw err;
  }
}

/** A `run` or `analyze` result, for compare and --baseline. */
export function readResult(path: string): LoadedResult {
  const { text, value } = readJson(path, undefined);
  return { path, text, result: checked(path, () => checkResult(value)) };
}

/** A `run --json` result: checked, with whether it is fake and whether the run finished. */
export function readRunResult(path: string, flag: string): CheckedRun {
  const { value } = readJson(path, flag);
  return checked(path, () => checkRunResult(value));
}

/** Any result `report` draws: its kind checked (core/report/check.ts); the figures are drawn as they are. */
export function readReportable(path: string): { command: string; value: unknown } {
  const { value } = parseJson(path, undefined, REPORTABLE_WHAT);
  return { command: checked(path, () => checkReportable(value)), value };
}
