// graphprof's own JSON results read back from files: `run --json` (analyze --calibration,
// recommend --from, compare, --baseline) and `analyze --json` (compare, --baseline). One way to
// read, one check per kind (src/core/run/check.ts, core/compare's checkResult); every problem is
// exit 2 and names the file.
import { checkFigures, checkResult } from '../core/compare/compare.js';
import type { LoadedResult } from '../core/compare/gate.js';
import { jsonError } from '../core/compare/thresholds.js';
import { checkRunResult, type CheckedRun } from '../core/run/check.js';
import { InputError, UsageError, ValueError } from '../errors.js';
import { isMissing, readWholeText } from './source.js';


/**
 * Read and parse one JSON file (ingest/source.ts: a BOM dropped, FIFOs and `-` read as streams,
 * the size bounded). `flag` is the option that named it (--calibration, --from), or undefined for
 * a positional argument (compare); it is named in every error. Every number must be finite and
 * every time or size >= 0 (checkFigures), or the file is refused, by name.
 */
function readJson(path: string, flag: string | undefined): { text: string; value: unknown } {
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
    throw new InputError(path, line, `${problem}; expected the JSON of \`graphprof run --json\` or \`graphprof analyze --json\``);
  }
  checked(path, () => checkFigures(value));
  return { text, value };
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
