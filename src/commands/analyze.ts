// `graphprof analyze`: nsys stats reports -> what launch overhead costs per step, what graphs
// would save, and what stands in the way of capture.
// Phases: parse options -> read the reports (streaming) -> analyse (pure) -> render -> gate.
import { ANALYZE_HINTS, analyzeProfiles, findRange, type AnalyzeResult, type SkipNote } from '../core/analyze/analyze.js';
import { stepSeries } from '../core/pictures/step-series.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { formatShare } from '../core/units.js';
import { EXIT, GateError, UsageError } from '../errors.js';
import { prepareGate } from '../gate.js';
import { readInputs } from '../ingest/nsys.js';
import type { Io } from '../io.js';
import { renderAnalyzeCsv } from '../report/analyze-csv.js';
import { renderAnalyzeMarkdown } from '../report/analyze-markdown.js';
import { analyzeNotes, renderAnalyzeTable } from '../report/analyze-table.js';
import type { OutputFormat } from './format-option.js';
import { renderJson } from '../report/json.js';
import { toolInfo } from '../version.js';
import { parseAnalyzeOptions, type RawAnalyzeOptions } from './analyze-options.js';
import { readCalibration } from './calibration.js';
import { parseGateOptions, type RawGateOptions } from './gate-options.js';
import { htmlPath, writeHtmlReport } from './html-output.js';

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

export async function execute(raw: RawAnalyzeOptions & RawGateOptions & { html?: string }, io: Io, args: string[] = []): Promise<number> {
  const options = parseAnalyzeOptions(raw, args);
  const html = htmlPath(raw);
  // --baseline: read and check it (and the thresholds) before reading the reports (docs/ci.md).
  const gate = options.baselinePaths.length > 0 ? prepareGate(options.baselinePaths, parseGateOptions(raw), 'analyze') : null;
  const replay = readCalibration(options.calibrationPaths);

  io.progress(`graphprof analyze: reading ${options.paths.join(', ')}`);
  const { profiles, skipped } = await readInputs(options.paths);
  io.progress('');

  let analysed;
  try {
    analysed = analyzeProfiles(profiles, { steps: options.steps, stepRange: options.stepRange, stepTimeNs: options.stepTimeNs, replay, ...ANALYZE_HINTS });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  const { profiles: analyses, differences } = analysed;
  // The durations of the step range, where a trace gave every one (nvtx_pushpop_trace): the report's step series.
  if (options.stepRange !== null) {
    analyses.forEach((a, i) => {
      const ranges = profiles[i]?.ranges;
      const range = ranges ? findRange(ranges, options.stepRange!) : null;
      a.stepSeries = range?.durationsNs && range.durationsNs.length > 0 ? stepSeries(range.durationsNs) : null;
    });
  }
  const result: AnalyzeResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'analyze',
    argv: io.argv,
    createdAt: new Date().toISOString(),
    options: {
      steps: options.steps,
      stepRange: options.stepRange,
      stepTimeNs: options.stepTimeNs,
      failAboveShare: options.failAboveShare,
      calibrationPath: options.calibrationPaths.length > 0 ? options.calibrationPaths.join(', ') : null,
    },
    replayModel: { ...replay, notes: [...replay.notes] },
    profiles: analyses,
    differences,
    skipped,
    notes: [],
  };
  if (options.steps === 1 && analyses.some((a) => a.launches.calls > 10_000)) {
    result.notes.push('--steps is 1 but a profile holds more than 10,000 launches: if it covers many decode steps, pass --steps N for per-step figures');
  }

  for (const line of describeSkips(skipped)) io.err(line);
  await writeHtmlReport(html, result);
  io.out(renderAnalyze(result, options.format, io));
  // Notes are not the result: stderr, so `analyze F 2>/dev/null` prints the result alone (JSON holds them).
  if (options.format !== 'json') for (const line of analyzeNotes(result)) io.err(line);
  // The comparison goes to stderr; a failed gate throws GateError (exit 1).
  if (gate) gate.check(result, io);

  if (options.failAboveShare !== null) {
    // a share that cannot be computed cannot pass the gate either
    const unknown = analyses.find((a) => a.overheadShare === null);
    if (unknown) {
      throw new GateError(`--fail-above: the launch overhead share of profile ${analyses.indexOf(unknown) + 1} (${unknown.source.path}) is unknown: ${unknown.model.missing.join('; ')}`);
    }
    const over = analyses.filter((a) => a.overheadShare! > options.failAboveShare!);
    if (over.length > 0) {
      const a = over[0]!;
      throw new GateError(
        `launch overhead share ${formatShare(a.overheadShare!)} of profile ${analyses.indexOf(a) + 1} (${a.source.path}) is above --fail-above ${formatShare(options.failAboveShare)}`,
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
