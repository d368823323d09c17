// The `run` report: step time per batch size (eager and graph, p10-p90 bands from the raw samples),
// the spread of host cost per launch, and capture time and graph memory per size.
import { runPictures, type RunPictureRow } from '../../core/pictures/run.js';
import type { RunResult } from '../../core/schema.js';
import { formatBytes, formatCount, formatDuration } from '../../core/units.js';
import { describeEnvironmentLine, describeWorkload } from '../run-table.js';
import { boxPlot, xyChart } from './charts.js';
import { bytesUnit, timeUnit } from './geometry.js';
import { figure, missing, type Section } from './page.js';
import { legend } from './svg.js';

const d = formatDuration;

function stepTime(rows: readonly RunPictureRow[], r: RunResult): string {
  const banded = rows.some((x) => x.eager.p90Ns !== null);
  const max = Math.max(...rows.flatMap((x) => [x.eager.p90Ns ?? x.eager.p50Ns, x.graph.p90Ns ?? x.graph.p50Ns]));
  const batches = rows.map((x) => x.batch);
  const series = (name: string, cls: string, pick: (x: RunPictureRow) => RunPictureRow['eager']) => ({
    name,
    cls,
    labels: true,
    points: rows.map((x) => ({ x: x.batch, y: pick(x).p50Ns, lo: pick(x).p10Ns, hi: pick(x).p90Ns })),
  });
  const body = xyChart({
    label: 'step time per batch size, eager and graph',
    x: { scale: 'log2', min: Math.min(...batches), max: Math.max(...batches), title: 'batch size' },
    y: { unit: timeUnit(max), title: 'step time', max },
    series: [series('eager step', 'k-eager', (x) => x.eager), series('graph step', 'k-graph', (x) => x.graph)],
  });
  return figure({
    id: 'run-step-time',
    title: 'Step time per batch size: eager vs CUDA graph',
    body,
    legend: legend([
      { label: 'eager step p50', cls: 'k-eager', shape: 'line' },
      { label: 'graph step p50', cls: 'k-graph', shape: 'line' },
      { label: 'eager p10 to p90', cls: 'k-eager band-sw' },
      { label: 'graph p10 to p90 (of the timed steps)', cls: 'k-graph band-sw' },
    ]),
    method: `Measured: each point is the median of ${r.workload.iterations} timed steps after ${r.workload.warmup} warm-up; eager step = host clock from the first launch to the end of the stream sync; graph step = from before cudaGraphLaunch to after the sync (docs/methodology.md). Bands: p10-p90 of the raw samples in the JSON.`,
    notes: banded ? [] : ['this result holds no raw samples: points are the summary p50s, without bands'],
    values: {
      head: ['batch', 'eager p10', 'eager p50', 'eager p90', 'graph p10', 'graph p50', 'graph p90'],
      rows: rows.map((x) => [String(x.batch), opt(x.eager.p10Ns), d(x.eager.p50Ns), opt(x.eager.p90Ns), opt(x.graph.p10Ns), d(x.graph.p50Ns), opt(x.graph.p90Ns)]),
    },
  });
}

function opt(ns: number | null): string {
  return ns === null ? '-' : d(ns);
}

function launchCost(rows: readonly RunPictureRow[]): string {
  const boxes = rows
    .filter((x) => x.launch !== null)
    .map((x) => ({ label: String(x.batch), min: x.launch!.minNs, p10: x.launch!.p10Ns, p50: x.launch!.p50Ns, p90: x.launch!.p90Ns, max: x.launch!.maxNs, count: x.launch!.count }));
  const body =
    boxes.length === 0
      ? missing('This result holds no raw samples of the host cost per launch (samples.eagerLaunchNs).')
      : boxPlot({
          label: 'host cost per kernel launch per batch size',
          unit: timeUnit(Math.max(...boxes.map((b) => b.max))),
          title: 'host time per launch',
          xTitle: 'batch size',
          boxes,
          cls: 'k-launch',
        });
  return figure({
    id: 'run-launch-cost',
    title: 'Host cost per kernel launch',
    body,
    legend: legend([
      { label: 'median', cls: 'k-launch', shape: 'line' },
      { label: 'box: p10 to p90; whiskers: min to max', cls: 'k-launch' },
    ]),
    method:
      'Measured, eager mode: each sample is one timed step\'s (issue time - time inside copy and sync calls - busy-wait) / kernels, so it is the mean cost of one launch call in that step (docs/methodology.md, "host/launch"). The axis starts near the smallest sample, not at 0.',
    values: { head: ['batch', 'min', 'p10', 'median', 'p90', 'max', 'samples'], rows: boxes.map((b) => [b.label, d(b.min), d(b.p10), d(b.p50), d(b.p90), d(b.max), formatCount(b.count)]) },
  });
}

function captureAndMemory(rows: readonly RunPictureRow[]): string {
  const batches = rows.map((x) => x.batch);
  const x = { scale: 'log2' as const, min: Math.min(...batches), max: Math.max(...batches), title: 'batch size' };
  const capMax = Math.max(...rows.map((r) => r.setupNs));
  const capture = xyChart({
    label: 'capture, instantiate and upload time per batch size',
    height: 240,
    x,
    y: { unit: timeUnit(capMax), title: 'time, once per size', max: capMax },
    series: [
      { name: 'capture + instantiate + upload', cls: 'k-eager', labels: true, points: rows.map((r) => ({ x: r.batch, y: r.setupNs })) },
      { name: 'capture', cls: 'k-graph', dashed: true, points: rows.map((r) => ({ x: r.batch, y: r.captureNs })) },
    ],
  });
  const memMax = Math.max(0, ...rows.map((r) => r.memoryBytes));
  const memory = xyChart({
    label: 'graph memory per batch size',
    height: 240,
    x,
    y: { unit: bytesUnit(Math.max(1, memMax)), title: 'graph memory', max: Math.max(1, memMax) },
    series: [{ name: 'graph memory', cls: 'k-gpu', labels: true, points: rows.map((r) => ({ x: r.batch, y: Math.max(0, r.memoryBytes) })) }],
  });
  return figure({
    id: 'run-capture-memory',
    title: 'Capture time and graph memory per batch size',
    body: capture + memory,
    legend: legend([
      { label: 'capture + instantiate + upload', cls: 'k-eager', shape: 'line' },
      { label: 'capture alone', cls: 'k-graph', shape: 'dash' },
      { label: 'graph memory', cls: 'k-gpu', shape: 'line' },
    ]),
    method:
      'Measured once per batch size (single samples): capture = cudaStreamBeginCapture to cudaStreamEndCapture; instantiate and upload on the host clock; graph memory = drop in cudaMemGetInfo free bytes from before instantiate to after upload, with the earlier sizes\' graphs alive (docs/methodology.md).',
    notes: rows.some((r) => r.memoryBytes <= 0) ? ['0 B: the graph fit memory the driver had already reserved for the pool (it reserves in steps of about 2 MiB)'] : [],
    values: {
      head: ['batch', 'nodes', 'capture', 'instantiate', 'upload', 'graph memory'],
      rows: rows.map((r) => [String(r.batch), formatCount(r.nodes), d(r.captureNs), d(r.instantiateNs), d(r.uploadNs), formatBytes(Math.max(0, r.memoryBytes))]),
    },
  });
}

export function runSection(r: RunResult, source: string | null): Section {
  const rows = runPictures(r);
  const meta = [describeEnvironmentLine(r), `workload: ${describeWorkload(r)}`];
  if (source) meta.push(`from ${source}, created ${r.createdAt}`);
  if (!r.complete) meta.push(`INCOMPLETE: measured batch sizes ${rows.map((x) => x.batch).join(', ') || 'none'} of ${r.workload.batchSizes.join(', ')}`);
  if (r.environment.harness === 'fake') meta.push('FAKE HARNESS: these figures are synthetic, not measurements');
  const figures = rows.length === 0 ? [missing('No batch size was measured.')] : [stepTime(rows, r), launchCost(rows), captureAndMemory(rows)];
  return { heading: 'graphprof run', meta, figures };
}
