// graphprof's own JSON results read back from files: `run --json` (analyze --calibration,
// recommend --from, compare, --baseline) and `analyze --json` (compare, --baseline). One way to
// read, one check per kind (src/core/run/check.ts, core/compare's checkResult); every problem is
// exit 2 and names the file.
import { readFileSync } from 'node:fs';

import { checkResult } from '../core/compare/compare.js';
import type { LoadedResult } from '../core/compare/gate.js';
import { jsonError } from '../core/compare/thresholds.js';
import { checkRunResult, type CheckedRun } from '../core/run/check.js';
import { InputError, UsageError, ValueError } from '../errors.js';


function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, expected a JSON result' : (err as Error).message;
}

/**
 * Read and parse one JSON file. `flag` is the option that named it (--calibration, --from), or
 * undefined for a positional argument (compare); it is named in every error.
 */
function readJson(path: string, flag: string | undefined): { text: string; value: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (flag) throw new UsageError(`${flag}: cannot read ${path}: ${why(err)}`);
    throw new InputError(path, undefined, `cannot read: ${why(err)}`);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (err) {
    if (flag) throw new InputError(path, undefined, `${flag}: not JSON (${(err as Error).message})`);
    const { line, problem } = jsonError(text, err as Error);
    throw new InputError(path, line, `${problem}; expected the JSON of \`graphprof run --json\` or \`graphprof analyze --json\``);
  }
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
