import { describe, expect, it } from 'vitest';

import { parseRunOptions, RUN_DEFAULTS, workloadDeviceBytes } from '../../src/commands/run-options.js';

describe('parseRunOptions', () => {
  it('applies the documented defaults', () => {
    const o = parseRunOptions({});
    expect(o.workload).toEqual({
      device: 0,
      kernels: 847,
      memcpys: 0,
      syncs: 0,
      kernel: 'spin',
      kernelNs: 2000,
      bytesPerSeq: 65_536,
      memcpyBytes: 4096,
      hostOverheadNs: 0,
      batchSizes: [1, 2, 4, 8, 16, 32],
      warmup: 10,
      iterations: 100,
    });
    expect(o.json).toBe(false);
    expect(Object.isFrozen(o.workload)).toBe(true);
    expect(RUN_DEFAULTS.kernels).toBe('847');
  });

  it('parses units and lists', () => {
    const o = parseRunOptions({ kernels: '100', kernelUs: '2.5', hostOverheadUs: '12', batchSizes: '8, 1,4,4', bytesPerSeq: '1MiB', kernel: 'copy' });
    expect(o.workload.kernelNs).toBe(2500);
    expect(o.workload.hostOverheadNs).toBe(12_000);
    expect(o.workload.batchSizes).toEqual([1, 4, 8]);
    expect(o.workload.bytesPerSeq).toBe(2 ** 20);
    expect(workloadDeviceBytes(o.workload)).toBe(2 * 8 * 2 ** 20 + 8);
  });

  it.each([
    [{ kernels: '0' }, '--kernels: expected a positive integer, got "0"'],
    [{ kernels: 'abc' }, '--kernels: expected a positive integer, got "abc"'],
    [{ kernels: '1e3' }, '--kernels: expected a positive integer, got "1e3"'],
    [{ kernels: '200000' }, '--kernels: at most 100000, got 200000'],
    [{ batchSizes: '0,-1' }, '--batch-sizes: expected positive integers, got "0" in "0,-1"'],
    [{ batchSizes: '1,,2' }, '--batch-sizes: expected a comma-separated list of positive integers such as 1,2,4,8, got "1,,2"'],
    [{ kernelUs: '-2' }, '--kernel-us: expected a number >= 0, got "-2"'],
    [{ kernel: 'gemm' }, '--kernel: expected one of spin, copy, empty, got "gemm"'],
    [{ bytesPerSeq: '64' }, '--bytes-per-seq: "64" has no unit'],
    [{ memcpys: '-3' }, '--memcpys: expected a whole number >= 0, got "-3"'],
    [{ iterations: '0' }, '--iterations: expected a positive integer, got "0"'],
  ])('%o is refused: %s', (raw, message) => {
    expect(() => parseRunOptions(raw)).toThrow(message);
    try {
      parseRunOptions(raw);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
