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

import { analyzeProfile, type AnalyzeResult } from '../core/analyze/analyze.js';
import type { ProfileInput } from '../core/analyze/schema.js';
import type { ReplayModel } from '../core/analyze/step-model.js';
import { traceProfile } from '../core/analyze/trace-profile.js';
import { launchClassifier } from '../core/analyze/launch-apis.js';
import { stepSeries } from '../core/pictures/step-series.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { nsysSumRows, nvtxSumRows, tableFigures, traceFigures, type TraceFigures } from '../core/trace/figures.js';
import { kernelRepeatsPerStep, repeatsOf } from '../core/trace/kernel-order.js';
import { figureNotes, recordNotes } from '../core/trace/notes.js';
import type { TraceRecord } from '../core/trace/record.js';
import type { TraceResult } from '../core/trace/result.js';
import { EnvironmentError, EXIT } from '../errors.js';
import { cudaVersionString } from '../harness/native.js';
import { runChild } from '../harness/tracer/child.js';
import { tracedEnv, tracerSetup } from '../harness/tracer/setup.js';
import { readRecords } from '../ingest/trace-record.js';
import type { Io } from '../io.js';
import { renderAnalyzeTable } from '../report/analyze-table.js';
import { renderJson } from '../report/json.js';
import { nsysCsvPath, nsysNvtxPath, renderNsysCsv, renderNvtxSumCsv, type NsysReport } from '../report/nsys-csv.js';
import type { RowSet } from '../core/trace/merge.js';
import { readCalibration } from './calibration.js';
import { parseTraceModelOptions, type RawTraceModelOptions } from './trace-model-options.js';
import { renderTraceTable } from '../report/trace-table.js';
import { toolInfo } from '../version.js';
import { htmlPath, writeHtmlReport } from './html-output.js';
import { checkDistinct, checkWritable, traceOutFiles, writeAtomically } from './output-file.js';
import { parseTraceOptions, type RawTraceOptions, type TraceOptions } from './trace-options.js';
import { writeReport } from './trace-output.js';

export type { RawTraceOptions } from './trace-options.js';

function noDriverHint(): string {
  return existsSync('/proc/driver/nvidia/version') ? '' : ' (this machine has no NVIDIA driver: /proc/driver/nvidia/version is missing)';
}

/** One traced run of the command, read and merged; a number when there is nothing to report (the exit code). */
interface Traced {
  options: TraceOptions;
  setup: ReturnType<typeof tracerSetup>;
  exit: Awaited<ReturnType<typeof runChild>>;
  records: TraceRecord[];
  used: TraceRecord[];
  attached: TraceRecord[];
  figures: TraceFigures;
  fake: boolean;
}

async function traceOnce(options: TraceOptions, io: Io): Promise<Traced | number> {
  const setup = tracerSetup(options, (line) => io.err(line));
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-trace-'));

  let exit;
  try {
    exit = await runChild(options.command, tracedEnv(setup, dir), { tempDir: process.env.GRAPHPROF_TRACE_KEEP === '1' ? undefined : dir, note: (t) => io.err(t) });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const { records, problems } = readRecords(dir);
  const fakeDir = process.env.GRAPHPROF_FAKE_TRACE;
  const fake = fakeDir !== undefined && fakeDir !== '';
  if (fake) {
    // plumbing tests of --predict: GRAPHPROF_FAKE_TRACE_CUPTI holds the second (CUPTI) run's records
    const more = readRecords(options.tracer === 'cupti' && process.env.GRAPHPROF_FAKE_TRACE_CUPTI ? process.env.GRAPHPROF_FAKE_TRACE_CUPTI : fakeDir);
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
  return { options, setup, exit, records, used, attached, figures, fake };
}

export const TRACE_HINTS = {
  gpuHint: 'add --predict (runs the command a second time under CUPTI for device times) or --device-time',
  wallHint: 'add --step-marker nvtx:NAME (or api:NAME) so that the steps are timed',
} as const;

/** --predict: what the second run (CUPTI, device times) says beside the first (host tracer). */
export interface PredictFigures {
  /** median launches per marked step under each tracer */
  hostLaunchesPerStep: number | null;
  deviceLaunchesPerStep: number | null;
  hostSteps: number | null;
  deviceSteps: number | null;
  launchesAgree: boolean;
  deviceExitCode: number;
}

export async function execute(raw: RawTraceOptions & RawTraceModelOptions, io: Io, args: string[]): Promise<number> {
  const options = parseTraceOptions(raw, args, io.argv);
  // --html and --perfetto are checked before the program runs, as -o and the --out files were (in
  // parseTraceOptions): writable, and apart from each of those
  const written = [...traceOutFiles(raw.out), ...(raw.output === undefined || raw.output === '-' ? [] : [{ flag: '-o', path: raw.output }])];
  const perfetto = raw.perfetto === undefined ? null : { flag: '--perfetto', path: raw.perfetto };
  if (perfetto) {
    checkWritable(perfetto.flag, perfetto.path);
    checkDistinct([...written, perfetto]);
  }
  const html = htmlPath(raw, [...written, perfetto]);
  const modelOptions = parseTraceModelOptions(raw, options);
  const replay: ReplayModel = readCalibration(modelOptions.calibrationPaths);

  const host = await traceOnce(options, io);
  if (typeof host === 'number') return host;
  let device: Traced | null = null;
  let predict: PredictFigures | null = null;
  if (modelOptions.predict) {
    io.err('trace --predict: second run, under CUPTI with device times (the GPU time of the steps)');
    // at least one kept step: its kernel order gives the replay model its repeats
    const d = await traceOnce({ ...options, tracer: 'cupti', deviceTime: true, timelineSteps: Math.max(1, options.timelineSteps) }, io);
    if (typeof d === 'number') return d;
    device = d;
    const hs = host.figures.steps;
    const ds = device.figures.steps;
    predict = {
      hostLaunchesPerStep: hs ? hs.launches.p50 : null,
      deviceLaunchesPerStep: ds ? ds.launches.p50 : null,
      hostSteps: hs ? hs.count : null,
      deviceSteps: ds ? ds.count : null,
      launchesAgree: hs !== null && ds !== null && hs.launches.p50 === ds.launches.p50,
      deviceExitCode: device.exit.code,
    };
  }
  const { figures, used, attached, exit, setup, fake } = host;
  const notes = [...recordNotes(host.records), ...figureNotes(options, figures)];
  if (device) notes.push(...recordNotes(device.records).map((n) => `CUPTI run: ${n}`));
  if (predict) {
    notes.push(
      predict.launchesAgree
        ? `--predict: both runs made ${predict.hostLaunchesPerStep} launches per step (median): the step time comes from the host tracer's run, the GPU time and kernel durations from the CUPTI run`
        : `--predict: the runs DISAGREE on launches per step (host tracer ${predict.hostLaunchesPerStep ?? 'no steps'}, CUPTI ${predict.deviceLaunchesPerStep ?? 'no steps'}): the program did different work in each, so the GPU time may not belong to the timed steps`,
    );
  }
  if (!predict && options.tracer === 'cupti' && options.deviceTime && figures.steps) {
    notes.push('the eager step W was timed under CUPTI with device records, which adds about 1.0-1.7 µs per launch on an H200 (docs/trace.md, Overhead): W and the share overstate the untraced program; --predict times the steps under the host tracer instead');
  }
  if (fake) notes.push('FAKE TRACE RECORDS (GRAPHPROF_FAKE_TRACE): these figures are synthetic, not measurements');

  // The profile the step model reads: the host run's API rows and step times; with --predict the
  // CUPTI run's device rows and busy time (scaled to the host run's step count if they differ).
  const label = `trace of ${options.command.join(' ').slice(0, 80)}`;
  const profile: ProfileInput = traceProfile(label, figures);
  if (device) {
    const dp = traceProfile(label, device.figures);
    const scale = device.figures.perStep.steps > 0 ? figures.perStep.steps / device.figures.perStep.steps : 1;
    profile.kernels = (dp.kernels ?? []).map((k) => ({ ...k, instances: k.instances * scale, totalNs: k.totalNs * scale }));
    profile.memOps = (dp.memOps ?? []).map((m) => ({ ...m, count: m.count * scale, totalNs: m.totalNs * scale }));
    profile.gpuBusyNs = dp.gpuBusyNs === null || dp.gpuBusyNs === undefined ? null : dp.gpuBusyNs * scale;
    profile.reports = [...profile.reports, 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum'];
    if (scale !== 1) notes.push(`--predict: the CUPTI run had ${device.figures.perStep.steps} steps against ${figures.perStep.steps}: its device figures are scaled to the host run's step count`);
  }
  // the kernel order of the kept steps of the run with device records (repeats for the replay model)
  const ordered = device ?? (options.deviceTime ? host : null);
  const order = ordered ? kernelRepeatsPerStep(ordered.used.flatMap((r) => r.timeline?.steps ?? [])) : null;
  if (order && profile.kernels) {
    profile.kernels = profile.kernels.map((k) => ({ ...k, repeats: repeatsOf(order, k.name, k.instances) }));
    profile.kernelOrder = `the kernel order of ${order.steps} kept step${order.steps === 1 ? '' : 's'}`;
  }
  const analysis = analyzeProfile(profile, { steps: figures.perStep.steps, stepRange: null, stepTimeNs: null, replay, ...TRACE_HINTS });

  const csv = options.outPrefix ? writeOut(options.outPrefix, host, device) : [];

  const first = used[0] ?? attached[0]!;
  const result: TraceResult & { predict: PredictFigures | null; replayModel: ReplayModel } = {
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
      cuptiLibrary: (device ?? host).setup.cupti?.library ?? null,
      cuptiSource: (device ?? host).setup.cupti?.source ?? null,
      cuptiVersion: (device?.used[0] ?? first).cuptiVersion || null,
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
    predict,
    replayModel: replay,
    csv,
    stepSeries: options.stepMarker ? stepSeries(orderSteps(used)) : null,
    notes,
  };
  writeReport(options.reportChannels, renderJson(result), io);
  await writeHtmlReport(html, result);
  if (perfetto) await writePerfetto(perfetto.path, result, io);
  io.err(options.json ? renderJson(result) : `${renderTraceTable(result, io.color)}\n${renderAnalyzeTable(asAnalyzeResult(result, replay), io.color)}`);
  const failed = exit.code !== 0 ? exit.code : device && device.exit.code !== 0 ? device.exit.code : 0;
  return failed !== 0 ? failed : EXIT.ok;
}

/**
 * --out PREFIX: with marked steps, the profile inside them as `nsys stats --filter-nvtx` would give
 * it (PREFIX_cuda_api_sum.csv, ..._cuda_gpu_kern_sum.csv, ..._cuda_gpu_mem_time_sum.csv), the step
 * range in PREFIX_nvtx_sum.csv, and the whole run under PREFIX_whole_*; without steps, the whole
 * run under PREFIX_*. With --predict the device reports come from the CUPTI run.
 */
function writeOut(prefix: string, host: Traced, device: Traced | null): string[] {
  const f = host.figures;
  const d = device?.figures ?? (f.activity ? f : null);
  const scoped = f.inSteps !== null && f.steps !== null;
  const written: string[] = [];
  const write = (pre: string, api: RowSet, dev: RowSet | null): void => {
    const reports: [NsysReport, RowSet['api']][] = [['cuda_api_sum', api.api]];
    if (dev) reports.push(['cuda_gpu_kern_sum', dev.kernels], ['cuda_gpu_mem_time_sum', [...dev.memcpy, ...dev.memset]]);
    for (const [report, rows] of reports) {
      // nsys writes no table for a report with nothing in it; a header alone would not read back
      if (report !== 'cuda_api_sum' && rows.every((r) => r.count === 0)) continue;
      const path = nsysCsvPath(pre, report);
      writeAtomically('--out', path, renderNsysCsv(report, nsysSumRows(rows)));
      written.push(path);
    }
  };
  if (!scoped) {
    write(prefix, f.rows, d ? d.rows : null);
    return written;
  }
  write(prefix, f.inSteps!, d ? d.inSteps ?? d.rows : null);
  const marker = host.options.stepMarker!;
  const durations = host.used.flatMap((r) => r.steps.map((s) => s.durationNs));
  const range = marker.startsWith('nvtx:') ? `:${marker.slice(5)}` : marker;
  const path = nsysNvtxPath(prefix);
  writeAtomically('--out', path, renderNvtxSumCsv(nvtxSumRows([{ range, style: marker.startsWith('nvtx:') ? 'PushPop' : 'StartEnd', durationsNs: durations }])));
  written.push(path);
  write(`${prefix}_whole`, f.rows, d ? d.rows : null);
  return written;
}

/** The analysis wrapped as `analyze` prints it, so the trace report ends with the same table. */
function asAnalyzeResult(r: TraceResult, replay: ReplayModel): AnalyzeResult {
  return {
    schemaVersion: r.schemaVersion,
    tool: r.tool,
    command: 'analyze',
    argv: r.argv,
    createdAt: r.createdAt,
    options: { steps: r.perStep.steps, stepRange: null, stepTimeNs: null, failAboveShare: null, calibrationPath: null },
    replayModel: replay,
    profiles: [r.analysis],
    differences: [],
    skipped: [],
    notes: [],
  };
}

/** Step durations of every process, in the order the steps started (one clock per process: by process, then start). */
function orderSteps(records: readonly TraceRecord[]): number[] {
  return [...records]
    .sort((a, b) => a.pid - b.pid)
    .flatMap((r) => [...r.steps].sort((a, b) => a.startNs - b.startNs).map((s) => s.durationNs));
}

/** --perfetto: the kept steps as Chrome trace-event JSON; without a timeline there is nothing to write. */
async function writePerfetto(path: string, r: TraceResult, io: Io): Promise<void> {
  if (r.timeline.every((p) => p.steps.length === 0)) {
    io.err(`warning: --perfetto: no step timeline in this trace (it needs a --step-marker and --timeline-steps above 0): ${path} not written`);
    return;
  }
  const { renderPerfetto } = await import('../report/perfetto.js');
  writeAtomically('--perfetto', path, renderPerfetto(r.timeline, { command: r.traced.command.join(' ').slice(0, 200), tracer: r.options.tracer }));
}
