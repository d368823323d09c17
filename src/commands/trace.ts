// `graphprof trace [options] -- <command...>`: run any CUDA program with one of graphprof's tracers,
// then merge the record every CUDA process wrote at exit and report launch counts, host API time
// and (under CUPTI) device time, per step and in total. The host tracer (the default) is loaded
// with LD_PRELOAD and wraps the driver entry points the program obtains; the CUPTI tracer is
// loaded by the driver (CUDA_INJECTION64_PATH). docs/trace.md says why there are two.
// Phases: validate -> locate the library (and CUPTI) -> run the command -> read and merge -> report.
//
// Where output goes: the traced command owns stdout and stderr (inherited, untouched). graphprof's
// report is printed on stderr after the command exits (a table, or JSON with --json); `-o FILE`
// writes the JSON result to a file and `--out PREFIX` the nsys-compatible CSV reports.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { analyzeProfile, DEFAULT_REPLAY_COST, type AnalyzeResult } from '../core/analyze/analyze.js';
import { API_RULES, classifyApi } from '../core/analyze/launch-apis.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { parseStepMarker, toProfileInput, toTraceRecord, traceFigures, type CaptureRange, type GraphTrace, type LaunchClassifier, type TraceRecord, type TraceResult, type Tracer } from '../core/trace.js';
import { EnvironmentError, EXIT, InputError, UsageError, ValueError } from '../errors.js';
import { cudaVersionString } from '../harness/native.js';
import type { Io } from '../io.js';
import { renderAnalyzeTable } from '../report/analyze-table.js';
import { renderJson } from '../report/json.js';
import { nsysCsvPath, renderNsysCsv, type NsysReport } from '../report/nsys-csv.js';
import { renderTraceTable } from '../report/trace-table.js';
import { runChild } from '../trace/child.js';
import { hostStepMarker } from '../trace/host-apis.js';
import { locateCupti, locateHostLibrary, locateInjectLibrary } from '../trace/locate.js';
import { parseReportChannels, writeReport, type ReportChannel } from './trace-output.js';
import { toolInfo } from '../version.js';
import { positiveInt } from './options.js';
import { writeAtomically } from './output-file.js';

export interface RawTraceOptions {
  steps?: string;
  stepMarker?: string;
  out?: string;
  json?: boolean;
  cupti?: string;
  output?: string;
  jsonFd?: string;
  /** true for --device-time, false for --no-device-time */
  deviceTime?: boolean;
  tracer?: string;
  captureRange?: string;
  graphTrace?: string;
}

export interface TraceOptions {
  readonly command: readonly string[];
  readonly steps: number | null;
  readonly stepMarker: string | null;
  readonly stepKind: 'nvtx' | 'api' | null;
  readonly outPrefix: string | null;
  readonly json: boolean;
  readonly cuptiPath: string | null;
  /** where the JSON result goes for scripts: -o FILE, -o - (stdout), --json-fd N (commands/trace-output.ts) */
  readonly reportChannels: readonly ReportChannel[];
  /** host: driver entry points wrapped, no CUPTI (the default); cupti: CUPTI records */
  readonly tracer: Tracer;
  /** CUPTI's kernel and memcpy records (--device-time; the CUPTI tracer's default) */
  readonly deviceTime: boolean;
  /** collect only between cudaProfilerStart and cudaProfilerStop */
  readonly captureRange: CaptureRange | null;
  /** graph: one record per graph launch (the default, as nsys); node: one kernel record per node */
  readonly graphTrace: GraphTrace;
}

/** `argv` is graphprof's own argument list: the command must follow a `--`. */
export function parseTraceOptions(raw: RawTraceOptions, command: readonly string[], argv: readonly string[]): TraceOptions {
  if (command.length === 0) throw new UsageError('trace: name the command to run after --, e.g. graphprof trace --steps 128 -- python decode.py');
  if (!argv.includes('--')) {
    throw new UsageError(`trace: put -- between graphprof's options and the command, e.g. graphprof trace -- ${command.join(' ')}; without it the command's own options could be taken for graphprof's`);
  }
  let marker: { kind: 'nvtx' | 'api'; name: string } | null = null;
  if (raw.stepMarker !== undefined) {
    try {
      marker = parseStepMarker(raw.stepMarker);
    } catch (err) {
      if (err instanceof ValueError) throw new UsageError(`--step-marker: ${err.message}`);
      throw err;
    }
  }
  if (raw.captureRange !== undefined && raw.captureRange !== 'cudaProfilerApi') {
    throw new UsageError(`--capture-range: expected cudaProfilerApi (collect between cudaProfilerStart and cudaProfilerStop, as nsys), got "${raw.captureRange}"`);
  }
  if (raw.graphTrace !== undefined && raw.graphTrace !== 'graph' && raw.graphTrace !== 'node') {
    throw new UsageError(`--graph-trace: expected graph (a graph launch is one record, the default) or node (one kernel record per node), got "${raw.graphTrace}"`);
  }
  if (raw.tracer !== undefined && raw.tracer !== 'host' && raw.tracer !== 'cupti') {
    throw new UsageError(`--tracer: expected host (wrap the driver calls, the default: least overhead) or cupti (CUPTI records, with device times), got "${raw.tracer}"`);
  }
  // --device-time and --cupti only mean something under CUPTI: either alone picks it.
  const tracer: Tracer = raw.tracer === 'cupti' || (raw.tracer === undefined && (raw.deviceTime === true || raw.cupti !== undefined)) ? 'cupti' : 'host';
  if (tracer === 'host' && raw.cupti !== undefined) throw new UsageError('--cupti: the host tracer loads no CUPTI; use --tracer cupti (or --cupti alone)');
  if (tracer === 'host' && raw.deviceTime === true) throw new UsageError('--device-time: kernel and memcpy device times come from CUPTI; use --tracer cupti (or --device-time alone)');
  if (tracer === 'host' && raw.graphTrace !== undefined) throw new UsageError('--graph-trace: chooses how CUPTI records graphs; add --device-time (or --tracer cupti)');
  let outPrefix: string | null = null;
  if (raw.out !== undefined) {
    if (raw.out.trim() === '') throw new UsageError('--out: expected a file name prefix such as prof or out/run1, got ""');
    const dir = dirname(resolve(raw.out));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out: the folder "${dirname(raw.out)}" does not exist`);
    outPrefix = raw.out;
  }
  return {
    command,
    steps: raw.steps === undefined ? null : positiveInt('--steps', raw.steps),
    stepMarker: marker ? `${marker.kind}:${marker.name}` : null,
    stepKind: marker?.kind ?? null,
    outPrefix,
    json: raw.json === true,
    cuptiPath: raw.cupti ?? null,
    reportChannels: parseReportChannels(raw.output, raw.jsonFd),
    tracer,
    deviceTime: tracer === 'cupti' && raw.deviceTime !== false,
    captureRange: raw.captureRange === undefined ? null : 'cudaProfilerApi',
    graphTrace: raw.graphTrace === 'node' ? 'node' : 'graph',
  };
}

/** Kernel and graph launches as analyze's API table (src/core/analyze/launch-apis.ts) defines them. */
export const launchClassifier: LaunchClassifier = {
  isLaunch: (name) => classifyApi(name).rule?.cls === 'kernel-launch',
  isGraphLaunch: (name) => classifyApi(name).rule?.cls === 'graph-launch',
};

function namesOf(cls: string): string {
  return API_RULES.filter((r) => r.cls === cls && !r.prefix)
    .map((r) => r.name)
    .join(',');
}

interface ReadRecords {
  records: TraceRecord[];
  problems: string[];
}

/** Every trace-<pid>.json in `dir`; a record that does not parse is reported, not fatal. */
export function readRecords(dir: string): ReadRecords {
  const records: TraceRecord[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /^trace-\d+\.json$/.test(n)).sort();
  } catch {
    return { records, problems };
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      records.push(toTraceRecord(JSON.parse(readFileSync(path, 'utf8'))));
    } catch (err) {
      problems.push(new InputError(path, undefined, (err as Error).message).message);
    }
  }
  return { records, problems };
}

function noDriverHint(): string {
  return existsSync('/proc/driver/nvidia/version') ? '' : ' (this machine has no NVIDIA driver: /proc/driver/nvidia/version is missing)';
}

export async function execute(raw: RawTraceOptions, io: Io, args: string[]): Promise<number> {
  const options = parseTraceOptions(raw, args, io.argv);
  const setup = options.tracer === 'host' ? hostSetup(options, io) : cuptiSetup(options, io);
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-trace-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...setup.env,
    GRAPHPROF_TRACE_DIR: dir,
    GRAPHPROF_TRACE_LAUNCH_APIS: namesOf('kernel-launch'),
    GRAPHPROF_TRACE_GRAPH_APIS: namesOf('graph-launch'),
  };
  delete env.GRAPHPROF_TRACE_STEP;
  if (setup.stepMarker) env.GRAPHPROF_TRACE_STEP = setup.stepMarker;
  delete env.GRAPHPROF_TRACE_CAPTURE;
  if (options.captureRange) env.GRAPHPROF_TRACE_CAPTURE = options.captureRange;
  const { lib, cupti } = setup;

  let exit;
  try {
    exit = await runChild(options.command, env);
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

  const notes: string[] = [];
  for (const r of records) {
    if (!r.attached) notes.push(`process ${r.pid} (${r.argv.join(' ').slice(0, 60)}) was not traced: ${r.errors[0] ?? 'CUPTI did not attach'}`);
    else if (!r.complete) notes.push(`process ${r.pid} (${r.argv.join(' ').slice(0, 60)}) initialised CUDA but did not reach its exit handler (killed or crashed): its figures are missing`);
    for (const e of r.attached ? r.errors : []) notes.push(`process ${r.pid}: ${e}`);
  }
  const used = attached.filter((r) => r.complete);
  if (options.captureRange && used.length > 0 && used.every((r) => r.captureRanges === 0)) {
    const why = '--capture-range cudaProfilerApi: no traced process called cudaProfilerStart, so nothing was collected';
    return nothingToReport(why);
  }
  const figures = traceFigures(used, launchClassifier, options.steps, options.stepMarker);
  if (figures.droppedRecords > 0) notes.push(`CUPTI dropped ${figures.droppedRecords} activity records: device times are incomplete`);
  if (figures.launches.graphLaunchCalls > 0 && options.tracer === 'cupti') {
    // Measured, not assumed: docs/trace.md, Graphs under CUPTI.
    notes.push(
      `graph launches run slower under CUPTI than without it: cudaGraphLaunch host time and graph GPU time here overstate the untraced program's (an 847-node graph on an H200: 3.4 µs untraced, about 150 µs traced; docs/trace.md)`,
    );
  }
  if (options.stepMarker && !figures.steps) {
    notes.push(
      options.stepKind === 'nvtx'
        ? `no NVTX range named "${options.stepMarker.slice(5)}" was seen: check the name, and that the program emits NVTX (torch.cuda.nvtx.range, nvtx.annotate)`
        : `no call of ${options.stepMarker.slice(4)} was seen, or only one (a step runs from one call to the next)`,
    );
  }
  if (options.tracer === 'host') {
    notes.push('host tracer: driver API calls (cuLaunchKernel, ...) are counted and timed; cudart\'s own share of a runtime call is in the step time, not in the API rows; no GPU times (--device-time adds them, through CUPTI, at about 1.0-1.7 µs per launch on an H200; docs/trace.md)');
  }
  if (fake) notes.push('FAKE TRACE RECORDS (GRAPHPROF_FAKE_TRACE): these figures are synthetic, not measurements');

  const csv: string[] = [];
  if (options.outPrefix) {
    const reports: [NsysReport, (typeof figures.rows)['api']][] = [['cuda_api_sum', figures.rows.api]];
    if (figures.activity) reports.push(['cuda_gpu_kern_sum', figures.rows.kernels], ['cuda_gpu_mem_time_sum', figures.rows.memcpy]);
    for (const [report, rows] of reports) {
      const path = nsysCsvPath(options.outPrefix, report);
      writeAtomically('--out', path, renderNsysCsv(report, rows));
      csv.push(path);
    }
  }

  // The analysis `graphprof analyze` would print for the same data, read as one nsys profile.
  const profile = toProfileInput(`trace of ${options.command.join(' ').slice(0, 80)}`, figures.rows.api, figures.rows.kernels, figures.rows.memcpy, figures.activity);
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
    },
    environment: {
      injectLibrary: lib,
      cuptiLibrary: cupti?.library ?? null,
      cuptiSource: cupti?.source ?? null,
      cuptiVersion: first.cuptiVersion || null,
      driverCudaVersion: cudaVersionString(first.driverVersion),
      runtimeCudaVersion: first.runtimeVersion ? cudaVersionString(first.runtimeVersion) : null,
    },
    processes: figures.processes,
    launches: figures.launches,
    totals: figures.totals,
    perStep: figures.perStep,
    steps: figures.steps,
    api: figures.api,
    kernels: figures.kernels,
    memcpy: figures.memcpy,
    activity: figures.activity,
    droppedRecords: figures.droppedRecords,
    analysis,
    csv,
    notes,
  };
  writeReport(options.reportChannels, renderJson(result), io);
  io.err(options.json ? renderJson(result) : `${renderTraceTable(result, io.color)}\n${renderAnalyzeTable(asAnalyzeResult(result), io.color)}`);
  return failed ? exit.code : EXIT.ok;
}

interface TracerSetup {
  /** the library the command runs with */
  lib: string;
  cupti: { library: string; source: string } | null;
  env: NodeJS.ProcessEnv;
  /** GRAPHPROF_TRACE_STEP as the library matches it */
  stepMarker: string | null;
}

/**
 * The host tracer: LD_PRELOAD (ahead of any the user set), and NVTX's tool is the same library. No
 * CUPTI is loaded. An api: marker naming a runtime API becomes the driver call cudart makes for it.
 */
function hostSetup(options: TraceOptions, io: Io): TracerSetup {
  const lib = locateHostLibrary();
  const inject = process.env.CUDA_INJECTION64_PATH;
  if (inject) io.err(`warning: trace: CUDA_INJECTION64_PATH is set (${inject}): the driver loads that tool into the command, and its cost is in the figures`);
  const env: NodeJS.ProcessEnv = { LD_PRELOAD: [lib, process.env.LD_PRELOAD].filter(Boolean).join(' ') };
  if (options.stepKind === 'nvtx') env.NVTX_INJECTION64_PATH = lib;
  const stepMarker = options.stepKind === 'api' ? `api:${hostStepMarker(options.stepMarker!.slice(4))}` : options.stepMarker;
  return { lib, cupti: null, env, stepMarker };
}

function cuptiSetup(options: TraceOptions, io: Io): TracerSetup {
  const inject = locateInjectLibrary();
  const cupti = locateCupti(inject, options.cuptiPath);
  const env: NodeJS.ProcessEnv = {
    CUDA_INJECTION64_PATH: inject.path,
    LD_LIBRARY_PATH: [cupti.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  if (!options.deviceTime) env.GRAPHPROF_TRACE_ACTIVITY = '0';
  // Graph-level records cut what CUPTI adds to every graph launch (docs/trace.md, Graphs), with or
  // without device times.
  env.GRAPHPROF_TRACE_GRAPH_TRACE = options.graphTrace === 'graph' ? '1' : '0';
  // NVTX calls reach CUPTI only through the tool library NVTX loads. It is the injection library,
  // which forwards to the CUPTI it is bound to: pointing NVTX at a libcupti file would load a second
  // CUPTI, with no subscriber, whenever the program already holds another one (a PyTorch wheel's).
  if (options.stepKind === 'nvtx') env.NVTX_INJECTION64_PATH = inject.path;
  const previous = process.env.CUDA_INJECTION64_PATH;
  if (previous && previous !== inject.path) io.err(`warning: trace: CUDA_INJECTION64_PATH was ${previous}; graphprof's injection library replaces it for this run`);
  return { lib: inject.path, cupti, env, stepMarker: options.stepMarker };
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
