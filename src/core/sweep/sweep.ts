// `graphprof sweep`, the pure part: the default grid of batch sizes, the {batch} placeholder, and one
// size's trace turned into a curve point. The curve format itself: core/recommend/step-curve.ts.
import { failedPoint, type CurvePoint } from '../recommend/step-curve.js';
import { sglangDefaultSizes, vllmDefaultSizes } from '../recommend/pool.js';
import { median } from '../stats.js';
import type { TraceRecord } from '../trace/record.js';
import type { StepFigures } from '../trace/steps.js';

const BATCH_PLACEHOLDER = '{batch}';

/**
 * --max-batch B without a list: powers of two up to B, the sizes vLLM and SGLang capture by default
 * up to B (their lists for max batch B), and B itself: the sizes an engine could be told to capture
 * are the ones worth measuring.
 */
export function defaultSweepSizes(maxBatch: number): number[] {
  const sizes = new Set<number>([maxBatch]);
  for (let s = 1; s <= maxBatch; s *= 2) sizes.add(s);
  for (const s of [...vllmDefaultSizes(maxBatch), ...sglangDefaultSizes(maxBatch)]) if (s <= maxBatch) sizes.add(s);
  return [...sizes].sort((a, b) => a - b);
}

export function hasPlaceholder(command: readonly string[]): boolean {
  return command.some((a) => a.includes(BATCH_PLACEHOLDER));
}

/** Every {batch} in every argument replaced by the size. */
export function substituteBatch(command: readonly string[], batch: number): string[] {
  return command.map((a) => a.split(BATCH_PLACEHOLDER).join(String(batch)));
}

/** A size's graph captures, per graph (median over the graphs its processes captured). */
export interface CaptureFigures {
  /** captures that ended (cuStreamEndCapture seen) in the complete records */
  graphs: number;
  /** capture begin to instantiate + upload end; null when no capture ended */
  captureNs: number | null;
  /** bytes requested by allocation APIs in the capture's window; null when none ended or allocations were dropped */
  memoryBytes: number | null;
  /** how memoryBytes was measured, one line */
  memoryMethod: string;
  /** per graph: the median over cuMemGetInfo brackets of (free before - free after) / graphs; null: none */
  freeDropBytes: number | null;
}

/** The method line for memoryBytes, naming the allocation APIs the tracer counted. */
export function captureMemoryMethod(apis: readonly string[]): string {
  return `allocation APIs (${apis.join(', ')}): bytes requested by calls that began between capture begin and instantiate/upload end, median per graph; the drop in free device memory (cuMemGetInfo around captures) is captureFreeDropBytes, where the program measured it`;
}

/**
 * Capture time and memory per graph from the host tracer's records: the median over every capture
 * that ended, in every record that has graph captures. Null when no record has them (not recorded).
 */
export function captureFigures(records: readonly TraceRecord[]): CaptureFigures | null {
  const withCaptures = records.filter((r) => r.graphCaptures !== null);
  if (!withCaptures.length) return null;
  const ended = withCaptures.flatMap((r) => r.graphCaptures!.captures.filter((c) => c.captureNs !== null));
  const apis = [...new Set(withCaptures.flatMap((r) => r.graphCaptures!.allocationApis))];
  const dropped = withCaptures.some((r) => r.graphCaptures!.allocationsDropped > 0);
  const mem = ended.map((c) => c.allocBytes).filter((b): b is number => b !== null);
  const brackets = withCaptures.flatMap((r) => r.graphCaptures!.freeMemory).filter((b) => b.graphs > 0);
  return {
    graphs: ended.length,
    captureNs: ended.length ? median(ended.map((c) => c.captureNs!)) : null,
    memoryBytes: !dropped && mem.length ? median(mem) : null,
    memoryMethod: captureMemoryMethod(apis),
    freeDropBytes: brackets.length ? median(brackets.map((b) => (b.freeBeforeBytes - b.freeAfterBytes) / b.graphs)) : null,
  };
}

export interface SizeRun {
  batch: number;
  exitCode: number;
  signal: string | null;
  /** trace records found (complete or not) */
  records: number;
  /** the marked steps of the complete records; null when none was seen */
  steps: StepFigures | null;
  stepMarker: string;
  /** graph captures of the complete records; null when not recorded */
  captures: CaptureFigures | null;
}

/**
 * One size as the curve records it: ok only when the command exited 0 and marked steps were seen;
 * otherwise failed, with the exit status and a one-line reason.
 */
export function curvePoint(run: SizeRun): CurvePoint {
  const failed = (error: string): CurvePoint => failedPoint(run.batch, run.exitCode, error);
  if (run.exitCode !== 0) return failed(`the command exited ${run.exitCode}${run.signal ? ` (${run.signal})` : ''}`);
  if (run.records === 0) return failed('no process of the command initialised CUDA under the host tracer (no trace record)');
  const s = run.steps;
  if (!s || s.count === 0) return failed(`no step marked by ${run.stepMarker} was seen`);
  return {
    batch: run.batch,
    status: 'ok',
    exitCode: 0,
    stepNs: { medianNs: s.durationNs.p50, madNs: s.durationNs.mad, count: s.durationNs.count },
    launchesPerStep: s.launches.p50,
    graphLaunchesPerStep: s.graphLaunches.p50,
    captureNs: run.captures?.captureNs ?? null,
    captureMemoryBytes: run.captures?.memoryBytes ?? null,
    captureMemoryMethod: run.captures?.memoryBytes != null ? run.captures.memoryMethod : null,
    captureFreeDropBytes: run.captures?.freeDropBytes ?? null,
    error: null,
  };
}

/** Time left, from the mean time per size so far. */
export function etaNs(elapsedNs: number, done: number, total: number): number | null {
  return done > 0 ? (elapsedNs / done) * (total - done) : null;
}
