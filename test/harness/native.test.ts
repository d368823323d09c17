import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { foldSteps } from '../../src/harness/fake.js';
import { parseDriverVersion } from '../../src/harness/environment.js';
import { addonCandidates, cudaVersionString, loadHarness, unusableReason, type BuildInfo, type Probe } from '../../src/harness/native.js';

const require = createRequire(import.meta.url);
const cudaBuild: BuildInfo = { cuda: true, architectures: '80-real,90-real,90-virtual', toolkit: '13.0.88', napiVersion: 8 };
const probe = (p: Partial<Probe>): Probe => ({ runtimeVersion: 13000, driverVersion: 13000, errorName: '', errorMessage: '', devices: [], ...p });
const h200 = { index: 0, name: 'NVIDIA H200', computeCapability: '9.0', multiprocessors: 132, totalMemoryBytes: 150e9, pciBusId: '0000:00:06.0' };

describe('unusableReason', () => {
  it('says the addon was built without CUDA first', () => {
    expect(unusableReason({ ...cudaBuild, cuda: false }, probe({}), 0)).toMatch(/^the native addon was built without CUDA .*npm run rebuild:native/);
  });
  it('tells a missing driver from an old one', () => {
    expect(unusableReason(cudaBuild, probe({ driverVersion: 0, errorName: 'cudaErrorInsufficientDriver' }), 0)).toMatch(/^no NVIDIA driver found/);
    expect(unusableReason(cudaBuild, probe({ driverVersion: 12040, errorName: 'cudaErrorInsufficientDriver' }), 0)).toBe(
      "the NVIDIA driver supports CUDA 12.4 but graphprof's runtime is CUDA 13.0: install a driver that supports CUDA 13.0 (R580 or newer for CUDA 13.0), or build graphprof from source with a CUDA 12.4 toolkit: `npm run build:native` in the package folder (docs/usage.md, Installing)",
    );
  });
  it('reports no device and a bad index', () => {
    expect(unusableReason(cudaBuild, probe({ errorName: 'cudaErrorNoDevice' }), 0)).toBe('no CUDA device found: check `nvidia-smi` and CUDA_VISIBLE_DEVICES');
    expect(unusableReason(cudaBuild, probe({ devices: [h200] }), 2)).toBe('--device 2: no such device; this machine has 1 (indices 0..0)');
    expect(unusableReason(cudaBuild, probe({ devices: [h200] }), 0)).toBeNull();
  });
  it('formats CUDA versions', () => {
    expect(cudaVersionString(13000)).toBe('13.0');
    expect(cudaVersionString(12080)).toBe('12.8');
    expect(cudaVersionString(0)).toBeNull();
  });
});

describe('parseDriverVersion', () => {
  it('reads /proc/driver/nvidia/version', () => {
    const text = 'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (dvs-builder@U16-I3-B08-1-2)  Thu Oct  9 2025\nGCC version:  gcc version 12.2.0\n';
    expect(parseDriverVersion(text)).toBe('580.159.04');
    expect(parseDriverVersion('NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023')).toBe('535.104.05');
    expect(parseDriverVersion('garbage')).toBeNull();
  });
});

const nvcc = ['/usr/local/cuda/bin/nvcc'].some(existsSync) || (() => {
  try {
    execSync('command -v nvcc', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the built addon', () => {
  const built = addonCandidates().some(existsSync);
  it.runIf(built)('loads, reports how it was built, and agrees with JS on the checksum fold', () => {
    const h = loadHarness();
    expect(h.kind).toBe('native');
    const b = h.buildInfo();
    expect(b.napiVersion).toBe(8);
    if (nvcc) {
      expect(b.cuda).toBe(true);
      expect(b.architectures).toBe('80-real,90-real,90-virtual');
    }
    // The C++ fold (native/checksum.h) and the JS one must agree, or checksums would be misread.
    const native = require(h.path) as { expectedChecksum(k: number, s: number): string };
    expect(native.expectedChecksum(847, 110)).toBe(foldSteps(847, 110));
    expect(native.expectedChecksum(3, 1)).toBe(foldSteps(3, 1));
  });
  it.runIf(built)('probes without a GPU and says why run cannot work', () => {
    const h = loadHarness();
    const p = h.probe();
    const devices = p.devices.length;
    if (devices === 0) expect(unusableReason(h.buildInfo(), p, 0)).not.toBeNull();
  });
  it.runIf(built)('refuses, before any CUDA work, a configuration with a field missing or an unknown kernel kind', () => {
    const native = require(addonCandidates().find(existsSync)!) as { runBatch(c: object, batch: number): Promise<unknown> };
    const config = { device: 0, kernels: 3, memcpys: 0, syncs: 0, kernel: 'spin', kernelNs: 2000, bytesPerSeq: 65536, memcpyBytes: 4096, hostOverheadNs: 0, warmup: 1, iterations: 2 };
    expect(() => native.runBatch({ ...config, kernel: 'gemm' }, 1)).toThrow('runBatch: config.kernel must be spin, copy or empty, got "gemm"');
    const { iterations: _i, ...missing } = config;
    expect(() => native.runBatch(missing, 1)).toThrow('runBatch: config.iterations must be a number');
  });
});
