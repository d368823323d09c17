// `graphprof sweep` options: raw flag strings -> one readonly typed configuration. The command
// follows `--`; {batch} in it is replaced by each size (GRAPHPROF_BATCH is set too).
import { defaultSweepSizes, hasPlaceholder } from '../core/sweep/sweep.js';
import { UsageError } from '../errors.js';
import { MAX_BATCH_LIMIT, positiveInt, positiveIntList, stepMarkerFlag } from './options.js';
import { checkWritable } from './output-file.js';

export interface RawSweepOptions {
  batchSizes?: string;
  maxBatch?: string;
  stepMarker?: string;
  output?: string;
  json?: boolean;
  /** --batch-env: the program reads GRAPHPROF_BATCH, no {batch} needed */
  batchEnv?: boolean;
}

export interface SweepOptions {
  readonly command: readonly string[];
  readonly batchSizes: readonly number[];
  /** "nvtx:NAME" or "api:NAME" */
  readonly stepMarker: string;
  readonly stepKind: 'nvtx' | 'api';
  readonly outputPath: string | null;
  readonly json: boolean;
  readonly batchVia: 'placeholder' | 'env';
}

export function parseSweepOptions(raw: RawSweepOptions, command: readonly string[], argv: readonly string[]): SweepOptions {
  if (command.length === 0) throw new UsageError('sweep: name the command to run after --, e.g. graphprof sweep --max-batch 256 --step-marker nvtx:decode_step -- python decode.py --batch {batch}');
  if (!argv.includes('--')) throw new UsageError(`sweep: put -- between graphprof's options and the command, e.g. graphprof sweep --max-batch 256 --step-marker nvtx:decode_step -- ${command.join(' ')}`);
  if ((raw.batchSizes === undefined) === (raw.maxBatch === undefined)) {
    throw new UsageError('sweep: give the sizes as --batch-sizes 1,2,4,8 or --max-batch B (powers of two and the engines\' default capture sizes up to B), one of the two');
  }
  const batchSizes = raw.batchSizes !== undefined ? positiveIntList('--batch-sizes', raw.batchSizes, MAX_BATCH_LIMIT) : defaultSweepSizes(positiveInt('--max-batch', raw.maxBatch!, MAX_BATCH_LIMIT));
  if (raw.stepMarker === undefined) throw new UsageError('--step-marker: required: sweep measures the time between the program\'s step marks, e.g. --step-marker nvtx:decode_step (an NVTX range) or api:cudaStreamSynchronize');
  const marker = stepMarkerFlag(raw.stepMarker);
  const placeholder = hasPlaceholder(command);
  if (!placeholder && raw.batchEnv !== true) {
    throw new UsageError(
      `sweep: the command has no {batch}: put {batch} where the batch size goes (e.g. -- ${command.join(' ')} --batch {batch}), or pass --batch-env if the program reads the size from GRAPHPROF_BATCH; without either every size would run the same program`,
    );
  }
  return Object.freeze({
    command: Object.freeze([...command]),
    batchSizes: Object.freeze(batchSizes),
    stepMarker: `${marker.kind}:${marker.name}`,
    stepKind: marker.kind,
    outputPath: raw.output === undefined ? null : (checkWritable('-o', raw.output), raw.output),
    json: raw.json === true,
    batchVia: placeholder ? ('placeholder' as const) : ('env' as const),
  });
}
