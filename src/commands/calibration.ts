// --calibration (analyze, trace): `graphprof run --json` results read and checked, then turned
// into the step model's replay model (core/analyze/step-model.ts).
import { readFileSync } from 'node:fs';

import { DEFAULT_REPLAY_MODEL, replayModelFromRuns, type ReplayModel } from '../core/analyze/step-model.js';
import { SCHEMA_VERSION, type RunResult } from '../core/schema.js';
import { InputError, UsageError } from '../errors.js';

/** Read --calibration files (`graphprof run --json` results) into the replay model. */
export function readCalibration(paths: readonly string[]): ReplayModel {
  if (paths.length === 0) return DEFAULT_REPLAY_MODEL;
  const runs = paths.map((path) => ({ run: readRun(path), path }));
  try {
    return replayModelFromRuns(runs);
  } catch (err) {
    if (err instanceof RangeError) {
      const m = /^(.*?): (.*)$/.exec(err.message);
      throw new InputError(m ? m[1]! : paths[0]!, undefined, `--calibration: ${m ? m[2] : err.message}`);
    }
    throw err;
  }
}

function readRun(path: string): RunResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--calibration: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let run: RunResult;
  try {
    run = JSON.parse(text) as RunResult;
  } catch (err) {
    throw new InputError(path, undefined, `--calibration: not JSON (${(err as Error).message})`);
  }
  if (run === null || typeof run !== 'object' || run.command !== 'run' || !Array.isArray(run.results) || typeof run.workload !== 'object') {
    throw new InputError(path, undefined, '--calibration: expected the JSON of `graphprof run --json` (command "run" with workload and results)');
  }
  const major = String(run.schemaVersion ?? '').split('.')[0];
  if (major !== SCHEMA_VERSION.split('.')[0]) {
    throw new InputError(path, undefined, `--calibration: schema version ${run.schemaVersion} is not readable by this graphprof (${SCHEMA_VERSION})`);
  }
  if (run.environment?.harness === 'fake') throw new InputError(path, undefined, '--calibration: this result came from the fake harness (GRAPHPROF_FAKE_HARNESS) and holds no measurement');
  return run;
}

