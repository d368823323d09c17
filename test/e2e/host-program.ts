// What the end-to-end tests of the host tracer need to build and run their stand-in CUDA programs:
// the built host tracer library, a host C++ compiler, and a CUDA include folder with NVTX3.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { root } from './cli.js';

export const hostLibrary = join(root, 'build', 'Release', 'libgraphprof_host.so');
export const compiler = ['c++', 'g++', 'clang++'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
export const cudaInclude = [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter((d): d is string => !!d).map((d) => join(d, 'include')).find((d) => existsSync(join(d, 'nvtx3', 'nvToolsExt.h')));
/** every piece is there: the tests run, else they are skipped */
export const runnable = existsSync(hostLibrary) && compiler !== undefined && cudaInclude !== undefined;

/** Compile with the host compiler; a failure throws with the compiler's output. */
export function build(args: string[]): void {
  const r = spawnSync(compiler!, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${compiler} ${args.join(' ')}: ${r.stderr}`);
}

/** The stand-in libcuda.so.1 built into dir, and the environment that makes programs load it. */
export function buildFakeDriver(dir: string): Record<string, string> {
  build(['-std=c++17', '-O1', '-shared', '-fPIC', join(root, 'test', 'native', 'fake_cuda.cc'), '-o', join(dir, 'libcuda.so.1')]);
  return { LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}
