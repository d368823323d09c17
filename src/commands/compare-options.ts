// `graphprof compare` options: positional files and flags (with the shared gate options) -> one
// readonly typed object, validated before any result is read.
import { UsageError } from '../errors.js';
import { parseGateOptions, type GateOptions, type RawGateOptions } from './gate-options.js';
import { checkWritable } from './output-file.js';
import { oneOf } from './options.js';

export const FORMATS = ['table', 'markdown', 'json'] as const;
export type CompareFormat = (typeof FORMATS)[number];

/** Defaults as the user would type them. */
export const COMPARE_DEFAULTS = {
  format: 'table',
} as const satisfies { format: CompareFormat };

export interface RawCompareOptions extends RawGateOptions {
  format?: string;
  json?: boolean;
  junit?: string;
  html?: string;
  updateBaseline?: boolean;
}

export interface CompareOptions extends GateOptions {
  /** every positional argument but the last: one baseline, or several runs of it */
  readonly baselinePaths: readonly string[];
  readonly currentPath: string;
  readonly format: CompareFormat;
  readonly junitPath: string | null;
  readonly updateBaseline: boolean;
}

export function parseCompareOptions(raw: RawCompareOptions, args: readonly string[], cwd = process.cwd()): CompareOptions {
  if (args.length < 2) throw new UsageError(`compare: expected two or more result files, <baseline>... <current>, got ${args.length}`);
  let format: CompareFormat = raw.format === undefined ? COMPARE_DEFAULTS.format : oneOf('--format', raw.format, FORMATS);
  if (raw.json === true) {
    if (raw.format !== undefined && format !== 'json') throw new UsageError(`--json: conflicts with --format ${format}; give one of them`);
    format = 'json';
  }
  if (raw.updateBaseline === true && args.length > 2) {
    throw new UsageError(
      `--update-baseline: takes one baseline file, got ${args.length - 1}; with several baseline runs, make new ones on the runner (docs/ci.md, "Several baseline runs") instead of replacing one with this result`,
    );
  }
  return Object.freeze({
    ...parseGateOptions(raw, cwd),
    baselinePaths: Object.freeze(args.slice(0, -1)),
    currentPath: args[args.length - 1]!,
    format,
    junitPath: raw.junit === undefined ? null : (checkWritable('--junit', raw.junit), raw.junit),
    updateBaseline: raw.updateBaseline === true,
  });
}
