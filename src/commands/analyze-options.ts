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
  targetLatency?: string;
  calibration?: string;
  json?: boolean;
  format?: string;
  failAbove?: string;
  /** --baseline, repeatable: one baseline result or several runs of it */
  baseline?: string | string[];
};

export interface AnalyzeCommandOptions {
  readonly paths: readonly string[];
  readonly steps: number;
  readonly targetLatencyNs: number | null;
  readonly calibrationPath: string | null;
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
  const steps = positiveInt('--steps', raw.steps ?? ANALYZE_DEFAULTS.steps, MAX_STEPS);
  let targetLatencyNs: number | null = null;
  if (raw.targetLatency !== undefined) {
    targetLatencyNs = durationFlag('--target-latency', raw.targetLatency);
    if (!(targetLatencyNs > 0)) throw new UsageError(`--target-latency: expected a duration above 0 such as 30ms, got "${raw.targetLatency}"`);
  }
  const failAboveShare = raw.failAbove === undefined ? null : shareFlag('--fail-above', raw.failAbove);
  return Object.freeze({
    paths: Object.freeze([...args]),
    steps,
    targetLatencyNs,
    calibrationPath: raw.calibration ?? null,
    json: parseOutputFormat(raw) === 'json',
    format: parseOutputFormat(raw),
    failAboveShare,
    baselinePaths: Object.freeze(raw.baseline === undefined ? [] : Array.isArray(raw.baseline) ? [...raw.baseline] : [raw.baseline]),
  });
}

