// native/trace/scope.h (step attribution by correlation id, busy time, the timeline's reservoir),
// api_classes.h and names.h are pure C++: compile test/native/scope_test.cc with the host compiler
// and run it. The same program prints the C++ base name of API names, held against TypeScript's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { API_RULES, baseApiName } from '../../src/core/analyze/launch-apis.js';
import { HOST_APIS } from '../../src/core/trace/host-apis.js';
import { root } from '../e2e/cli.js';

const compiler = ['c++', 'g++', 'clang++'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
let exe = '';

// CI builds the native addon, so it has a C++ compiler; a machine without one cannot build the library either.
describe.skipIf(compiler === undefined)('native/trace/scope.h, api_classes.h, names.h', () => {
  beforeAll(() => {
    exe = join(mkdtempSync(join(tmpdir(), 'graphprof-scope-')), 'scope_test');
    const build = spawnSync(compiler!, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-I', join(root, 'native', 'trace'), join(root, 'test', 'native', 'scope_test.cc'), '-o', exe], { encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
  }, 60_000);

  it('credits device work to steps by correlation id, unions busy time, samples steps uniformly, classifies APIs', () => {
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    expect(lines).toHaveLength(12);
    expect(run.status).toBe(0);
  });

  it('strips API suffixes as TypeScript does', () => {
    const names = [
      ...HOST_APIS,
      ...HOST_APIS.map((n) => `${n}_ptsz`),
      ...API_RULES.filter((r) => !r.prefix).map((r) => r.name),
      'cudaLaunchKernel_v7000', 'cudaLaunchKernel_ptsz_v7000', '__cudaLaunchKernel_v13000', 'cudaGraphLaunch_v10000', 'cudaMemcpyAsync_ptsz_v7000', 'cuStreamBeginCapture_v2_ptsz',
    ];
    const run = spawnSync(exe, names, { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(names.map(baseApiName));
  });
});
