// The one door to native code. The addon is loaded lazily, on first use, so that --help, analyze,
// recommend and compare work where it was never built. Every load failure is kept and turned into
// one environment error that says what was found, what is needed and what to do.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BatchSamples, GpuInfo, Workload } from '../core/schema.js';
import { EnvironmentError } from '../errors.js';
import { driverMismatch, hostPlatform, platformMismatch, readManifestBeside, type BuildManifest, type BuildOrigin } from './build-manifest.js';
import { fakeAddon } from './fake.js';

export interface BuildInfo {
  cuda: boolean;
  architectures: string;
  toolkit: string;
  napiVersion: number;
}

/** A device as the probe reports it: the GpuInfo every result records. */
export type ProbeDevice = GpuInfo;

export interface Probe {
  /** e.g. 13000 for CUDA 13.0; 0 when unknown */
  runtimeVersion: number;
  /** the highest CUDA version the driver supports; 0 when no driver could be loaded */
  driverVersion: number;
  /** CUDA error name when device discovery failed, else "" */
  errorName: string;
  errorMessage: string;
  devices: ProbeDevice[];
}

export interface Addon {
  buildInfo(): BuildInfo;
  probe(): Probe;
  runBatch(config: Omit<Workload, 'batchSizes'>, batch: number): Promise<BatchSamples<ArrayLike<number>>>;
  expectedChecksum(kernels: number, steps: number): string;
  releaseGraphs(): number;
}

export interface Harness {
  kind: 'native' | 'fake';
  path: string;
  /** how this addon was chosen (docs/usage.md, Installing) */
  choice: AddonChoice;
  buildInfo(): BuildInfo;
  probe(): Probe;
  runBatch(workload: Workload, batch: number): Promise<BatchSamples>;
  /** destroys the graphs kept alive by runBatch (the capture pool of this run) */
  releaseGraphs(): number;
}

/** A CUDA error from inside the harness, with its name kept for the exit-code mapping. */
export class HarnessRunError extends Error {
  constructor(
    message: string,
    readonly cudaError: string,
  ) {
    super(message);
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** dist/harness or src/harness -> the package root */
const packageRoot = resolve(here, '..', '..');

/**
 * Where a usable addon may be, in the order they are tried: GRAPHPROF_ADDON alone when set; else a
 * build in build/Release (the prebuilt binary the package ships, or one built from source at install
 * or by `npm run build:native`, which replaces it), build/Debug, and last the CPU-only stub the
 * package ships (build-stub/), so that `doctor` can always say what is missing.
 */
export function addonCandidates(): string[] {
  const fromEnv = process.env.GRAPHPROF_ADDON;
  if (fromEnv) return [resolve(fromEnv)];
  return [
    resolve(packageRoot, 'build', 'Release', 'graphprof.node'),
    resolve(packageRoot, 'build', 'Debug', 'graphprof.node'),
    resolve(packageRoot, 'build-stub', 'Release', 'graphprof.node'),
  ];
}

/** Which addon was loaded, how it was made, and why the ones before it were not used. */
export interface AddonChoice {
  path: string;
  /** env: GRAPHPROF_ADDON; unknown: a build without graphprof-build.json (made by hand) */
  origin: BuildOrigin | 'env' | 'unknown' | 'fake';
  manifest: BuildManifest | null;
  /** "PATH: why not" for every candidate tried before this one */
  passedOver: string[];
}

let cached: Harness | undefined;

export function loadHarness(): Harness {
  if (cached) return cached;
  if (process.env.GRAPHPROF_FAKE_HARNESS === '1') {
    cached = wrap(fakeAddon, 'fake', { path: '(fake harness: GRAPHPROF_FAKE_HARNESS=1)', origin: 'fake', manifest: null, passedOver: [] });
    return cached;
  }
  const failures: string[] = [];
  const require = createRequire(import.meta.url);
  const host = hostPlatform();
  const fromEnv = Boolean(process.env.GRAPHPROF_ADDON);
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    const manifest = readManifestBeside(path);
    const mismatch = manifest ? platformMismatch(manifest, host) : null;
    if (mismatch) {
      failures.push(`${path}: not used: ${mismatch}`);
      continue;
    }
    try {
      const addon = require(path) as Addon;
      const origin = fromEnv ? 'env' : (manifest?.origin ?? 'unknown');
      cached = wrap(addon, 'native', { path, origin, manifest, passedOver: failures });
      return cached;
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new EnvironmentError(
    `the native harness could not be loaded (${failures.join('; ')}); build it with \`npm run build:native\` (needs cmake; nvcc for CUDA)`,
  );
}

/** The addon's typed arrays -> plain arrays (JSON prints them as lists), other fields kept. */
function plain<T extends object>(record: T): { [K in keyof T]: T[K] extends ArrayLike<number> ? number[] : T[K] } {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, ArrayBuffer.isView(v) || Array.isArray(v) ? Array.from(v as ArrayLike<number>) : v])) as never;
}

function wrap(addon: Addon, kind: 'native' | 'fake', choice: AddonChoice): Harness {
  return {
    kind,
    path: choice.path,
    choice,
    buildInfo: () => addon.buildInfo(),
    probe: () => addon.probe(),
    releaseGraphs: () => addon.releaseGraphs(),
    async runBatch(workload, batch) {
      const { batchSizes: _sizes, ...config } = workload;
      let r: BatchSamples<ArrayLike<number>>;
      try {
        r = await addon.runBatch(config, batch);
      } catch (err) {
        const e = err as Error & { cudaError?: string };
        throw new HarnessRunError(e.message, e.cudaError ?? 'unknown');
      }
      return { batch: r.batch, eager: plain(r.eager), graph: plain(r.graph), checksum: r.checksum };
    },
  };
}

/** 13000 -> "13.0", 12040 -> "12.4"; 0 -> null. */
export function cudaVersionString(v: number): string | null {
  if (!v) return null;
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

/**
 * Why `run` cannot work here, as one line with the fix; null when it can. Order matters: an addon
 * without CUDA says so before any driver question is asked.
 */
export function unusableReason(build: BuildInfo, probe: Probe, device: number, choice?: AddonChoice): string | null {
  if (!build.cuda && choice?.origin === 'stub') {
    return `no CUDA addon could be loaded (${choice.passedOver.join('; ') || 'none found'}), so graphprof uses its CPU-only stub: run \`npm run build:native\` in the package folder where the CUDA toolkit (nvcc, cmake) is installed; \`graphprof doctor\` says more`;
  }
  if (!build.cuda) {
    return 'the native addon was built without CUDA (no nvcc was found when it was built): install the CUDA toolkit and run `npm run rebuild:native`';
  }
  const runtime = cudaVersionString(probe.runtimeVersion) ?? 'unknown';
  if (probe.errorName === 'cudaErrorInsufficientDriver' && probe.driverVersion === 0) {
    return 'no NVIDIA driver found (libcuda.so.1 could not be loaded): run graphprof on a machine with an NVIDIA GPU and its driver';
  }
  if (probe.errorName === 'cudaErrorInsufficientDriver') {
    return `the NVIDIA driver supports CUDA ${cudaVersionString(probe.driverVersion)} but graphprof's runtime is CUDA ${runtime}: install a driver that supports CUDA ${runtime} (R580 or newer for CUDA 13.0), or build graphprof from source with a CUDA ${cudaVersionString(probe.driverVersion)} toolkit: \`npm run build:native\` in the package folder (docs/usage.md, Installing)`;
  }
  if (probe.errorName === 'cudaErrorNoDevice' || (probe.errorName === '' && probe.devices.length === 0)) {
    return 'no CUDA device found: check `nvidia-smi` and CUDA_VISIBLE_DEVICES';
  }
  if (probe.errorName !== '') {
    return `CUDA initialisation failed: ${probe.errorName}: ${probe.errorMessage}`;
  }
  if (!probe.devices.some((d) => d.index === device)) {
    return `--device ${device}: no such device; this machine has ${probe.devices.length} (indices 0..${probe.devices.length - 1})`;
  }
  return null;
}

/**
 * Which addon is in use and why, in one sentence (for `doctor`). `probe` gives the driver's CUDA
 * version, which is checked against the version the addon was built for.
 */
export function explainChoice(choice: AddonChoice, build: BuildInfo, probe: Probe): string {
  const host = hostPlatform();
  const m = choice.manifest;
  const driver = (): string => {
    if (!build.cuda) return '';
    const need = m?.cudaVersion ?? null;
    const mismatch = driverMismatch({ cuda: true, cudaVersion: need ?? probe.runtimeVersion, toolkit: build.toolkit }, probe.driverVersion);
    if (mismatch) return `; but it does not fit this driver: ${mismatch}`;
    if (probe.driverVersion <= 0) return `; no NVIDIA driver answered, so its need for a CUDA ${cudaVersionString(need ?? probe.runtimeVersion) ?? '?'} driver is unchecked`;
    return `; the driver supports CUDA ${cudaVersionString(probe.driverVersion)}, and it needs ${cudaVersionString(need ?? probe.runtimeVersion) ?? '?'}`;
  };
  const fits = m ? `fits this machine (${host.platform}-${host.arch}${m.glibc ? `, glibc ${host.glibc ?? '?'}, needs ${m.glibc}` : ''})` : '';
  const earlier = choice.passedOver.length > 0 ? ` (passed over: ${choice.passedOver.join('; ')})` : '';
  switch (choice.origin) {
    case 'fake':
      return 'the fake harness (GRAPHPROF_FAKE_HARNESS=1): nothing it reports is real';
    case 'env':
      return `GRAPHPROF_ADDON names it${driver()}`;
    case 'prebuilt':
      return `the prebuilt binary (made by \`npm pack\` with CUDA ${m?.toolkit ?? build.toolkit}) ${fits}${driver()}`;
    case 'source':
      return `built from source on this machine${build.cuda ? ` with CUDA ${build.toolkit}` : ' without CUDA (no nvcc was found)'}${m ? `, ${fits}` : ''}${driver()}${earlier}`;
    case 'stub':
      return `no CUDA addon could be used${earlier}, so the CPU-only stub is loaded: \`run\` cannot measure with it`;
    default:
      return `a build without ${'graphprof-build.json'} (made by hand)${build.cuda ? ` with CUDA ${build.toolkit}` : ' without CUDA'}${driver()}${earlier}`;
  }
}
