// `graphprof analyze`: nsys stats reports -> what launch overhead costs per step, what graphs
// would save, and what stands in the way of capture.
// Phases: parse options -> read the reports (streaming) -> analyse (pure) -> render -> gate.
import { analyzeProfiles, DEFAULT_REPLAY_COST, replayCostFromRun, type AnalyzeResult, type ReplayCost, type SkipNote } from '../core/analyze/analyze.js';
import { FAKE_RUN_PROBLEM } from '../core/run/check.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { formatShare } from '../core/units.js';
import { EXIT, GateError, InputError } from '../errors.js';
import { prepareGate } from '../gate.js';
import { readInputs } from '../ingest/nsys.js';
import { readRunResult } from '../ingest/result-json.js';
import type { Io } from '../io.js';
import { renderAnalyzeCsv } from '../report/analyze-csv.js';
import { renderAnalyzeMarkdown } from '../report/analyze-markdown.js';
import { analyzeNotes, renderAnalyzeTable } from '../report/analyze-table.js';
import type { OutputFormat } from './format-option.js';
import { renderJson } from '../report/json.js';
import { toolInfo } from '../version.js';
import { parseAnalyzeOptions, type RawAnalyzeOptions } from './analyze-options.js';
import { parseGateOptions, type RawGateOptions } from './gate-options.js';

/** Read --calibration: a `graphprof run --json` result of a real harness. */
export function readCalibration(path: string): ReplayCost {
  const { run, fake } = readRunResult(path, '--calibration');
  if (fake) throw new InputError(path, undefined, `--calibration: ${FAKE_RUN_PROBLEM}`);
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

export async function execute(raw: RawAnalyzeOptions & RawGateOptions, io: Io, args: string[] = []): Promise<number> {
  const options = parseAnalyzeOptions(raw, args);
  // --baseline: read and check it (and the thresholds) before reading the reports (docs/ci.md).
  const gate = options.baselinePaths.length > 0 ? prepareGate(options.baselinePaths, parseGateOptions(raw), 'analyze') : null;
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
