import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { CompareResult } from '../../src/core/compare/compare.js';
import { tableOf } from '../report/markdown.js';
import { findAll, parseXml } from '../report/xml.js';
import { graphprof, root } from './cli.js';

const fx = (name: string) => join(root, 'fixtures', 'compare', name);
const fake = { GRAPHPROF_FAKE_HARNESS: '1' };
const tmp = () => mkdtempSync(join(tmpdir(), 'graphprof-compare-'));

describe('graphprof compare: verdicts and exit codes', () => {
  it('passes noisy but equal run results: exit 0, the table on stdout, nothing on stderr', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('graphprof compare: run results, baseline');
    expect(r.stdout).toMatch(/│ graph\.p50@b8 +│ +2\.53 ms │ +2\.53 ms │[^│]+│ +\+5% │ +[-+]\d\.\d+% … \+\d\.\d+% │ unchanged +│/);
    expect(r.stdout).toContain('PASSED (21 gates); 21 unchanged');
  });

  it('fails a 10% slower graph replay: exit 1 and one line on stderr that says what moved', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-slower.json'), '--max-regression', '5%']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: 6 regressed of 21 gates; 15 unchanged');
    expect(r.stdout).toMatch(/│ graph\.p50@b1 +│ +2\.50 ms │ +2\.74 ms │ +\+237 µs \(\+9\.5%\) │ +\+5% │[^│]+│ regressed +│/);
    expect(r.stderr.trim().split('\n')).toEqual([
      'graphprof: compare: 6 of 21 gates failed: graph.p50@b1 +237 µs (+9.5%) > +5%, graph.p99@b1 +232 µs (+8.8%) > +5%, graph.p50@b8 +253 µs (+10.0%) > +5%, and 3 more (the comparison above says why)',
    ]);
  });

  it('shows improvements and passes', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-faster.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASSED (21 gates); 12 improved, 9 unchanged');
    expect(r.stdout).toMatch(/│ graph\.p50@b1 +│ +2\.50 ms │ +2\.30 ms │ +-204 µs \(-8\.1%\) │[^│]+│[^│]+│ improved +│/);
  });

  it('fails 120 more launches per step with launches.perStep=0 (repeatable flag)', () => {
    const r = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json'), '--max-regression', '20%', '--max-regression', 'launches.perStep=0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/│ launches\.perStep +│ +847 calls │ +967 calls │ +\+120 calls \(\+14\.2%\) │ +\+0 calls │ +exact │ regressed +│/);
    expect(r.stderr.trim()).toBe('graphprof: compare: 1 of 6 gates failed: launches.perStep +120 calls (+14.2%) > +0 calls (the comparison above says why)');
    const pp = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json'), '--max-regression', '50%,launches.perStep=200,overheadShare=2pp']);
    expect(pp.code).toBe(1);
    expect(pp.stdout).toMatch(/│ overheadShare +│ +42\.3% │ +48\.3% │ +\+6\.0 pp \(\+14\.2%\) │ +\+2\.0 pp │ +exact │ regressed +│/);
  });

  it('fails when the current run lacks batch sizes the baseline has', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-incomplete.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warning: \S*run-incomplete\.json is incomplete \(the run stopped: cudaErrorMemoryAllocation/m);
    expect(r.stderr).toContain('graphprof: compare: 7 of 21 gates failed: eager.p50@b32 missing');
  });

  it('treats a graph memory change under one 2 MiB step as noise', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-memory.json'), '--max-regression', 'graph.memory@b32=4MiB']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ graph\.memory@b1 +│ +2\.0 MiB │ +3\.0 MiB │ +\+1\.0 MiB \(\+50\.0%\) │ +\+5% │ +2 MiB step │ within noise +│/);
    expect(r.stdout).toMatch(/│ graph\.memory@b32 +│ +6\.0 MiB │ +10\.0 MiB │ +\+4\.0 MiB \(\+66\.7%\) │ +\+4\.0 MiB │ +2 MiB step │ unchanged +│/);
  });
});

describe('graphprof compare: environments', () => {
  it('warns loudly when the GPU, driver or CUDA runtime differ; --strict-env makes it exit 2', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-other-gpu.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(
      'warning: baseline and current were measured on different machines: GPU NVIDIA H200 (baseline) vs NVIDIA H100 80GB HBM3 (current); driver 580.159.04 (baseline) vs 570.172.08 (current); CUDA runtime 13.0 (baseline) vs 12.8 (current); timings are not comparable across them (--strict-env makes this an error)',
    );
    const strict = graphprof(['compare', fx('run-baseline.json'), fx('run-other-gpu.json'), '--strict-env']);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr.trim()).toMatch(
      /^graphprof: --strict-env: \S*run-baseline\.json and \S*run-other-gpu\.json do not come from the same environment \(GPU NVIDIA H200 vs NVIDIA H100 80GB HBM3, driver 580\.159\.04 vs 570\.172\.08, CUDA runtime 13\.0 vs 12\.8\); measure both on one machine, or update the baseline there$/,
    );
  });

  it('flags a fake-harness result loudly, and --strict-env refuses it', () => {
    const r = graphprof(['compare', fx('run-fake.json'), fx('run-baseline.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: \S*run-fake\.json was made by the FAKE harness \(GRAPHPROF_FAKE_HARNESS=1\): its figures are synthetic, not measurements/);
    const strict = graphprof(['compare', fx('run-baseline.json'), fx('run-fake.json'), '--strict-env']);
    expect(strict.code).toBe(2);
    expect(strict.stderr.trim()).toMatch(/do not come from the same environment \(\S*run-fake\.json comes from the fake harness\); measure both on one machine/);
  });
});

describe('graphprof compare: formats', () => {
  it('--format markdown prints a valid GitHub table for $GITHUB_STEP_SUMMARY', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-slower.json'), '--format', 'markdown']);
    expect(r.code).toBe(1);
    const { head, rows } = tableOf(r.stdout);
    expect(head[0]).toBe('metric');
    expect(rows).toHaveLength(21);
    expect(rows.filter((row) => row[6] === '**regressed**')).toHaveLength(6);
  });

  it('--json prints the comparison for machines; --json with another --format is exit 2', () => {
    const r = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json'), '--json', '--max-regression', 'launches.perStep=0']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as CompareResult;
    expect(j).toMatchObject({ command: 'compare', schemaVersion: '1.0', compared: 'analyze', level: 0.95 });
    expect(j.summary).toMatchObject({ total: 6, regressed: 4, unchanged: 2, passed: false });
    expect(j.metrics[0]).toMatchObject({ key: 'launches.perStep', baseline: 847, current: 967, change: 120, verdict: 'regressed', threshold: { text: 'launches.perStep=0', source: '--max-regression', allowed: 0 } });
    expect(j.thresholds.overrides).toEqual([{ name: 'launches.perStep', threshold: { mode: 'absolute', value: 0 }, text: 'launches.perStep=0', source: '--max-regression' }]);
    const clash = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json'), '--json', '--format', 'markdown']);
    expect(clash.code).toBe(2);
    expect(clash.stderr.trim()).toBe('graphprof: --json: conflicts with --format markdown; give one of them');
  });

  it('--junit writes JUnit XML with one test case per gate', () => {
    const file = join(tmp(), 'report.xml');
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-slower.json'), '--junit', file]);
    expect(r.code).toBe(1);
    const xml = parseXml(readFileSync(file, 'utf8'));
    expect(xml.attrs).toMatchObject({ tests: '21', failures: '6' });
    expect(findAll(xml, 'testcase')).toHaveLength(21);
    expect(findAll(xml, 'failure')).toHaveLength(6);
  });

  it('--level changes the interval', () => {
    const r = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json'), '--level', '99%']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('noise (99% CI of change)');
  });
});

describe('graphprof compare: bad input is exit 2 with the file named', () => {
  it.each([
    [[fx('run-baseline.json'), fx('analyze-baseline.json')], /^graphprof: compare: \S*run-baseline\.json is a `run` result but \S*analyze-baseline\.json is an `analyze` result; compare two results of the same command$/],
    [[fx('run-baseline.json'), fx('run-schema-2.json')], /^graphprof: \S*run-schema-2\.json: schemaVersion 2\.0 is not readable by this graphprof \(it reads 1\.x\)/],
    [[fx('broken.json'), fx('run-baseline.json')], /^graphprof: \S*broken\.json:33: not valid JSON: Unterminated string; expected the JSON of `graphprof run --json`/],
    [[fx('nope.json'), fx('run-baseline.json')], /^graphprof: \S*nope\.json: cannot read: no such file$/],
    [[fx('run-baseline.json')], /^graphprof: compare: expected two result files, <baseline> <current>, got 1$|missing required argument/],
    [[fx('run-baseline.json'), fx('run-equal.json'), '--max-regression', 'launches=0'], /^graphprof: --max-regression: unknown metric "launches"; known for run: eager\.p50/],
    [[fx('run-baseline.json'), fx('run-equal.json'), '--max-regression', 'graph.p50=2'], /^graphprof: --max-regression: graph\.p50 \(a duration\): "2" has no unit; use ns, us, ms, s, or % for a relative change$/],
    [[fx('run-baseline.json'), fx('run-equal.json'), '--level', '30%'], /^graphprof: --level: expected a confidence level between 50% and 99\.9%, got "30%"$/],
    [[fx('run-baseline.json'), fx('run-equal.json'), '--format', 'html'], /argument 'html' is invalid/],
  ])('%j', (args, message) => {
    const r = graphprof(['compare', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(message);
  });

  it('refuses a result of another command', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rec.json'), JSON.stringify({ schemaVersion: '1.0', command: 'recommend' }));
    const r = graphprof(['compare', join(dir, 'rec.json'), fx('run-baseline.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/rec\.json: a `recommend` result: compare reads results of `run` or `analyze`$/);
  });
});

describe('graphprof compare: the config file', () => {
  it('reads graphprof.config.json from the working directory; flags override it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'graphprof.config.json'), JSON.stringify({ compare: { maxRegression: '20%', thresholds: { 'launches.perStep': 0 } } }));
    const r = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json')], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('graphprof: compare: 1 of 6 gates failed: launches.perStep +120 calls (+14.2%) > +0 calls (the comparison above says why)');
    expect(r.stdout).toMatch(/│ launches\.perStep +│[^\n]+│ +\+0 calls │/);
    const flag = graphprof(['compare', fx('analyze-baseline.json'), fx('analyze-more-launches.json'), '--max-regression', 'launches.perStep=150'], {}, dir);
    expect(flag.code).toBe(0);
  });

  it('--config FILE, with its errors naming the file and line', () => {
    const dir = tmp();
    const file = join(dir, 'gates.json');
    writeFileSync(file, JSON.stringify({ compare: { strictEnv: true } }));
    expect(graphprof(['compare', fx('run-baseline.json'), fx('run-other-gpu.json'), '--config', file]).code).toBe(2);
    writeFileSync(file, '{\n  "compare": {\n    "level": "95%",\n  }\n}\n');
    const broken = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json'), '--config', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim()).toBe(`graphprof: ${file}:4: not valid JSON: Expected double-quoted property name`);
    writeFileSync(file, JSON.stringify({ compare: { thresholds: { overheadShare: '2' } } }));
    const bad = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json'), '--config', file]);
    expect(bad.stderr.trim()).toBe(`graphprof: ${file}: compare.thresholds."overheadShare": overheadShare (a share): "2" has no unit; use pp (percentage points, e.g. 2pp) or % (relative, e.g. 5%)`);
    const missing = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json'), '--config', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`graphprof: --config: cannot read ${join(dir, 'none.json')}: no such file`);
  });
});

describe('graphprof compare --update-baseline', () => {
  it('writes the current result over the baseline when the gate passes, and only then', () => {
    const dir = tmp();
    const base = join(dir, 'baseline.json');
    copyFileSync(fx('run-baseline.json'), base);
    const slower = graphprof(['compare', base, fx('run-slower.json'), '--update-baseline']);
    expect(slower.code).toBe(1);
    expect(slower.stderr).toContain('baseline not updated: the gate failed');
    expect(readFileSync(base, 'utf8')).toBe(readFileSync(fx('run-baseline.json'), 'utf8'));
    const faster = graphprof(['compare', base, fx('run-faster.json'), '--update-baseline']);
    expect(faster.code).toBe(0);
    expect(faster.stdout).toContain(`baseline updated: ${base} now holds ${fx('run-faster.json')}`);
    expect(readFileSync(base, 'utf8')).toBe(readFileSync(fx('run-faster.json'), 'utf8'));
  });
});

describe('run --baseline (one step, through the fake harness)', () => {
  const args = ['run', '--kernels', '100', '--kernel', 'empty', '--batch-sizes', '1,8', '--iterations', '20'];

  it('keeps stdout one result and prints the comparison on stderr; exit 1 when a gate failed', () => {
    const dir = tmp();
    const base = join(dir, 'base.json');
    expect(graphprof([...args, '-o', base], fake).code).toBe(0);
    const same = graphprof([...args, '--json', '--baseline', base], fake);
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { command: string }).command).toBe('run');
    expect(same.stderr).toMatch(/^warning: \S*base\.json was made by the FAKE harness/m);
    expect(same.stderr).toContain(`graphprof compare: run results, baseline ${base} -> current this run`);
    expect(same.stderr).toContain('PASSED (14 gates)');
    const more = graphprof([...args.slice(0, 2), '120', ...args.slice(3), '--baseline', base, '--max-regression', '5%,graph.capture=50%'], fake);
    expect(more.code).toBe(1);
    expect(more.stdout).toContain('graphprof run:');
    expect(more.stdout).not.toContain('graphprof compare');
    expect(more.stderr).toContain('warning: the workloads differ (kernels 100 -> 120)');
    expect(more.stderr.trim().split('\n').at(-1)).toMatch(/^graphprof: compare: \d+ of 14 gates failed: eager\.p50@b1 \+[\d.]+ µs \(\+\d+\.\d%\) > \+5%/);
  });

  it('checks the baseline before any GPU work: exit 2, even where there is no GPU', () => {
    const missing = graphprof([...args, '--baseline', fx('nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^graphprof: \S*nope\.json: cannot read: no such file$/);
    const wrong = graphprof([...args, '--baseline', fx('analyze-baseline.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toMatch(/^graphprof: --baseline: \S*analyze-baseline\.json is an `analyze` result; `run --baseline` needs the JSON of `graphprof run --json`$/);
    const flag = graphprof([...args, '--baseline', fx('run-baseline.json'), '--max-regression', '2us']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toMatch(/^graphprof: --max-regression: the default threshold must be relative/);
  });
});

describe('analyze --baseline (one step)', () => {
  const csv = (name: string) => join('fixtures', 'compare', 'nsys', name);
  const args = ['--steps', '1', '--target-latency', '30ms'];

  // A baseline of this graphprof: with no kernel report the share and the speedup are unknown in
  // both, so 4 of the 6 analyze gates apply (fixtures/compare/analyze-*.json, older, have all 6).
  const baseline = (): string => {
    const path = join(tmp(), 'analyze-baseline.json');
    const r = graphprof(['analyze', csv('base_cuda_api_sum.csv'), ...args, '--json']);
    expect(r.code).toBe(0);
    writeFileSync(path, r.stdout);
    return path;
  };

  it('passes the same profile and fails 120 more launches per step with launches.perStep=0', () => {
    const base = baseline();
    const same = graphprof(['analyze', csv('base_cuda_api_sum.csv'), ...args, '--json', '--baseline', base]);
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { command: string }).command).toBe('analyze');
    expect(same.stderr).toContain('PASSED (4 gates); 4 unchanged');
    const more = graphprof(['analyze', csv('more-launches_cuda_api_sum.csv'), ...args, '--baseline', base, '--max-regression', '20%,launches.perStep=0']);
    expect(more.code).toBe(1);
    expect(more.stdout).not.toContain('graphprof compare');
    expect(more.stderr).toMatch(/│ launches\.perStep +│ +847 calls │ +967 calls │ +\+120 calls \(\+14\.2%\) │ +\+0 calls │ +exact │ regressed +│/);
    expect(more.stderr.trim().split('\n').at(-1)).toBe('graphprof: compare: 1 of 4 gates failed: launches.perStep +120 calls (+14.2%) > +0 calls (the comparison above says why)');
    // an older baseline that had a share and a speedup: now unknown, so those gates report them missing
    const old = graphprof(['analyze', csv('base_cuda_api_sum.csv'), ...args, '--baseline', fx('analyze-baseline.json')]);
    expect(old.code).toBe(1);
    expect(old.stderr.trim().split('\n').at(-1)).toBe('graphprof: compare: 2 of 6 gates failed: overheadShare missing, prediction.speedup missing (the comparison above says why)');
  });

  it('refuses a run result as the baseline of an analysis (exit 2)', () => {
    const r = graphprof(['analyze', csv('base_cuda_api_sum.csv'), '--baseline', fx('run-baseline.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/^graphprof: --baseline: \S*run-baseline\.json is a `run` result; `analyze --baseline` needs the JSON of `graphprof analyze --json`$/);
  });
});

describe('graphprof compare: several baseline runs', () => {
  const real = (name: string) => fx(`real/${name}.json`);
  const five = ['h200-run-a', 'h200-sim-1', 'h200-sim-2', 'h200-sim-3', 'h200-sim-4'].map(real);

  it('one baseline: the real H200 pair fails on host-side timings, with one line that says why and what to do', () => {
    const r = graphprof(['compare', real('h200-run-a'), real('h200-run-b')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: 20 regressed of 42 gates');
    expect(r.stdout).not.toContain('note: ');
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note: '));
    expect(notes).toEqual([
      'note: host-side timings (eager.*, host.perLaunch, graph.capture) shift between processes on many hosts, and one baseline run cannot measure that: give 3-5 baseline runs (graphprof compare base-1.json base-2.json base-3.json current.json) or set their thresholds from your runner\'s noise (docs/ci.md, "Several baseline runs")',
    ]);
    // a graph-only regression gets no such note
    expect(graphprof(['compare', fx('run-baseline.json'), fx('run-slower.json')]).stderr).not.toContain('note: ');
  });

  it('five baseline runs: the real pair passes, and the table shows the spread between the runs', () => {
    const r = graphprof(['compare', ...five, real('h200-run-b')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`graphprof compare: run results, 5 baseline runs (${five.join(', ')}) -> current ${real('h200-run-b')}`);
    expect(r.stdout).toMatch(/│ verdict +│\n/);
    expect(r.stdout).toMatch(/between 5 baseline runs/);
    expect(r.stdout).toMatch(/│ host\.perLaunch@b32 +│[^\n]+│ +±\d+\.\d% sd, limit \+\d+\.\d% │ within noise +│/);
    expect(r.stdout).toContain('PASSED (42 gates)');
    expect(r.stdout).toContain('Baseline: the median of 5 baseline runs.');
    expect(r.stdout).toContain('99.5% prediction limits of the baseline runs');
  });

  it('five baseline runs: a real 10% graph-replay shift still fails (exit 1), graph gates only', () => {
    const r = graphprof(['compare', ...five, real('h200-run-b-graph-slower'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as CompareResult;
    expect(j.baselines).toEqual(five);
    expect(j.baseline.path).toBe(five[0]);
    expect(j.summary).toMatchObject({ regressed: 12, passed: false });
    expect(j.metrics.filter((m) => m.verdict === 'regressed').map((m) => m.family)).toEqual(Array(6).fill(['graph.p50', 'graph.p99']).flat());
    const m = j.metrics.find((x) => x.key === 'graph.p50@b8')!;
    expect(m.betweenRunSpread).toMatchObject({ method: 'log-t-prediction', runs: 5, level: 0.995, beyond: true });
    expect(m.betweenRunSpread!.values).toHaveLength(5);
    expect(j.notes).toEqual([]);
    expect(r.stderr.trim()).toMatch(/^graphprof: compare: 12 of 42 gates failed: graph\.p50@b1 /);
  });

  it('markdown and JUnit carry the baselines and the spread', () => {
    const file = join(tmp(), 'report.xml');
    const r = graphprof(['compare', ...five.slice(0, 3), real('h200-run-b'), '--format', 'markdown', '--junit', file]);
    expect(r.code).toBe(0);
    const { head, rows } = tableOf(r.stdout);
    expect(head).toEqual(['metric', 'baseline', 'current', 'change', 'threshold', 'noise (95% CI of change)', 'between 3 baseline runs', 'verdict']);
    expect(rows).toHaveLength(42);
    const xml = parseXml(readFileSync(file, 'utf8'));
    const props = findAll(xml, 'property').filter((p) => p.attrs.name === 'baseline').map((p) => p.attrs.value);
    expect(props).toEqual(five.slice(0, 3));
  });

  it('exit 2, naming the file, for baselines of another command; --update-baseline takes one baseline', () => {
    const mixed = graphprof(['compare', fx('run-baseline.json'), fx('analyze-baseline.json'), fx('run-equal.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr.trim()).toBe(
      `graphprof: ${fx('analyze-baseline.json')}: an \`analyze\` result, but ${fx('run-baseline.json')} is a \`run\` result; every baseline and the current result must come from the same command`,
    );
    const update = graphprof(['compare', fx('run-baseline.json'), fx('run-equal.json'), fx('run-faster.json'), '--update-baseline']);
    expect(update.code).toBe(2);
    expect(update.stderr.trim()).toMatch(/^graphprof: --update-baseline: takes one baseline file, got 2;/);
  });

  it('run --baseline and analyze --baseline are repeatable', () => {
    const dir = tmp();
    const args = ['run', '--kernels', '100', '--kernel', 'empty', '--batch-sizes', '1,8', '--iterations', '20'];
    const bases = [1, 2, 3].map((i) => join(dir, `base-${i}.json`));
    for (const b of bases) expect(graphprof([...args, '-o', b], fake).code).toBe(0);
    const r = graphprof([...args, '--json', ...bases.flatMap((b) => ['--baseline', b])], fake);
    expect(r.stderr).toContain(`graphprof compare: run results, 3 baseline runs (${bases.join(', ')}) -> current this run`);
    expect(r.stderr).toContain('between 3 baseline runs');
    expect(r.code).toBe(0);
    const csv = join('fixtures', 'compare', 'nsys', 'more-launches_cuda_api_sum.csv');
    const abase = join(dir, 'analyze-base.json');
    writeFileSync(abase, graphprof(['analyze', join('fixtures', 'compare', 'nsys', 'base_cuda_api_sum.csv'), '--steps', '1', '--target-latency', '30ms', '--json']).stdout);
    const a = graphprof(['analyze', csv, '--steps', '1', '--target-latency', '30ms', '--baseline', abase, '--baseline', abase, '--max-regression', '20%,launches.perStep=0']);
    expect(a.code).toBe(1);
    expect(a.stderr.trim().split('\n').at(-1)).toBe('graphprof: compare: 1 of 4 gates failed: launches.perStep +120 calls (+14.2%) > +0 calls (the comparison above says why)');
    const wrong = graphprof([...args, '--baseline', bases[0]!, '--baseline', fx('analyze-baseline.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toMatch(/^graphprof: --baseline: \S*analyze-baseline\.json is an `analyze` result/);
  });
});
