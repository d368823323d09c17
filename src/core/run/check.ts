// The one check of a `graphprof run --json` result read back from a file (analyze --calibration,
// recommend --from, compare): its command, schema major version and batch list, and the two facts
// every reader must weigh: whether the fake harness made it, and whether the run finished.
import { ValueError } from '../../errors.js';
import { checkSchemaVersion, type RunResult } from '../schema.js';

/** Why a fake result cannot stand in for a measurement (analyze --calibration, recommend --from). */
export const FAKE_RUN_PROBLEM = 'this result came from the fake harness (GRAPHPROF_FAKE_HARNESS) and holds no measurement';

export interface CheckedRun {
  run: RunResult;
  /** made by the fake harness (GRAPHPROF_FAKE_HARNESS): synthetic figures, never a measurement */
  fake: boolean;
  /** false when the run stopped early (a CUDA error, a wrong checksum): later batch sizes are missing */
  complete: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed JSON value -> a run result of this schema major; ValueError with the problem otherwise. */
export function checkRunResult(value: unknown): CheckedRun {
  const command = isObject(value) ? value.command : undefined;
  if (!isObject(value) || command !== 'run') throw new ValueError(`expected a \`graphprof run --json\` result, got command ${JSON.stringify(command ?? null)}`);
  checkSchemaVersion(value.schemaVersion);
  if (!Array.isArray(value.results)) throw new ValueError('a `run` result without a "results" list');
  value.results.forEach((b, i) => {
    if (!isObject(b) || typeof b.batch !== 'number' || !Number.isSafeInteger(b.batch) || b.batch < 1) {
      throw new ValueError(`results[${i}] has no batch size ("batch": a positive integer)`);
    }
  });
  const run = value as unknown as RunResult;
  return { run, fake: isFakeRun(run), complete: run.complete !== false };
}

export function isFakeRun(run: Pick<RunResult, 'environment'>): boolean {
  return run.environment?.harness === 'fake';
}
