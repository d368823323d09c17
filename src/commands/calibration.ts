// --calibration (analyze, trace): `graphprof run --json` results, read by the one run.json reader
// (ingest/result-json.ts), turned into the step model's replay model (core/analyze/step-model.ts).
import { CalibrationError, DEFAULT_REPLAY_MODEL, replayModelFromRuns, type ReplayModel } from '../core/analyze/step-model.js';
import { FAKE_RUN_PROBLEM } from '../core/run/check.js';
import { InputError } from '../errors.js';
import { readRunResult } from '../ingest/result-json.js';

/** Read --calibration files into the replay model; none: the defaults. */
export function readCalibration(paths: readonly string[]): ReplayModel {
  if (paths.length === 0) return DEFAULT_REPLAY_MODEL;
  const runs = paths.map((path) => {
    const { run, fake } = readRunResult(path, '--calibration');
    if (fake) throw new InputError(path, undefined, `--calibration: ${FAKE_RUN_PROBLEM}`);
    return { run, path };
  });
  try {
    return replayModelFromRuns(runs);
  } catch (err) {
    if (err instanceof CalibrationError) throw new InputError(err.path, undefined, `--calibration: ${err.message}`);
    throw err;
  }
}
