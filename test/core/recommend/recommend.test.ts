import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { uniformDistribution } from '../../../src/core/recommend/distribution.js';
import { optimisePool } from '../../../src/core/recommend/pool.js';
import { adviceLine, engineSnippets, fitFromRun, MODEL_DEFAULTS, recommend, resolveModel } from '../../../src/core/recommend/recommend.js';
import { fitLine } from '../../../src/core/stats.js';

const run = JSON.parse(readFileSync('fixtures/recommend/run-linear.json', 'utf8')) as unknown;

describe('model constants', () => {
  it('fits every constant from a run result', () => {
    const f = fitFromRun(run, MODEL_DEFAULTS);
    expect(f.values.stepBaseNs).toBeCloseTo(5_000_000, 3);
    expect(f.values.stepPerSeqNs).toBeCloseTo(20_000, 6);
    // median of (eager - graph) over 3.000, 3.001, 3.000, 3.000 ms
    expect(f.values.eagerPenaltyNs).toBe(3_000_000);
    expect(f.values.graphMemBytes).toBe(4 * 2 ** 20);
    expect(f.values.poolPerSeqBytes).toBe(2 ** 19);
    expect(f.values.captureBaseNs).toBeCloseTo(105_000_000, 3);
    expect(f.values.capturePerSeqNs).toBeCloseTo(500_000, 6);
    expect(f.batches).toEqual([1, 8, 32, 64]);
  });

  it('flags win over the file, the file over defaults, and each source is named', () => {
    const f = fitFromRun(run, MODEL_DEFAULTS);
    const { model, sources } = resolveModel({ eagerPenaltyNs: 1_000_000 }, { ...f.values, capturePerSeqNs: undefined });
    expect(model.eagerPenaltyNs).toBe(1_000_000);
    expect(sources.eagerPenaltyNs).toBe('flag');
    expect(sources.stepBaseNs).toBe('file');
    expect(sources.capturePerSeqNs).toBe('default');
    expect(model.capturePerSeqNs).toBe(MODEL_DEFAULTS.capturePerSeqNs);
    expect(resolveModel({}, null).sources.graphMemBytes).toBe('default');
  });

  it('refuses a file that is not a run result, naming the field', () => {
    expect(() => fitFromRun({ command: 'analyze' }, MODEL_DEFAULTS)).toThrow('expected a `graphprof run --json` result, got command "analyze"');
    expect(() => fitFromRun({ command: 'run', results: [] }, MODEL_DEFAULTS)).toThrow('the run has no results');
    const broken = JSON.parse(JSON.stringify(run)) as { results: { graph: { stepNs: { p50Ns: unknown } } }[] };
    broken.results[1]!.graph.stepNs.p50Ns = 'x';
    expect(() => fitFromRun(broken, MODEL_DEFAULTS)).toThrow('results[1].graph.stepNs.p50Ns is not a number');
  });

  it('with one batch size fits only the intercepts', () => {
    const one = JSON.parse(JSON.stringify(run)) as { results: unknown[] };
    one.results = one.results.slice(1, 2); // batch 8
    const f = fitFromRun(one, MODEL_DEFAULTS);
    expect(f.values.stepPerSeqNs).toBeUndefined();
    expect(f.values.stepBaseNs).toBeCloseTo(5_160_000 - 8 * MODEL_DEFAULTS.stepPerSeqNs, 3);
    expect(f.notes.join(' ')).toContain('one batch size');
  });

  it('least squares', () => {
    expect(fitLine([1, 2, 3], [3, 5, 7])).toEqual({ intercept: 1, slope: 2 });
    expect(fitLine([2, 2], [1, 3])).toBeNull();
  });
});

describe('recommend', () => {
  const input = {
    distribution: uniformDistribution(256),
    distributionInfo: { kind: 'uniform' as const, exponent: null, file: null, samples: null, aboveMaxShare: 0, meanBatch: 128.5 },
    model: MODEL_DEFAULTS,
    sources: resolveModel({}, null).sources,
    fromFile: null,
    fitNotes: [],
    budgets: { memoryBytes: 500_000_000, captureNs: null },
    sharedPool: true,
    allowEagerTail: false,
  };

  it('returns the pool, the baselines on the same terms and the snippets', () => {
    const out = recommend(input);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const r = out.result;
    expect(r.sizes[r.sizes.length - 1]).toBe(256);
    expect(r.memoryBytes).toBeLessThanOrEqual(500_000_000);
    expect(r.baselines.map((b) => b.name)).toEqual(['vLLM default', 'SGLang default', 'TensorRT-LLM default', 'powers of two', 'every size']);
    // every baseline that fits is no faster than the optimum
    for (const b of r.baselines) if (b.fits) expect(b.expectedStepNs).toBeGreaterThanOrEqual(r.expectedStepNs * (1 - 1e-12));
    const vllm = r.baselines[0]!;
    expect(vllm.sizes[vllm.sizes.length - 1]).toBe(512); // vLLM captures up to 2 x max_num_seqs
    expect(vllm.fits).toBe(false);
    expect(r.snippets.sglang).toBe(`--cuda-graph-bs ${r.sizes.join(' ')} --cuda-graph-max-bs 256`);
    expect(r.notes.join('\n')).toContain('assumed defaults');
    expect(r.advice).toMatch(/^Capture \d+ sizes: expected step /);
  });

  it('--within: the fewest graphs within the share of the optimum, and no fewer', () => {
    const plain = recommend(input);
    const out = recommend({ ...input, within: 0.01 });
    expect(plain.ok && out.ok).toBe(true);
    if (!plain.ok || !out.ok) return;
    const opt = plain.result;
    const r = out.result;
    expect(plain.result.within).toBeNull();
    expect(r.within).toEqual({ share: 0.01, optimum: { sizes: opt.sizes, graphCount: opt.graphCount, expectedStepNs: opt.expectedStepNs } });
    expect(r.graphCount).toBeLessThan(opt.graphCount);
    expect(r.expectedStepNs).toBeLessThanOrEqual(opt.expectedStepNs * 1.01);
    // one graph fewer cannot stay within 1%: the exact optimum with that many is above the limit
    const fewer = optimisePool({
      distribution: input.distribution,
      model: input.model,
      budgets: { ...input.budgets, maxGraphs: r.graphCount - 1 },
      sharedPool: true,
      allowEagerTail: false,
    });
    expect(fewer.ok).toBe(true);
    if (fewer.ok) expect(fewer.pool.expectedStepNs).toBeGreaterThan(opt.expectedStepNs * 1.01);
    expect(r.notes.join('\n')).toContain(`--within 1.0%: ${r.graphCount} graphs instead of the optimum's ${opt.graphCount}`);
    // the baselines compare with the pool recommended
    expect(r.baselines[0]!.slowerThanRecommended).toBeCloseTo(r.baselines[0]!.expectedStepNs / r.expectedStepNs - 1, 12);
  });

  it('explains the smallest budget when nothing fits', () => {
    const out = recommend({ ...input, budgets: { memoryBytes: 100_000_000, captureNs: 100_000_000 } });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.message).toBe(
      'no capture pool fits the budgets: the smallest pool that covers --max-batch 256, {256}, needs 264 MiB of graph memory and 250 ms of capture time; raise --mem-budget to at least 276824064B (264 MiB) and --capture-budget to at least 250000000ns (250 ms), lower --max-batch, or pass --allow-eager-tail',
    );
  });

  it('snippets in each engine\'s syntax', () => {
    expect(engineSnippets([1, 8, 64])).toEqual({
      vllm: `--compilation-config '{"cudagraph_capture_sizes": [1, 8, 64], "max_cudagraph_capture_size": 64}'`,
      sglang: '--cuda-graph-bs 1 8 64 --cuda-graph-max-bs 64',
      trtllm: 'cuda_graph_config: {batch_sizes: [1, 8, 64], enable_padding: true}',
    });
  });

  it('advice compares with each engine list', () => {
    const line = adviceLine({
      graphCount: 3,
      expectedStepNs: 10e6,
      paddingOverhead: 0.01,
      memoryBytes: 2 ** 20,
      captureNs: 1e9,
      eagerShare: 0,
      baselines: [
        { name: 'vLLM default', engine: 'vllm', sizes: [], graphCount: 51, fits: false, memoryBytes: 0, captureNs: 0, expectedStepNs: 0, paddingOverhead: 0, worstPaddingRatio: 1, eagerShare: 0, slowerThanRecommended: 0.05, interpolatedSizes: [] },
      ],
    });
    expect(line).toBe("Capture 3 sizes: expected step 10.0 ms (1.0% over ideal), 1.0 MiB of graph memory, 1.00 s of capture. vLLM's default list (51 graphs) is 5.0% slower and does not fit the budgets.");
  });
});
