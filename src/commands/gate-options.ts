// The threshold options `compare`, `run --baseline` and `analyze --baseline` share: flags and the
// config file -> one readonly GateOptions (thresholds, level, --strict-env). Flags win over the file.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { FAMILY_INFO } from '../core/compare/compare.js';
import type { GateSettings } from '../core/compare/gate.js';
import {
  DEFAULT_LEVEL,
  JsonSyntaxError,
  parseConfig,
  parseLevel,
  parseThresholdSpecs,
  resolveThresholds,
  type ThresholdSource,
} from '../core/compare/thresholds.js';
import { InputError, UsageError, ValueError } from '../errors.js';
import { isMissing, readWholeText } from '../ingest/source.js';

/** The config file read from the working directory when --config is not given. */
export const CONFIG_FILE = 'graphprof.config.json';

/** The threshold flags `run --baseline` and `analyze --baseline` share with `compare`. */
export interface RawGateOptions {
  maxRegression?: string | string[];
  config?: string;
  level?: string;
  strictEnv?: boolean;
}

export interface GateOptions extends GateSettings {
  /** the config file that was read, if any */
  readonly configPath: string | null;
}

function readConfig(path: string, explicit: boolean): ReturnType<typeof parseConfig> {
  let text: string;
  try {
    // the file found in the working directory is read only when it is a plain file: a FIFO there
    // would wait for a writer that nobody started
    if (!explicit && !statSync(path).isFile()) throw new InputError(path, undefined, `not a regular file (a FIFO or device?): ${CONFIG_FILE} is read from the working directory only when it is one; remove it or pass --config`);
    text = readWholeText(path);
  } catch (err) {
    if (isMissing(err)) throw new UsageError(`${explicit ? '--config' : CONFIG_FILE}: cannot read ${path}: no such file`);
    throw err;
  }
  try {
    return parseConfig(text, FAMILY_INFO);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new InputError(path, err.line, err.problem);
    if (err instanceof ValueError) throw new InputError(path, undefined, err.message);
    throw err;
  }
}

/** Flags and the config file -> thresholds, level and --strict-env. Flags win over the file. */
export function parseGateOptions(raw: RawGateOptions, cwd = process.cwd()): GateOptions {
  const explicit = raw.config !== undefined;
  const configPath = explicit ? raw.config! : existsSync(resolve(cwd, CONFIG_FILE)) ? resolve(cwd, CONFIG_FILE) : null;
  const config = configPath ? readConfig(configPath, explicit) : null;
  const sources: ThresholdSource[] = [];
  if (config && configPath) sources.push({ source: explicit ? configPath : CONFIG_FILE, specs: config.specs });
  const flags = raw.maxRegression === undefined ? [] : Array.isArray(raw.maxRegression) ? raw.maxRegression : [raw.maxRegression];
  for (const text of flags) {
    try {
      sources.push({ source: '--max-regression', specs: parseThresholdSpecs(text, FAMILY_INFO) });
    } catch (err) {
      if (err instanceof ValueError) throw new UsageError(`--max-regression: ${err.message}`);
      throw err;
    }
  }
  let level = config?.level ?? DEFAULT_LEVEL;
  if (raw.level !== undefined) {
    try {
      level = parseLevel(raw.level);
    } catch (err) {
      if (err instanceof ValueError) throw new UsageError(`--level: ${err.message}`);
      throw err;
    }
  }
  return Object.freeze({
    thresholds: resolveThresholds(sources),
    level,
    strictEnv: raw.strictEnv === true || config?.strictEnv === true,
    configPath,
  });
}

