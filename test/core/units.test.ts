import { describe, expect, it } from 'vitest';

import { formatBytes, formatDuration, formatFigure, formatPoints, formatRatio, formatShare, parseBytes, parseDuration, parseShare } from '../../src/core/units.js';

describe('parseBytes', () => {
  it.each([
    ['500MB', 500_000_000],
    ['0.5GiB', 536_870_912],
    ['64KiB', 65_536],
    ['64KB', 64_000],
    ['2 gb', 2e9],
    ['4096B', 4096],
    ['1.5TiB', 1.5 * 2 ** 40],
  ])('%s -> %d bytes', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it('rejects a bare number and names the accepted units', () => {
    expect(() => parseBytes('500')).toThrow('"500" has no unit; use B, KB, MB, GB (10^3) or KiB, MiB, GiB (2^10)');
  });
  it('rejects unknown units, negatives and garbage', () => {
    expect(() => parseBytes('5 furlongs')).toThrow('unknown size unit "furlongs" in "5 furlongs"; use B, KB, MB, GB, KiB, MiB or GiB');
    expect(() => parseBytes('lots')).toThrow('expected a size such as 500MB, 0.5GiB, 64KB, 4096B, got "lots"');
    expect(() => parseBytes('5XB')).toThrow('unknown size unit "xb" in "5XB"');
    expect(() => parseBytes('-1MB')).toThrow('a size cannot be negative, got "-1MB"');
    expect(() => parseBytes('1e999GB')).toThrow('"1e999GB" is too large to be a size');
    expect(() => parseDuration('1e999s')).toThrow('"1e999s" is too large to be a duration');
  });
});

describe('parseDuration', () => {
  it.each([
    ['15s', 15e9],
    ['2.5us', 2500],
    ['2.5µs', 2500],
    ['1500ms', 1.5e9],
    ['30 ms', 30e6],
    ['100ns', 100],
    ['1min', 60e9],
  ])('%s -> %d ns', (text, ns) => expect(parseDuration(text)).toBe(ns));
  it('rejects a bare number', () => expect(() => parseDuration('30')).toThrow('"30" has no unit; use ns, us (or µs), ms, s or min'));
  it('rejects negatives', () => expect(() => parseDuration('-3ms')).toThrow('a duration cannot be negative'));
});

describe('parseShare', () => {
  it('reads percent and fractions', () => {
    expect(parseShare('30%')).toBeCloseTo(0.3, 12);
    expect(parseShare('0.3')).toBe(0.3);
    expect(parseShare('100%')).toBe(1);
  });
  it('rejects shares above 100% unless allowed', () => {
    expect(() => parseShare('130%')).toThrow('expected a share between 0% and 100%, got "130%"');
    expect(parseShare('130%', true)).toBeCloseTo(1.3, 12);
  });
  it('rejects other units', () => expect(() => parseShare('3pp')).toThrow('expected a share such as 30% or 0.3, got "3pp"'));
});

describe('formatting', () => {
  it.each([
    [0, '0 ns'],
    [999, '999 ns'],
    [1000, '1.00 µs'],
    [2_612, '2.61 µs'],
    [26_120, '26.1 µs'],
    [261_200, '261 µs'],
    [12_690_000, '12.7 ms'],
    [4.42e9, '4.42 s'],
  ])('duration %d ns -> %s', (ns, text) => expect(formatDuration(ns)).toBe(text));
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [4096, '4.0 KiB'],
    [2 * 2 ** 20, '2.0 MiB'],
    [140 * 2 ** 30, '140 GiB'],
  ])('bytes %d -> %s', (b, text) => expect(formatBytes(b)).toBe(text));
  it('formats shares and ratios', () => {
    expect(formatShare(0.4231)).toBe('42.3%');
    expect(formatRatio(20.254)).toBe('20.25x');
    expect(formatShare(NaN)).toBe('n/a');
  });
});

describe('formatFigure and formatPoints: one formatter per kind, one for percentage points', () => {
  it('prints each kind with its unit', () => {
    expect(formatFigure('duration', 2_500_000)).toBe('2.50 ms');
    expect(formatFigure('bytes', 4 * 2 ** 20)).toBe('4.0 MiB');
    expect(formatFigure('share', 0.4231)).toBe('42.3%');
    expect(formatFigure('ratio', 1.6917)).toBe('1.69x');
    expect(formatFigure('count', 1234567)).toBe('1,234,567');
    expect(formatFigure('count', 4.2)).toBe('4.20');
    expect(formatFigure('count', 1234.5)).toBe('1,234.50');
  });
  it('signs a change of a share in percentage points', () => {
    expect(formatPoints(0.02)).toBe('+2.0 pp');
    expect(formatPoints(-0.0012)).toBe('-0.1 pp');
    expect(formatPoints(0)).toBe('0.0 pp');
  });
});
