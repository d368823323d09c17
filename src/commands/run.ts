// `graphprof run`: the synthetic decode workload, eager and graph-captured, on this GPU.
// Phases: validate -> check the device -> per batch size: measure, verify, summarise, save.
import { checksumFailure, graphSetupNs, summarizeBatch } from '../core/run/summary.js';
import { SCHEMA_VERSION, type RunResult } from '../core/schema.js';
import { relativeSpread } from '../core/stats.js';
import { formatBytes, formatDuration, formatShare } from '../core/units.js';
import { EnvironmentError, EXIT, GateError, UsageError, type GraphprofError } from '../errors.js';
import { describeEnvironment } from '../harness/environment.js';
import { HarnessRunError, loadHarness, unusableReason } from '../harness/native.js';
import type { Io } from '../io.js';
import { prepareGate } from '../gate.js';
import { renderJson } from '../report/json.js';
import { renderRunCsv } from '../report/run-csv.js';
import { renderRunMarkdown } from '../report/run-markdown.js';
import { renderRunTable, runNotes } from '../report/run-table.js';
import type { OutputFormat } from './format-option.js';
import { toolInfo } from '../version.js';
import { parseGateOptions, type RawGateOptions } from './gate-options.js';
import { htmlPath, writeHtmlReport } from './html-output.js';
import { writeAtomically } from './output-file.js';
import { parseRunOptions, workloadDeviceBytes, type RawRunOptions, type RunOptions } from './run-options.js';

/** Relative spread (MAD / median) above which the run warns that its figures are noisy. */
const NOISY_SPREAD = 0.05;

export async function execute(raw: RawRunOptions & RawGateOptions & { html?: string }, io: Io): Promise<number> {
  const options = parseRunOptions(raw);
  const html = htmlPath(raw, [options.outputPath === null ? null : { flag: '-o', path: options.outputPath }]);
  const { workload } = options;
  // --baseline: read and check it (and the thresholds) now, so a bad one fails before the GPU work.
  const gate = options.baselinePaths.length > 0 ? prepareGate(options.baselinePaths, parseGateOptions(raw), 'run') : null;

  const harness = loadHarness();
  const build = harness.buildInfo();
  const probe = harness.probe();
  const reason = unusableReason(build, probe, workload.device, harness.choice);
  if (reason) throw new EnvironmentError(`run: ${reason}`);
  const gpu = probe.devices.find((d) => d.index === workload.device)!;
  const needBytes = workloadDeviceBytes(workload);
  // Leave a quarter of the card for the context, graphs and other processes.
  if (needBytes > gpu.totalMemoryBytes * 0.75) {
    throw new UsageError(
      `the workload needs ${formatBytes(needBytes)} of device memory at batch size ${Math.max(...workload.batchSizes)}, more than 75% of ${gpu.name}'s ${formatBytes(gpu.totalMemoryBytes)}: lower --bytes-per-seq, --memcpy-bytes or the largest --batch-sizes`,
    );
  }

  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    command: 'run',
    argv: io.argv,
    createdAt: new Date().toISOString(),
    complete: false,
    environment: describeEnvironment(harness, build, probe, workload.device),
    workload,
    results: [],
    notes: [],
    error: null,
  };

  let failure: GraphprofError | null = null;
  for (const [i, batch] of workload.batchSizes.entries()) {
    io.progress(`graphprof run: batch size ${batch} (${i + 1}/${workload.batchSizes.length})`);
    try {
      const summary = summarizeBatch(await harness.runBatch(workload, batch));
      result.results.push(summary);
      const bad = checksumFailure(summary);
      if (bad) {
        result.error = { kind: 'checksum-mismatch', message: bad, batch };
        failure = new GateError(`run: ${bad}`);
        break;
      }
    } catch (err) {
      if (!(err instanceof HarnessRunError)) throw err;
      result.error = { kind: err.cudaError, message: err.message, batch };
      failure = new EnvironmentError(`run: CUDA error at batch size ${batch}: ${err.message}`);
      break;
    } finally {
      saveProgress(options, result);
    }
  }
  io.progress('');
  harness.releaseGraphs();

  result.complete = failure === null;
  addNotes(result);
  for (const note of noiseWarnings(result)) io.err(`warning: ${note}`);
  saveProgress(options, result);
  await writeHtmlReport(html, result);
  io.out(renderRun(result, options.format, io));
  // Notes are not the result: stderr (JSON holds them).
  if (options.format !== 'json') for (const line of runNotes(result)) io.err(line);
  if (failure) throw failure;
  if (gate) return gate.check(result, io);
  return EXIT.ok;
}

function addNotes(result: RunResult): void {
  const w = result.workload;
  if (w.syncs > 0) {
    result.notes.push(`graph mode leaves out the ${w.syncs} host syncs per step: cudaStreamSynchronize cannot be captured, so the graph step is the eager step without them`);
  }
  if (result.results.some((b) => b.graph.memoryBytes <= 0)) {
    result.notes.push("0 B*: this graph fit in device memory the driver had already reserved for the pool (it reserves in steps of about 2 MiB), so cudaMemGetInfo saw no drop");
  }
  if (result.results.length > 1) {
    const pool = result.results.reduce((sum, b) => sum + Math.max(0, b.graph.memoryBytes), 0);
    const capture = result.results.reduce((sum, b) => sum + graphSetupNs(b.graph), 0);
    result.notes.push(
      `the ${result.results.length} graphs, kept alive together as an engine keeps its pool, took ${formatBytes(pool)} of device memory and ${formatDuration(capture)} to capture, instantiate and upload`,
    );
  }
  if (result.environment.harness === 'fake') {
    result.notes.push('FAKE HARNESS (GRAPHPROF_FAKE_HARNESS=1): these figures are synthetic, not measurements');
  }
}

export function noiseWarnings(result: RunResult): string[] {
  const warnings: string[] = [];
  for (const b of result.results) {
    for (const [label, s] of [
      ['eager step', b.eager.stepNs],
      ['graph step', b.graph.stepNs],
    ] as const) {
      const spread = relativeSpread(s.p50Ns, s.madNs);
      if (spread > NOISY_SPREAD) {
        warnings.push(
          `batch ${b.batch}: ${label} spread is ${formatShare(spread)} of its median (${s.outliers} outliers of ${s.count}); close other GPU work, raise --iterations, and compare p50s only`,
        );
      }
    }
  }
  return warnings;
}

/** Rewrite --output after every batch size, atomically, so a crash leaves valid JSON behind. */
function saveProgress(options: RunOptions, result: RunResult): void {
  if (options.outputPath) writeAtomically('-o', options.outputPath, renderJson(result));
}

function renderRun(result: RunResult, format: OutputFormat, io: Io): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'markdown':
      return renderRunMarkdown(result);
    case 'csv':
      return renderRunCsv(result);
    default:
      return renderRunTable(result, io.color);
  }
}
