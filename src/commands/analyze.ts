// `graphprof analyze`: nsys stats reports -> what launch overhead costs per step, what graphs
// would save, and what stands in the way of capture.
// Phases: parse options -> read the reports (streaming) -> analyse (pure) -> render -> gate.
import { readFileSync } from 'node:fs';

import { analyzeProfiles, DEFAULT_REPLAY_COST, replayCostFromRun, type AnalyzeResult, type ReplayCost, type SkipNote } from '../core/analyze/analyze.js';
import { SCHEMA_VERSION, type RunResult } from '../core/schema.js';
import { formatShare } from '../core/units.js';
import { EXIT, GateError, InputError, UsageError } from '../errors.js';
import { readInputs } from '../ingest/nsys.js';
import type { Io } from '../io.js';
import { renderAnalyzeCsv } from '../report/analyze-csv.js';
import { renderAnalyzeMarkdown } from '../report/analyze-markdown.js';
import { analyzeNotes, renderAnalyzeTable } from '../report/analyze-table.js';
import type { OutputFormat } from './format-option.js';
import { renderJson } from '../report/json.js';
import { toolInfo } from '../version.js';
import { parseAnalyzeOptions, type RawAnalyzeOptions } from './analyze-options.js';
import { prepareGate, type RawGateOptions } from './compare.js';

/** Read --calibration: a `graphprof run --json` result. */
export function readCalibration(path: string): ReplayCost {
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
  try {
    return replayCostFromRun(run, path);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(path, undefined, `--calibration: ${err.message}`);
    throw err;
  }
}

/** The skipped items worth a line on stderr: our own skips, and nsys skips of reports we use. */
function worthSaying(s: SkipNote): boolean {
  if (!s.reason.startsWith('nsys:')) return true;
  return /cuda_api|cuda_gpu_kern|cuda_gpu_mem_time|cudaapi|gpukern/.test(s.what);
}

function describeSkips(skipped: readonly SkipNote[]): string[] {
  const byFile = new Map<string, SkipNote[]>();
  for (const s of skipped.filter(worthSaying)) {
    if (!byFile.has(s.path)) byFile.set(s.path, []);
    byFile.get(s.path)!.push(s);
  }
  return [...byFile].map(
    ([path, list]) => `note: ${path}: skipped ${list.map((s) => `${s.what}${s.line !== null ? ` (line ${s.line})` : ''}: ${s.reason}`).join('; ')}`,
  );
}

export async function execute(raw: RawAnalyzeOptions & RawGateOptions & { baseline?: string | string[] }, io: Io, args: string[] = []): Promise<number> {
  const options = parseAnalyzeOptions(raw, args);
  // --baseline: read and check it (and the thresholds) before reading the reports (docs/ci.md).
  const gate = raw.baseline !== undefined ? prepareGate(raw.baseline, raw, 'analyze') : null;
  const replay = options.calibrationPath ? readCalibration(options.calibrationPath) : DEFAULT_REPLAY_COST;

  io.progress(`graphprof analyze: reading ${options.paths.join(', ')}`);
  const { profiles, skipped } = await readInputs(options.paths);
  io.progress('');

  const { profiles: analyses, differences } = analyzeProfiles(profiles, {
    steps: options.steps,
    targetLatencyNs: options.targetLatencyNs,
    replay,
  });
  const result: AnalyzeResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'analyze',
    argv: io.argv,
    createdAt: new Date().toISOString(),
    options: {
      steps: options.steps,
      targetLatencyNs: options.targetLatencyNs,
      failAboveShare: options.failAboveShare,
      calibrationPath: options.calibrationPath,
    },
    replayCost: { ...replay, notes: [...replay.notes] },
    profiles: analyses,
    differences,
    skipped,
    notes: [],
  };
  if (options.steps === 1 && analyses.some((a) => a.launches.calls > 10_000)) {
    result.notes.push('--steps is 1 but a profile holds more than 10,000 launches: if it covers many decode steps, pass --steps N for per-step figures');
  }

  for (const line of describeSkips(skipped)) io.err(line);
  io.out(renderAnalyze(result, options.format, io));
  // Notes are not the result: stderr, so `analyze F 2>/dev/null` prints the result alone (JSON holds them).
  if (options.format !== 'json') for (const line of analyzeNotes(result)) io.err(line);
  // The comparison goes to stderr; a failed gate throws GateError (exit 1).
  if (gate) gate.check(result, io);

  if (options.failAboveShare !== null) {
    const over = analyses.filter((a) => a.overheadShare > options.failAboveShare!);
    if (over.length > 0) {
      const a = over[0]!;
      throw new GateError(
        `launch overhead share ${formatShare(a.overheadShare)} of profile ${analyses.indexOf(a) + 1} (${a.source.path}) is above --fail-above ${formatShare(options.failAboveShare)}`,
      );
    }
  }
  return EXIT.ok;
}

function renderAnalyze(result: AnalyzeResult, format: OutputFormat, io: Io): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'markdown':
      return renderAnalyzeMarkdown(result);
    case 'csv':
      return renderAnalyzeCsv(result);
    default:
      return renderAnalyzeTable(result, io.color);
  }
}
