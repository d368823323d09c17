// `graphprof run` options: raw flag strings -> one readonly typed configuration, validated before
// any GPU work. Nothing below src/commands/ sees a raw flag string.
import { parseOutputFormat, type OutputFormat } from './format-option.js';
import type { KernelKind, Workload } from '../core/schema.js';
import { UsageError } from '../errors.js';
import { checkWritable } from './output-file.js';
import { bytesFlag, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveIntList } from './options.js';

export const KERNEL_KINDS = ['spin', 'copy', 'empty'] as const satisfies readonly KernelKind[];

/** Defaults as the user would type them; the help text shows these strings. */
export const RUN_DEFAULTS = {
  kernels: '847',
  memcpys: '0',
  syncs: '0',
  kernel: 'spin',
  kernelUs: '2',
  bytesPerSeq: '64KiB',
  memcpyBytes: '4KiB',
  hostOverheadUs: '0',
  batchSizes: '1,2,4,8,16,32',
  iterations: '100',
  warmup: '10',
  device: '0',
} as const;

export type RawRunOptions = Partial<Record<keyof typeof RUN_DEFAULTS, string>> & {
  json?: boolean;
  format?: string;
  output?: string;
  /** --baseline, repeatable: one baseline result or several runs of it */
  baseline?: string | string[];
};

export interface RunOptions {
  readonly workload: Readonly<Workload>;
  readonly json: boolean;
  /** --format (--json is --format json) */
  readonly format: OutputFormat;
  readonly outputPath: string | null;
  /** --baseline files, in order; empty without --baseline */
  readonly baselinePaths: readonly string[];
}

/** Limits that keep a run bounded; beyond them a typo is likelier than an intent. */
export const RUN_LIMITS = {
  kernels: 100_000,
  opsPerStep: 1_000_000,
  iterations: 100_000,
  batch: 65_536,
  kernelUs: 1_000_000,
  hostOverheadUs: 1_000_000,
} as const;

export function parseRunOptions(raw: RawRunOptions): RunOptions {
  const get = (k: keyof typeof RUN_DEFAULTS): string => raw[k] ?? RUN_DEFAULTS[k];
  const kernels = positiveInt('--kernels', get('kernels'), RUN_LIMITS.kernels);
  const memcpys = nonNegativeInt('--memcpys', get('memcpys'), RUN_LIMITS.kernels);
  const syncs = nonNegativeInt('--syncs', get('syncs'), RUN_LIMITS.kernels);
  const kernel = oneOf('--kernel', get('kernel'), KERNEL_KINDS);
  const kernelUs = nonNegativeNumber('--kernel-us', get('kernelUs'));
  if (kernelUs > RUN_LIMITS.kernelUs) throw usage('--kernel-us', `at most ${RUN_LIMITS.kernelUs}, got ${kernelUs}`);
  const hostOverheadUs = nonNegativeNumber('--host-overhead-us', get('hostOverheadUs'));
  if (hostOverheadUs > RUN_LIMITS.hostOverheadUs) throw usage('--host-overhead-us', `at most ${RUN_LIMITS.hostOverheadUs}, got ${hostOverheadUs}`);
  const bytesPerSeq = bytesFlag('--bytes-per-seq', get('bytesPerSeq'));
  if (bytesPerSeq < 16) throw usage('--bytes-per-seq', `at least 16B, got ${bytesPerSeq} bytes`);
  const memcpyBytes = bytesFlag('--memcpy-bytes', get('memcpyBytes'));
  if (memcpyBytes < 1) throw usage('--memcpy-bytes', `at least 1B, got ${memcpyBytes} bytes`);
  const batchSizes = positiveIntList('--batch-sizes', get('batchSizes'), RUN_LIMITS.batch);
  const iterations = positiveInt('--iterations', get('iterations'), RUN_LIMITS.iterations);
  const warmup = nonNegativeInt('--warmup', get('warmup'), RUN_LIMITS.iterations);
  const device = nonNegativeInt('--device', get('device'), 1024);
  return {
    workload: Object.freeze({
      device,
      kernels,
      memcpys,
      syncs,
      kernel,
      kernelNs: Math.round(kernelUs * 1e3),
      bytesPerSeq,
      memcpyBytes,
      hostOverheadNs: Math.round(hostOverheadUs * 1e3),
      batchSizes,
      warmup,
      iterations,
    }),
    json: parseOutputFormat(raw) === 'json',
    format: parseOutputFormat(raw),
    outputPath: raw.output === undefined ? null : (checkWritable('-o', raw.output), raw.output),
    baselinePaths: raw.baseline === undefined ? [] : Array.isArray(raw.baseline) ? raw.baseline : [raw.baseline],
  };
}

/** Device memory the workload allocates at its largest batch size, in bytes. */
export function workloadDeviceBytes(w: Workload): number {
  const maxBatch = Math.max(...w.batchSizes);
  const copy = w.kernel === 'copy' ? 2 * maxBatch * w.bytesPerSeq : 0;
  const copies = w.memcpys > 0 ? 2 * w.memcpyBytes : 0;
  return copy + copies + 8;
}

function usage(flag: string, problem: string): UsageError {
  return new UsageError(`${flag}: ${problem}`);
}
