// The options of `graphprof trace` that feed the step model (docs/analyze.md): --predict (W from
// the host tracer, G from a second run under CUPTI) and --calibration. Parsed once, checked before
// anything runs; trace-options.ts holds the tracer's own options.
import { UsageError } from '../errors.js';
import type { RawTraceOptions, TraceOptions } from './trace-options.js';

export interface RawTraceModelOptions {
  predict?: boolean;
  calibration?: string | string[];
}

export interface TraceModelOptions {
  /** run the command twice: host tracer (step wall time, launch calls), then CUPTI (device times) */
  readonly predict: boolean;
  readonly calibrationPaths: readonly string[];
}

export function parseTraceModelOptions(raw: RawTraceModelOptions & RawTraceOptions, options: TraceOptions): TraceModelOptions {
  const predict = raw.predict === true;
  if (predict) {
    if (!options.stepMarker) throw new UsageError('--predict: the eager step and its GPU time are measured over marked steps; add --step-marker nvtx:NAME or api:NAME');
    if (raw.tracer !== undefined || raw.deviceTime !== undefined || raw.cupti !== undefined) {
      throw new UsageError('--predict runs the command under both tracers (host, then CUPTI with device times); leave out --tracer, --device-time and --cupti');
    }
    if (options.captureRange) throw new UsageError('--predict: not with --capture-range (both runs must hold the same steps)');
  }
  const calibrationPaths = raw.calibration === undefined ? [] : Array.isArray(raw.calibration) ? [...raw.calibration] : [raw.calibration];
  return Object.freeze({ predict, calibrationPaths: Object.freeze(calibrationPaths) });
}
