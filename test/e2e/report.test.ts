// `graphprof report` and `--html`/`--perfetto` end to end: the CLI as users run it, on fixtures.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { graphprof, root } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'graphprof-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (...p: string[]) => join(root, 'fixtures', ...p);
// the fake records are read under the CUPTI tracer, whose library exists only in a CUDA build
const builtWithCupti = existsSync(join(root, 'build', 'Release', 'graphprof_inject.json'));

describe('graphprof report', () => {
  it('writes one page with one section per result, and says where on stderr', () => {
    const out = join(dir, 'all.html');
    const r = graphprof(['report', f('compare', 'real', 'h200-run-a.json'), f('report', 'analyze.json'), f('report', 'trace.json'), f('report', 'recommend.json'), f('report', 'compare.json'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^graphprof report: wrote .*all\.html \(\d+ KiB\)\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/<section>/g)).toHaveLength(5);
    for (const id of ['run-step-time', 'run-launch-cost', 'run-capture-memory', 'step-breakdown', 'step-series', 'step-timeline', 'recommend-curve', 'recommend-padding', 'recommend-distribution', 'compare-metrics']) {
      expect(html).toContain(`data-chart="${id}"`);
    }
    // self-contained: no script, no external reference of any kind
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('analyze --step-range over an nvtx_pushpop_trace: the step series of every step, W measured', () => {
    const r = graphprof(['report', f('report', 'analyze-steps.json')]);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html).toContain('data-chart="step-series"');
    expect(html).toContain('2,000 steps, binned into 400 groups');
    expect(html).toContain('21 ms ↑');
    expect(html).toContain('W 1.26 ms measured');
    // the nsys summaries have no per-step events: still no timeline
    expect(html).toContain('nsys stats summaries hold no per-step events');
  });

  it('prints the page on stdout without -o', () => {
    const r = graphprof(['report', f('report', 'recommend.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).toContain('graphprof recommend report');
  });

  it('stays small: aggregated data, not rows (2,000 steps, 3 timeline steps)', () => {
    const r = graphprof(['report', f('report', 'trace.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(150_000);
  });

  it('refuses a JSON that is not a graphprof result: one line, exit 2, nothing written', () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"name": "something else", "command": "run"}\n');
    const out = join(dir, 'none.html');
    const r = graphprof(['report', other, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`graphprof: ${other}: not a graphprof result (no "tool": {"name": "graphprof"} and "command"); expected the JSON result of graphprof run, analyze, trace, recommend or compare (--json or -o)\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('names the line of a JSON syntax error, a missing file, a kind without a report, a truncated result', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "tool": {"name": "graphprof"},\n  "command": "run",\n  oops\n}\n');
    const r1 = graphprof(['report', bad]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(new RegExp(`^graphprof: ${bad}:4: .*expected the JSON result of graphprof run`));
    expect(r1.stderr.split('\n')).toHaveLength(2);

    const r2 = graphprof(['report', join(dir, 'absent.json')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe(`graphprof: ${join(dir, 'absent.json')}: cannot read: no such file\n`);

    const doctor = join(dir, 'doctor.json');
    writeFileSync(doctor, JSON.stringify({ schemaVersion: '1.0', tool: { name: 'graphprof', version: '0.1.0' }, command: 'doctor' }));
    const r3 = graphprof(['report', doctor]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('a `doctor` result has no report');

    const cut = join(dir, 'cut.json');
    const run = JSON.parse(readFileSync(f('compare', 'real', 'h200-run-a.json'), 'utf8')) as Record<string, unknown>;
    delete run.results;
    writeFileSync(cut, JSON.stringify(run));
    const r4 = graphprof(['report', cut]);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toBe(`graphprof: ${cut}: this \`run\` result lacks results: truncated, edited, or made by an older graphprof?\n`);

    // an analyze result from before the step model (fixtures/compare keeps some)
    const r5 = graphprof(['report', f('compare', 'analyze-baseline.json')]);
    expect(r5.code).toBe(2);
    expect(r5.stderr).toMatch(/analyze-baseline\.json: this `analyze` result (lacks replayModel|has no step model)/);
  });

  it('refuses another schema major version', () => {
    const r = graphprof(['report', f('compare', 'run-schema-2.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('schema version 2.0 is not readable by this graphprof (1.0)');
  });
});

describe('--html on the commands', () => {
  it('analyze, recommend and compare write the same page the report command makes', () => {
    const a = join(dir, 'a.html');
    expect(graphprof(['analyze', f('nsys', 'mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'), '--html', a]).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toContain('data-chart="step-breakdown"');
    const rc = join(dir, 'r.html');
    expect(graphprof(['recommend', '--max-batch', '64', '--html', rc]).code).toBe(0);
    const html = readFileSync(rc, 'utf8');
    expect(html).toContain('data-chart="recommend-distribution"');
    expect(html).toContain('assumed defaults');
    const c = join(dir, 'c.html');
    const r = graphprof(['compare', f('compare', 'real', 'h200-run-a.json'), f('compare', 'real', 'h200-run-b-graph-slower.json'), '--html', c]);
    expect(r.code).toBe(1);
    expect(readFileSync(c, 'utf8')).toContain('GATE FAILED');
  });

  it('run --html (the fake harness: plumbing only) writes the run page, marked as not a measurement', () => {
    const h = join(dir, 'run.html');
    const r = graphprof(['run', '--batch-sizes', '1,4', '--iterations', '20', '--html', h], { GRAPHPROF_FAKE_HARNESS: '1' });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(h, 'utf8');
    expect(html).toContain('FAKE HARNESS: these figures are synthetic, not measurements');
    expect(html.match(/data-series="eager step"/g)).toHaveLength(2);
    expect(html).toContain('median of 20 timed steps');
  });

  it('a bad --html path fails before any work, exit 2', () => {
    const r = graphprof(['recommend', '--html', join(dir, 'no-such-folder', 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('graphprof: --html: the folder "' + join(dir, 'no-such-folder') + '" does not exist\n');
    expect(r.stdout).toBe('');
  });

  it.skipIf(!builtWithCupti)('trace --html and --perfetto from (synthetic) records; Perfetto JSON with a flow per launch-kernel pair', () => {
    const h = join(dir, 't.html');
    const p = join(dir, 't.perfetto.json');
    const r = graphprof(['trace', '--tracer', 'cupti', '--step-marker', 'nvtx:decode_step', '--html', h, '--perfetto', p, '--', 'true'], { GRAPHPROF_FAKE_TRACE: f('report', 'trace-records') });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(h, 'utf8')).toContain('Timeline of a representative step (step 100, 1.25 ms)');
    const t = JSON.parse(readFileSync(p, 'utf8')) as { traceEvents: { ph: string; pid: number }[] };
    expect(t.traceEvents.filter((e) => e.ph === 's')).toHaveLength(3 * 97);
    expect(t.traceEvents.filter((e) => e.ph === 'f')).toHaveLength(3 * 97);
  });

  it.skipIf(!builtWithCupti)('trace --perfetto without a timeline says so and writes nothing', () => {
    const p = join(dir, 'none.perfetto.json');
    const records = mkdtempSync(join(dir, 'records-'));
    const record = JSON.parse(readFileSync(f('report', 'trace-records', 'trace-7000.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(records, 'trace-7000.json'), JSON.stringify({ ...record, timeline: null }));
    const r = graphprof(['trace', '--tracer', 'cupti', '--perfetto', p, '--', 'true'], { GRAPHPROF_FAKE_TRACE: records });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: --perfetto: no step timeline in this trace (it needs a --step-marker and --timeline-steps above 0): ${p} not written`);
    expect(existsSync(p)).toBe(false);
  });
});
