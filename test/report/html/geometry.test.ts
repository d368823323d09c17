import { describe, expect, it } from 'vitest';

import { bandScale, bytesUnit, linearScale, log2Scale, niceDomain, niceStep, niceTicks, planAxis, planIntegerAxis, tickLabel, timeUnit } from '../../../src/report/html/geometry.js';

describe('nice steps and ticks', () => {
  it('picks 1, 2 or 5 times a power of ten near span / count', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(1, 4)).toBe(0.2);
    expect(niceStep(7, 5)).toBe(1);
    expect(niceStep(3.3, 5)).toBe(0.5);
    expect(niceStep(4500, 6)).toBe(1000);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('ticks lie inside the range at the nice step, without float noise', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.1, 0.95, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('widens a domain outwards to whole steps; a single value gets an axis around it', () => {
    expect(niceDomain(0, 3.75, 5)).toEqual([0, 4]);
    expect(niceDomain(3.52, 4.42, 5)).toEqual([3.4, 4.6]);
    expect(niceDomain(0, 0)).toEqual([0, 1]);
    expect(niceDomain(10, 10)).toEqual([9, 11]);
    expect(niceDomain(NaN, 1)).toEqual([0, 1]);
  });
});

describe('scales', () => {
  it('maps a value to its pixel and back, flipped for a y axis', () => {
    const x = linearScale([0, 100], [50, 250]);
    expect(x.map(0)).toBe(50);
    expect(x.map(25)).toBe(100);
    expect(x.map(100)).toBe(250);
    expect(x.invert(150)).toBe(50);
    const y = linearScale([0, 4], [300, 20]);
    expect(y.map(0)).toBe(300);
    expect(y.map(4)).toBe(20);
    expect(y.map(1)).toBe(230);
  });

  it('puts a zero-width domain in the middle instead of NaN', () => {
    expect(linearScale([3, 3], [0, 100]).map(3)).toBe(50);
  });

  it('log2: powers of two evenly spaced, a tick at each', () => {
    const s = log2Scale([1, 32], [0, 500]);
    expect(s.map(1)).toBe(0);
    expect(s.map(32)).toBe(500);
    expect(s.map(4)).toBe(200);
    expect(s.map(8) - s.map(4)).toBeCloseTo(s.map(4) - s.map(2), 9);
    expect(s.ticks).toEqual([1, 2, 4, 8, 16, 32]);
    expect(s.invert(300)).toBeCloseTo(8, 9);
    expect(log2Scale([3, 100], [0, 1]).ticks).toEqual([4, 8, 16, 32, 64]);
  });

  it('bands: equal steps, padding left empty on both sides of each band', () => {
    const b = bandScale(4, [0, 400], 0.5);
    expect(b.bandwidth).toBe(50);
    expect(b.start(0)).toBe(25);
    expect(b.centre(0)).toBe(50);
    expect(b.start(3)).toBe(325);
  });
});

describe('axis units', () => {
  it('takes the largest unit that keeps the top of the axis at 1 or more', () => {
    expect(timeUnit(3_748_000)).toEqual({ name: 'ms', per: 1e6 });
    expect(timeUnit(999_999)).toEqual({ name: 'µs', per: 1e3 });
    expect(timeUnit(12)).toEqual({ name: 'ns', per: 1 });
    expect(timeUnit(2.5e9).name).toBe('s');
    expect(bytesUnit(4 * 2 ** 20).name).toBe('MiB');
    expect(bytesUnit(1000).name).toBe('B');
  });

  it('plans an axis in its display unit: ticks carry base-unit values and unit labels', () => {
    const plan = planAxis(0, 3_750_000, timeUnit(3_750_000), 5);
    expect(plan.unit.name).toBe('ms');
    expect(plan.domain).toEqual([0, 4_000_000]);
    expect(plan.ticks.map((t) => t.label)).toEqual(['0', '1', '2', '3', '4']);
    expect(plan.ticks.map((t) => t.value)).toEqual([0, 1e6, 2e6, 3e6, 4e6]);
    const fine = planAxis(3_520, 4_420, timeUnit(4_420), 5);
    // a 0.9 µs span at about 5 ticks: a step of 0.2 µs, the domain widened to whole steps
    expect(fine.ticks.map((t) => t.label)).toEqual(['3.4', '3.6', '3.8', '4.0', '4.2', '4.4', '4.6']);
    expect(fine.domain).toEqual([3_400, 4_600]);
  });

  it('labels ticks with the decimals their step needs', () => {
    expect(tickLabel(0.2, 0.2)).toBe('0.2');
    expect(tickLabel(2, 1)).toBe('2');
    expect(tickLabel(0.05, 0.05)).toBe('0.05');
    expect(tickLabel(-0, 1)).toBe('0');
  });

  it('integer axes never tick between whole numbers', () => {
    expect(planIntegerAxis(0, 4).ticks.map((t) => t.value)).toEqual([0, 1, 2, 3, 4]);
    expect(planIntegerAxis(0, 1999, 8).ticks.map((t) => t.value)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  });
});
