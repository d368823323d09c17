import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseGateOptions } from '../../src/commands/gate-options.js';
import { evaluate } from '../../src/gate.js';
import { readResult } from '../../src/ingest/result-json.js';
import type { CompareResult } from '../../src/core/compare/compare.js';
import { escapeXml, renderJunit } from '../../src/report/junit.js';
import { findAll, parseXml, XmlError } from './xml.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'compare');
const gate = (maxRegression?: string) => parseGateOptions(maxRegression ? { maxRegression } : {}, import.meta.dirname);
const compare = (b: string, c: string, maxRegression?: string): CompareResult => evaluate(readResult(join(dir, b)), readResult(join(dir, c)), gate(maxRegression), []);

describe('the XML checker used here', () => {
  it.each([
    ['<a><b></a>', '</a> closes <b>'],
    ['<a x="1" x="2"/>', 'duplicate attribute x'],
    ['<a x=1/>', 'unquoted value'],
    ['<a>&nbsp;</a>', 'unknown entity'],
    ['<a>a & b</a>', 'bare "&"'],
    ['<a x="<"/>', 'raw "<"'],
    ['<a/><b/>', 'content after the root'],
    ['<a>\u0001</a>', 'forbids'],
  ])('refuses %j', (text, message) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(message);
  });
});

describe('JUnit XML', () => {
  it('has one test case per gate and a failure per regression (graph step 10% slower)', () => {
    const r = compare('run-baseline.json', 'run-slower.json');
    const xml = renderJunit(r);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '21', failures: '6', errors: '0', skipped: '0' });
    const [suite] = findAll(root, 'testsuite');
    expect(suite!.attrs).toMatchObject({ name: 'graphprof compare (run)', tests: '21', failures: '6' });
    expect(suite!.attrs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const cases = findAll(root, 'testcase');
    expect(cases).toHaveLength(21);
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    expect(failed.map((c) => c.attrs.name)).toEqual(['graph.p50@b1', 'graph.p99@b1', 'graph.p50@b8', 'graph.p99@b8', 'graph.p50@b32', 'graph.p99@b32']);
    const failure = failed[0]!.children[0]!;
    expect(failure.attrs.type).toBe('regressed');
    expect(failure.attrs.message).toMatch(/^graph step p50, batch 1 \(graph\.p50@b1\): 2\.50 ms -> 2\.74 ms, change \+237 µs \(\+9\.5%\), threshold \+5% \[default\]; 95% CI of the change \+\d+\.\d% … \+\d+\.\d% \(100 vs 100 samples\): significant: regressed$/);
    expect(failure.text).toBe(failure.attrs.message);
    expect(cases.every((c) => c.attrs.classname === 'graphprof.compare.run' && c.attrs.time === '0')).toBe(true);
  });

  it('passes everything for equal sample sets', () => {
    const root = parseXml(renderJunit(compare('run-baseline.json', 'run-equal.json')));
    expect(root.attrs).toMatchObject({ tests: '21', failures: '0' });
    expect(findAll(root, 'failure')).toHaveLength(0);
    expect(findAll(root, 'system-out')).toHaveLength(21);
  });

  it('fails missing figures and skips new ones', () => {
    const missing = parseXml(renderJunit(compare('run-baseline.json', 'run-incomplete.json')));
    expect(missing.attrs).toMatchObject({ tests: '21', failures: '7', skipped: '0' });
    expect(findAll(missing, 'failure').every((f) => f.attrs.type === 'missing')).toBe(true);
    const added = parseXml(renderJunit(compare('run-incomplete.json', 'run-baseline.json')));
    expect(added.attrs).toMatchObject({ tests: '21', failures: '0', skipped: '7' });
    expect(findAll(added, 'skipped')).toHaveLength(7);
  });

  it('carries the warnings as properties', () => {
    const root = parseXml(renderJunit(compare('run-baseline.json', 'run-other-gpu.json')));
    const warnings = findAll(root, 'property').filter((p) => p.attrs.name === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.attrs.value).toContain('GPU NVIDIA H200 (baseline) vs NVIDIA H100 80GB HBM3 (current)');
  });

  it('escapes markup, quotes and line breaks, and replaces characters XML forbids', () => {
    const r = compare('analyze-baseline.json', 'analyze-more-launches.json', 'launches.perStep=0');
    const nasty = `a<b>&c"d'e\nf\u0001g\uFFFEh`;
    const tricky: CompareResult = { ...r, baseline: { ...r.baseline, path: nasty }, warnings: [nasty], metrics: r.metrics.map((m) => ({ ...m, label: nasty })) };
    const root = parseXml(renderJunit(tricky));
    const props = Object.fromEntries(findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props.baseline).toBe('a<b>&c"d\'e\nf\uFFFDg\uFFFDh');
    expect(findAll(root, 'failure')[0]!.attrs.message).toContain('a<b>&c"d\'e\nf\uFFFDg\uFFFDh');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});
