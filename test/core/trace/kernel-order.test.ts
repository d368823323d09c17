import { describe, expect, it } from 'vitest';

import type { TimelineDeviceEvent, TimelineStep } from '../../../src/core/trace/record.js';
import { kernelRepeatsPerStep, repeatsOf } from '../../../src/core/trace/kernel-order.js';

let corr = 0;
const ev = (name: string, startNs: number, stream = 7, kind: TimelineDeviceEvent['kind'] = 'kernel', graph = false): TimelineDeviceEvent => ({
  stream,
  kind,
  name,
  startNs,
  durationNs: 900,
  correlationId: ++corr,
  graph,
});
const step = (index: number, device: TimelineDeviceEvent[]): TimelineStep => ({ index, tid: 1, startNs: 0, endNs: 1e6, host: [], device });

describe('repeats from the kernel order of the kept steps', () => {
  it('a one-kernel step: every instance but the first follows itself', () => {
    const r = kernelRepeatsPerStep([step(0, [0, 1, 2, 3, 4].map((i) => ev('empty', i * 1000)))]);
    expect(r).not.toBeNull();
    expect(r!.steps).toBe(1);
    expect([...r!.perStep]).toEqual([['empty', 4]]);
    expect([...r!.instancesPerStep]).toEqual([['empty', 5]]);
  });

  it('orders by start time per stream: interleaved streams do not make repeats, a copy breaks a run', () => {
    // stream 7: a a b a (1 repeat of a); stream 9: a a (1 repeat), given out of order; a copy between two c's
    const device = [ev('a', 0), ev('a', 1000), ev('b', 2000), ev('a', 3000), ev('a', 2500, 9), ev('a', 500, 9), ev('c', 4000), ev('memcpy', 5000, 7, 'memcpy'), ev('c', 6000)];
    const r = kernelRepeatsPerStep([step(0, device)])!;
    expect(Object.fromEntries(r.perStep)).toEqual({ a: 2 });
  });

  it('averages over the kept steps with device events; graph nodes and host-only steps are left out', () => {
    const r = kernelRepeatsPerStep([
      step(0, [ev('k', 0), ev('k', 1000), ev('k', 2000)]),
      step(1, [ev('k', 0), ev('j', 1000), ev('k', 2000), ev('g', 3000, 7, 'kernel', true), ev('g', 4000, 7, 'kernel', true)]),
      step(2, []),
    ])!;
    expect(r.steps).toBe(2);
    expect(Object.fromEntries(r.perStep)).toEqual({ k: 1 });
  });

  it('the kept steps\' share of repeats applies to a kernel\'s instances over all steps', () => {
    // kept step: k 3 times back to back (2 repeats of 3); over all 10 steps the trace saw 50 k
    const r = kernelRepeatsPerStep([step(0, [ev('k', 0), ev('k', 1000), ev('k', 2000)])])!;
    expect(repeatsOf(r, 'k', 50)).toBeCloseTo((2 / 3) * 50, 12);
    expect(repeatsOf(r, 'never-kept', 50)).toBe(0);
  });

  it('no kept step with device events: null (the host tracer, or no timeline)', () => {
    expect(kernelRepeatsPerStep([])).toBeNull();
    expect(kernelRepeatsPerStep([step(0, [])])).toBeNull();
  });
});
