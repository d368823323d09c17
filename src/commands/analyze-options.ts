// `graphprof analyze` options: raw flag strings -> one readonly typed object, validated before any
// file is read. Light imports only: src/cli.ts reads ANALYZE_DEFAULTS for the help text.
import { parseOutputFormat, type OutputFormat } from './format-option.js';
import { UsageError } from '../errors.js';
import { durationFlag, positiveInt, shareFlag } from './options.js';

/** Defaults as the user would type them; the help text shows these strings. */
export const ANALYZE_DEFAULTS = {
  steps: '1',
} as const;

export type RawAnalyzeOptions = {
  steps?: string;
  stepRange?: string;
  stepTime?: string;
  /** the old name of --step-time */
  targetLatency?: string;
  /** repeatable: an empty-kernel run gives the floor, a spin run the gap */
  calibration?: string | string[];
  json?: boolean;
  format?: string;
  failAbove?: string;
  /** --baseline, repeatable: one baseline result or several runs of it */
  baseline?: string | string[];
};

export interface AnalyzeCommandOptions {
  readonly paths: readonly string[];
  /** null: from --step-range's instances, else 1 */
  readonly steps: number | null;
  readonly stepRange: string | null;
  readonly stepTimeNs: number | null;
  readonly calibrationPaths: readonly string[];
  readonly json: boolean;
  /** --format (--json is --format json) */
  readonly format: OutputFormat;
  readonly failAboveShare: number | null;
  /** --baseline files, in order; empty without --baseline */
  readonly baselinePaths: readonly string[];
}

/** More steps than this is likelier a typo than a profile. */
const MAX_STEPS = 1_000_000_000;

export function parseAnalyzeOptions(raw: RawAnalyzeOptions, args: readonly string[]): AnalyzeCommandOptions {
  if (args.length === 0) throw new UsageError('analyze: give at least one nsys stats report (a CSV, a text/log file or a directory)');
  const stepRange = raw.stepRange === undefined ? null : raw.stepRange.trim();
  if (stepRange === '') throw new UsageError('--step-range: expected the name of the NVTX range around each step, such as decode_step, got ""');
  // without --step-range the profile is one step unless --steps says otherwise
  const steps = raw.steps !== undefined ? positiveInt('--steps', raw.steps, MAX_STEPS) : stepRange !== null ? null : Number(ANALYZE_DEFAULTS.steps);
  if (raw.stepTime !== undefined && raw.targetLatency !== undefined) throw new UsageError('--step-time and --target-latency are the same option (the old name); give one');
  const timeFlag = raw.stepTime !== undefined ? '--step-time' : '--target-latency';
  const timeText = raw.stepTime ?? raw.targetLatency;
  let stepTimeNs: number | null = null;
  if (timeText !== undefined) {
    stepTimeNs = durationFlag(timeFlag, timeText);
    if (!(stepTimeNs > 0)) throw new UsageError(`${timeFlag}: expected a duration above 0 such as 18ms, got "${timeText}"`);
  }
  if (stepTimeNs !== null && stepRange !== null) throw new UsageError(`${timeFlag} and --step-range both give the step's wall time; give one`);
  const failAboveShare = raw.failAbove === undefined ? null : shareFlag('--fail-above', raw.failAbove);
  return Object.freeze({
    paths: Object.freeze([...args]),
    steps,
    stepRange,
    stepTimeNs,
    calibrationPaths: Object.freeze(raw.calibration === undefined ? [] : Array.isArray(raw.calibration) ? [...raw.calibration] : [raw.calibration]),
    json: parseOutputFormat(raw) === 'json',
    format: parseOutputFormat(raw),
    failAboveShare,
    baselinePaths: Object.freeze(raw.baseline === undefined ? [] : Array.isArray(raw.baseline) ? [...raw.baseline] : [raw.baseline]),
  });
}

