// Which native build a directory holds and whether it fits this machine. Every build writes
// graphprof-build.json beside its files (scripts/build-native.mjs): made by `npm pack` (the prebuilt
// binary shipped in the package), by a build from source (at install or `npm run build:native`),
// or the CPU-only stub. The loader (native.ts), `doctor` and the install script
// (scripts/install.mjs) all judge a build with `platformMismatch` and `driverMismatch` below, so
// the three can never disagree about why a build was or was not used.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const MANIFEST_FILE = 'graphprof-build.json';

/** How a build came to be: `npm pack` on the packer's machine, a build here, or the stub. */
export type BuildOrigin = 'prebuilt' | 'source' | 'stub';

export interface BuildManifest {
  origin: BuildOrigin;
  platform: string;
  arch: string;
  /** the newest GLIBC_x.y symbol version the binaries need, e.g. "2.34"; null when unknown */
  glibc: string | null;
  cuda: boolean;
  /** the toolkit the addon was compiled with, e.g. "13.0.88"; null for the stub */
  toolkit: string | null;
  /** CUDA_VERSION of that toolkit, e.g. 13000: the oldest driver CUDA version it runs on */
  cudaVersion: number | null;
  /** which tracer libraries the build holds */
  tracers: { host: boolean; cupti: boolean };
  builtAt: string;
}

/** What this machine is, as a build must match it. */
export interface HostPlatform {
  platform: string;
  arch: string;
  /** the C library's version, e.g. "2.36"; null on a non-glibc system (musl) */
  glibc: string | null;
}

export function hostPlatform(): HostPlatform {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return { platform: process.platform, arch: process.arch, glibc: header?.glibcVersionRuntime ?? null };
}

/** "2.34" < "2.36"; numeric by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** 13000 -> "13.0", 12040 -> "12.4". */
function cudaString(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

/**
 * Why a build cannot be loaded on this machine at all (another platform or CPU, a newer glibc than
 * this one), or null when it can. Checked before the file is loaded: a mismatched binary fails
 * inside dlopen with a message that does not say what to do.
 */
export function platformMismatch(m: BuildManifest, host: HostPlatform): string | null {
  if (m.platform !== host.platform || m.arch !== host.arch) {
    return `it was built for ${m.platform}-${m.arch} and this machine is ${host.platform}-${host.arch}`;
  }
  if (m.glibc !== null && host.platform === 'linux') {
    if (host.glibc === null) return `it needs glibc ${m.glibc} and this system has no glibc (musl?)`;
    if (compareVersions(host.glibc, m.glibc) < 0) return `it needs glibc ${m.glibc} and this system has ${host.glibc}`;
  }
  return null;
}

/**
 * Why a CUDA build cannot run with this driver, or null when it can or when no driver answered
 * (0: nothing to compare; `doctor` then says no driver was found). `driverCudaVersion` is what
 * cudaDriverGetVersion reports, e.g. 12040 for an R550 driver.
 */
export function driverMismatch(m: Pick<BuildManifest, 'cuda' | 'cudaVersion' | 'toolkit'>, driverCudaVersion: number): string | null {
  if (!m.cuda || m.cudaVersion === null || driverCudaVersion <= 0) return null;
  // CUDA minor-version compatibility: a build runs on any driver of its major release family
  // (13.x: R580+, 12.x: R525+), so only the major version is compared.
  const major = Math.floor(m.cudaVersion / 1000);
  if (Math.floor(driverCudaVersion / 1000) >= major) return null;
  return `it was built with CUDA ${m.toolkit ?? cudaString(m.cudaVersion)} and needs a driver for CUDA ${major}.x (${major >= 13 ? 'R580' : major === 12 ? 'R525' : `CUDA ${major}`} or newer); this driver supports CUDA ${cudaString(driverCudaVersion)}`;
}

/** "13.0.88" -> 13000; null when it does not parse. */
export function cudaVersionOfToolkit(toolkit: string): number | null {
  const m = /^(\d+)\.(\d+)/.exec(toolkit);
  return m ? Number(m[1]) * 1000 + Number(m[2]) * 10 : null;
}

const ORIGINS: readonly BuildOrigin[] = ['prebuilt', 'source', 'stub'];

/** The manifest beside `file` (an addon or library path), or null when absent or unreadable. */
export function readManifestBeside(file: string): BuildManifest | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dirname(file), MANIFEST_FILE), 'utf8'));
  } catch {
    return null;
  }
  const v = value as Partial<BuildManifest>;
  if (v === null || typeof v !== 'object' || !ORIGINS.includes(v.origin as BuildOrigin) || typeof v.platform !== 'string' || typeof v.arch !== 'string') return null;
  return {
    origin: v.origin as BuildOrigin,
    platform: v.platform,
    arch: v.arch,
    glibc: typeof v.glibc === 'string' ? v.glibc : null,
    cuda: v.cuda === true,
    toolkit: typeof v.toolkit === 'string' ? v.toolkit : null,
    cudaVersion: typeof v.cudaVersion === 'number' ? v.cudaVersion : null,
    tracers: { host: v.tracers?.host === true, cupti: v.tracers?.cupti === true },
    builtAt: typeof v.builtAt === 'string' ? v.builtAt : '',
  };
}

