// `graphprof sweep [--batch-sizes LIST | --max-batch B] --step-marker M [-o curve.json] -- CMD ... {batch} ...`:
// run the command once per batch size under the host tracer and record the step time at each size,
// the curve `recommend --curve` optimises on. This file wires the phases: options (sweep-options.ts)
// -> the tracer's environment (harness/tracer, as trace) -> per size: run, read the records
// (ingest/trace-record.ts), step figures (core/trace), one curve point (core/sweep) -> write -o after
// each size -> table or JSON on stdout. The command's own output goes to stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchClassifier } from '../core/analyze/launch-apis.js';
import { CURVE_FORMAT, type CurveResult } from '../core/recommend/step-curve.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { captureFigures, curvePoint, etaNs, substituteBatch } from '../core/sweep/sweep.js';
import { traceFigures } from '../core/trace/figures.js';
import { formatDuration } from '../core/units.js';
import { EXIT } from '../errors.js';
import { runChild } from '../harness/tracer/child.js';
import { tracedEnv, tracerSetup } from '../harness/tracer/setup.js';
import { readRecords } from '../ingest/trace-record.js';
import type { Io } from '../io.js';
import { renderJson } from '../report/json.js';
import { renderSweepTable } from '../report/sweep-table.js';
import { toolInfo } from '../version.js';
import { writeAtomically } from './output-file.js';
import { parseSweepOptions, type RawSweepOptions } from './sweep-options.js';
import type { TraceOptions } from './trace-options.js';

export type { RawSweepOptions } from './sweep-options.js';

/** Where the capture figures come from and how far they were checked (docs/trace.md, "Graph captures"). */
const CAPTURE_MEASURED =
  'capture time and capture memory per graph come from the host tracer (capture begin to instantiate/upload end; bytes of allocation calls in that window; the drop in free memory where the program called cuMemGetInfo around its captures); checked on a GPU for memory only (H100, H200: a pool modelled from it within 2% of the drop in free memory around the captures); capture time is measured, not checked against another measure';

/** The sizes where no graph capture ended: their capture figures are null. */
function noCaptureNote(batches: readonly number[]): string {
  return `no graph capture was seen at batch ${batches.join(', ')}: capture time and memory are null there (recommend takes them from --engine-log, flags or its assumed defaults)`;
}

export async function execute(raw: RawSweepOptions, io: Io, args: string[]): Promise<number> {
  const o = parseSweepOptions(raw, args, io.argv);
  // The host tracer, set up as `graphprof trace` sets it up: no CUPTI, steps at the marker.
  const traceOptions: TraceOptions = {
    command: o.command,
    steps: null,
    stepMarker: o.stepMarker,
    stepKind: o.stepKind,
    outPrefix: null,
    json: false,
    cuptiPath: null,
    reportChannels: [],
    tracer: 'host',
    deviceTime: false,
    captureRange: null,
    graphTrace: 'graph',
    timelineSteps: 0,
  };
  const setup = tracerSetup(traceOptions, (line) => io.err(line));
  const result: CurveResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'sweep',
    format: CURVE_FORMAT,
    argv: io.argv,
    createdAt: new Date().toISOString(),
    complete: false,
    config: { command: [...o.command], batchSizes: [...o.batchSizes], stepMarker: o.stepMarker, tracer: 'host', batchVia: o.batchVia },
    points: [],
    notes: [CAPTURE_MEASURED],
  };
  const save = (): void => {
    if (o.outputPath) writeAtomically('-o', o.outputPath, renderJson(result));
  };
  const started = process.hrtime.bigint();
  const n = o.batchSizes.length;
  for (let i = 0; i < n; i++) {
    const batch = o.batchSizes[i]!;
    const elapsed = Number(process.hrtime.bigint() - started);
    const eta = etaNs(elapsed, i, n);
    io.progress(`sweep: size ${i + 1} of ${n} (batch ${batch}), ${formatDuration(elapsed)} elapsed${eta === null ? '' : `, about ${formatDuration(eta)} left`}`);
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-sweep-'));
    let exit;
    try {
      exit = await runChild(substituteBatch(o.command, batch), { ...tracedEnv(setup, dir), GRAPHPROF_BATCH: String(batch) }, { stdout: 'stderr', name: 'sweep', tempDir: dir });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const { records, problems } = readRecords(dir);
    rmSync(dir, { recursive: true, force: true });
    for (const p of problems) io.err(`warning: sweep: batch ${batch}: skipped a record: ${p}`);
    const used = records.filter((r) => r.attached && r.complete);
    const steps = used.length ? traceFigures(used, launchClassifier, null, o.stepMarker).steps : null;
    const captures = captureFigures(used);
    const point = curvePoint({ batch, exitCode: exit.code, signal: exit.signal, records: records.length, steps, stepMarker: o.stepMarker, captures });
    result.points.push(point);
    if (point.status === 'ok' && captures !== null && captures.graphs > 0 && captures.memoryBytes === null)
      io.err(`warning: sweep: batch ${batch}: more allocations than the tracer keeps (2^20): capture memory is not given`);
    if (point.status === 'failed') io.err(`sweep: batch ${batch} failed: ${point.error}; the sweep goes on`);
    save();
  }
  io.progress('');
  const uncaptured = result.points.filter((p) => p.status === 'ok' && p.captureNs === null).map((p) => p.batch);
  if (uncaptured.length) result.notes.push(noCaptureNote(uncaptured));
  result.complete = true;
  save();
  io.out(o.json ? renderJson(result) : renderSweepTable(result, io.color));
  return result.points.some((p) => p.status === 'failed') ? EXIT.gateFailed : EXIT.ok;
}
