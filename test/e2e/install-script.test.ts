// scripts/install.mjs, npm's install step, on a package laid out in a temporary folder: what it
// decides for a prebuilt binary that fits and one that does not (the build itself is checked by
// scripts/smoke-install.sh, from a real tarball).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { root } from './cli.js';

function layOut(manifest: Record<string, unknown> | null): string {
  const pkg = mkdtempSync(join(tmpdir(), 'graphprof-install-'));
  for (const dir of ['scripts', 'dist/harness', 'build/Release']) mkdirSync(join(pkg, dir), { recursive: true });
  copyFileSync(join(root, 'scripts', 'install.mjs'), join(pkg, 'scripts', 'install.mjs'));
  copyFileSync(join(root, 'dist', 'harness', 'build-manifest.js'), join(pkg, 'dist', 'harness', 'build-manifest.js'));
  writeFileSync(join(pkg, 'package.json'), '{"type": "module"}\n');
  copyFileSync(join(root, 'build', 'Release', 'graphprof.node'), join(pkg, 'build', 'Release', 'graphprof.node'));
  if (manifest) writeFileSync(join(pkg, 'build', 'Release', 'graphprof-build.json'), JSON.stringify(manifest));
  return pkg;
}

const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ?? '2.17';
const prebuilt = { origin: 'prebuilt', platform: process.platform, arch: process.arch, glibc, cuda: true, toolkit: '13.0.88', cudaVersion: 13000, tracers: { host: true, cupti: true }, builtAt: '' };

function install(pkg: string, env: Record<string, string> = {}): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'install.mjs')], { cwd: pkg, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('scripts/install.mjs', () => {
  it('does nothing in a checkout (no prebuilt manifest): npm\'s prepare builds there', () => {
    const r = install(layOut(null));
    expect(r).toEqual({ code: 0, stderr: '' });
    const source = install(layOut({ ...prebuilt, origin: 'source' }));
    expect(source).toEqual({ code: 0, stderr: '' });
  });
  it('keeps a prebuilt binary that fits (no driver here to refuse it)', () => {
    const r = install(layOut(prebuilt));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`graphprof: using the prebuilt binary (CUDA 13.0.88, ${process.platform}-${process.arch}, glibc >= ${glibc})\n`);
  });
  it('a prebuilt that needs a newer glibc, with no build allowed: the stub will be used, and it says so', () => {
    const pkg = layOut({ ...prebuilt, glibc: '99.0' });
    const r = install(pkg, { GRAPHPROF_SKIP_BUILD: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `graphprof: the prebuilt binary does not fit: it needs glibc 99.0 and this system has ${glibc}; no build from source (GRAPHPROF_SKIP_BUILD=1), so the CPU-only stub will be used: \`graphprof run\` cannot measure; analyze, recommend and compare work. \`graphprof doctor\` says more; \`npm run build:native\` in ${pkg} builds later.\n`,
    );
    expect(JSON.parse(readFileSync(join(pkg, 'build', 'Release', 'graphprof-build.json'), 'utf8')).glibc).toBe('99.0');
  });
  it('a build from source asked for but not allowed keeps the prebuilt that fits', () => {
    const r = install(layOut(prebuilt), { GRAPHPROF_BUILD_FROM_SOURCE: '1', GRAPHPROF_SKIP_BUILD: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^graphprof: a build from source was asked for; no build from source \(GRAPHPROF_SKIP_BUILD=1\), so the prebuilt binary stays in use\. /);
  });
});
