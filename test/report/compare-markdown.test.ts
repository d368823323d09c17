import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseGateOptions } from '../../src/commands/gate-options.js';
import { evaluate } from '../../src/gate.js';
import { readResult } from '../../src/ingest/result-json.js';
import type { CompareResult } from '../../src/core/compare/compare.js';
import { escapeCell, renderCompareMarkdown } from '../../src/report/compare-markdown.js';
import { tableOf } from './markdown.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'compare');
const compare = (b: string, c: string, maxRegression?: string): CompareResult =>
  evaluate(readResult(join(dir, b)), readResult(join(dir, c)), parseGateOptions(maxRegression ? { maxRegression } : {}, import.meta.dirname), []);

describe('markdown for CI step summaries', () => {
  it('is a valid GitHub table with every gate, and lists the failures above it', () => {
    const md = renderCompareMarkdown(compare('run-baseline.json', 'run-slower.json'));
    const { head, rows } = tableOf(md);
    expect(head).toEqual(['metric', 'baseline', 'current', 'change', 'threshold', 'noise (95% CI of change)', 'verdict']);
    expect(rows).toHaveLength(21);
    expect(rows[2]).toEqual(['`graph.p50@b1`', '2.50 ms', '2.74 ms', '+237 µs (+9.5%)', '+5%', expect.stringMatching(/^\+\d+\.\d% … \+\d+\.\d%$/), '**regressed**']);
    expect(md.startsWith('### graphprof compare (run): ❌ failed\n')).toBe(true);
    expect(md).toContain('FAILED: 6 regressed of 21 gates; 15 unchanged.');
    expect(md.match(/^- \*\*regressed\*\* /gm)).toHaveLength(6);
  });

  it('puts warnings in GitHub alert blocks, and every figure has a unit', () => {
    const md = renderCompareMarkdown(compare('analyze-baseline.json', 'analyze-more-launches.json', '20%,launches.perStep=0'));
    const { rows } = tableOf(md);
    expect(rows.map((r) => r.slice(1, 5))).toEqual([
      ['847 calls', '967 calls', '+120 calls (+14.2%)', '+0 calls'],
      ['12.7 ms', '14.5 ms', '+1.80 ms (+14.2%)', '+20%'],
      ['42.3%', '48.3%', '+6.0 pp (+14.2%)', '+20%'],
      ['424 calls', '424 calls', 'none', '+20%'],
      ['212 calls', '212 calls', 'none', '+20%'],
      ['1.69x', '1.88x', '+0.18x (+10.9%)', '+20%'],
    ]);
    const warned = renderCompareMarkdown(compare('run-baseline.json', 'run-fake.json'));
    expect(warned).toMatch(/^> \[!WARNING\]\n> \S*run-fake\.json was made by the FAKE harness/m);
    expect(warned).toContain('### graphprof compare (run): ✅ passed');
  });

  it('escapes pipes so a cell cannot split the table', () => {
    expect(escapeCell('a|b\nc')).toBe('a\\|b c');
    const r = compare('analyze-baseline.json', 'analyze-more-launches.json');
    const md = renderCompareMarkdown({ ...r, metrics: r.metrics.map((m) => ({ ...m, key: 'x|y' })) });
    expect(tableOf(md).rows[0]![0]).toBe('`x\\|y`');
  });
});
