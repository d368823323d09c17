// The comparison behind `compare` and the one-step `run/analyze --baseline` gate: loaded results
// -> environment and workload warnings -> per-metric verdicts (compare.ts) -> the JSON-ready
// CompareResult. Pure: the caller reads the files and stamps the header.
import { UsageError, InputError } from '../../errors.js';
import { SCHEMA_VERSION, type ToolInfo } from '../schema.js';
import {
  compareResults,
  describeFile,
  environmentDifferences,
  isFake,
  workloadDifferences,
  type ComparableResult,
  type CompareResult,
} from './compare.js';
import type { Thresholds } from './thresholds.js';

/** One result file as read: its path, its text (kept to copy it byte for byte) and its result. */
export interface LoadedResult {
  path: string;
  text: string;
  result: ComparableResult;
}

/** What a gate compares with: thresholds, confidence level, and whether a machine change is an error. */
export interface GateSettings {
  readonly thresholds: Thresholds;
  readonly level: number;
  readonly strictEnv: boolean;
}

/** The envelope fields a CompareResult carries (from the process: the caller fills them). */
export interface ResultHeader {
  tool: ToolInfo;
  argv: string[];
  createdAt: string;
}

/** "a `run` result", "an `analyze` result". */
export function aResult(command: string): string {
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
      const moved = (['steps', 'stepRange', 'stepTimeNs', 'calibrationPath'] as const).filter((k) => (bo as Record<string, unknown>)[k] !== (co as Record<string, unknown>)[k]);
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
export function evaluate(baseline: LoadedResult | readonly LoadedResult[], current: LoadedResult, gate: GateSettings, header: ResultHeader): CompareResult {
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
    tool: header.tool,
    command: 'compare',
    argv: header.argv,
    createdAt: header.createdAt,
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

