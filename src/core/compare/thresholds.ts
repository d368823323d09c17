// Regression thresholds for `compare`: parse `--max-regression` specs and the config file into one
// typed set, and pick the threshold of each metric. Pure: the caller reads files and names the flag
// or file in its error (these functions throw ValueError with the problem only).
//
//   --max-regression 5%                          the default, relative, for every metric
//   --max-regression launches.perStep=0,overheadShare=2pp,graph.p50@b8=3%,host.perLaunch=200ns
//
// A value is relative (`5%` of the baseline) or absolute in the metric's own unit: a duration
// (`2us`), a size (`1MB`, `2MiB`), a count (`0`, `12`), percentage points for a share (`2pp`), or a
// plain number for a ratio (`0.1` or `0.1x`). A name is a metric family (`graph.p50`: every batch
// size) or one metric (`graph.p50@b8`, `launches.perStep@p2`); the most specific one wins.
import { ValueError } from '../../errors.js';
import { parseBytes, parseDuration, parseShare, type FigureKind } from '../units.js';

/** A metric's kind picks its threshold units and its printing (core/units.ts formatFigure). */
export type MetricKind = FigureKind;
export type ComparedCommand = 'run' | 'analyze';

export interface FamilyInfo {
  kind: MetricKind;
  command: ComparedCommand;
}

/** Relative: a fraction of the baseline (0.05 = 5%). Absolute: in base units (ns, bytes, calls, share 0..1, ratio). */
export type Threshold = { mode: 'relative'; value: number } | { mode: 'absolute'; value: number };

export interface ThresholdSpec {
  /** '' for the default, else a family (`graph.p50`) or one metric (`graph.p50@b8`) */
  name: string;
  threshold: Threshold;
  /** as the user wrote it, for messages */
  text: string;
}

export interface ThresholdSource {
  /** where it came from: "default", "--max-regression", "graphprof.config.json" */
  source: string;
  specs: ThresholdSpec[];
}

export interface ChosenThreshold {
  threshold: Threshold;
  /** "5%" or "launches.perStep=0" */
  text: string;
  /** "default", "--max-regression" or the config file */
  source: string;
}

export interface Thresholds {
  defaultThreshold: ChosenThreshold;
  /** by name; a later source replaced an earlier one */
  overrides: ReadonlyMap<string, ChosenThreshold>;
}

/** The built-in default when neither the flag nor the config file gives one. */
export const DEFAULT_MAX_REGRESSION = '5%';
/** The default confidence level of the noise test. */
export const DEFAULT_LEVEL = 0.95;

const QUALIFIER: Record<ComparedCommand, RegExp> = { run: /^b[1-9]\d*$/, analyze: /^p[1-9]\d*$/ };
const QUALIFIER_TEXT: Record<ComparedCommand, string> = { run: '@b<batch size>, e.g. @b8', analyze: '@p<profile number>, e.g. @p2' };

function percent(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/.exec(text);
  return m ? Number(m[1]) / 100 : null;
}

function plainNumber(text: string, suffix = ''): number | null {
  const m = new RegExp(`^\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?\\s*${suffix}\\s*$`, 'i').exec(text);
  return m ? Number(text.trim().replace(new RegExp(`${suffix}$`, 'i'), '')) : null;
}

const EXAMPLES: Record<MetricKind, string> = {
  duration: 'a relative change such as 5% or a duration such as 2us, 0.5ms',
  bytes: 'a relative change such as 5% or a size such as 2MiB, 1MB',
  count: 'a relative change such as 5% or a number of calls such as 0 or 12',
  share: 'a relative change such as 5% or percentage points such as 2pp',
  ratio: 'a relative change such as 5% or an absolute change of the ratio such as 0.1 (or 0.1x)',
};

/** One threshold value for a metric of `kind` (or, for the default, any kind: relative only). */
export function parseThresholdValue(text: string, kind: MetricKind | 'any'): Threshold {
  if (/^\s*-/.test(text)) throw new ValueError(`a threshold cannot be negative, got "${text}"`);
  const rel = percent(text);
  if (rel !== null) return { mode: 'relative', value: rel };
  if (kind === 'any') {
    throw new ValueError(`the default threshold must be relative, such as 5%, got "${text}"; give an absolute one per metric as NAME=VALUE (e.g. launches.perStep=0)`);
  }
  const fail = (): never => {
    throw new ValueError(`expected ${EXAMPLES[kind]}, got "${text}"`);
  };
  switch (kind) {
    case 'duration': {
      if (plainNumber(text) !== null) throw new ValueError(`"${text}" has no unit; use ns, us, ms, s, or % for a relative change`);
      try {
        return { mode: 'absolute', value: parseDuration(text) };
      } catch {
        return fail();
      }
    }
    case 'bytes': {
      if (plainNumber(text) !== null) throw new ValueError(`"${text}" has no unit; use B, KB, MB, GB, KiB, MiB, GiB, or % for a relative change`);
      try {
        return { mode: 'absolute', value: parseBytes(text) };
      } catch {
        return fail();
      }
    }
    case 'count': {
      const n = plainNumber(text);
      return n === null ? fail() : { mode: 'absolute', value: n };
    }
    case 'share': {
      const pp = plainNumber(text, 'pp');
      if (pp !== null && /pp\s*$/i.test(text)) {
        try {
          return { mode: 'absolute', value: parseShare(`${pp}%`) };
        } catch {
          throw new ValueError(`expected at most 100pp, got "${text}"`);
        }
      }
      if (plainNumber(text) !== null) throw new ValueError(`"${text}" has no unit; use pp (percentage points, e.g. 2pp) or % (relative, e.g. 5%)`);
      return fail();
    }
    case 'ratio': {
      const n = plainNumber(text) ?? plainNumber(text, 'x');
      return n === null ? fail() : { mode: 'absolute', value: n };
    }
  }
}

/** Check a NAME against the known families; returns the family's kind. */
export function checkName(name: string, families: ReadonlyMap<string, FamilyInfo>): MetricKind {
  const at = name.indexOf('@');
  const family = at < 0 ? name : name.slice(0, at);
  const info = families.get(family);
  if (!info) {
    const list = (command: ComparedCommand) =>
      [...families]
        .filter(([, f]) => f.command === command)
        .map(([k]) => k)
        .join(', ');
    throw new ValueError(`unknown metric "${family}"; known for run: ${list('run')}; for analyze: ${list('analyze')}`);
  }
  if (at >= 0 && !QUALIFIER[info.command].test(name.slice(at + 1))) {
    throw new ValueError(`"${name}": ${info.command === 'analyze' ? 'an' : 'a'} ${info.command} metric is narrowed with ${QUALIFIER_TEXT[info.command]}`);
  }
  return info.kind;
}

/** "5%,launches.perStep=0,overheadShare=2pp" -> specs; throws ValueError naming the bad item. */
export function parseThresholdSpecs(text: string, families: ReadonlyMap<string, FamilyInfo>): ThresholdSpec[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new ValueError(`expected a comma-separated list such as 5%,launches.perStep=0, got "${text}"`);
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq < 0) return { name: '', threshold: parseThresholdValue(item, 'any'), text: item };
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (name === '' || value === '') throw new ValueError(`expected NAME=VALUE such as launches.perStep=0, got "${item}"`);
    return { name, threshold: parseNamed(name, value, families), text: `${name}=${value}` };
  });
}

function parseNamed(name: string, value: string, families: ReadonlyMap<string, FamilyInfo>): Threshold {
  const kind = checkName(name, families);
  try {
    return parseThresholdValue(value, kind);
  } catch (err) {
    if (err instanceof ValueError) throw new ValueError(`${name} (a ${kind}): ${err.message}`);
    throw err;
  }
}

/** Later sources override earlier ones, name by name; the default is the last default given. */
export function resolveThresholds(sources: readonly ThresholdSource[]): Thresholds {
  let defaultThreshold: ChosenThreshold = {
    threshold: parseThresholdValue(DEFAULT_MAX_REGRESSION, 'any'),
    text: DEFAULT_MAX_REGRESSION,
    source: 'default',
  };
  const overrides = new Map<string, ChosenThreshold>();
  for (const { source, specs } of sources) {
    for (const spec of specs) {
      const chosen = { threshold: spec.threshold, text: spec.text, source };
      if (spec.name === '') defaultThreshold = chosen;
      else overrides.set(spec.name, chosen);
    }
  }
  return { defaultThreshold, overrides };
}

/** The threshold of one metric: its own key, else its family, else the default. */
export function thresholdFor(t: Thresholds, key: string, family: string): ChosenThreshold {
  return t.overrides.get(key) ?? t.overrides.get(family) ?? t.defaultThreshold;
}

/** "95%" or "0.95" -> 0.95; between 50% and 99.9%. */
export function parseLevel(text: string): number {
  let level: number;
  try {
    level = parseShare(text);
  } catch {
    throw new ValueError(`expected a confidence level such as 95% or 0.99, got "${text}"`);
  }
  if (level < 0.5 || level > 0.999) throw new ValueError(`expected a confidence level between 50% and 99.9%, got "${text}"`);
  return level;
}

// ---- config file ---------------------------------------------------------------------------------

/** What graphprof.config.json may say about `compare` (and the --baseline of run and analyze). */
export interface CompareConfig {
  specs: ThresholdSpec[];
  level: number | null;
  strictEnv: boolean | null;
}

const CONFIG_KEYS = ['maxRegression', 'thresholds', 'level', 'strictEnv'] as const;

/**
 * Parse the text of graphprof.config.json:
 *   { "compare": { "maxRegression": "5%", "thresholds": { "launches.perStep": 0, "overheadShare": "2pp" },
 *                  "level": "95%", "strictEnv": true } }
 * `maxRegression` takes what --max-regression takes (a string or a list of strings); `thresholds`
 * maps NAME to VALUE (a number is read as its decimal text: a count or a ratio). Throws ValueError
 * whose message starts with the line (for JSON syntax) or the key at fault.
 */
export function parseConfig(text: string, families: ReadonlyMap<string, FamilyInfo>): CompareConfig {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    const { line, problem } = jsonError(text, err as Error);
    throw new JsonSyntaxError(line, problem);
  }
  if (!isObject(root)) throw new ValueError('expected a JSON object such as {"compare": {"maxRegression": "5%"}}');
  for (const key of Object.keys(root)) {
    if (key !== 'compare' && key !== '$schema') throw new ValueError(`unknown key "${key}"; the compare settings live under "compare"`);
  }
  const c = root.compare;
  if (c === undefined) return { specs: [], level: null, strictEnv: null };
  if (!isObject(c)) throw new ValueError('"compare" must be an object');
  for (const key of Object.keys(c)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) throw new ValueError(`compare: unknown key "${key}"; expected ${CONFIG_KEYS.join(', ')}`);
  }
  const specs: ThresholdSpec[] = [];
  const where = (key: string, run: () => void) => {
    try {
      run();
    } catch (err) {
      if (err instanceof ValueError) throw new ValueError(`compare.${key}: ${err.message}`);
      throw err;
    }
  };
  if (c.maxRegression !== undefined) {
    where('maxRegression', () => {
      const list = Array.isArray(c.maxRegression) ? c.maxRegression : [c.maxRegression];
      for (const item of list) {
        if (typeof item !== 'string') throw new ValueError(`expected a string such as "5%" or a list of them, got ${JSON.stringify(item)}`);
        specs.push(...parseThresholdSpecs(item, families));
      }
    });
  }
  if (c.thresholds !== undefined) {
    const t = c.thresholds;
    if (!isObject(t)) throw new ValueError('compare.thresholds: expected an object such as {"launches.perStep": 0, "overheadShare": "2pp"}');
    for (const [name, value] of Object.entries(t)) {
      where(`thresholds."${name}"`, () => {
        if (typeof value !== 'string' && typeof value !== 'number') throw new ValueError(`expected a string such as "5%" or a number, got ${JSON.stringify(value)}`);
        const textValue = String(value);
        specs.push({ name, threshold: parseNamed(name, textValue, families), text: `${name}=${textValue}` });
      });
    }
  }
  let level: number | null = null;
  if (c.level !== undefined) {
    where('level', () => {
      if (typeof c.level !== 'string' && typeof c.level !== 'number') throw new ValueError(`expected "95%" or 0.95, got ${JSON.stringify(c.level)}`);
      level = parseLevel(String(c.level));
    });
  }
  let strictEnv: boolean | null = null;
  if (c.strictEnv !== undefined) {
    if (typeof c.strictEnv !== 'boolean') throw new ValueError(`compare.strictEnv: expected true or false, got ${JSON.stringify(c.strictEnv)}`);
    strictEnv = c.strictEnv;
  }
  return { specs, level, strictEnv };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A file that is not JSON; `line` is where the parser stopped, when it says. */
export class JsonSyntaxError extends ValueError {
  constructor(
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? problem : `line ${line}: ${problem}`);
  }
}

/** A JSON.parse error as a line and a problem (V8 reports a character position). */
export function jsonError(text: string, err: Error): { line: number | undefined; problem: string } {
  if (text.trim() === '') return { line: 1, problem: 'empty file, expected JSON' };
  const lineAt = (pos: number): number => {
    let line = 1;
    for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  if (/Unexpected end of JSON input/.test(err.message)) return { line: lineAt(text.trimEnd().length), problem: 'not valid JSON: the text ends early (a truncated file?)' };
  // V8 quotes the start of the text ('Unexpected token 'h', "hello worl"... is not valid JSON'):
  // the file's bytes are not echoed, only the one character it stopped at
  const what = err.message
    .replace(/\s*\(line \d+ column \d+\)\s*$/, '')
    .replace(/ in JSON at position \d+$/, '')
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/^(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, 'unexpected text');
  const problem = `not valid JSON: ${what}`;
  const m = /at position (\d+)/.exec(err.message);
  return { line: m ? lineAt(Number(m[1])) : undefined, problem };
}
