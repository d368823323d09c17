// The step model shared by `trace` and `analyze` (docs/analyze.md, "The step model"): from the
// figures of one step (its measured wall time W, its GPU time G and its kernel durations, its
// launch calls) to the predicted graph step P, what a graph would save, the launch-overhead share
// and how that overhead divides between the driver's launch calls and the host code between them.
// Every figure carries its basis (measured, given, estimated) or is null with the reason it is
// missing. Pure: no I/O.
import type { RunResult } from '../schema.js';
import { median } from '../stats.js';

/** measured: from the program's own timings; given: by the user (--step-time); estimated: by a model. */
export type Basis = 'measured' | 'given' | 'estimated';

/** Kernels or memory operations of one step that share a name: the unit the replay model prices. */
export interface NodeGroup {
  name: string;
  /** instances per step */
  count: number;
  /** device time per step, ns */
  totalNs: number;
  /** shortest and longest instance, ns; null where the report has none */
  minNs: number | null;
  maxNs: number | null;
  /**
   * instances per step that ran right after an instance of the same kernel on the same stream
   * (a repeat: priced d + repeatNs, not max(d, floor) + gap); 0 for memory operations
   */
  repeats?: number;
}

/**
 * What one kernel node costs the GPU in a graph replay, for a kernel that ran d ns when launched
 * eagerly: max(d, floorNs) + gapNs after a node of another kernel (the common case in a framework's
 * step: a replay does not add a fixed cost on top of a real kernel's time, it bounds short kernels
 * from below), d + repeatNs after a node of the same kernel on the same stream (measured on
 * one-kernel steps: such a node replays shorter than its eager CUPTI duration, and no floor holds).
 */
export interface ReplayModel {
  /** the least GPU time a node takes in a replay, ns (an empty kernel's node) */
  floorNs: number;
  /** GPU time each node adds beyond max(d, floorNs), ns */
  gapNs: number;
  /** GPU time a repeated kernel's node adds to its eager duration d, ns (negative: it replays shorter) */
  repeatNs: number;
  /** one graph launch, ns (host time of cudaGraphLaunch) */
  graphLaunchNs: number;
  /** "default: ..." or the calibration file(s) */
  source: string;
  notes: string[];
}

/** The four numbers of a replay model, without where they came from. */
export type ReplayConstants = Pick<ReplayModel, 'floorNs' | 'gapNs' | 'repeatNs' | 'graphLaunchNs'>;

/** Replay constants fitted on one GPU model (docs/analyze.md, "The replay model"). */
export interface FittedReplayModel {
  /** the GPU's name as CUDA reports it (run.json's environment.gpu.name) */
  gpu: string;
  constants: ReplayConstants;
  /** the machine the constants were fitted on, as the model's source names it */
  fittedOn: string;
  /** the raw measurements behind them */
  evidence: string;
}

/**
 * The constants fitted per GPU model. Each: examples/llama_decode.py in seven shapes (154 to 1,646
 * kernels per step, kernels of about 1 to 45 us), the clean replay p50 (CUDA events, no profiler
 * attached) against the eager kernels' CUPTI durations, gap fitted on five shapes with the floor held
 * at 1400 ns (the data cannot tell floor from gap: 1200 to 1400 ns fit as well), two shapes held out;
 * repeat from graphprof run's one-kernel steps (spin 2 us, empty, copy: node - d, the median);
 * graph launch the median cudaGraphLaunch p50 of those runs. The tables are in docs/analyze.md.
 */
export const FITTED_REPLAY_MODELS: readonly FittedReplayModel[] = Object.freeze([
  {
    gpu: 'NVIDIA H200',
    // repeat, bench/results/h200-2026-12-06-harness-predict: node - d = -79 (spin), -85 (empty), +1 ns (copy)
    constants: { floorNs: 1400, gapNs: 200, repeatNs: -79, graphLaunchNs: 4160 },
    fittedOn: 'an NVIDIA H200 (driver 580.159.04, CUDA 13.0)',
    evidence: 'bench/results/h200-2026-12-06-{model-check,harness-predict}',
  },
  {
    gpu: 'NVIDIA H100 80GB HBM3',
    // repeat, bench/results/h100-2026-12-06b-replay-cost: one kernel back to back, any parameter size
    // or duration (0.9 to 50 us): node - d = -147 to -155 ns; run's spin, empty and copy -147 to -178
    constants: { floorNs: 1400, gapNs: 170, repeatNs: -150, graphLaunchNs: 3300 },
    fittedOn: 'an NVIDIA H100 80GB HBM3 (driver 580.159.04, CUDA 13.0)',
    evidence: 'bench/results/h100-2026-12-06b-{model-check,count,harness-predict,replay-cost}',
  },
]);

const DEFAULT_FIT = FITTED_REPLAY_MODELS[0]!;

/** The defaults: the H200's constants. Not measured on the user's machine unless --calibration says so. */
export const DEFAULT_REPLAY_MODEL: ReplayModel = Object.freeze({
  ...DEFAULT_FIT.constants,
  source: `default: fitted on ${DEFAULT_FIT.fittedOn}, not measured on this machine`,
  notes: [],
}) as ReplayModel;

/** The eager step's wall time as measured over the marked steps (trace) or the NVTX range (nsys). */
export interface StepWall {
  medianNs: number;
  minNs: number;
  maxNs: number;
  /** p10..p90 where known (trace has every step; nvtx_sum has min/median/max only) */
  p10Ns: number | null;
  p90Ns: number | null;
  count: number;
  /** where it came from, e.g. "nvtx:decode_step, 30 marked steps" */
  source: string;
}

export interface StepModelInput {
  /** the measured eager step; null when the steps were not timed */
  wall: StepWall | null;
  /** --step-time: the step's wall time as the user gives it */
  givenStepNs: number | null;
  /** per-step device figures; null when the data has no device times */
  gpu: {
    kernelNs: number;
    memOpNs: number;
    /** union of the kernel, copy and memset intervals where timestamps allow; else null */
    busyNs: number | null;
    /** kernels and memory operations of a step, for the replay model */
    nodes: NodeGroup[];
    /** where the nodes' repeats come from, in words (the kernel order, or counts alone) */
    repeatsFrom: string;
  } | null;
  /** kernel launch calls per step */
  launchCalls: number;
  /** the driver's launch-call cost per step: median x calls */
  launchCallNs: number;
  /** host API time per step (for the estimated W when nothing better is known) */
  hostApiNs: number;
  /** what adds the missing device times (trace: "--predict or --device-time"; analyze: the nsys report) */
  gpuHint: string;
  /** what adds the missing step time (trace: "--step-marker"; analyze: "--step-range or --step-time") */
  wallHint: string;
}

export interface Figure {
  /** ns, ratio or share; null when unknown */
  value: number | null;
  basis: Basis | null;
  /** how it was found, in words */
  method: string;
}

export type ModelVerdict = 'launch-bound' | 'gpu-bound' | 'unknown';

export interface StepModel {
  /** W */
  eagerStepNs: Figure & { wall: StepWall | null };
  /** G */
  gpuStepNs: Figure & { kind: 'busy' | 'sum' | null };
  /** P */
  graphStepNs: Figure & { nodes: number | null; replayNs: number | null; graphLaunchNs: number };
  /** W - P */
  savedNs: Figure;
  /** W / P */
  speedup: Figure;
  /** 1 - G / W: the share of the step in which the GPU waits for the host */
  overheadShare: Figure;
  /** W - G: the GPU's idle time in a step */
  overheadNs: Figure;
  /** the part of W - G inside the driver's launch calls: median x calls */
  launchCallNs: Figure;
  /** the rest of W - G: host code between launches (framework dispatch, allocator, Python) */
  betweenLaunchesNs: Figure;
  verdict: ModelVerdict;
  /** what is missing for a measured verdict and prediction, and the flag that adds it */
  missing: string[];
  replay: ReplayModel;
}

/** Launch-bound when the GPU waits for the host for more than half of the step. */
export const LAUNCH_BOUND_SHARE = 0.5;

/**
 * GPU time of a step's nodes in a replay: per node max(d, floor) + gap, or d + repeat for a
 * repeated kernel. With per-name totals only, the switched instances of a group are exact when all
 * its instances lie on one side of the floor (min >= floor: their durations; max <= floor: floor
 * each) and priced at the group's mean duration otherwise; repeats are priced at the mean.
 */
export function replayNodesNs(nodes: readonly NodeGroup[], m: Pick<ReplayModel, 'floorNs' | 'gapNs' | 'repeatNs'>): { replayNs: number; nodes: number; repeats: number } {
  let replayNs = 0;
  let count = 0;
  let repeatCount = 0;
  for (const g of nodes) {
    if (!(g.count > 0)) continue;
    count += g.count;
    const mean = g.totalNs / g.count;
    // at most count - 1: the first instance of a run follows some other node
    const repeats = Math.min(Math.max(0, g.count - 1), Math.max(0, g.repeats ?? 0));
    const switched = g.count - repeats;
    repeatCount += repeats;
    let body: number;
    if (g.minNs !== null && g.minNs >= m.floorNs) body = switched * mean;
    else if (g.maxNs !== null && g.maxNs <= m.floorNs) body = switched * m.floorNs;
    else body = switched * Math.max(mean, m.floorNs);
    replayNs += body + switched * m.gapNs + repeats * Math.max(0, mean + m.repeatNs);
  }
  return { replayNs, nodes: count, repeats: repeatCount };
}

const fig = (value: number | null, basis: Basis | null, method: string): Figure => ({ value, basis, method });

/** W, G, P and what follows from them, each with its basis. */
export function stepModel(i: StepModelInput, replay: ReplayModel): StepModel {
  const missing: string[] = [];
  // W: measured over the steps, else given, else estimated as the larger of host API and GPU time.
  let W: StepModel['eagerStepNs'];
  if (i.wall) {
    W = { ...fig(i.wall.medianNs, 'measured', `median wall time of ${i.wall.source}`), wall: i.wall };
  } else if (i.givenStepNs !== null) {
    W = { ...fig(i.givenStepNs, 'given', '--step-time'), wall: null };
  } else {
    const g = i.gpu ? i.gpu.busyNs ?? i.gpu.kernelNs + i.gpu.memOpNs : 0;
    W = { ...fig(Math.max(i.hostApiNs, g), 'estimated', 'the larger of host API time and GPU time per step (no step was timed)'), wall: null };
    missing.push(`the step's wall time (measured eager step): ${i.wallHint}`);
  }
  let G: StepModel['gpuStepNs'];
  if (i.gpu) {
    const busy = i.gpu.busyNs !== null;
    G = {
      ...fig(busy ? i.gpu.busyNs : i.gpu.kernelNs + i.gpu.memOpNs, 'measured', busy ? 'busy time: union of kernel, copy and memset intervals inside the steps' : 'sum of kernel, copy and memset device time inside the steps (no timestamps: overlapping streams count twice)'),
      kind: busy ? 'busy' : 'sum',
    };
  } else {
    G = { ...fig(null, null, 'no device times'), kind: null };
    missing.push(`GPU time per step (no device times): ${i.gpuHint}`);
  }
  const w = W.value!;
  let P: StepModel['graphStepNs'] = { ...fig(null, null, 'needs GPU time per step'), nodes: null, replayNs: null, graphLaunchNs: replay.graphLaunchNs };
  let saved = fig(null, null, 'needs the predicted graph step');
  let speedup = fig(null, null, 'needs the predicted graph step');
  let share = fig(null, null, 'needs GPU time per step');
  let overhead = fig(null, null, 'needs GPU time per step');
  let between = fig(null, null, 'needs GPU time per step');
  let verdict: ModelVerdict = 'unknown';
  if (i.gpu && G.value !== null) {
    const r = replayNodesNs(i.gpu.nodes, replay);
    const p = r.replayNs + replay.graphLaunchNs;
    P = {
      ...fig(
        p,
        'estimated',
        `${formatCalls(r.nodes)} kernel and memory nodes: max(d, ${Math.round(replay.floorNs)} ns) + ${Math.round(replay.gapNs)} ns each after a different one, ` +
          `d ${replay.repeatNs < 0 ? '-' : '+'} ${Math.abs(Math.round(replay.repeatNs))} ns for the ${formatCalls(r.repeats)} that repeat the kernel before them (${i.gpu.repeatsFrom}); + one graph launch (${Math.round(replay.graphLaunchNs)} ns)`,
      ),
      nodes: r.nodes,
      replayNs: r.replayNs,
      graphLaunchNs: replay.graphLaunchNs,
    };
    // P is a prediction, so whatever follows from it is estimated; W - G is measured only when W is
    saved = fig(w - p, 'estimated', 'eager step - predicted graph step');
    speedup = fig(p > 0 ? w / p : null, 'estimated', 'eager step / predicted graph step');
    const basis: Basis = W.basis === 'measured' ? 'measured' : 'estimated';
    share = fig(w > 0 ? Math.max(0, 1 - G.value / w) : null, basis, '1 - GPU time / eager step');
    overhead = fig(Math.max(0, w - G.value), share.basis, 'eager step - GPU time');
    between = fig(Math.max(0, w - G.value - i.launchCallNs), share.basis, 'eager step - GPU time - launch calls');
    if (W.basis !== 'estimated' && share.value !== null) verdict = share.value > LAUNCH_BOUND_SHARE ? 'launch-bound' : 'gpu-bound';
  }
  return {
    eagerStepNs: W,
    gpuStepNs: G,
    graphStepNs: P,
    savedNs: saved,
    speedup,
    overheadShare: share,
    overheadNs: overhead,
    launchCallNs: fig(i.launchCallNs, 'measured', `median x ${formatCalls(i.launchCalls)} launch calls per step`),
    betweenLaunchesNs: between,
    verdict,
    missing,
    replay,
  };
}

function formatCalls(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A calibration file that cannot calibrate, with the file it came from. */
export class CalibrationError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The replay model from `graphprof run --json` results of this machine (docs/analyze.md,
 * "Calibration"): the constants fitted on the runs' GPU model where there are some, else the
 * defaults, said in a note; the graph launch is the runs' median cudaGraphLaunch p50. Floor and gap
 * are NOT scaled by the run's node cost: measured on two GPUs, that scaling moved the prediction away
 * from the clean replay (H200: from -2.7..-0.6% to -8.8..-1.6%; H100: up to +10.6%), while the
 * other GPU's constants unscaled stayed within 2.7%. The node cost is still noted, for reference.
 */
export function replayModelFromRuns(runs: readonly { run: RunResult; path: string }[], fitted: readonly FittedReplayModel[] = FITTED_REPLAY_MODELS): ReplayModel {
  const notes: string[] = [];
  const launches: number[] = [];
  let gpu: { name: string; path: string } | null = null;
  for (const { run, path } of runs) {
    const w = run.workload;
    const name = run.environment?.gpu?.name ?? null;
    if (name === null) throw new CalibrationError(path, 'it names no GPU (environment.gpu); rerun graphprof run --json on the GPU to calibrate for');
    if (gpu && gpu.name !== name) throw new CalibrationError(path, `it was measured on ${name}, ${gpu.path} on ${gpu.name}: calibrate with runs of one GPU model`);
    gpu ??= { name, path };
    const results = run.results.filter((b) => b.graph && Number.isFinite(b.graph.devicePerNodeNs) && b.graph.nodes > 0);
    if (results.length === 0) throw new CalibrationError(path, 'it holds no measured batch size with graph figures');
    launches.push(...results.map((b) => b.graph.launchNs.p50Ns));
    if (w.kernel === 'copy') {
      notes.push(`${path}: ${w.kernel} kernels on ${name}`);
      continue;
    }
    const work = w.kernel === 'spin' ? w.kernelNs : 0;
    const cost = median(results.map((b) => b.graph.devicePerNodeNs - (work * w.kernels) / b.graph.nodes));
    if (!(cost > 0)) throw new CalibrationError(path, `its node cost came out at ${Math.round(cost)} ns (graph GPU time per node - spin time): the spin kernels ran shorter than asked`);
    notes.push(`${path}: ${w.kernel} kernels on ${name}, node cost ${Math.round(cost)} ns (graph GPU time per node${work > 0 ? ` - ${work} ns spin` : ''}; for reference, not used)`);
  }
  const match = fitted.find((m) => m.gpu === gpu!.name);
  notes.push(
    match
      ? `floor, gap and repeat fitted on ${match.fittedOn} (${match.evidence})`
      : `no replay constants were fitted on ${gpu!.name}: floor, gap and repeat are the defaults, fitted on ${DEFAULT_FIT.fittedOn}; between an H100 and an H200 the other GPU's constants predicted decode steps within 2.7%, one-kernel steps within 13% (docs/analyze.md, "Calibration")`,
  );
  return {
    ...(match ?? DEFAULT_FIT).constants,
    graphLaunchNs: median(launches),
    source: runs.map((r) => r.path).join(', '),
    notes,
  };
}
