import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  checkResult,
  compareMetric,
  compareResults,
  environmentDifferences,
  extractMetrics,
  isFake,
  MEMORY_QUANTUM_BYTES,
  workloadDifferences,
  type ComparableResult,
  type MetricComparison,
  type MetricValue,
} from '../../../src/core/compare/compare.js';
import type { RunResult } from '../../../src/core/schema.js';
import { generator, quantile } from '../../../src/core/compare/significance.js';
import { FAMILY_INFO } from '../../../src/core/compare/compare.js';
import { parseThresholdSpecs, resolveThresholds } from '../../../src/core/compare/thresholds.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'compare');
const load = (name: string): ComparableResult => checkResult(JSON.parse(readFileSync(join(dir, name), 'utf8')));
const thresholds = (text?: string) => resolveThresholds(text ? [{ source: '--max-regression', specs: parseThresholdSpecs(text, FAMILY_INFO) }] : []);
const compare = (b: string, c: string, t?: string) => compareResults(load(b), load(c), thresholds(t), { level: 0.95 });
const byKey = (ms: MetricComparison[]) => new Map(ms.map((m) => [m.key, m]));
const verdicts = (ms: MetricComparison[], family: string) => ms.filter((m) => m.family === family).map((m) => m.verdict);

describe('the metrics of a result', () => {
  it('takes p50 and p99 of both modes, host time per launch, capture and memory per batch size from a run', () => {
    const run = load('run-baseline.json') as RunResult;
    const ms = extractMetrics(run);
    expect(ms).toHaveLength(21);
    expect(ms.slice(0, 7).map((m) => m.key)).toEqual(['eager.p50@b1', 'eager.p99@b1', 'graph.p50@b1', 'graph.p99@b1', 'host.perLaunch@b1', 'graph.capture@b1', 'graph.memory@b1']);
    const b8 = run.results[1]!;
    const m = new Map(ms.map((x) => [x.key, x]));
    expect(m.get('graph.p99@b8')).toMatchObject({ value: b8.graph.stepNs.p99Ns, quantile: 0.99, kind: 'duration', better: 'lower', label: 'graph step p99, batch 8' });
    expect(m.get('graph.p99@b8')!.samples).toEqual(b8.samples.graphStepNs);
    expect(m.get('host.perLaunch@b8')!.value).toBe(b8.eager.launchNs.p50Ns);
    expect(m.get('graph.capture@b8')).toMatchObject({ value: b8.graph.captureNs, samples: null });
    expect(m.get('graph.memory@b32')).toMatchObject({ value: 6 * 2 ** 20, kind: 'bytes' });
  });

  it('takes per-step counts, launch time, share and predicted speedup from an analysis', () => {
    const ms = extractMetrics(load('analyze-baseline.json'));
    expect(ms.map((m) => [m.key, m.value])).toEqual([
      ['launches.perStep', 847],
      ['launchTime.perStep', 12_690_000],
      ['overheadShare', 0.423],
      ['syncs.perStep', 424],
      ['memcpys.perStep', 212],
      ['prediction.speedup', expect.closeTo(1.6917, 4)],
    ]);
  });

  it('names the metrics of a second profile @p2', () => {
    const a = load('analyze-baseline.json');
    if (a.command !== 'analyze') throw new Error('fixture');
    const two = { ...a, profiles: [a.profiles[0]!, a.profiles[0]!] };
    expect(extractMetrics(two).map((m) => m.key)).toContain('launches.perStep@p2');
    expect(extractMetrics(two).find((m) => m.key === 'launches.perStep@p2')!.label).toBe('kernel launch calls per step, profile 2');
  });
});

describe('comparing run results', () => {
  it('passes noisy but equal sample sets', () => {
    const c = compare('run-baseline.json', 'run-equal.json');
    expect(c.passed).toBe(true);
    expect(c.counts.regressed).toBe(0);
    expect(c.counts.unchanged).toBe(21);
    // every interval of a sampled timing holds 1 (no change): the noise test agrees
    for (const m of c.metrics.filter((x) => x.significance)) expect(m.significance!.ratioLow).toBeLessThan(1.005);
  });

  it('fails a real 10% slowdown of graph replay under 2% noise, and nothing else', () => {
    const c = compare('run-baseline.json', 'run-slower.json');
    expect(c.passed).toBe(false);
    expect(verdicts(c.metrics, 'graph.p50')).toEqual(['regressed', 'regressed', 'regressed']);
    expect(verdicts(c.metrics, 'graph.p99')).toEqual(['regressed', 'regressed', 'regressed']);
    expect(c.counts.regressed).toBe(6);
    const m = byKey(c.metrics).get('graph.p50@b8')!;
    expect(m.relativeChange).toBeCloseTo(0.1, 1);
    expect(m.significance).toMatchObject({ method: 'bootstrap-ratio', quantile: 0.5, level: 0.95, baselineSamples: 100, currentSamples: 100, significant: true });
    expect(m.significance!.ratioLow).toBeGreaterThan(1.05);
    expect(m.significance!.mannWhitneyP).toBeLessThan(1e-10);
    expect(m.threshold).toMatchObject({ text: '5%', source: 'default', allowed: expect.closeTo(0.05 * m.baseline!, 6) });
  });

  it('shows improvements and passes', () => {
    const c = compare('run-baseline.json', 'run-faster.json');
    expect(c.passed).toBe(true);
    expect(verdicts(c.metrics, 'graph.p50')).toEqual(['improved', 'improved', 'improved']);
    expect(verdicts(c.metrics, 'eager.p50')).toEqual(['improved', 'improved', 'improved']);
    expect(c.counts.improved).toBe(12);
  });

  it('fails the same slowdown when the threshold is above it only for the other figures', () => {
    const c = compare('run-baseline.json', 'run-slower.json', '5%,graph.p50=15%,graph.p99=15%');
    expect(c.passed).toBe(true);
    expect(compare('run-baseline.json', 'run-slower.json', '15%,graph.p50@b32=5%').counts.regressed).toBe(1);
  });

  it('calls a memory change under one 2 MiB driver step noise, and a larger one a regression', () => {
    const m = byKey(compare('run-baseline.json', 'run-memory.json').metrics);
    expect(m.get('graph.memory@b1')).toMatchObject({ change: 2 ** 20, verdict: 'within-noise', noise: 'memory-step' });
    expect(m.get('graph.memory@b8')!.verdict).toBe('unchanged');
    expect(m.get('graph.memory@b32')).toMatchObject({ change: 4 * 2 ** 20, verdict: 'regressed' });
    expect(MEMORY_QUANTUM_BYTES).toBe(2 * 2 ** 20);
  });

  it('fails figures missing from the current result, and shows new ones without failing', () => {
    const missing = compare('run-baseline.json', 'run-incomplete.json');
    expect(missing.counts.missing).toBe(7);
    expect(missing.passed).toBe(false);
    expect(missing.metrics.filter((m) => m.verdict === 'missing').every((m) => m.key.endsWith('@b32'))).toBe(true);
    const added = compare('run-incomplete.json', 'run-baseline.json');
    expect(added.counts.new).toBe(7);
    expect(added.passed).toBe(true);
  });
});

describe('comparing analyze results', () => {
  it('fails 120 more launches per step with a count threshold of 0', () => {
    const c = compare('analyze-baseline.json', 'analyze-more-launches.json', '20%,launches.perStep=0');
    const m = byKey(c.metrics);
    expect(m.get('launches.perStep')).toMatchObject({ baseline: 847, current: 967, change: 120, noise: 'exact', verdict: 'regressed' });
    expect(c.counts.regressed).toBe(1);
    expect(c.passed).toBe(false);
  });

  it('gates the share in percentage points', () => {
    const m = byKey(compare('analyze-baseline.json', 'analyze-more-launches.json', '50%,overheadShare=2pp').metrics);
    expect(m.get('overheadShare')).toMatchObject({ baseline: 0.423, verdict: 'regressed' });
    expect(m.get('overheadShare')!.change).toBeCloseTo(0.06, 3);
    const loose = byKey(compare('analyze-baseline.json', 'analyze-more-launches.json', '50%,overheadShare=7pp').metrics);
    expect(loose.get('overheadShare')!.verdict).toBe('unchanged');
  });

  it('shows the reverse change as improvements', () => {
    const c = compare('analyze-more-launches.json', 'analyze-baseline.json', 'launches.perStep=0');
    expect(c.passed).toBe(true);
    expect(byKey(c.metrics).get('launches.perStep')!.verdict).toBe('improved');
    expect(byKey(c.metrics).get('syncs.perStep')!.verdict).toBe('unchanged');
  });
});

describe('one metric', () => {
  const t = thresholds('5%');
  const value = (family: string, v: number | null, extra: Partial<MetricValue> = {}): MetricValue => ({
    key: family,
    family,
    label: family,
    kind: FAMILY_INFO.get(family)!.kind,
    better: 'lower',
    group: 1,
    value: v,
    samples: null,
    quantile: null,
    ...extra,
  });

  it('passes a change exactly at the threshold and fails one past it', () => {
    expect(compareMetric(value('syncs.perStep', 100), value('syncs.perStep', 105), t, { level: 0.95 })!.verdict).toBe('unchanged');
    expect(compareMetric(value('syncs.perStep', 100), value('syncs.perStep', 106), t, { level: 0.95 })!.verdict).toBe('regressed');
    expect(compareMetric(value('overheadShare', 0.3), value('overheadShare', 0.32), thresholds('overheadShare=2pp'), { level: 0.95 })!.verdict).toBe('unchanged');
  });

  it('fails any rise from a zero baseline under a relative threshold', () => {
    const m = compareMetric(value('syncs.perStep', 0), value('syncs.perStep', 4), t, { level: 0.95 })!;
    expect(m).toMatchObject({ change: 4, relativeChange: null, verdict: 'regressed' });
  });

  it('calls a change past the threshold that the samples cannot tell from noise "within noise"', () => {
    // 8 samples a side with a 25% spread: an 8% rise of the median is well inside the noise.
    const next = generator(3);
    const draw = (median: number) => Array.from({ length: 8 }, () => median * Math.exp(0.25 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())));
    const b = draw(1e6);
    let c = draw(1e6);
    const scale = (1.08 * quantile(b, 0.5)) / quantile(c, 0.5);
    c = c.map((x) => x * scale);
    const m = compareMetric(
      value('graph.p50', quantile(b, 0.5), { samples: b, quantile: 0.5 }),
      value('graph.p50', quantile(c, 0.5), { samples: c, quantile: 0.5 }),
      t,
      { level: 0.95 },
    )!;
    expect(m.relativeChange).toBeCloseTo(0.08, 6);
    expect(m.beyondThreshold).toBe(true);
    expect(m.significance!.significant).toBe(false);
    expect(m.verdict).toBe('within-noise');
  });

  it('compares a timing without samples as a single value', () => {
    const m = compareMetric(value('graph.capture', 1e6), value('graph.capture', 1.1e6), t, { level: 0.95 })!;
    expect(m).toMatchObject({ noise: 'single-value', significance: null, verdict: 'regressed' });
  });

  it('leaves out a figure neither side has', () => {
    expect(compareMetric(value('graph.capture', null), value('graph.capture', null), t, { level: 0.95 })).toBeNull();
  });
});

describe('reading results', () => {
  const run = JSON.parse(readFileSync(join(dir, 'run-baseline.json'), 'utf8')) as Record<string, unknown>;
  it.each([
    [[1, 2], 'not a graphprof result: expected the JSON object of `graphprof run --json` or `graphprof analyze --json` (no "command" field)'],
    [{ command: 'recommend', schemaVersion: '1.0' }, 'a `recommend` result: compare reads results of `run` or `analyze`'],
    [{ ...run, schemaVersion: '2.0' }, 'schemaVersion 2.0 is not readable by this graphprof (it reads 1.x)'],
    [{ ...run, schemaVersion: 1 }, 'schemaVersion 1 is not "major.minor"; this graphprof reads 1.0'],
    [{ ...run, results: null }, 'a `run` result without a "results" list'],
    [{ ...run, results: [{ batch: 0 }] }, 'results[0] has no batch size ("batch": a positive integer)'],
    [{ command: 'analyze', schemaVersion: '1.0' }, 'an `analyze` result without a "profiles" list'],
  ])('refuses %j', (value, message) => {
    expect(() => checkResult(value)).toThrow(message);
  });

  it('accepts a newer minor version', () => {
    expect(checkResult({ ...run, schemaVersion: '1.7' }).command).toBe('run');
  });
});

describe('environments and workloads', () => {
  it('lists the GPU, driver and CUDA runtime that differ', () => {
    expect(environmentDifferences(load('run-baseline.json'), load('run-other-gpu.json'))).toEqual([
      { what: 'GPU', baseline: 'NVIDIA H200', current: 'NVIDIA H100 80GB HBM3' },
      { what: 'driver', baseline: '580.159.04', current: '570.172.08' },
      { what: 'CUDA runtime', baseline: '13.0', current: '12.8' },
    ]);
    expect(environmentDifferences(load('run-baseline.json'), load('run-equal.json'))).toEqual([]);
    expect(environmentDifferences(load('analyze-baseline.json'), load('analyze-more-launches.json'))).toEqual([]);
  });

  it('knows a fake-harness result', () => {
    expect(isFake(load('run-fake.json'))).toBe(true);
    expect(isFake(load('run-baseline.json'))).toBe(false);
  });

  it('lists workload settings that differ', () => {
    const b = load('run-baseline.json') as RunResult;
    const c = { ...b, workload: { ...b.workload, kernels: 900 } };
    expect(workloadDifferences(b, c)).toEqual([{ field: 'kernels', baseline: 847, current: 900 }]);
  });
});

describe('the whole gate on equal distributions', () => {
  it('fails none of 200 pairs of equal 30-sample sets (2% spread) at the default 5%', () => {
    const next = generator(11);
    const draw = () => Array.from({ length: 30 }, () => 2.5e6 * Math.exp(0.02 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())));
    const t = thresholds();
    const metric = (s: number[]): MetricValue => ({ key: 'graph.p50@b1', family: 'graph.p50', label: '', kind: 'duration', better: 'lower', group: 1, value: quantile(s, 0.5), samples: s, quantile: 0.5 });
    let failed = 0;
    let significant = 0;
    for (let i = 0; i < 200; i++) {
      const m = compareMetric(metric(draw()), metric(draw()), t, { level: 0.95, resamples: 1000 })!;
      if (m.verdict === 'regressed') failed++;
      if (m.significance!.significant) significant++;
    }
    expect(failed).toBe(0);
    // the test alone flags a few percent of them, as it should at 95%
    expect(significant).toBeGreaterThan(0);
    expect(significant).toBeLessThan(20);
  });
});

describe('several baseline runs', () => {
  const real = (name: string) => load(`real/${name}.json`);
  const sims = (n: number) => Array.from({ length: n }, (_, i) => real(`h200-sim-${i + 1}`));
  const compareRuns = (baselines: ComparableResult[], current: ComparableResult, t?: string) => compareResults(baselines, current, thresholds(t), { level: 0.95 });
  const hostSide = ['eager.p50', 'eager.p99', 'host.perLaunch', 'graph.capture'];

  it('the real H200 pair fails 20 host-side gates against one baseline run (today\'s rule, kept)', () => {
    const c = compare('real/h200-run-a.json', 'real/h200-run-b.json');
    expect(c.counts.regressed).toBe(20);
    expect(c.baselineRuns).toBe(1);
    expect(c.metrics.filter((m) => m.verdict === 'regressed').every((m) => hostSide.includes(m.family))).toBe(true);
    expect(verdicts(c.metrics, 'graph.p50').every((v) => v === 'unchanged')).toBe(true);
    expect(c.metrics.every((m) => m.betweenRunSpread === null)).toBe(true);
  });

  it.each([2, 3, 4])('the real pair passes with run a and %i simulated runs of its process as the baselines', (n) => {
    const c = compareRuns([real('h200-run-a'), ...sims(n)], real('h200-run-b'));
    expect(c.passed).toBe(true);
    expect(c.counts.regressed).toBe(0);
    expect(c.baselineRuns).toBe(n + 1);
    // the host-side shift is past the threshold and significant within the run, but inside the spread between runs
    const host = byKey(c.metrics).get('host.perLaunch@b32')!;
    expect(host.relativeChange!).toBeGreaterThan(0.15);
    expect(host.significance!.significant).toBe(true);
    expect(host.betweenRunSpread).toMatchObject({ method: 'log-t-prediction', runs: n + 1, level: 0.995, beyond: false });
    expect(host.verdict).toBe('within-noise');
  });

  it('takes the median of the runs as the baseline, and reports their spread', () => {
    const baselines = [real('h200-run-a'), ...sims(4)];
    const c = compareRuns(baselines, real('h200-run-b'));
    const m = byKey(c.metrics).get('eager.p50@b1')!;
    const values = baselines.map((r) => (r as RunResult).results[0]!.eager.stepNs.p50Ns);
    expect(m.baseline).toBe([...values].sort((a, b) => a - b)[2]);
    expect(m.betweenRunSpread!.values).toEqual(values);
    expect(m.betweenRunSpread!.min).toBe(Math.min(...values));
    expect(m.betweenRunSpread!.max).toBe(Math.max(...values));
    expect(m.betweenRunSpread!.limitHigh).toBeGreaterThan(m.betweenRunSpread!.max);
    expect(m.significance!.baselineSamples).toBe(500);
    // graph memory is not a timing: no spread, compared against the median as before
    expect(byKey(c.metrics).get('graph.memory@b1')).toMatchObject({ betweenRunSpread: null, verdict: 'unchanged' });
  });

  it.each([3, 4])('a real 10% graph-replay shift still fails with %i simulated runs and run a as the baselines, and nothing else does', (n) => {
    const c = compareRuns([real('h200-run-a'), ...sims(n)], real('h200-run-b-graph-slower'));
    expect(c.passed).toBe(false);
    expect(verdicts(c.metrics, 'graph.p50')).toEqual(Array(6).fill('regressed'));
    expect(verdicts(c.metrics, 'graph.p99')).toEqual(Array(6).fill('regressed'));
    expect(c.counts.regressed).toBe(12);
    const m = byKey(c.metrics).get('graph.p50@b8')!;
    expect(m.relativeChange!).toBeGreaterThan(0.09);
    expect(m.betweenRunSpread!.limitChangeHigh).toBeLessThan(0.05);
  });

  it('still fails 120 more launches per step with a count threshold of 0, and passes unchanged analyses', () => {
    const base = load('analyze-baseline.json');
    const more = compareRuns([base, base, base], load('analyze-more-launches.json'), '20%,launches.perStep=0');
    expect(byKey(more.metrics).get('launches.perStep')).toMatchObject({ baseline: 847, current: 967, verdict: 'regressed', noise: 'exact' });
    expect(more.passed).toBe(false);
    const same = compareRuns([base, base, base], base);
    expect(same.passed).toBe(true);
    expect(same.counts.unchanged).toBe(6);
  });

  it('passes unchanged synthetic runs, and fails the synthetic 10% slowdown: p50s from 3 runs, p99s from 4', () => {
    const three = [load('run-baseline.json'), load('run-equal.json'), load('run-memory.json')];
    expect(compareRuns(three, load('run-other-gpu.json')).passed).toBe(true);
    const slower = compareRuns(three, load('run-slower.json'));
    expect(verdicts(slower.metrics, 'graph.p50')).toEqual(['regressed', 'regressed', 'regressed']);
    // a p99 of 100 samples moves ~0.6% between runs; t with 2 degrees of freedom at 99.5% puts the limit ~10% out
    expect(byKey(slower.metrics).get('graph.p99@b8')).toMatchObject({ verdict: 'within-noise', betweenRunSpread: { beyond: false } });
    const four = [...three, load('run-other-gpu.json')];
    expect(compareRuns(four, load('run-equal.json')).passed).toBe(true);
    expect(compareRuns(four, load('run-slower.json')).counts.regressed).toBe(6);
  });

  it('leaves out runs that lack a figure, and fails a figure the current result lacks', () => {
    const c = compareRuns([load('run-baseline.json'), load('run-incomplete.json'), load('run-equal.json')], load('run-incomplete.json'));
    expect(c.counts.missing).toBe(7);
    const m = byKey(c.metrics).get('graph.p50@b32')!;
    expect(m.verdict).toBe('missing');
    const b32 = byKey(compareRuns([load('run-baseline.json'), load('run-incomplete.json'), load('run-equal.json')], load('run-baseline.json')).metrics).get('graph.p50@b32')!;
    expect(b32.betweenRunSpread!.runs).toBe(2);
  });

  it('refuses baselines of another command', () => {
    expect(() => compareRuns([load('run-baseline.json'), load('analyze-baseline.json')], load('run-equal.json'))).toThrow('a `analyze` result cannot be compared with an `run` result');
  });
});

describe('the false-alarm rate of the between-run rule on simulated noise', () => {
  const z = (next: () => number) => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const single = (family: string, key: string, v: number): MetricValue => ({ key, family, label: '', kind: 'duration', better: 'lower', group: 1, value: v, samples: null, quantile: null });

  // The model of fixtures/compare/make.mjs: per process, a shared host factor exp(0.12 z) and a
  // shared capture factor exp(0.2 z); per batch size host x exp(0.04 z), capture x exp(0.2 z); graph
  // step exp(0.002 z) shared, exp(0.001 z) per batch size. 6 batch sizes x 6 timing families.
  function job(next: () => number): Map<string, number> {
    const hs = 0.12 * z(next);
    const cs = 0.2 * z(next);
    const gs = 0.002 * z(next);
    const out = new Map<string, number>();
    for (const b of [1, 2, 4, 8, 16, 32]) {
      const hb = hs + 0.04 * z(next);
      out.set(`eager.p50@b${b}`, 3.2e6 * Math.exp(hb + 0.005 * z(next)));
      out.set(`eager.p99@b${b}`, 3.7e6 * Math.exp(hb + 0.03 * z(next)));
      out.set(`host.perLaunch@b${b}`, 3.7e3 * Math.exp(hb + 0.005 * z(next)));
      out.set(`graph.capture@b${b}`, 8e5 * Math.exp(cs + 0.2 * z(next)));
      out.set(`graph.p50@b${b}`, 2.37e6 * Math.exp(gs + 0.001 * z(next)));
      out.set(`graph.p99@b${b}`, 2.38e6 * Math.exp(gs + 0.003 * z(next)));
    }
    return out;
  }

  it.each([
    [1, 0.5, 1],
    [3, 0, 0.08],
    [5, 0, 0.07],
  ])('with %i baseline run(s), unchanged jobs of 36 timings fail at a rate between %f and %f (1,000 jobs)', (n, low, high) => {
    const next = generator(500 + n);
    const t = thresholds();
    let failedJobs = 0;
    for (let j = 0; j < 1000; j++) {
      const runs = Array.from({ length: n }, () => job(next));
      const current = job(next);
      let failed = false;
      for (const [key, v] of current) {
        const family = key.slice(0, key.indexOf('@'));
        const m = compareMetric(
          runs.map((r) => single(family, key, r.get(key)!)),
          single(family, key, v),
          t,
          { level: 0.95 },
        )!;
        if (m.verdict === 'regressed') failed = true;
      }
      if (failed) failedJobs++;
    }
    expect(failedJobs / 1000).toBeGreaterThanOrEqual(low);
    expect(failedJobs / 1000).toBeLessThanOrEqual(high);
  });
});
