// --format table|markdown|csv|json on run, analyze and recommend; notes on stderr only.
import { describe, expect, it } from 'vitest';

import { graphprof } from './cli.js';

const decode = 'fixtures/nsys/decode-token-published_cuda_api_sum.csv';
const fake = { GRAPHPROF_FAKE_HARNESS: '1' };

function csv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  const keys = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i]!, v])));
}

describe('analyze --format', () => {
  it('csv: one line per profile, figures in base units under their JSON keys, as in the JSON', () => {
    const file = 'fixtures/nsys/cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt';
    const r = graphprof(['analyze', decode, file, '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = csv(r.stdout);
    expect(rows.map((x) => [x.profile, x['source.path'], x['perStep.launchCalls'], x['perStep.launchNs']])).toEqual([
      ['1', decode, '847', '12690000'],
      ['2', file, '2480978', '13468555421'],
    ]);
    const j = JSON.parse(graphprof(['analyze', decode, file, '--json']).stdout) as { profiles: Record<string, unknown>[] };
    const at = (o: Record<string, unknown>, key: string): unknown => key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], o);
    for (const [i, row] of rows.entries()) {
      expect(row['model.eagerStepNs.basis']).toBe((at(j.profiles[i]!, 'model.eagerStepNs') as { basis: string }).basis);
      for (const key of ['perStep.hostApiNs', 'perStep.syncCalls', 'perStep.memcpyCalls', 'verdict']) {
        const v = at(j.profiles[i]!, key);
        expect(row[key], key).toBe(v === null || v === undefined ? '' : String(v));
      }
    }
  });
  it('markdown: the table\'s figures as a GitHub table', () => {
    const r = graphprof(['analyze', decode, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`### graphprof analyze: profile 1: ${decode} (cuda_api_sum), 1 step`);
    expect(r.stdout).toContain('| per step | value | basis | how |\n| --- | ---: | --- | --- |\n| kernel launches | 847 | measured | launch API calls / steps |');
    expect(r.stdout).toContain('| host API time | 26.6 ms | measured | sum of every CUDA API Total Time |');
    // an estimated figure says so here too
    expect(r.stdout).toMatch(/^\| eager step W \| 26\.6 ms \| estimated \| /m);
    expect(r.stdout).toContain('- **blocker** [host-sync] 424 host synchronisations per step');
    expect(r.stdout).toMatch(/^<sub>Replay model: .* Methods: docs\/analyze\.md\.<\/sub>$/m);
  });
  it('--json is --format json; --json with another --format is refused', () => {
    const a = graphprof(['analyze', decode, '--json']);
    const b = graphprof(['analyze', decode, '--format', 'json']);
    expect(JSON.parse(a.stdout).profiles).toEqual(JSON.parse(b.stdout).profiles);
    const c = graphprof(['analyze', decode, '--json', '--format', 'csv']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe('graphprof: --json: conflicts with --format csv; give one of them\n');
    const d = graphprof(['analyze', decode, '--format', 'xml']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("option '--format <format>' argument 'xml' is invalid. Allowed choices are table, markdown, csv, json.");
  });
  it('notes go to stderr only: with stderr dropped, stdout is the result alone', () => {
    const file = 'fixtures/nsys/cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt';
    for (const format of ['table', 'markdown', 'csv']) {
      const r = graphprof(['analyze', file, '--format', format]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/^note: /m);
      expect(r.stderr).toContain('note: --steps is 1 but a profile holds more than 10,000 launches');
    }
    const j = graphprof(['analyze', file, '--json']);
    expect(JSON.parse(j.stdout).notes[0]).toMatch(/^--steps is 1 but a profile holds more than 10,000 launches/);
  });
});

describe('run --format (fake harness: plumbing only)', () => {
  const args = ['run', '--kernels', '100', '--kernel', 'empty', '--batch-sizes', '1,8', '--iterations', '20'];
  it('csv: one line per batch size, the harness named, p50 and secondary statistics in ns', () => {
    const r = graphprof([...args, '--format', 'csv'], fake);
    expect(r.code).toBe(0);
    const rows = csv(r.stdout);
    expect(rows.map((x) => x.batch)).toEqual(['1', '8']);
    expect(Object.keys(rows[0]!).slice(0, 5)).toEqual(['environment.harness', 'batch', 'eager.stepNs.p50Ns', 'eager.stepNs.madNs', 'eager.stepNs.p90Ns']);
    for (const row of rows) {
      expect(row['environment.harness']).toBe('fake');
      expect(Number(row['eager.stepNs.p50Ns'])).toBeGreaterThan(0);
      expect(Number(row['graph.nodes'])).toBe(100);
      expect(['launch-bound', 'gpu-bound']).toContain(row.verdict);
    }
    const j = JSON.parse(graphprof([...args, '--json'], fake).stdout) as { results: { graph: { nodes: number } }[] };
    expect(j.results.map((b) => b.graph.nodes)).toEqual([100, 100]);
    expect(r.stderr).toContain('note: FAKE HARNESS (GRAPHPROF_FAKE_HARNESS=1): these figures are synthetic, not measurements');
  });
  it('markdown: the table\'s columns, secondary statistics left out', () => {
    const r = graphprof([...args, '--format', 'markdown'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### graphprof run: Fake GPU .*\[FAKE HARNESS: not a measurement\]$/m);
    expect(r.stdout).toContain('| batch | eager step | graph step | speedup | saved | host/launch | graph launch | graph GPU | capture | inst+upload | graph mem | verdict |');
    expect(r.stdout).toMatch(/^\| 1 \| [\d.]+ µs ±[\d.]+ [nµ]s \| /m);
    expect(r.stdout).not.toContain('p90');
  });
});

describe('recommend --format', () => {
  const args = ['recommend', '--max-batch', '256', '--mem-budget', '500MB', '--engine', 'vllm'];
  it('csv: the recommended pool first, then the default lists, in base units', () => {
    const r = graphprof([...args, '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = csv(r.stdout);
    expect(rows.map((x) => x.pool)).toEqual(['recommended', 'vLLM default', 'powers of two', 'every size']);
    expect(rows[0]).toMatchObject({ graphCount: '27', slowerThanRecommended: '', fits: 'fits' });
    expect(rows[1]).toMatchObject({ graphCount: '51', memoryBytes: String(920 * 2 ** 20), captureNs: '12750000000', fits: 'does not fit' });
    const j = JSON.parse(graphprof([...args, '--json']).stdout) as { expectedStepNs: number; sizes: number[] };
    expect(Number(rows[0]!.expectedStepNs)).toBe(j.expectedStepNs);
    expect(rows[0]!.sizes).toBe(j.sizes.join(' '));
  });
  it('markdown: table, advice and the engine snippet as code', () => {
    const r = graphprof([...args, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| \*\*recommended\*\* \| 27 \| 11\.3 ms \| - \|/m);
    expect(r.stdout).toMatch(/^\| vLLM default \| 51 \| .* \| 920 MiB \| 12\.8 s \| \*\*does not fit\*\* \|$/m);
    expect(r.stdout).toMatch(/^vLLM:\n\n```\n--compilation-config '\{"cudagraph_capture_sizes": \[10, 20, /m);
  });
});
