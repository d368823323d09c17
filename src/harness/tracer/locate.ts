// Where `graphprof trace` finds its two native pieces: the injection library it built
// (build/Release/libgraphprof_inject.so, located the way src/harness/native.ts locates the addon,
// but never loaded into Node: the CUDA driver loads it into the traced program), and a CUPTI of the
// major version that library was linked against. Every place looked at is kept for the error.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { EnvironmentError, UsageError } from '../../errors.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/harness/tracer or src/harness/tracer -> the package root */
const packageRoot = resolve(here, '..', '..', '..');

export const INJECT_LIBRARY = 'libgraphprof_inject.so';

export interface InjectLibrary {
  path: string;
  /** the soname the library needs, e.g. "libcupti.so.13" */
  cuptiSoname: string;
  /** where CMake found CUPTI when it built the library */
  cuptiDirAtBuild: string | null;
  /** CUDA_VERSION of the headers it was built against, e.g. 13000 */
  cudaVersion: number | null;
}

export function injectCandidates(): string[] {
  const fromEnv = process.env.GRAPHPROF_INJECT;
  if (fromEnv) return [resolve(fromEnv)];
  return [resolve(packageRoot, 'build', 'Release', INJECT_LIBRARY), resolve(packageRoot, 'build', 'Debug', INJECT_LIBRARY)];
}

export function locateInjectLibrary(): InjectLibrary {
  const looked: string[] = [];
  for (const path of injectCandidates()) {
    if (!existsSync(path)) {
      looked.push(path);
      continue;
    }
    let info: { cuptiSoname?: string; cuptiDirAtBuild?: string; cudaVersion?: number } = {};
    try {
      info = JSON.parse(readFileSync(join(dirname(path), 'graphprof_inject.json'), 'utf8')) as typeof info;
    } catch {
      // built by hand, without the CMake notes: any libcupti.so will be tried
    }
    return {
      path,
      cuptiSoname: info.cuptiSoname ?? 'libcupti.so',
      cuptiDirAtBuild: info.cuptiDirAtBuild ?? null,
      cudaVersion: typeof info.cudaVersion === 'number' ? info.cudaVersion : null,
    };
  }
  throw new EnvironmentError(
    `trace: the injection library was not found (${looked.join(', ')}); it is built by \`npm run build:native\` where the CUDA toolkit's CUPTI (cupti.h, libcupti) is installed`,
  );
}

export const HOST_LIBRARY = 'libgraphprof_host.so';

/** The host tracer's library (built with the injection library, from the same sources, without CUPTI). */
export function locateHostLibrary(): string {
  const fromEnv = process.env.GRAPHPROF_HOST_INJECT;
  const candidates = fromEnv
    ? [resolve(fromEnv)]
    : [resolve(packageRoot, 'build', 'Release', HOST_LIBRARY), resolve(packageRoot, 'build', 'Debug', HOST_LIBRARY)];
  for (const path of candidates) if (existsSync(path)) return path;
  throw new EnvironmentError(
    `trace: the host tracer library was not found (${candidates.join(', ')}); it is built by \`npm run build:native\` where the CUDA toolkit's headers (cuda.h, cupti.h) are installed`,
  );
}

export interface Cupti {
  dir: string;
  /** the library file the injection library will load, e.g. /usr/local/cuda/lib64/libcupti.so.13 */
  library: string;
  source: '--cupti' | 'toolkit' | 'python';
}

/** Toolkit folders first (CUDA_HOME, CUDA_PATH, /usr/local/cuda and versioned installs). */
export function toolkitCuptiDirs(lib: InjectLibrary): string[] {
  const roots = [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter((r): r is string => !!r);
  try {
    for (const e of readdirSync('/usr/local')) if (/^cuda-\d+/.test(e)) roots.push(join('/usr/local', e));
  } catch {
    // no /usr/local
  }
  const dirs: string[] = [];
  for (const root of roots) {
    dirs.push(join(root, 'extras', 'CUPTI', 'lib64'), join(root, 'lib64'));
    try {
      for (const t of readdirSync(join(root, 'targets'))) dirs.push(join(root, 'targets', t, 'lib'));
    } catch {
      // no targets/ folder
    }
  }
  if (lib.cuptiDirAtBuild) dirs.push(lib.cuptiDirAtBuild);
  return [...new Set(dirs)];
}

/** site-packages folders of python3, asked with a short timeout. */
export function pythonCuptiDirs(lib: InjectLibrary): string[] {
  const r = spawnSync('python3', ['-c', 'import site,sys\nfor p in site.getsitepackages()+[site.getusersitepackages()]+sys.path: print(p)'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  if (r.status !== 0 || !r.stdout) return [];
  const major = lib.cudaVersion ? Math.floor(lib.cudaVersion / 1000) : null;
  const dirs: string[] = [];
  for (const sp of r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    dirs.push(join(sp, 'nvidia', 'cuda_cupti', 'lib'));
    if (major) dirs.push(join(sp, 'nvidia', `cu${major}`, 'lib'));
  }
  return [...new Set(dirs)];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Find CUPTI; `explicit` (--cupti) is a libcupti file or a folder holding one. */
export function locateCupti(lib: InjectLibrary, explicit: string | null, askPython: () => string[] = () => pythonCuptiDirs(lib)): Cupti {
  const soname = lib.cuptiSoname;
  if (explicit !== null) {
    const p = resolve(explicit);
    if (isFile(p)) {
      if (!basename(p).startsWith('libcupti.so')) throw new UsageError(`--cupti: expected libcupti.so* or a folder holding ${soname}, got "${explicit}"`);
      return { dir: dirname(p), library: p, source: '--cupti' };
    }
    if (existsSync(p) && isFile(join(p, soname))) return { dir: p, library: join(p, soname), source: '--cupti' };
    throw new UsageError(`--cupti: ${existsSync(p) ? `no ${soname} in "${explicit}"` : `"${explicit}" does not exist`}; give the folder that holds ${soname} (the toolkit's lib64 or extras/CUPTI/lib64)`);
  }
  const toolkit = toolkitCuptiDirs(lib);
  for (const dir of toolkit) if (isFile(join(dir, soname))) return { dir, library: join(dir, soname), source: 'toolkit' };
  const python = askPython();
  for (const dir of python) if (isFile(join(dir, soname))) return { dir, library: join(dir, soname), source: 'python' };
  throw new EnvironmentError(
    `trace: CUPTI (${soname}) not found in the CUDA toolkit (${toolkit.slice(0, 4).join(', ')}${toolkit.length > 4 ? ', ...' : ''}) nor in python3's nvidia/cuda_cupti; install the CUDA toolkit's CUPTI, or give its folder with --cupti PATH`,
  );
}
