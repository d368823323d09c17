// Units are parsed and printed only here. Inside graphprof every time is in nanoseconds and every
// size in bytes; a share is a number in 0..1.
import { ValueError } from '../errors.js';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const TIME_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  min: 60e9,
};

const NUMBER_WITH_UNIT = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-zµμ%]*)\s*$/i;

function split(text: string, what: string, accepted: string): { value: number; unit: string } {
  const m = NUMBER_WITH_UNIT.exec(text);
  if (!m) throw new ValueError(`expected ${what} such as ${accepted}, got "${text}"`);
  const value = Number(m[1]);
  if (!Number.isFinite(value)) throw new ValueError(`"${text}" is too large to be ${what}`);
  return { value, unit: (m[2] ?? '').toLowerCase() };
}

/** "500MB" -> 500_000_000; "0.5GiB" -> 536_870_912. A bare number is an error. */
export function parseBytes(text: string): number {
  const accepted = '500MB, 0.5GiB, 64KB, 4096B';
  const { value, unit } = split(text, 'a size', accepted);
  if (unit === '') throw new ValueError(`"${text}" has no unit; use B, KB, MB, GB (10^3) or KiB, MiB, GiB (2^10)`);
  const scale = BYTE_UNITS[unit];
  if (scale === undefined) throw new ValueError(`unknown size unit "${unit}" in "${text}"; use B, KB, MB, GB, KiB, MiB or GiB`);
  if (value < 0) throw new ValueError(`a size cannot be negative, got "${text}"`);
  const bytes = Math.round(value * scale);
  // past 2^53 bytes (9 PB) the figure is not exact, and no GPU holds it
  if (!(bytes <= Number.MAX_SAFE_INTEGER)) throw new ValueError(`"${text}" is too large to be a size (at most 9 PB)`);
  return bytes;
}

/** "15s" -> 15e9; "2.5us" -> 2500; "1500ms" -> 1.5e9. A bare number is an error. */
export function parseDuration(text: string): number {
  const accepted = '2.5us, 30ms, 20s';
  const { value, unit } = split(text, 'a duration', accepted);
  if (unit === '') throw new ValueError(`"${text}" has no unit; use ns, us (or µs), ms, s or min`);
  const scale = TIME_UNITS[unit];
  if (scale === undefined) throw new ValueError(`unknown time unit "${unit}" in "${text}"; use ns, us, ms, s or min`);
  if (value < 0) throw new ValueError(`a duration cannot be negative, got "${text}"`);
  const ns = value * scale;
  // 1e300s is finite as seconds but not as nanoseconds; past 2^53 ns (104 days) sums lose whole ns
  if (!(ns <= Number.MAX_SAFE_INTEGER)) throw new ValueError(`"${text}" is too large to be a duration (at most 104 days)`);
  return ns;
}

/** "30%" -> 0.3; "0.3" -> 0.3. Shares above 100% are allowed only where the caller says so. */
export function parseShare(text: string, allowAboveOne = false): number {
  const { value, unit } = split(text, 'a share', '30% or 0.3');
  let share: number;
  if (unit === '%') share = value / 100;
  else if (unit === '') share = value;
  else throw new ValueError(`expected a share such as 30% or 0.3, got "${text}"`);
  if (share < 0 || (!allowAboveOne && share > 1)) throw new ValueError(`expected a share between 0% and 100%, got "${text}"`);
  return share;
}

function trim(n: number, digits: number): string {
  // Three significant digits reads well for measurements: 2.61, 26.1, 261.
  const abs = Math.abs(n);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : digits;
  return n.toFixed(decimals);
}

/** Nanoseconds to a human string with the unit that keeps 1-3 integer digits. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${trim(ns, 0)} ns`;
  if (abs < 1e6) return `${trim(ns / 1e3, 2)} µs`;
  if (abs < 1e9) return `${trim(ns / 1e6, 2)} ms`;
  return `${trim(ns / 1e9, 2)} s`;
}

/** Bytes to a binary-prefixed string (GPU memory is reported in MiB/GiB by every CUDA tool). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  if (abs < 2 ** 20) return `${trim(bytes / 2 ** 10, 1)} KiB`;
  if (abs < 2 ** 30) return `${trim(bytes / 2 ** 20, 1)} MiB`;
  return `${trim(bytes / 2 ** 30, 2)} GiB`;
}

/** 0.423 -> "42.3%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return 'n/a';
  return `${(share * 100).toFixed(1)}%`;
}

/** 3.14159 -> "3.14x". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio.toFixed(ratio >= 100 ? 0 : 2)}x`;
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}

/** What a figure measures, which picks how it is printed (STYLE.md, habit 7). */
export type FigureKind = 'duration' | 'bytes' | 'share' | 'count' | 'ratio';

/** A figure with its unit, by kind: "2.50 ms", "4.0 MiB", "42.3%", "847" (or "4.20"), "1.69x". */
export function formatFigure(kind: FigureKind, v: number): string {
  switch (kind) {
    case 'duration':
      return formatDuration(v);
    case 'bytes':
      return formatBytes(v);
    case 'share':
      return formatShare(v);
    case 'ratio':
      return formatRatio(v);
    case 'count':
      // counts per step may be fractional (launches / steps): two decimals then
      return Number.isInteger(v) ? formatCount(v) : v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
}

/** A change of a share in percentage points, signed: 0.02 -> "+2.0 pp", -0.001 -> "-0.1 pp". */
export function formatPoints(change: number): string {
  return `${change > 0 ? '+' : ''}${(change * 100).toFixed(1)} pp`;
}
