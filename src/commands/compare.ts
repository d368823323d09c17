// `graphprof compare`: one or more baseline results and a current one, all of the same command (run
// or analyze) -> per-metric verdicts against noise-aware thresholds; exit 1 when a gate failed. Also
// the one-step `--baseline FILE` (repeatable) of `run` and `analyze` (prepareGate).
// Phases: parse options (flags + config file) -> read the results -> check the environments ->
// compare (pure) -> render -> JUnit -> update the baseline -> gate.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { Chalk } from 'chalk';

import {
  checkResult,
  compareResults,
  describeFile,
  environmentDifferences,
  FAMILY_INFO,
  isFake,
  workloadDifferences,
  type ComparableResult,
  type CompareResult,
  type ComparedCommand,
} from '../core/compare/compare.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import {
  DEFAULT_LEVEL,
  jsonError,
  JsonSyntaxError,
  parseConfig,
  parseLevel,
  parseThresholdSpecs,
  resolveThresholds,
  type ThresholdSource,
  type Thresholds,
} from '../core/compare/thresholds.js';
import { EXIT, GateError, InputError, UsageError, ValueError } from '../errors.js';
import type { Io } from '../io.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { formatChange, formatThreshold, renderCompareTable } from '../report/compare-table.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { checkWritable, writeAtomically } from './output-file.js';
import { toolInfo } from '../version.js';
import { oneOf } from './options.js';

/** The config file read from the working directory when --config is not given. */
export const CONFIG_FILE = 'graphprof.config.json';

export const FORMATS = ['table', 'markdown', 'json'] as const;
export type CompareFormat = (typeof FORMATS)[number];

/** The threshold flags `run --baseline` and `analyze --baseline` share with `compare`. */
export interface RawGateOptions {
  maxRegression?: string | string[];
  config?: string;
  level?: string;
  strictEnv?: boolean;
}

export interface RawCompareOptions extends RawGateOptions {
  format?: string;
  json?: boolean;
  junit?: string;
  updateBaseline?: boolean;
}

export interface GateOptions {
  readonly thresholds: Thresholds;
  readonly level: number;
  readonly strictEnv: boolean;
  /** the config file that was read, if any */
  readonly configPath: string | null;
}

export interface CompareOptions extends GateOptions {
  /** every positional argument but the last: one baseline, or several runs of it */
  readonly baselinePaths: readonly string[];
  readonly currentPath: string;
  readonly format: CompareFormat;
  readonly junitPath: string | null;
  readonly updateBaseline: boolean;
}

// ---- options -------------------------------------------------------------------------------------

function readConfig(path: string, explicit: boolean): ReturnType<typeof parseConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${explicit ? '--config' : CONFIG_FILE}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
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

export function parseCompareOptions(raw: RawCompareOptions, args: readonly string[], cwd = process.cwd()): CompareOptions {
  if (args.length < 2) throw new UsageError(`compare: expected two or more result files, <baseline>... <current>, got ${args.length}`);
  let format: CompareFormat = raw.format === undefined ? 'table' : oneOf('--format', raw.format, FORMATS);
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

// ---- reading results -----------------------------------------------------------------------------

export interface LoadedResult {
  path: string;
  text: string;
  result: ComparableResult;
}

/** Read and check one result file; every problem is exit 2 with the file named. */
export function readResult(path: string): LoadedResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, undefined, `cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, expected a JSON result' : (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const { line, problem } = jsonError(text, err as Error);
    throw new InputError(path, line, `${problem}; expected the JSON of \`graphprof run --json\` or \`graphprof analyze --json\``);
  }
  try {
    return { path, text, result: checkResult(value) };
  } catch (err) {
    if (err instanceof ValueError) throw new InputError(path, undefined, err.message);
    throw err;
  }
}

// ---- the comparison ------------------------------------------------------------------------------

/** "a `run` result", "an `analyze` result". */
function aResult(command: string): string {
  return `${/^[aeiou]/.test(command) ? 'an' : 'a'} \`${command}\` result`;
}

function show(v: unknown): string {
  return v === null || v === undefined ? 'unknown' : String(v);
}

/** The warnings a comparison carries; throws under --strict-env when the machines differ. */
function checkEnvironments(
  baselines: readonly LoadedResult[],
  current: LoadedResult,
  strictEnv: boolean,
): { warnings: string[]; differences: ReturnType<typeof environmentDifferences> } {
  const warnings: string[] = [];
  const several = baselines.length > 1;
  const fakes = [...baselines, current].filter((f) => isFake(f.result));
  for (const f of fakes) {
    warnings.push(`${f.path} was made by the FAKE harness (GRAPHPROF_FAKE_HARNESS=1): its figures are synthetic, not measurements, so this comparison says nothing about performance`);
  }
  const differences: ReturnType<typeof environmentDifferences> = [];
  for (const baseline of baselines) {
    const found = environmentDifferences(baseline.result, current.result);
    for (const d of found) {
      if (!differences.some((x) => x.what === d.what && x.baseline === d.baseline && x.current === d.current)) differences.push(d);
    }
    // A fake result differs from everything; its own warning says enough.
    if (found.length > 0 && fakes.length === 0) {
      const list = found.map((d) => `${d.what} ${show(d.baseline)} (baseline) vs ${show(d.current)} (current)`).join('; ');
      const who = several ? `baseline ${baseline.path} and current` : 'baseline and current';
      warnings.push(`${who} were measured on different machines: ${list}; timings are not comparable across them (--strict-env makes this an error)`);
    }
    if (strictEnv && (found.length > 0 || fakes.length > 0)) {
      const why = [
        ...fakes.map((f) => `${f.path} comes from the fake harness`),
        ...(fakes.length > 0 ? [] : found.map((d) => `${d.what} ${show(d.baseline)} vs ${show(d.current)}`)),
      ].join(', ');
      throw new UsageError(`--strict-env: ${baseline.path} and ${current.path} do not come from the same environment (${why}); measure both on one machine, or update the baseline there`);
    }
    const work = workloadDifferences(baseline.result, current.result);
    if (work.length > 0) {
      const who = several ? ` (${baseline.path} and current)` : '';
      warnings.push(`the workloads differ${who} (${work.map((w) => `${w.field} ${show(w.baseline)} -> ${show(w.current)}`).join(', ')}): the figures measure different work`);
    }
  }
  for (const f of [...baselines, current]) {
    const r = f.result;
    if (r.command === 'run' && r.complete === false) {
      warnings.push(`${f.path} is incomplete (the run stopped${r.error ? `: ${r.error.message}` : ' early'}); batch sizes it lacks count as "missing"`);
    }
  }
  for (const baseline of baselines) {
    if (baseline.result.command === 'analyze' && current.result.command === 'analyze') {
      const bo = baseline.result.options ?? {};
      const co = current.result.options ?? {};
      const moved = (['steps', 'targetLatencyNs', 'calibrationPath'] as const).filter((k) => (bo as Record<string, unknown>)[k] !== (co as Record<string, unknown>)[k]);
      const who = several ? ` (${baseline.path} and current)` : '';
      if (moved.length > 0) {
        warnings.push(
          `the analyses used different options${who} (${moved.map((k) => `${k} ${show((bo as Record<string, unknown>)[k])} -> ${show((co as Record<string, unknown>)[k])}`).join(', ')}): figures may move for that reason alone`,
        );
      }
      if (baseline.result.profiles.length !== current.result.profiles.length) {
        const name = several ? `baseline ${baseline.path}` : 'baseline';
        warnings.push(`${name} has ${baseline.result.profiles.length} profiles and current ${current.result.profiles.length}: profiles are matched by position`);
      }
    }
  }
  return { warnings, differences };
}

/** Families measured on the host: they shift between processes on many hosts (docs/ci.md). */
export const HOST_SIDE_FAMILIES: readonly string[] = ['eager.p50', 'eager.p99', 'host.perLaunch', 'graph.capture'];

/** The one-line advice when a host-side timing failed against a single baseline run. */
export const ONE_BASELINE_NOTE =
  'host-side timings (eager.*, host.perLaunch, graph.capture) shift between processes on many hosts, and one baseline run cannot measure that: ' +
  'give 3-5 baseline runs (graphprof compare base-1.json base-2.json base-3.json current.json) or set their thresholds from your runner\'s noise (docs/ci.md, "Several baseline runs")';

/** The one-line advice when only two baseline runs estimate the spread between runs. */
export const TWO_BASELINES_NOTE =
  'two baseline runs say little about the spread between runs, so their limits are wide (a t quantile of 1 degree of freedom): use 3-5 baseline runs (docs/ci.md, "Several baseline runs")';

/** Check that several results come from one command; names the file that does not. */
function checkSameCommand(baselines: readonly LoadedResult[], current: LoadedResult): void {
  if (baselines.length === 1) {
    const baseline = baselines[0]!;
    if (baseline.result.command !== current.result.command) {
      throw new UsageError(
        `compare: ${baseline.path} is ${aResult(baseline.result.command)} but ${current.path} is ${aResult(current.result.command)}; compare two results of the same command`,
      );
    }
    return;
  }
  const first = baselines[0]!;
  for (const f of [...baselines.slice(1), current]) {
    if (f.result.command !== first.result.command) {
      throw new InputError(
        f.path,
        undefined,
        `${aResult(f.result.command)}, but ${first.path} is ${aResult(first.result.command)}; every baseline and the current result must come from the same command`,
      );
    }
  }
}

/**
 * Compare loaded results under the gate options: the JSON-ready result of `compare`. `baseline` is
 * one baseline result or several runs of it.
 */
export function evaluate(baseline: LoadedResult | readonly LoadedResult[], current: LoadedResult, gate: GateOptions, argv: string[]): CompareResult {
  const baselines: readonly LoadedResult[] = Array.isArray(baseline) ? baseline : [baseline as LoadedResult];
  checkSameCommand(baselines, current);
  const { warnings, differences } = checkEnvironments(baselines, current, gate.strictEnv);
  const comparison = compareResults(
    baselines.map((b) => b.result),
    current.result,
    gate.thresholds,
    { level: gate.level },
  );
  const notes: string[] = [];
  if (baselines.length === 1 && comparison.metrics.some((m) => m.verdict === 'regressed' && HOST_SIDE_FAMILIES.includes(m.family))) {
    notes.push(ONE_BASELINE_NOTE);
  }
  if (baselines.length === 2 && comparison.metrics.some((m) => m.betweenRunSpread)) notes.push(TWO_BASELINES_NOTE);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'compare',
    argv,
    createdAt: new Date().toISOString(),
    compared: comparison.command,
    baseline: describeFile(baselines[0]!.path, baselines[0]!.result),
    baselines: baselines.map((b) => b.path),
    current: describeFile(current.path, current.result),
    level: comparison.level,
    thresholds: {
      default: gate.thresholds.defaultThreshold,
      overrides: [...gate.thresholds.overrides].map(([name, t]) => ({ name, ...t })),
    },
    metrics: comparison.metrics,
    summary: { ...comparison.counts, total: comparison.metrics.length, passed: comparison.passed },
    environmentDifferences: differences,
    warnings,
    notes,
    baselineUpdated: false,
  };
}

/** The one line the CLI prints when the gate failed. */
function gateFailure(r: CompareResult): GateError {
  const failed = r.metrics.filter((m) => m.verdict === 'regressed' || m.verdict === 'missing');
  const shown = failed.slice(0, 3).map((m) => (m.verdict === 'missing' ? `${m.key} missing` : `${m.key} ${formatChange(m)} > ${formatThreshold(m)}`));
  const more = failed.length > 3 ? `, and ${failed.length - 3} more` : '';
  return new GateError(`compare: ${failed.length} of ${r.summary.total} gates failed: ${shown.join(', ')}${more} (the comparison above says why)`);
}


export async function execute(raw: RawCompareOptions, io: Io, args: string[] = []): Promise<number> {
  const options = parseCompareOptions(raw, args);
  const baselines = options.baselinePaths.map(readResult);
  const current = readResult(options.currentPath);
  const result = evaluate(baselines, current, options, io.argv);
  const baselinePath = options.baselinePaths[0]!;
  for (const w of result.warnings) io.err(`warning: ${w}`);

  if (options.updateBaseline) {
    // Only a passing result becomes the baseline: a regression must never be accepted silently.
    if (!result.summary.passed) io.err(`baseline not updated: the gate failed; fix the regression, or copy ${options.currentPath} over ${baselinePath} by hand to accept it`);
    else if (isFake(current.result)) io.err(`baseline not updated: ${options.currentPath} comes from the fake harness and holds no measurement`);
    else {
      writeAtomically('--update-baseline', baselinePath, current.text);
      result.baselineUpdated = true;
    }
  }
  if (options.junitPath) writeAtomically('--junit', options.junitPath, renderJunit(result));
  const render = { table: () => renderCompareTable(result, io.color), markdown: () => renderCompareMarkdown(result), json: () => renderJson(result) }[options.format];
  io.out(render());
  if (!result.summary.passed) throw gateFailure(result);
  return EXIT.ok;
}

// ---- one step: run/analyze --baseline FILE -------------------------------------------------------

export interface Gate {
  /** the baseline files, in the order given (one, or several runs) */
  readonly baselinePaths: readonly string[];
  /** Compare `current` with the baseline; prints the comparison to stderr; 0, or throws GateError (exit 1). */
  check(current: ComparableResult, io: Io): number;
}

/**
 * Read and check the baselines and the threshold options before any work, so a wrong --baseline
 * fails at once (exit 2), not after a long run. `command` is the command whose result it gates.
 * `--baseline` is repeatable: several baseline runs gate as `compare base-1 base-2 ... current`.
 */
export function prepareGate(baselinePaths: string | readonly string[], raw: RawGateOptions, command: ComparedCommand, cwd = process.cwd()): Gate {
  const paths: readonly string[] = typeof baselinePaths === 'string' ? [baselinePaths] : baselinePaths;
  const gate = parseGateOptions(raw, cwd);
  const baselines = paths.map(readResult);
  for (const baseline of baselines) {
    if (baseline.result.command !== command) {
      throw new UsageError(`--baseline: ${baseline.path} is ${aResult(baseline.result.command)}; \`${command} --baseline\` needs the JSON of \`graphprof ${command} --json\``);
    }
  }
  return {
    baselinePaths: paths,
    check(current, io) {
      const label = `this ${command}`;
      const loaded: LoadedResult = { path: label, text: '', result: current };
      const result = evaluate(baselines, loaded, gate, io.argv);
      // stdout holds the command's own result; the comparison goes to stderr, uncoloured.
      for (const w of result.warnings) io.err(`warning: ${w}`);
      io.err(renderCompareTable(result, new Chalk({ level: 0 })));
      if (!result.summary.passed) throw gateFailure(result);
      return EXIT.ok;
    },
  };
}

