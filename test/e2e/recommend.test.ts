import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { RecommendResult } from '../../src/core/recommend/recommend.js';
import { graphprof } from './cli.js';

function json(args: string[]): RecommendResult {
  const r = graphprof(['recommend', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RecommendResult;
}

describe('graphprof recommend', () => {
  it('prints the table, one line of advice and every engine snippet', () => {
    const r = graphprof(['recommend', '--max-batch', '256', '--mem-budget', '500MB']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('graphprof recommend: max batch 256, uniform over 1..256; memory budget 477 MiB, no capture budget, shared memory pool');
    expect(r.stdout).toMatch(/│ recommended +│ +27 │ +11\.3 ms │/);
    expect(r.stdout).toMatch(/│ vLLM default +│ +51 │.*│ +920 MiB │ +12\.8 s │ does not fit │/);
    expect(r.stdout).toMatch(/^Capture 27 sizes: expected step 11\.3 ms \(0\.9% over ideal\), 472 MiB of graph memory, 6\.75 s of capture\. vLLM's default list/m);
    expect(r.stdout).toMatch(/^vLLM: --compilation-config '\{"cudagraph_capture_sizes": \[10, 20, .*, 256\], "max_cudagraph_capture_size": 256\}'$/m);
    expect(r.stdout).toMatch(/^SGLang: --cuda-graph-bs 10 20 .* 256 --cuda-graph-max-bs 256$/m);
    expect(r.stdout).toMatch(/^TensorRT-LLM: cuda_graph_config: \{batch_sizes: \[10, 20, .*, 256\], enable_padding: true\}$/m);
    // Notes go to stderr; the model line on stdout still says the figures are estimated.
    expect(r.stdout).not.toContain('note: ');
    expect(r.stdout).toMatch(/^model: .*\(estimated: \d of 7 constants are assumed defaults, not measurements; docs\/recommend\.md\)$/m);
    expect(r.stderr).toContain('note: assumed defaults (not measurements; see docs/recommend.md)');
  });

  it('prints the stable JSON fields in base units', () => {
    const j = json(['--max-batch', '512', '--mem-budget', '1GB', '--dist', 'zipf:1.2', '--engine', 'vllm']);
    expect(j.schemaVersion).toBe('1.0');
    expect(j.tool.name).toBe('graphprof');
    expect(j.command).toBe('recommend');
    expect(j.argv).toEqual(['recommend', '--max-batch', '512', '--mem-budget', '1GB', '--dist', 'zipf:1.2', '--engine', 'vllm', '--json']);
    expect(Date.parse(j.createdAt)).not.toBeNaN();
    for (const k of ['memoryBytes', 'captureNs', 'expectedStepNs', 'idealStepNs', 'paddingOverhead', 'worstPaddingRatio', 'eagerShare'] as const) {
      expect(typeof j[k]).toBe('number');
    }
    expect(j.sizes[j.sizes.length - 1]).toBe(512);
    expect(j.memoryBytes).toBeLessThanOrEqual(1e9);
    expect(j.memoryBytes).toBe(512 * 2 ** 20 + j.sizes.length * 8 * 2 ** 20);
    expect(j.captureNs).toBe(j.sizes.length * 250e6);
    expect(j.expectedStepNs).toBeGreaterThanOrEqual(j.idealStepNs);
    expect(j.paddingOverhead).toBeCloseTo(j.expectedStepNs / j.idealStepNs - 1, 12);
    expect(j.eagerShare).toBe(0);
    expect(j.distribution).toMatchObject({ kind: 'zipf', exponent: 1.2 });
    expect(j.baselines).toHaveLength(5);
    for (const b of j.baselines) {
      expect(Object.keys(b)).toEqual(expect.arrayContaining(['name', 'sizes', 'fits', 'memoryBytes', 'captureNs', 'expectedStepNs', 'paddingOverhead']));
      if (b.fits) expect(b.expectedStepNs).toBeGreaterThanOrEqual(j.expectedStepNs * (1 - 1e-12));
    }
    expect(Object.keys(j.snippets).sort()).toEqual(['sglang', 'trtllm', 'vllm']);
    expect(j.model).toMatchObject({ stepBaseNs: 8e6, stepPerSeqNs: 25e3, eagerPenaltyNs: 4e6, graphMemBytes: 8 * 2 ** 20, poolPerSeqBytes: 2 ** 20, captureBaseNs: 250e6, capturePerSeqNs: 0 });
    expect(j.model.sources.stepBaseNs).toBe('default');
    expect(j.optimizer).toMatchObject({ algorithm: 'count-dp', exact: true });
  });

  it('fits the model from a run result and says which constants came from it', () => {
    const j = json(['--max-batch', '64', '--mem-budget', '60MiB', '--capture-budget', '3s', '--from', 'fixtures/recommend/run-linear.json', '--eager-penalty', '2ms']);
    expect(j.model.stepBaseNs).toBeCloseTo(5e6, 0);
    expect(j.model.stepPerSeqNs).toBeCloseTo(20e3, 3);
    expect(j.model.eagerPenaltyNs).toBe(2e6);
    expect(j.model.sources).toMatchObject({ stepBaseNs: 'file', eagerPenaltyNs: 'flag', capturePerSeqNs: 'file' });
    expect(j.model.fromFile).toBe('fixtures/recommend/run-linear.json');
    expect(j.notes).toContain('from fixtures/recommend/run-linear.json: stepBaseNs, stepPerSeqNs, graphMemBytes, poolPerSeqBytes, captureBaseNs, capturePerSeqNs');
    expect(j.optimizer.algorithm).toBe('pareto-dp');
    expect(j.captureNs).toBeLessThanOrEqual(3e9);
    expect(j.memoryBytes).toBeLessThanOrEqual(60 * 2 ** 20);
  });

  it('reads observed batch sizes; those above --max-batch run eager', () => {
    const j = json(['--max-batch', '16', '--dist', 'fixtures/recommend/batches.csv', '--mem-budget', '1GB']);
    expect(j.distribution).toMatchObject({ kind: 'observed', samples: 11, file: 'fixtures/recommend/batches.csv' });
    expect(j.distribution.aboveMaxShare).toBeCloseTo(1 / 11, 12);
    expect(j.eagerShare).toBeCloseTo(1 / 11, 12);
    // room for every size that occurs: 1, 2, 4, 8 and 16
    expect(j.sizes).toEqual([1, 2, 4, 8, 16]);
  });

  it('--max-graphs caps the pool; --within takes the fewest graphs near the optimum', () => {
    const capped = json(['--max-batch', '256', '--max-graphs', '5']);
    expect(capped.budgets.maxGraphs).toBe(5);
    expect(capped.graphCount).toBeLessThanOrEqual(5);
    expect(capped.within).toBeNull();
    const near = json(['--max-batch', '256', '--mem-budget', '500MB', '--within', '2%']);
    expect(near.within!.share).toBe(0.02);
    expect(near.graphCount).toBeLessThan(near.within!.optimum.graphCount);
    expect(near.expectedStepNs).toBeLessThanOrEqual(near.within!.optimum.expectedStepNs * 1.02);
    for (const bad of ['0%', '2', 'abc', '150%']) {
      const r = graphprof(['recommend', '--within', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`graphprof: --within: expected a percentage above 0 and at most 100, such as 1% or 0.5%, got "${bad}"`);
    }
    expect(graphprof(['recommend', '--max-graphs', '0']).code).toBe(2);
  });

  it('--allow-eager-tail and --no-shared-pool', () => {
    const tail = json(['--max-batch', '256', '--mem-budget', '150MB', '--dist', 'zipf:1.5', '--allow-eager-tail']);
    expect(tail.sizes[tail.sizes.length - 1]).toBeLessThan(256);
    expect(tail.eagerShare).toBeGreaterThan(0);
    const own = json(['--max-batch', '64', '--mem-budget', '500MB', '--no-shared-pool']);
    expect(own.sharedPool).toBe(false);
    const sum = own.sizes.reduce((a, b) => a + b, 0);
    expect(own.memoryBytes).toBe(own.sizes.length * 8 * 2 ** 20 + sum * 2 ** 20);
  });

  it('works up to --max-batch 8192', () => {
    const j = json(['--max-batch', '8192', '--mem-budget', '9GiB']);
    expect(j.sizes[j.sizes.length - 1]).toBe(8192);
    expect(j.sizes.length).toBe(128);
  });

  it.each([
    [['--max-batch', '0'], 'graphprof: --max-batch: expected a positive integer, got "0"'],
    [['--max-batch', '20000'], 'graphprof: --max-batch: at most 16384, got 20000'],
    [['--mem-budget', '-5MB'], 'graphprof: --mem-budget: a size cannot be negative, got "-5MB"'],
    [['--mem-budget', '500'], 'graphprof: --mem-budget: "500" has no unit; use B, KB, MB, GB (10^3) or KiB, MiB, GiB (2^10)'],
    [['--mem-budget', 'lots'], 'graphprof: --mem-budget: expected a size such as 500MB, 0.5GiB, 64KB, 4096B, got "lots"'],
    [['--capture-budget', '-1s'], 'graphprof: --capture-budget: a duration cannot be negative, got "-1s"'],
    [['--capture-budget', '0s'], 'graphprof: --capture-budget: expected a duration above 0, got "0s"'],
    [['--step-base', '8'], 'graphprof: --step-base: "8" has no unit; use ns, us (or µs), ms, s or min'],
    [['--dist', 'zipf:x'], 'graphprof: --dist: expected zipf:S with an exponent S between 0 and 10 such as zipf:1.2, got "zipf:x"'],
    [['--dist', 'missing.csv'], 'graphprof: missing.csv: no such file (--dist takes uniform, zipf:S or a file of observed batch sizes)'],
    [['--from', 'fixtures/recommend/batches.json'], 'graphprof: fixtures/recommend/batches.json: expected a `graphprof run --json` result, got command null'],
    [
      ['--mem-budget', '100MB'],
      'graphprof: no capture pool fits the budgets: the smallest pool that covers --max-batch 256, {256}, needs 264 MiB of graph memory and 250 ms of capture time; raise --mem-budget to at least 276824064B (264 MiB), lower --max-batch, or pass --allow-eager-tail',
    ],
  ])('refuses %j with exit 2 and one line', (args, message) => {
    const r = graphprof(['recommend', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });

  it('refuses distribution files with no valid rows or bad rows, naming file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-rec-'));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'batch\n\n');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'batch,count\n1,5\n2.5,3\n');
    let r = graphprof(['recommend', '--dist', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`graphprof: ${empty}: no batch sizes found: expected one batch size per row, "batch,count" rows, or a JSON array of batch sizes`);
    r = graphprof(['recommend', '--dist', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`graphprof: ${bad}:3: batch size must be a positive integer, got "2.5"`);
  });

  it('fits the model from a real `graphprof run --json` result (H200)', () => {
    const r = graphprof(['recommend', '--max-batch', '32', '--from', 'fixtures/compare/real/h200-run-a.json', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as RecommendResult;
    expect(j.model.sources.eagerPenaltyNs).toBe('file');
    expect(j.model.sources.graphMemBytes).toBe('file');
  });

  it('refuses a result of the fake harness, as analyze --calibration does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-rec-'));
    const out = join(dir, 'run.json');
    const run = graphprof(['run', '--kernels', '50', '--batch-sizes', '1,4,16', '--iterations', '10', '-o', out], { GRAPHPROF_FAKE_HARNESS: '1' });
    expect(run.code).toBe(0);
    const r = graphprof(['recommend', '--max-batch', '16', '--from', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`graphprof: ${out}: this result came from the fake harness (GRAPHPROF_FAKE_HARNESS) and holds no measurement`);
  });

  it('refuses a run.json of another schema major, as compare and analyze --calibration do', () => {
    const r = graphprof(['recommend', '--max-batch', '16', '--from', 'fixtures/compare/run-schema-2.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('graphprof: fixtures/compare/run-schema-2.json: schemaVersion 2.0 is not readable by this graphprof (it reads 1.x); use results made by graphprof versions of the same major schema');
  });
});
