// The `analyze` and `trace` reports: where a step's time goes (stacked bars per profile beside the
// predicted graph step), step duration over the run, and the timeline of a representative step.
import type { AnalyzeResult, ProfileAnalysis } from '../../core/analyze/schema.js';
import { classifyApi } from '../../core/analyze/launch-apis.js';
import { stepBreakdown, type StepBreakdown } from '../../core/pictures/breakdown.js';
import type { StepSeries } from '../../core/pictures/step-series.js';
import { allSteps, stepTimeline, type ProcessTimeline } from '../../core/pictures/timeline.js';
import { typicalTimelineStep } from '../../core/trace/steps.js';
import type { TraceResult } from '../../core/trace/result.js';
import { formatCount, formatDuration, formatShare } from '../../core/units.js';
import { inUnit, stackedBars, timeline, xyChart, type BarGroup, type Lane } from './charts.js';
import { timeUnit } from './geometry.js';
import { figure, missing, type Section } from './page.js';
import { legend } from './svg.js';

const d = formatDuration;

function profileLabel(p: ProfileAnalysis, i: number, several: boolean): string {
  const name = p.source.path.split('/').pop() ?? p.source.path;
  return several ? `profile ${i + 1}: ${name}` : name;
}

function basisWord(b: string | null): string {
  return b ?? 'unknown';
}

function barGroup(label: string, b: StepBreakdown): BarGroup {
  const unit = timeUnit(Math.max(b.wallNs, b.graph?.totalNs ?? 0));
  const wall = `${inUnit(b.wallNs, unit)} ${basisWord(b.wallBasis)}`;
  const estimated = b.wallBasis !== 'measured';
  const hostSum = b.host.launchNs + b.host.syncNs + b.host.otherApiNs + b.host.betweenNs;
  // Host API time above the eager step: the calls overlap (threads) or W is estimated low. The bar
  // shows what was measured and a tick where W is, rather than cutting either.
  const over = hostSum > b.wallNs * 1.001;
  const rows: BarGroup['rows'][number][] = [
    {
      label: 'eager step: host',
      total: over ? `${inUnit(hostSum, unit)} in API calls > W ${wall}` : `W ${wall}`,
      mark: over ? { value: b.wallNs, tip: `eager step W: ${wall}` } : undefined,
      segments: [
        { name: 'inside launch calls', cls: 'k-launch', value: b.host.launchNs },
        { name: 'syncs', cls: 'k-sync', value: b.host.syncNs },
        { name: 'other CUDA API calls', cls: 'k-api', value: b.host.otherApiNs },
        { name: 'host time between calls', cls: 'k-host', value: b.host.betweenNs, estimated },
      ],
    },
  ];
  if (b.gpu) {
    rows.push({
      label: 'eager step: GPU',
      total: `G ${inUnit(b.gpu.busyNs, unit)} ${basisWord(b.gpu.basis)}${b.gpu.kind === 'sum' ? ' (sum)' : ''}`,
      segments: [
        { name: b.gpu.kind === 'sum' ? 'GPU time (sum over streams)' : 'GPU busy', cls: 'k-gpu', value: b.gpu.busyNs, estimated: b.gpu.basis !== 'measured' },
        { name: 'GPU idle (waiting for the host)', cls: 'k-idle', value: b.gpu.idleNs, estimated },
      ],
    });
  }
  if (b.graph) {
    rows.push({
      label: 'graph step: predicted',
      total: `P ${inUnit(b.graph.totalNs, unit)} estimated`,
      segments: [
        { name: 'kernels and copies (their eager time)', cls: 'k-gpu', value: b.graph.gpuNs, estimated: true },
        { name: 'replay cost of the nodes', cls: 'k-pred', value: b.graph.replayOverheadNs, estimated: true },
        { name: 'graph launch', cls: 'k-launch', value: b.graph.launchNs, estimated: true },
      ],
    });
  }
  return { label, rows };
}

function breakdownFigure(items: readonly { label: string; b: StepBreakdown; p: ProfileAnalysis }[]): string {
  const max = Math.max(...items.map((i) => Math.max(i.b.wallNs, i.b.graph?.totalNs ?? 0)));
  const body = stackedBars({ label: 'where a step\'s time goes, per profile', unit: timeUnit(max), title: 'time per step', groups: items.map((i) => barGroup(i.label, i.b)) });
  const missing = [...new Set(items.flatMap((i) => i.b.missing))];
  return figure({
    id: 'step-breakdown',
    title: 'Where a step\'s time goes, beside the predicted graph step',
    body,
    legend: legend([
      { label: 'inside launch calls', cls: 'k-launch' },
      { label: 'syncs', cls: 'k-sync' },
      { label: 'other CUDA API calls', cls: 'k-api' },
      { label: 'host time between calls', cls: 'k-host' },
      { label: 'GPU busy', cls: 'k-gpu' },
      { label: 'GPU idle', cls: 'k-idle' },
      { label: 'replay cost of the nodes (estimated)', cls: 'k-pred' },
    ]),
    method:
      'The step model (docs/analyze.md): W, the eager step, measured over the marked steps or NVTX ranges, given by --step-time, or estimated; G, the GPU time of a step (busy time where timestamps allow, else the sum); P, the predicted graph step = per node max(d, floor) + gap (d + repeat for a node that repeats the kernel before it), + one graph launch (estimated). Host bar: time per step inside kernel-launch calls, sync calls and other CUDA API calls, and the rest of W (host code between calls); where the API time alone exceeds W a tick marks W. Paler segments are estimated.',
    notes: missing.length ? missing.map((m) => `missing: ${m}`) : [],
    values: {
      head: ['profile', 'eager step W', 'launch calls', 'syncs', 'other API', 'between calls', 'GPU G', 'graph step P', 'launch-overhead share'],
      rows: items.map((i) => [
        i.label,
        `${d(i.b.wallNs)} (${basisWord(i.b.wallBasis)})`,
        d(i.b.host.launchNs),
        d(i.b.host.syncNs),
        d(i.b.host.otherApiNs),
        d(i.b.host.betweenNs),
        i.b.gpu ? `${d(i.b.gpu.busyNs)} (${basisWord(i.b.gpu.basis)})` : 'unknown',
        i.b.graph ? `${d(i.b.graph.totalNs)} (estimated)` : 'unknown',
        i.p.overheadShare === null ? 'unknown' : formatShare(i.p.overheadShare),
      ]),
    },
  });
}

function stepSeriesFigure(s: StepSeries | null | undefined, why: string, of = '', id = 'step-series'): string {
  if (!s) return figure({ id: 'step-series', title: 'Step duration over the run', body: missing(why), method: 'Needs marked steps (trace --step-marker, or analyze --step-range over an nvtx_pushpop_trace).' });
  const max = Math.max(...s.bins.map((b) => b.maxNs));
  // A long warm-up would flatten the rest: the axis stops at 3 x the outlier limit, and steps above
  // it are drawn as labelled arrows at the top.
  const top = Math.min(max, Math.max(3 * s.outlierAboveNs, 1.2 * s.p50Ns));
  const mid = (b: StepSeries['bins'][number]) => (b.first + b.last) / 2;
  const binned = s.binSize > 1;
  const body = xyChart({
    label: 'step duration over the run',
    height: 260,
    x: { scale: 'integer', min: 0, max: Math.max(1, s.count - 1), title: 'step (in the order the steps ran)' },
    y: { unit: timeUnit(top), title: 'step duration', max: top },
    series: [
      {
        name: binned ? `median of each ${s.binSize} steps` : 'step',
        cls: 'k-eager',
        marker: s.bins.length > 120 ? 'none' : 'dot',
        points: s.bins.map((b) => ({ x: mid(b), y: b.p50Ns, lo: binned ? b.minNs : null, hi: binned ? b.maxNs : null, tip: `steps ${b.first}-${b.last}: median ${d(b.p50Ns)}, min ${d(b.minNs)}, max ${d(b.maxNs)}` })),
      },
      { name: 'outlier limit', cls: 'k-bad', dashed: true, marker: 'none', points: [{ x: 0, y: s.outlierAboveNs }, { x: Math.max(1, s.count - 1), y: s.outlierAboveNs }] },
    ],
  });
  return figure({
    id,
    title: `Step duration over the run${of}`,
    body,
    legend: legend([
      { label: binned ? `median of each bin of ${s.binSize} steps` : 'each step', cls: 'k-eager', shape: 'line' },
      ...(binned ? [{ label: 'band: min to max in the bin', cls: 'k-host' }] : []),
      { label: 'outlier limit: median + 3.5 MAD / 0.6745', cls: 'k-bad', shape: 'dash' as const },
    ]),
    method: `Measured: wall time of each marked step (trace: host clock from one step mark to the next; analyze: the NVTX range's duration in nsys's trace), ${formatCount(s.count)} steps${binned ? `, binned into ${s.bins.length} groups of consecutive steps so the page stays small` : ''}. Warm-up shows as the first steps above the rest; ${formatCount(s.outliers)} steps are above the outlier limit.`,
    values: { head: ['steps', 'median', 'MAD', 'outlier limit', 'outliers'], rows: [[formatCount(s.count), d(s.p50Ns), d(s.madNs), d(s.outlierAboveNs), formatCount(s.outliers)]] },
  });
}

function hostClass(name: string): string {
  const cls = classifyApi(name).rule?.cls;
  if (cls === 'kernel-launch' || cls === 'graph-launch') return 'k-launch';
  if (cls === 'sync') return 'k-sync';
  return 'k-api';
}

/** Events drawn in one timeline at most: about 100 bytes each on the page. */
const MAX_EVENTS = 20_000;

const DEVICE_CLASS: Record<string, string> = { kernel: 'k-gpu', memcpy: 'k-graph', memset: 'k-pred' };

function timelineFigure(t: readonly ProcessTimeline[] | null | undefined, why: string): string {
  const kept = t ? allSteps(t) : [];
  // the same object comes back, with the pid allSteps gave it
  const step = typicalTimelineStep(kept) as (typeof kept)[number] | null;
  if (!step) {
    return figure({ id: 'step-timeline', title: 'Timeline of a representative step', body: missing(why), method: 'Needs trace --timeline-steps N (default 3) with a step marker.' });
  }
  const f = stepTimeline(step);
  // A page stays small whatever the step holds: past MAX_EVENTS the latest events are left out, and said so.
  const events = step.host.length + step.device.length;
  const keep = (e: { startNs: number }) => events <= MAX_EVENTS || e.startNs <= cutoffNs;
  const cutoffNs = events <= MAX_EVENTS ? Infinity : [...step.host, ...step.device].map((e) => e.startNs).sort((a, b) => a - b)[MAX_EVENTS - 1]!;
  const lanes: Lane[] = f.threads.map((tid) => ({
    label: `host thread ${tid}${tid === step.tid ? ' (step)' : ''}`,
    events: step.host
      .filter((h) => h.tid === tid && keep(h))
      .map((h) => ({ startNs: h.startNs, endNs: h.startNs + h.durationNs, cls: hostClass(h.name), tip: `${h.name}: ${d(h.durationNs)} at +${d(h.startNs - step.startNs)}` })),
    gaps:
      step.device.length === 0 && tid === step.tid
        ? f.hostGaps.map((g) => ({ ...g, tip: `host outside CUDA calls: ${d(g.endNs - g.startNs)}` }))
        : [],
  }));
  // The launch that queued each piece of GPU work (the outermost call with its correlation id), for its hover text.
  const launchOf = new Map<number, (typeof step.host)[number]>();
  for (const h of [...step.host].sort((a, b) => a.startNs - b.startNs || b.durationNs - a.durationNs)) {
    if (h.correlationId > 0 && !launchOf.has(h.correlationId)) launchOf.set(h.correlationId, h);
  }
  for (const s of f.streams) {
    lanes.push({
      label: `GPU stream ${s}`,
      events: step.device
        .filter((e) => e.stream === s && keep(e))
        .map((e) => {
          const h = e.correlationId > 0 ? launchOf.get(e.correlationId) : undefined;
          const by = h ? `; queued by ${h.name} at +${d(h.startNs - step.startNs)}, started ${d(e.startNs - h.startNs)} after it` : '';
          return { startNs: e.startNs, endNs: e.startNs + e.durationNs, cls: DEVICE_CLASS[e.kind] ?? 'k-gpu', tip: `${e.kind} ${e.name}: ${d(e.durationNs)} at +${d(e.startNs - step.startNs)}${e.graph ? ' (graph node)' : ''}${by}` };
        }),
      gaps: f.gpuIdle.map((g) => ({ ...g, tip: `GPU idle: ${d(g.endNs - g.startNs)}` })),
    });
  }
  const dur = step.endNs - step.startNs;
  const idle = f.gpuIdle.reduce((s, g) => s + g.endNs - g.startNs, 0);
  const body = timeline({ label: `timeline of step ${step.index}`, startNs: step.startNs, endNs: step.endNs, lanes });
  const kernels = step.device.filter((e) => e.kind === 'kernel').length;
  return figure({
    id: 'step-timeline',
    title: `Timeline of a representative step (step ${step.index}${t!.length > 1 ? ` of process ${step.pid}` : ''}, ${d(dur)})`,
    body,
    legend: legend([
      { label: 'launch calls', cls: 'k-launch' },
      { label: 'syncs', cls: 'k-sync' },
      { label: 'other CUDA API calls', cls: 'k-api' },
      { label: 'kernels', cls: 'k-gpu' },
      { label: 'copies', cls: 'k-graph' },
      { label: 'memsets', cls: 'k-pred' },
      { label: step.device.length > 0 ? 'GPU idle (no stream busy)' : 'host outside CUDA calls', cls: 'k-idle' },
    ]),
    notes: events > MAX_EVENTS ? [`${formatCount(events - MAX_EVENTS)} of the step's ${formatCount(events)} events, the latest, are not drawn (at most ${formatCount(MAX_EVENTS)} a page); --perfetto exports them all`] : [],
    method: `Measured: every host API call and GPU activity of the median-duration step of the ${kept.length} steps kept by trace --timeline-steps, on one clock (docs/trace.md). ${step.device.length > 0 ? 'GPU idle = time inside the step when no stream ran anything.' : 'No device records (host tracer): shading is host time outside CUDA calls on the step\'s thread; --device-time adds the GPU lanes.'}`,
    values: {
      head: ['step', 'duration', 'host API calls', 'in API calls (step thread)', 'kernels', 'GPU busy', 'GPU idle', 'launch-kernel pairs'],
      rows: [[String(step.index), d(dur), formatCount(step.host.length), d(f.hostApiNs), formatCount(kernels), step.device.length ? d(f.gpuBusyNs) : 'n/a', step.device.length ? d(idle) : 'n/a', formatCount(f.pairs)]],
    },
  });
}

export function analyzeSection(r: AnalyzeResult, source: string | null): Section {
  const several = r.profiles.length > 1;
  const items = r.profiles.map((p, i) => ({ label: profileLabel(p, i, several), b: stepBreakdown(p), p }));
  const steps = r.options.stepRange ? `steps from the NVTX range ${r.options.stepRange}` : `${formatCount(r.options.steps ?? 1)} step${r.options.steps === 1 || r.options.steps === null ? '' : 's'} each`;
  const meta = [`${r.profiles.length} profile${several ? 's' : ''}, ${steps}; replay model ${r.replayModel.source}`];
  if (source) meta.push(`from ${source}, created ${r.createdAt}`);
  const noSteps = 'nsys stats summaries hold no per-step events: graphprof trace --step-marker (with --timeline-steps) records them.';
  const noSeries = r.options.stepRange
    ? `No profile has every duration of the range ${r.options.stepRange}: nvtx_sum gives only their median, min and max; nvtx_pushpop_trace gives each one.`
    : 'No step range: analyze --step-range NAME over an nvtx_pushpop_trace report draws each step; graphprof trace --step-marker records them too.';
  const series = items.filter((i) => i.p.stepSeries);
  const seriesFigures = series.length === 0 ? [stepSeriesFigure(null, noSeries)] : series.map((i, k) => stepSeriesFigure(i.p.stepSeries, '', several ? ` (${i.label})` : '', k === 0 ? 'step-series' : `step-series-${k + 1}`));
  const figures = items.length === 0 ? [missing('No profile in this result.')] : [breakdownFigure(items), ...seriesFigures, timelineFigure(null, noSteps)];
  return { heading: 'graphprof analyze', meta, figures };
}

export function traceSection(r: TraceResult, source: string | null): Section {
  const cmd = r.traced.command.join(' ');
  const items = [{ label: cmd.length > 40 ? `${cmd.slice(0, 39)}…` : cmd, b: stepBreakdown(r.analysis), p: r.analysis }];
  const meta = [
    `traced: ${cmd} (exit ${r.traced.exitCode}, ${d(r.traced.wallNs)}); ${r.options.tracer === 'host' ? 'host tracer' : `CUPTI${r.activity ? ' with device times' : ''}`}; driver CUDA ${r.environment.driverCudaVersion ?? '?'}`,
    `steps: ${r.steps ? `${formatCount(r.steps.count)} at ${r.steps.marker}` : `none marked (figures per ${formatCount(r.perStep.steps)} step${r.perStep.steps === 1 ? '' : 's'})`}`,
  ];
  if (source) meta.push(`from ${source}, created ${r.createdAt}`);
  if (r.fake) meta.push('FAKE TRACE RECORDS: these figures are synthetic, not measurements');
  const series = stepSeriesFigure(
    r.stepSeries,
    r.stepSeries === undefined
      ? 'This result holds no step series (made before the report existed).'
      : r.options.stepMarker
        ? 'No step was seen at the step marker.'
        : 'No step marker: trace --step-marker nvtx:NAME or api:NAME cuts the run into steps.',
  );
  const tl = timelineFigure(r.timeline, r.timeline === undefined ? 'This result holds no timeline (made before trace --timeline-steps existed).' : 'No timeline: trace --timeline-steps 0, no step marker, or no marked step.');
  return { heading: 'graphprof trace', meta, figures: [breakdownFigure(items), series, tl] };
}
