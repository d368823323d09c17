// Flag parsing shared by every command: each helper turns one raw string into a typed value or
// throws a UsageError that names the flag, what was expected and what was received.
import { UsageError, ValueError } from '../errors.js';
import { parseStepMarker } from '../core/trace/steps.js';
import { parseBytes, parseDuration, parseShare } from '../core/units.js';

/** Largest batch size a command takes (recommend's --max-batch, sweep's sizes): the optimiser is exact and fast up to here (bench/RESULTS-recommend.md). */
export const MAX_BATCH_LIMIT = 16_384;

export function positiveInt(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  if (n > max) throw new UsageError(`${flag}: at most ${max}, got ${n}`);
  return n;
}

export function nonNegativeInt(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag}: expected a whole number >= 0, got "${text}"`);
  if (n > max) throw new UsageError(`${flag}: at most ${max}, got ${n}`);
  return n;
}

/** A plain non-negative decimal, for flags whose unit is in their name (--kernel-us 2.5). */
export function nonNegativeNumber(flag: string, text: string): number {
  const n = /^\s*(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: expected a number >= 0, got "${text}"`);
  return n;
}

/** "1,2,4,8" -> [1, 2, 4, 8], sorted, duplicates removed. */
export function positiveIntList(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new UsageError(`${flag}: expected a comma-separated list of positive integers such as 1,2,4,8, got "${text}"`);
  }
  const values = parts.map((p) => {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag}: expected positive integers, got "${p}" in "${text}"`);
    if (n > max) throw new UsageError(`${flag}: each size at most ${max}, got ${n}`);
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got "${text}"`);
}

function wrapped<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ValueError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

export const stepMarkerFlag = (text: string): ReturnType<typeof parseStepMarker> => wrapped('--step-marker', () => parseStepMarker(text));
export const bytesFlag = (flag: string, text: string): number => wrapped(flag, () => parseBytes(text));
export const durationFlag = (flag: string, text: string): number => wrapped(flag, () => parseDuration(text));
export const shareFlag = (flag: string, text: string): number => wrapped(flag, () => parseShare(text));
