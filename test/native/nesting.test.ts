// native/trace/nesting.h (how the trace library resolves nesting and step marks from activity
// records) is pure C++: compile test/native/nesting_test.cc with the host compiler and run it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { root } from '../e2e/cli.js';

const compiler = ['c++', 'g++', 'clang++'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);

describe('native/trace/nesting.h', () => {
  // CI builds the native addon, so it has a C++ compiler; a machine without one cannot build the library either.
  it.skipIf(compiler === undefined)('resolves nesting, windows, order and step marks as the records arrive', () => {
    const exe = join(mkdtempSync(join(tmpdir(), 'graphprof-nesting-')), 'nesting_test');
    const build = spawnSync(compiler!, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-I', join(root, 'native', 'trace'), join(root, 'test', 'native', 'nesting_test.cc'), '-o', exe], { encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    expect(lines).toHaveLength(9);
    expect(run.status).toBe(0);
  }, 60_000);
});
