import { describe, expect, it } from 'vitest';

import { checksumFailure, graphSetupNs, instantiateUploadNs, summarizeBatch } from '../../../src/core/run/summary.js';
import type { BatchSamples } from '../../../src/core/schema.js';

function raw(overrides: Partial<BatchSamples['checksum']> = {}): BatchSamples {
  const n = (v: number) => [v * 0.99, v, v * 1.01];
  return {
    batch: 8,
    eager: { stepNs: n(3_000_000), enqueueNs: n(2_900_000), launchNs: n(3_400), hostOverheadNs: n(0), deviceNs: n(2_950_000) },
    graph: {
      captureNs: 900_000,
      instantiateNs: 4_000_000,
      uploadNs: 1_000_000,
      memoryBytes: 2 * 2 ** 20,
      nodes: 847,
      launchNs: n(2_500),
      stepNs: n(1_000_000),
      deviceNs: n(847 * 750),
    },
    checksum: { expected: 'ab', eager: 'ab', graph: 'ab', ...overrides },
  };
}

describe('summarizeBatch', () => {
  it('derives speedup, overhead share and verdict from the p50s', () => {
    const r = summarizeBatch(raw());
    expect(r.eager.stepNs.p50Ns).toBe(3_000_000);
    expect(r.graph.stepNs.p50Ns).toBe(1_000_000);
    expect(r.speedup).toBeCloseTo(3, 12);
    expect(r.overheadShare).toBeCloseTo(2 / 3, 12);
    expect(r.graph.devicePerNodeNs).toBeCloseTo(750, 9);
    // host enqueue 2.9 ms > graph device 0.635 ms
    expect(r.verdict).toBe('launch-bound');
    expect(r.checksum.ok).toBe(true);
    expect(r.samples.eagerStepNs).toHaveLength(3);
    expect(checksumFailure(r)).toBeNull();
  });

  it('is gpu-bound when the GPU work outlasts the host enqueue', () => {
    const b = raw();
    b.graph.deviceNs = [4e6, 4e6, 4e6];
    expect(summarizeBatch(b).verdict).toBe('gpu-bound');
  });

  it('names the mode whose checksum is wrong', () => {
    const r = summarizeBatch(raw({ graph: '00' }));
    expect(r.checksum.ok).toBe(false);
    expect(checksumFailure(r)).toBe(
      'checksum mismatch at batch size 8: graph replay (got 00), expected ab; not every kernel ran once in order',
    );
    expect(checksumFailure(summarizeBatch(raw({ eager: '01', graph: '02' })))).toContain('eager (got 01) and graph replay (got 02)');
  });
});

describe('graph set-up time, summed once', () => {
  it('adds capture, instantiate and upload', () => {
    const g = raw().graph;
    expect(instantiateUploadNs(g)).toBe(5_000_000);
    expect(graphSetupNs(g)).toBe(5_900_000);
  });
});
