import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { compareVersions, cudaVersionOfToolkit, driverMismatch, platformMismatch, readManifestBeside, type BuildManifest } from '../../src/harness/build-manifest.js';
import { explainChoice, unusableReason, type AddonChoice, type BuildInfo, type Probe } from '../../src/harness/native.js';

const prebuilt: BuildManifest = {
  origin: 'prebuilt',
  platform: 'linux',
  arch: 'x64',
  glibc: '2.34',
  cuda: true,
  toolkit: '13.0.88',
  cudaVersion: 13000,
  tracers: { host: true, cupti: true },
  builtAt: '2026-12-06T00:00:00.000Z',
};
const linux = { platform: 'linux', arch: 'x64', glibc: '2.36' };

describe('platformMismatch: checked before a build is loaded', () => {
  it('accepts the same platform and an equal or newer glibc', () => {
    expect(platformMismatch(prebuilt, linux)).toBeNull();
    expect(platformMismatch(prebuilt, { ...linux, glibc: '2.34' })).toBeNull();
  });
  it('refuses another platform or CPU, an older glibc, no glibc', () => {
    expect(platformMismatch(prebuilt, { ...linux, arch: 'arm64' })).toBe('it was built for linux-x64 and this machine is linux-arm64');
    expect(platformMismatch(prebuilt, { ...linux, platform: 'darwin', glibc: null })).toBe('it was built for linux-x64 and this machine is darwin-x64');
    expect(platformMismatch(prebuilt, { ...linux, glibc: '2.31' })).toBe('it needs glibc 2.34 and this system has 2.31');
    expect(platformMismatch(prebuilt, { ...linux, glibc: null })).toBe('it needs glibc 2.34 and this system has no glibc (musl?)');
  });
  it('compares versions by number, not by text', () => {
    expect(compareVersions('2.9', '2.34')).toBeLessThan(0);
    expect(compareVersions('2.34', '2.34.0')).toBe(0);
    expect(platformMismatch({ ...prebuilt, glibc: '2.9' }, { ...linux, glibc: '2.10' })).toBeNull();
  });
});

describe('driverMismatch: the driver must support the CUDA version the addon was built with', () => {
  it('refuses an R535-R570 driver for a CUDA 13.0 build', () => {
    expect(driverMismatch(prebuilt, 12020)).toBe('it was built with CUDA 13.0.88 and needs a driver for CUDA 13.x (R580 or newer); this driver supports CUDA 12.2');
    expect(driverMismatch(prebuilt, 12080)).toMatch(/this driver supports CUDA 12\.8$/);
  });
  it('a 12.x build runs on any 12.x driver (minor-version compatibility), not on 11.x', () => {
    const cuda124 = { ...prebuilt, toolkit: '12.4.131', cudaVersion: 12040 };
    expect(driverMismatch(cuda124, 12020)).toBeNull();
    expect(driverMismatch(cuda124, 11080)).toBe('it was built with CUDA 12.4.131 and needs a driver for CUDA 12.x (R525 or newer); this driver supports CUDA 11.8');
  });
  it('accepts an equal or newer driver, and says nothing without a driver or for the stub', () => {
    expect(driverMismatch(prebuilt, 13000)).toBeNull();
    expect(driverMismatch(prebuilt, 13020)).toBeNull();
    expect(driverMismatch(prebuilt, 0)).toBeNull();
    expect(driverMismatch({ ...prebuilt, cuda: false, cudaVersion: null, toolkit: null }, 12020)).toBeNull();
  });
  it('reads a toolkit version as CUDA_VERSION', () => {
    expect(cudaVersionOfToolkit('13.0.88')).toBe(13000);
    expect(cudaVersionOfToolkit('12.4.131')).toBe(12040);
    expect(cudaVersionOfToolkit('fake')).toBeNull();
  });
});

describe('readManifestBeside', () => {
  it('reads graphprof-build.json next to a file, and refuses what is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-manifest-'));
    expect(readManifestBeside(join(dir, 'graphprof.node'))).toBeNull();
    writeFileSync(join(dir, 'graphprof-build.json'), JSON.stringify(prebuilt));
    expect(readManifestBeside(join(dir, 'graphprof.node'))).toEqual(prebuilt);
    writeFileSync(join(dir, 'graphprof-build.json'), JSON.stringify({ ...prebuilt, origin: 'downloaded' }));
    expect(readManifestBeside(join(dir, 'graphprof.node'))).toBeNull();
    writeFileSync(join(dir, 'graphprof-build.json'), '{not json');
    expect(readManifestBeside(join(dir, 'graphprof.node'))).toBeNull();
  });
});

const cudaBuild: BuildInfo = { cuda: true, architectures: '80-real,90-real,90-virtual', toolkit: '13.0.88', napiVersion: 8 };
const stubBuild: BuildInfo = { cuda: false, architectures: '', toolkit: '', napiVersion: 8 };
const probe = (p: Partial<Probe>): Probe => ({ runtimeVersion: 13000, driverVersion: 0, errorName: '', errorMessage: '', devices: [], ...p });
const choice = (c: Partial<AddonChoice>): AddonChoice => ({ path: '/p/build/Release/graphprof.node', origin: 'prebuilt', manifest: prebuilt, passedOver: [], ...c });

describe('explainChoice: which addon is in use and why (doctor)', () => {
  it('a prebuilt that fits, with and without a driver to check', () => {
    const host = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
    const glibc = host.header.glibcVersionRuntime ?? '?';
    expect(explainChoice(choice({}), cudaBuild, probe({ driverVersion: 13000 }))).toBe(
      `the prebuilt binary (made by \`npm pack\` with CUDA 13.0.88) fits this machine (${process.platform}-${process.arch}, glibc ${glibc}, needs 2.34); the driver supports CUDA 13.0, and it needs 13.0`,
    );
    expect(explainChoice(choice({}), cudaBuild, probe({}))).toMatch(/; no NVIDIA driver answered, so its need for a CUDA 13\.0 driver is unchecked$/);
  });
  it('a prebuilt that does not fit the driver says so', () => {
    expect(explainChoice(choice({}), cudaBuild, probe({ driverVersion: 12040 }))).toMatch(
      /; but it does not fit this driver: it was built with CUDA 13\.0\.88 and needs a driver for CUDA 13\.x \(R580 or newer\); this driver supports CUDA 12\.4$/,
    );
  });
  it('the stub names what was passed over, and run says the same', () => {
    const c = choice({ origin: 'stub', path: '/p/build-stub/Release/graphprof.node', passedOver: ['/p/build/Release/graphprof.node: not used: it needs glibc 99.0 and this system has 2.36'] });
    expect(explainChoice(c, stubBuild, probe({}))).toBe(
      'no CUDA addon could be used (passed over: /p/build/Release/graphprof.node: not used: it needs glibc 99.0 and this system has 2.36), so the CPU-only stub is loaded: `run` cannot measure with it',
    );
    expect(unusableReason(stubBuild, probe({}), 0, c)).toMatch(/^no CUDA addon could be loaded \(\/p\/build\/Release\/graphprof\.node: not used: it needs glibc 99\.0 .*\), so graphprof uses its CPU-only stub: run `npm run build:native`/);
  });
  it('a source build and an old driver point to a build with an older toolkit', () => {
    expect(explainChoice(choice({ origin: 'source', manifest: { ...prebuilt, origin: 'source' } }), cudaBuild, probe({}))).toMatch(/^built from source on this machine with CUDA 13\.0\.88, fits this machine/);
    expect(unusableReason(cudaBuild, probe({ driverVersion: 12040, errorName: 'cudaErrorInsufficientDriver' }), 0)).toBe(
      "the NVIDIA driver supports CUDA 12.4 but graphprof's runtime is CUDA 13.0: install a driver that supports CUDA 13.0 (R580 or newer for CUDA 13.0), or build graphprof from source with a CUDA 12.4 toolkit: `npm run build:native` in the package folder (docs/usage.md, Installing)",
    );
  });
});
