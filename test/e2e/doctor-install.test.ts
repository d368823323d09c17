// doctor as an installation check: which addon and why, and what `trace` needs (issue 13).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { colorLevel } from '../../src/io.js';
import { graphprof, root } from './cli.js';

interface Doctor {
  addon: { origin: string | null; why: string | null; passedOver: string[]; path: string | null };
  trace: {
    host: { library: string | null; ready: boolean; problem: string | null };
    cupti: { library: string | null; cupti: string | null; ready: boolean; problem: string | null };
  };
}

const doctor = (env: Record<string, string | undefined> = {}): { code: number | null; j: Doctor } => {
  const r = graphprof(['doctor', '--json'], env);
  return { code: r.code, j: JSON.parse(r.stdout) as Doctor };
};

describe('graphprof doctor: what trace needs', () => {
  it('finds and load-tests both tracer libraries and CUPTI in this build', () => {
    const { code, j } = doctor();
    expect(code).toBe(3);
    expect(j.trace.host).toEqual({ library: resolve(root, 'build/Release/libgraphprof_host.so'), ready: true, problem: null });
    expect(j.trace.cupti.ready).toBe(true);
    expect(j.trace.cupti.library).toBe(resolve(root, 'build/Release/libgraphprof_inject.so'));
    expect(j.trace.cupti.cupti).toMatch(/libcupti\.so\.13$/);
  });
  it('says which library is missing, with the way to build it', () => {
    const { j } = doctor({ GRAPHPROF_HOST_INJECT: '/nonexistent/libgraphprof_host.so', GRAPHPROF_INJECT: '/nonexistent/libgraphprof_inject.so' });
    expect(j.trace.host).toEqual({
      library: null,
      ready: false,
      problem: "the host tracer library was not found (/nonexistent/libgraphprof_host.so); it is built by `npm run build:native` where the CUDA toolkit's headers (cuda.h, cupti.h) are installed",
    });
    expect(j.trace.cupti.ready).toBe(false);
    expect(j.trace.cupti.problem).toMatch(/^the injection library was not found \(\/nonexistent\/libgraphprof_inject\.so\)/);
    const text = graphprof(['doctor'], { GRAPHPROF_HOST_INJECT: '/nonexistent/libgraphprof_host.so' });
    expect(text.stdout).toContain('trace, host tracer:  not ready: the host tracer library was not found (/nonexistent/libgraphprof_host.so)');
  });
  it('load-tests a library that is there: a file that is no library does not pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-doctor-'));
    const fake = join(dir, 'libgraphprof_host.so');
    writeFileSync(fake, 'not an ELF file\n');
    const { j } = doctor({ GRAPHPROF_HOST_INJECT: fake });
    expect(j.trace.host.ready).toBe(false);
    expect(j.trace.host.problem).toMatch(new RegExp(`^${fake.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not load: .+; rebuild it with \`npm run build:native\`$`));
  });
  it('load-tests CUPTI: one that does not load is reported as such', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-cuda-'));
    mkdirSync(join(dir, 'lib64'));
    writeFileSync(join(dir, 'lib64', 'libcupti.so.13'), 'not a library\n');
    const { j } = doctor({ CUDA_HOME: dir });
    expect(j.trace.cupti.ready).toBe(false);
    expect(j.trace.cupti.cupti).toBe(join(dir, 'lib64', 'libcupti.so.13'));
    expect(j.trace.cupti.problem).toMatch(/^CUPTI .*libcupti\.so\.13 does not load: .*; give a working one with --cupti PATH$/);
  });
});

describe('graphprof doctor: which addon is in use and why', () => {
  it('names the origin and the reason', () => {
    const { j } = doctor();
    expect(['source', 'prebuilt', 'unknown']).toContain(j.addon.origin);
    expect(j.addon.why).toMatch(/no NVIDIA driver answered, so its need for a CUDA 13\.0 driver is unchecked$/);
  });
  it('GRAPHPROF_ADDON is named as the reason', () => {
    const { j } = doctor({ GRAPHPROF_ADDON: resolve(root, 'build/Release/graphprof.node') });
    expect(j.addon.origin).toBe('env');
    expect(j.addon.why).toMatch(/^GRAPHPROF_ADDON names it; /);
  });
});

describe('usage and colour', () => {
  it('bare graphprof prints usage on stderr and exits 2', () => {
    const r = graphprof([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: graphprof \[options\] \[command\]/);
    expect(r.stderr).toContain('analyze [options] <reports...>');
  });
  it('FORCE_COLOR colours output that is not a terminal; --no-color still wins', () => {
    const args = ['analyze', 'fixtures/nsys/decode-token-published_cuda_api_sum.csv', '--target-latency', '30ms'];
    const forced = graphprof(args, { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\u001b\[36m per step +\u001b\[39m/);
    const plain = graphprof(args, { NO_COLOR: undefined });
    expect(plain.stdout).not.toContain('\u001b[');
    const off = graphprof(['--no-color', ...args], { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(off.stdout).not.toContain('\u001b[');
  });
  it('colorLevel: the order of --no-color, FORCE_COLOR, NO_COLOR and the terminal', () => {
    expect(colorLevel(true, { FORCE_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel(false, { FORCE_COLOR: '3' }, false)).toBe(3);
    expect(colorLevel(false, { FORCE_COLOR: 'true' }, false)).toBe(1);
    expect(colorLevel(false, { FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: 'false' }, true)).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: '' }, true)).toBe(1);
    expect(colorLevel(false, { NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(false, { NO_COLOR: '' }, true)).toBe(1);
    expect(colorLevel(false, {}, true)).toBe(1);
    expect(colorLevel(false, {}, false)).toBe(0);
  });
});
