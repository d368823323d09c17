// `graphprof recommend` options: raw flag strings -> one readonly typed configuration, units
// parsed here (--mem-budget 500MB -> memBudgetBytes 500_000_000). Nothing below src/commands/
// sees a raw flag string.
import { parseOutputFormat, type OutputFormat } from './format-option.js';
import { parseDistributionSpec, type DistributionSpec } from '../core/recommend/distribution.js';
import type { PoolCostModel } from '../core/recommend/pool.js';
import { MODEL_DEFAULTS } from '../core/recommend/model-defaults.js';
import { formatBytes, formatDuration } from '../core/units.js';
import { UsageError, ValueError } from '../errors.js';
import { bytesFlag, durationFlag, oneOf, positiveInt, MAX_BATCH_LIMIT } from './options.js';

/** Defaults as the user would type them; the help text shows these strings. */
export const RECOMMEND_DEFAULTS = {
  maxBatch: '256',
  dist: 'uniform',
  engine: 'all',
} as const;

export const ENGINE_CHOICES = ['all', 'vllm', 'sglang', 'trtllm'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** Model flags: flag name -> constant, and whether it is a size or a duration. */
export const MODEL_FLAGS = {
  stepBase: { flag: '--step-base', key: 'stepBaseNs', unit: 'duration' },
  stepPerSeq: { flag: '--step-per-seq', key: 'stepPerSeqNs', unit: 'duration' },
  eagerPenalty: { flag: '--eager-penalty', key: 'eagerPenaltyNs', unit: 'duration' },
  graphMem: { flag: '--graph-mem', key: 'graphMemBytes', unit: 'bytes' },
  poolPerSeq: { flag: '--pool-per-seq', key: 'poolPerSeqBytes', unit: 'bytes' },
  captureTime: { flag: '--capture-time', key: 'captureBaseNs', unit: 'duration' },
  capturePerSeq: { flag: '--capture-per-seq', key: 'capturePerSeqNs', unit: 'duration' },
} as const satisfies Record<string, { flag: string; key: keyof PoolCostModel; unit: 'duration' | 'bytes' }>;

export type RawRecommendOptions = Partial<Record<keyof typeof RECOMMEND_DEFAULTS | keyof typeof MODEL_FLAGS | 'memBudget' | 'captureBudget' | 'from' | 'maxGraphs' | 'within', string>> & {
  sharedPool?: boolean;
  allowEagerTail?: boolean;
  json?: boolean;
  /** --curve, repeatable */
  curve?: string[];
  /** --engine-log, repeatable */
  engineLog?: string[];
  format?: string;
};

export interface RecommendOptions {
  readonly maxBatch: number;
  readonly dist: DistributionSpec;
  readonly memBudgetBytes: number | null;
  readonly captureBudgetNs: number | null;
  /** --max-graphs: most graphs captured */
  readonly maxGraphs: number | null;
  /** --within: accept the fewest graphs within this share of the optimum (0.01 for 1%) */
  readonly within: number | null;
  readonly fromPath: string | null;
  /** --curve files (measured step time per batch size, from `graphprof sweep`); medians merged */
  readonly curvePaths: readonly string[];
  /** --engine-log files (vLLM or SGLang start-up logs): capture time and memory per graph */
  readonly engineLogPaths: readonly string[];
  /** constants given by flags, in ns and bytes */
  readonly modelFlags: Readonly<Partial<PoolCostModel>>;
  readonly sharedPool: boolean;
  readonly allowEagerTail: boolean;
  readonly engine: EngineChoice;
  readonly json: boolean;
  /** --format (--json is --format json) */
  readonly format: OutputFormat;
}

export function parseRecommendOptions(raw: RawRecommendOptions): RecommendOptions {
  const get = (k: keyof typeof RECOMMEND_DEFAULTS): string => raw[k] ?? RECOMMEND_DEFAULTS[k];
  const maxBatch = positiveInt('--max-batch', get('maxBatch'), MAX_BATCH_LIMIT);
  let dist: DistributionSpec;
  try {
    dist = parseDistributionSpec(get('dist'));
  } catch (err) {
    if (err instanceof ValueError) throw new UsageError(`--dist: ${err.message}`);
    throw err;
  }
  const memBudgetBytes = raw.memBudget === undefined ? null : bytesFlag('--mem-budget', raw.memBudget);
  if (memBudgetBytes !== null && memBudgetBytes <= 0) throw new UsageError(`--mem-budget: expected a size above 0, got "${raw.memBudget}"`);
  const captureBudgetNs = raw.captureBudget === undefined ? null : Math.round(durationFlag('--capture-budget', raw.captureBudget));
  if (captureBudgetNs !== null && captureBudgetNs <= 0) throw new UsageError(`--capture-budget: expected a duration above 0, got "${raw.captureBudget}"`);
  const maxGraphs = raw.maxGraphs === undefined ? null : positiveInt('--max-graphs', raw.maxGraphs, MAX_BATCH_LIMIT);
  const within = raw.within === undefined ? null : percentFlag('--within', raw.within);
  const modelFlags: Partial<PoolCostModel> = {};
  for (const [name, spec] of Object.entries(MODEL_FLAGS) as [keyof typeof MODEL_FLAGS, (typeof MODEL_FLAGS)[keyof typeof MODEL_FLAGS]][]) {
    const text = raw[name];
    if (text === undefined) continue;
    modelFlags[spec.key] = spec.unit === 'bytes' ? bytesFlag(spec.flag, text) : durationFlag(spec.flag, text);
  }
  if ((raw.curve ?? []).length > 0) {
    for (const k of ['stepBase', 'stepPerSeq'] as const) {
      if (raw[k] !== undefined) throw new UsageError(`${MODEL_FLAGS[k].flag}: the step time comes from --curve (measured); drop one of them`);
    }
  }
  return Object.freeze({
    maxBatch,
    dist,
    memBudgetBytes,
    captureBudgetNs,
    maxGraphs,
    within,
    fromPath: raw.from ?? null,
    curvePaths: Object.freeze([...(raw.curve ?? [])]),
    engineLogPaths: Object.freeze([...(raw.engineLog ?? [])]),
    modelFlags: Object.freeze(modelFlags),
    sharedPool: raw.sharedPool !== false,
    allowEagerTail: raw.allowEagerTail === true,
    engine: oneOf('--engine', get('engine'), ENGINE_CHOICES),
    json: parseOutputFormat(raw) === 'json',
    format: parseOutputFormat(raw),
  });
}

/** "1%", "0.5%" -> 0.01, 0.005 (--within): a percentage above 0 and at most 100; unlike options.ts shareFlag, "1%" only, never a bare 0.01 or 0. */
function percentFlag(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const v = m ? Number(m[1]) / 100 : NaN;
  if (!(v > 0 && v <= 1)) throw new UsageError(`${flag}: expected a percentage above 0 and at most 100, such as 1% or 0.5%, got "${text}"`);
  return v;
}

/** The model constants' defaults as the help text shows them, with their units. */
export function modelFlagDefaults(): Record<keyof typeof MODEL_FLAGS, string> {
  const out = {} as Record<keyof typeof MODEL_FLAGS, string>;
  for (const [name, spec] of Object.entries(MODEL_FLAGS) as [keyof typeof MODEL_FLAGS, (typeof MODEL_FLAGS)[keyof typeof MODEL_FLAGS]][]) {
    const v = MODEL_DEFAULTS[spec.key];
    out[name] = spec.unit === 'bytes' ? formatBytes(v) : formatDuration(v);
  }
  return out;
}
