// `graphprof sweep`, the pure part: the default grid of batch sizes, the {batch} placeholder, and one
// size's trace turned into a curve point. The curve format itself: core/recommend/step-curve.ts.
import { failedPoint, type CurvePoint } from '../recommend/step-curve.js';
import { sglangDefaultSizes, vllmDefaultSizes } from '../recommend/pool.js';
import type { StepFigures } from '../trace/steps.js';

export const BATCH_PLACEHOLDER = '{batch}';

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

export interface SizeRun {
  batch: number;
  exitCode: number;
  signal: string | null;
  /** trace records found (complete or not) */
  records: number;
  /** the marked steps of the complete records; null when none was seen */
  steps: StepFigures | null;
  stepMarker: string;
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
    captureNs: null,
    captureMemoryBytes: null,
    captureMemoryMethod: null,
    error: null,
  };
}

/** Time left, from the mean time per size so far. */
export function etaNs(elapsedNs: number, done: number, total: number): number | null {
  return done > 0 ? (elapsedNs / done) * (total - done) : null;
}
