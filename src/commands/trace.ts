// `graphprof trace [options] -- <command...>`: run any CUDA program with one of graphprof's tracers,
// then merge the record every CUDA process wrote at exit and report launch counts, host API time
// and (under CUPTI) device time, per step and in total. The host tracer (the default) is loaded
// with LD_PRELOAD and wraps the driver entry points the program obtains; the CUPTI tracer is
// loaded by the driver (CUDA_INJECTION64_PATH). docs/trace.md says why there are two.
// This file wires the phases together: options (trace-options.ts) -> the tracer's environment
// (harness/tracer) -> run the command -> read the records (ingest/trace-record.ts) -> figures
// (core/trace) -> report.
//
// Where output goes: the traced command owns stdout and stderr (inherited, untouched). graphprof's
// report is printed on stderr after the command exits (a table, or JSON with --json); `-o FILE`
// writes the JSON result to a file and `--out PREFIX` the nsys-compatible CSV reports.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { analyzeProfile, DEFAULT_REPLAY_COST, type AnalyzeResult } from '../core/analyze/analyze.js';
import { classifyApi } from '../core/analyze/launch-apis.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { tableFigures, toProfileInput, traceFigures, type LaunchClassifier, type TraceFigures } from '../core/trace/figures.js';
import { figureNotes, recordNotes } from '../core/trace/notes.js';
import type { TraceResult } from '../core/trace/result.js';
import { EnvironmentError, EXIT } from '../errors.js';
import { cudaVersionString } from '../harness/native.js';
import { runChild } from '../harness/tracer/child.js';
import { tracedEnv, tracerSetup } from '../harness/tracer/setup.js';
import { readRecords } from '../ingest/trace-record.js';
import type { Io } from '../io.js';
import { renderAnalyzeTable } from '../report/analyze-table.js';
import { renderJson } from '../report/json.js';
import { nsysCsvPath, renderNsysCsv, type NsysReport } from '../report/nsys-csv.js';
import { renderTraceTable } from '../report/trace-table.js';
import { toolInfo } from '../version.js';
import { writeAtomically } from './output-file.js';
import { parseTraceOptions, type RawTraceOptions } from './trace-options.js';

export type { RawTraceOptions } from './trace-options.js';

/** Kernel and graph launches as analyze's API table (src/core/analyze/launch-apis.ts) defines them. */
export const launchClassifier: LaunchClassifier = {
  isLaunch: (name) => classifyApi(name).rule?.cls === 'kernel-launch',
  isGraphLaunch: (name) => classifyApi(name).rule?.cls === 'graph-launch',
};

function noDriverHint(): string {
  return existsSync('/proc/driver/nvidia/version') ? '' : ' (this machine has no NVIDIA driver: /proc/driver/nvidia/version is missing)';
}

export async function execute(raw: RawTraceOptions, io: Io, args: string[]): Promise<number> {
  const options = parseTraceOptions(raw, args, io.argv);
  const setup = tracerSetup(options, (line) => io.err(line));
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-trace-'));

  let exit;
  try {
    exit = await runChild(options.command, tracedEnv(setup, dir));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const { records, problems } = readRecords(dir);
  const fakeDir = process.env.GRAPHPROF_FAKE_TRACE;
  const fake = fakeDir !== undefined && fakeDir !== '';
  if (fake) {
    const more = readRecords(fakeDir);
    records.push(...more.records);
    problems.push(...more.problems);
  }
  if (process.env.GRAPHPROF_TRACE_KEEP === '1') io.err(`trace: records kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  for (const p of problems) io.err(`warning: trace: skipped a record: ${p}`);

  const failed = exit.code !== 0;
  // Nothing to report: the command's own failure code wins (with a warning), else exit 3.
  const nothingToReport = (why: string): number => {
    if (!failed) throw new EnvironmentError(`trace: ${why}`);
    io.err(`warning: trace: ${why}`);
    return exit.code;
  };
  if (records.length === 0) {
    const unseen =
      options.tracer === 'host'
        ? 'it calls the driver without dlsym or cuGetProcAddress (linked with -lcuda), which only --tracer cupti sees'
        : 'the driver did not load the injection library';
    const why = `no process of the command initialised CUDA under the tracer (no trace record was written): the command never touched CUDA, or ${unseen}${noDriverHint()}`;
    return nothingToReport(why);
  }
  const attached = records.filter((r) => r.attached);
  if (attached.length === 0) {
    const why = `CUPTI did not attach to the command (${records[0]!.errors[0] ?? 'no reason given'})`;
    return nothingToReport(why);
  }
  const used = attached.filter((r) => r.complete);
  if (options.captureRange && used.length > 0 && used.every((r) => r.captureRanges === 0)) {
    const why = '--capture-range cudaProfilerApi: no traced process called cudaProfilerStart, so nothing was collected';
    return nothingToReport(why);
  }
  const figures = traceFigures(used, launchClassifier, options.steps, options.stepMarker);
  const notes = [...recordNotes(records), ...figureNotes(options, figures)];
  if (fake) notes.push('FAKE TRACE RECORDS (GRAPHPROF_FAKE_TRACE): these figures are synthetic, not measurements');

  const csv: string[] = [];
  if (options.outPrefix) {
    const reports: [NsysReport, TraceFigures['rows']['api']][] = [['cuda_api_sum', figures.rows.api]];
    if (figures.activity) reports.push(['cuda_gpu_kern_sum', figures.rows.kernels], ['cuda_gpu_mem_time_sum', [...figures.rows.memcpy, ...figures.rows.memset]]);
    for (const [report, rows] of reports) {
      const path = nsysCsvPath(options.outPrefix, report);
      writeAtomically('--out', path, renderNsysCsv(report, rows));
      csv.push(path);
    }
  }

  // The analysis `graphprof analyze` would print for the same data, read as one nsys profile: the
  // rows inside the marked steps when there are steps, else the whole run.
  const profile = toProfileInput(`trace of ${options.command.join(' ').slice(0, 80)}`, figures.stepRows, figures.activity);
  const analysis = analyzeProfile(profile, { steps: figures.perStep.steps, targetLatencyNs: null, replay: DEFAULT_REPLAY_COST });

  const first = used[0] ?? attached[0]!;
  const result: TraceResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'trace',
    argv: io.argv,
    createdAt: new Date().toISOString(),
    fake,
    traced: { command: [...options.command], exitCode: exit.code, signal: exit.signal, wallNs: exit.wallNs },
    options: {
      steps: options.steps,
      stepMarker: options.stepMarker,
      outPrefix: options.outPrefix,
      captureRange: options.captureRange,
      graphTrace: options.tracer === 'cupti' ? options.graphTrace : null,
      tracer: options.tracer,
      timelineSteps: options.timelineSteps,
    },
    environment: {
      injectLibrary: setup.lib,
      cuptiLibrary: setup.cupti?.library ?? null,
      cuptiSource: setup.cupti?.source ?? null,
      cuptiVersion: first.cuptiVersion || null,
      driverCudaVersion: cudaVersionString(first.driverVersion),
      runtimeCudaVersion: first.runtimeVersion ? cudaVersionString(first.runtimeVersion) : null,
    },
    processes: figures.processes,
    launches: figures.launches,
    totals: figures.totals,
    perStep: figures.perStep,
    steps: figures.steps,
    ...figures.tables,
    inSteps: figures.inSteps ? tableFigures(figures.inSteps) : null,
    outsideSteps: figures.outsideSteps ? tableFigures(figures.outsideSteps) : null,
    outside: figures.outside,
    timeline: used.filter((r) => r.timeline && r.timeline.steps.length > 0).map((r) => ({ pid: r.pid, steps: r.timeline!.steps })),
    activity: figures.activity,
    droppedRecords: figures.droppedRecords,
    analysis,
    csv,
    notes,
  };
  if (options.outputPath) writeAtomically('-o', options.outputPath, renderJson(result));
  io.err(options.json ? renderJson(result) : `${renderTraceTable(result, io.color)}\n${renderAnalyzeTable(asAnalyzeResult(result), io.color)}`);
  return failed ? exit.code : EXIT.ok;
}

/** The analysis wrapped as `analyze` prints it, so the trace report ends with the same table. */
function asAnalyzeResult(r: TraceResult): AnalyzeResult {
  return {
    schemaVersion: r.schemaVersion,
    tool: r.tool,
    command: 'analyze',
    argv: r.argv,
    createdAt: r.createdAt,
    options: { steps: r.perStep.steps, targetLatencyNs: null, failAboveShare: null, calibrationPath: null },
    replayCost: DEFAULT_REPLAY_COST,
    profiles: [r.analysis],
    differences: [],
    skipped: [],
    notes: [],
  };
}
