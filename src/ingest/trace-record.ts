// graphprof's own trace records (graphprof-trace-record/1 and /2, written by native/trace at each
// traced process's exit; docs/trace.md, "The record") -> the data model in core/trace/record.ts.
// toTraceRecord checks one parsed record and names the field that is wrong; readRecords reads the
// folder the tracers wrote into.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { HISTOGRAM_BUCKETS, type Histogram } from '../core/trace/histogram.js';
import {
  TRACE_RECORD_SCHEMA,
  TRACE_RECORD_SCHEMA_V1,
  type ApiStat,
  type DeviceStat,
  type DurationStat,
  type GraphCapture,
  type GraphCaptures,
  type FreeMemoryBracket,
  type ScopedRows,
  type StepRecord,
  type Timeline,
  type TimelineDeviceEvent,
  type TimelineHostEvent,
  type TimelineStep,
  type TraceRecord,
} from '../core/trace/record.js';
import { InputError, ValueError } from '../errors.js';

type Obj = Record<string, unknown>;

function fail(what: string): never {
  throw new ValueError(what);
}

function num(o: Obj, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${where}.${key}: expected a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function numOrNull(o: Obj, key: string, where: string): number | null {
  return o[key] === null || o[key] === undefined ? null : num(o, key, where);
}

function str(o: Obj, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') fail(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where}: expected an object`);
  return v as Obj;
}

function arr(o: Obj, key: string, where: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`${where}.${key}: expected an array`);
  return v;
}

function hist(o: Obj, where: string): Histogram {
  return arr(o, 'hist', where).map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && (x as number) >= 0) || (p[0] as number) >= HISTOGRAM_BUCKETS) {
      fail(`${where}.hist[${i}]: expected [bucket, count]`);
    }
    return [p[0] as number, p[1] as number];
  });
}

function duration(o: Obj, where: string): DurationStat {
  return {
    totalNs: num(o, 'totalNs', where),
    minNs: num(o, 'minNs', where),
    maxNs: num(o, 'maxNs', where),
    medNs: num(o, 'medNs', where),
    sumSqNs2: num(o, 'sumSqNs2', where, 0),
    hist: hist(o, where),
  };
}

function apiRows(o: Obj, where: string): ApiStat[] {
  return arr(o, 'api', where).map((a, i): ApiStat => {
    const w = `${where === 'record' ? '' : `${where}.`}api[${i}]`;
    const x = obj(a, w);
    const domain = str(x, 'domain', w);
    if (domain !== 'runtime' && domain !== 'driver') fail(`${w}.domain: expected runtime or driver, got "${domain}"`);
    return { name: str(x, 'name', w), domain, calls: num(x, 'calls', w), nestedCalls: num(x, 'nestedCalls', w, 0), ...duration(x, w) };
  });
}

function deviceRows(o: Obj, key: 'kernels' | 'memcpy' | 'memset', where: string): DeviceStat[] {
  return arr(o, key, where).map((a, i): DeviceStat => {
    const w = `${where === 'record' ? '' : `${where}.`}${key}[${i}]`;
    const x = obj(a, w);
    const d: DeviceStat = { name: str(x, 'name', w), instances: num(x, 'instances', w), graphInstances: num(x, 'graphInstances', w, 0), ...duration(x, w) };
    if (x.bytes !== undefined) d.bytes = num(x, 'bytes', w);
    return d;
  });
}

/** Record /1 kept memsets among the copies, as "[CUDA memset]"; /2 has them apart. */
const MEMSET_ROW = '[CUDA memset]';

function scoped(o: Obj, key: 'inSteps' | 'outsideSteps'): ScopedRows | null {
  if (o[key] === null || o[key] === undefined) return null;
  const x = obj(o[key], key);
  return { api: apiRows(x, key), kernels: deviceRows(x, 'kernels', key), memcpy: deviceRows(x, 'memcpy', key), memset: deviceRows(x, 'memset', key) };
}

function step(s: unknown, i: number): StepRecord {
  const w = `steps[${i}]`;
  const x = obj(s, w);
  return {
    tid: num(x, 'tid', w, 0),
    startNs: num(x, 'startNs', w),
    durationNs: num(x, 'durationNs', w),
    launches: num(x, 'launches', w),
    graphLaunches: num(x, 'graphLaunches', w, 0),
    syncs: num(x, 'syncs', w, 0),
    allocations: num(x, 'allocations', w, 0),
    copies: num(x, 'copies', w, 0),
    memsets: num(x, 'memsets', w, 0),
    apiCalls: num(x, 'apiCalls', w),
    apiNs: num(x, 'apiNs', w),
    gpuNs: numOrNull(x, 'gpuNs', w),
    gpuBusyNs: numOrNull(x, 'gpuBusyNs', w),
    deviceRecords: num(x, 'deviceRecords', w, 0),
  };
}

const DEVICE_KINDS = new Set(['kernel', 'memcpy', 'memset']);

function timeline(o: Obj): Timeline | null {
  if (o.timeline === null || o.timeline === undefined) return null;
  const t = obj(o.timeline, 'timeline');
  const steps = arr(t, 'steps', 'timeline').map((s, i): TimelineStep => {
    const w = `timeline.steps[${i}]`;
    const x = obj(s, w);
    const host = arr(x, 'host', w).map((e, j): TimelineHostEvent => {
      const we = `${w}.host[${j}]`;
      const y = obj(e, we);
      return { tid: num(y, 'tid', we), name: str(y, 'name', we), startNs: num(y, 'startNs', we), durationNs: num(y, 'durationNs', we), correlationId: num(y, 'correlationId', we, 0) };
    });
    const device = arr(x, 'device', w).map((e, j): TimelineDeviceEvent => {
      const we = `${w}.device[${j}]`;
      const y = obj(e, we);
      const kind = str(y, 'kind', we);
      if (!DEVICE_KINDS.has(kind)) fail(`${we}.kind: expected kernel, memcpy or memset, got "${kind}"`);
      return {
        stream: num(y, 'stream', we),
        kind: kind as TimelineDeviceEvent['kind'],
        name: str(y, 'name', we),
        startNs: num(y, 'startNs', we),
        durationNs: num(y, 'durationNs', we),
        correlationId: num(y, 'correlationId', we),
        graph: y.graph === true,
      };
    });
    return { index: num(x, 'index', w), tid: num(x, 'tid', w), startNs: num(x, 'startNs', w), endNs: num(x, 'endNs', w), host, device };
  });
  return { steps };
}

function captureRangesOf(collection: unknown): number | null {
  if (typeof collection !== 'object' || collection === null) return null;
  const v = (collection as Obj).captureRanges;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** The host tracer's graphCaptures; absent or null in records written before it existed. */
function graphCaptures(o: Obj): GraphCaptures | null {
  if (o.graphCaptures === null || o.graphCaptures === undefined) return null;
  const g = obj(o.graphCaptures, 'graphCaptures');
  const captures = arr(g, 'captures', 'graphCaptures').map((c, i): GraphCapture => {
    const w = `graphCaptures.captures[${i}]`;
    const x = obj(c, w);
    return {
      startNs: num(x, 'startNs', w),
      captureEndNs: numOrNull(x, 'captureEndNs', w),
      instantiateEndNs: numOrNull(x, 'instantiateEndNs', w),
      uploadEndNs: numOrNull(x, 'uploadEndNs', w),
      captureNs: numOrNull(x, 'captureNs', w),
      allocBytes: numOrNull(x, 'allocBytes', w),
      allocCalls: numOrNull(x, 'allocCalls', w),
      allocBytesInCapture: numOrNull(x, 'allocBytesInCapture', w),
    };
  });
  const freeMemory = arr(g, 'freeMemory', 'graphCaptures').map((b, i): FreeMemoryBracket => {
    const w = `graphCaptures.freeMemory[${i}]`;
    const x = obj(b, w);
    return { beforeNs: num(x, 'beforeNs', w), afterNs: num(x, 'afterNs', w), freeBeforeBytes: num(x, 'freeBeforeBytes', w), freeAfterBytes: num(x, 'freeAfterBytes', w), graphs: num(x, 'graphs', w) };
  });
  return {
    allocationApis: arr(g, 'allocationApis', 'graphCaptures').map((a) => String(a)),
    captures,
    freeMemory,
    capturesDropped: num(g, 'capturesDropped', 'graphCaptures', 0),
    allocationsDropped: num(g, 'allocationsDropped', 'graphCaptures', 0),
    freeSamplesDropped: num(g, 'freeSamplesDropped', 'graphCaptures', 0),
  };
}

/** Check one record as parsed from JSON; throws ValueError naming the field that is wrong. */
export function toTraceRecord(value: unknown): TraceRecord {
  const o = obj(value, 'record');
  const schema = str(o, 'schema', 'record');
  if (schema !== TRACE_RECORD_SCHEMA && schema !== TRACE_RECORD_SCHEMA_V1) fail(`record.schema: expected "${TRACE_RECORD_SCHEMA}" (or "${TRACE_RECORD_SCHEMA_V1}"), got "${schema}"`);
  const v1 = schema === TRACE_RECORD_SCHEMA_V1;
  let memcpy = deviceRows(o, 'memcpy', 'record');
  let memset = deviceRows(o, 'memset', 'record');
  if (v1) {
    memset = memcpy.filter((d) => d.name === MEMSET_ROW);
    memcpy = memcpy.filter((d) => d.name !== MEMSET_ROW);
  }
  return {
    schema,
    complete: o.complete === true,
    attached: o.attached !== false,
    pid: num(o, 'pid', 'record'),
    ppid: num(o, 'ppid', 'record', 0),
    exe: str(o, 'exe', 'record', ''),
    argv: arr(o, 'argv', 'record').map((a) => String(a)),
    stepMarker: typeof o.stepMarker === 'string' ? o.stepMarker : null,
    wallNs: num(o, 'wallNs', 'record', 0),
    cuptiVersion: num(o, 'cuptiVersion', 'record', 0),
    driverVersion: num(o, 'driverVersion', 'record', 0),
    runtimeVersion: typeof o.runtimeVersion === 'number' ? o.runtimeVersion : null,
    runtimeLibraries: arr(o, 'runtimeLibraries', 'record').map((a) => String(a)),
    activity: o.activity !== false,
    threads: num(o, 'threads', 'record', 0),
    api: apiRows(o, 'record'),
    kernels: deviceRows(o, 'kernels', 'record'),
    memcpy,
    memset,
    inSteps: v1 ? null : scoped(o, 'inSteps'),
    outsideSteps: v1 ? null : scoped(o, 'outsideSteps'),
    steps: arr(o, 'steps', 'record').map(step),
    stepsDropped: num(o, 'stepsDropped', 'record', 0),
    timeline: v1 ? null : timeline(o),
    deviceRecordsUnattributed: num(o, 'deviceRecordsUnattributed', 'record', 0),
    droppedRecords: num(o, 'droppedRecords', 'record', 0),
    unmatchedExits: num(o, 'unmatchedExits', 'record', 0),
    captureRanges: captureRangesOf(o.collection),
    graphCaptures: v1 ? null : graphCaptures(o),
    errors: arr(o, 'errors', 'record').map((a) => String(a)),
  };
}

export interface ReadRecords {
  records: TraceRecord[];
  /** one line per record that did not parse: "PATH: problem" */
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
