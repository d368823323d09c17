import { describe, expect, it } from 'vitest';

import { FAMILY_INFO } from '../../../src/core/compare/compare.js';
import {
  JsonSyntaxError,
  jsonError,
  parseConfig,
  parseLevel,
  parseThresholdSpecs,
  parseThresholdValue,
  resolveThresholds,
  thresholdFor,
} from '../../../src/core/compare/thresholds.js';

const specs = (text: string) => parseThresholdSpecs(text, FAMILY_INFO);

describe('threshold values', () => {
  it.each([
    ['5%', 'duration', { mode: 'relative', value: 0.05 }],
    ['0.5%', 'count', { mode: 'relative', value: 0.005 }],
    ['2us', 'duration', { mode: 'absolute', value: 2000 }],
    ['1.5 ms', 'duration', { mode: 'absolute', value: 1.5e6 }],
    ['1MB', 'bytes', { mode: 'absolute', value: 1e6 }],
    ['2MiB', 'bytes', { mode: 'absolute', value: 2 * 2 ** 20 }],
    ['0', 'count', { mode: 'absolute', value: 0 }],
    ['12', 'count', { mode: 'absolute', value: 12 }],
    ['2pp', 'share', { mode: 'absolute', value: 0.02 }],
    ['0.5pp', 'share', { mode: 'absolute', value: 0.005 }],
    ['0.1', 'ratio', { mode: 'absolute', value: 0.1 }],
    ['0.1x', 'ratio', { mode: 'absolute', value: 0.1 }],
  ] as const)('%s for a %s', (text, kind, expected) => {
    expect(parseThresholdValue(text, kind)).toEqual(expected);
  });

  it.each([
    ['2', 'duration', '"2" has no unit; use ns, us, ms, s, or % for a relative change'],
    ['2pp', 'duration', 'expected a relative change such as 5% or a duration such as 2us, 0.5ms, got "2pp"'],
    ['2', 'bytes', '"2" has no unit; use B, KB, MB, GB, KiB, MiB, GiB, or % for a relative change'],
    ['2us', 'count', 'expected a relative change such as 5% or a number of calls such as 0 or 12, got "2us"'],
    ['2', 'share', '"2" has no unit; use pp (percentage points, e.g. 2pp) or % (relative, e.g. 5%)'],
    ['200pp', 'share', 'expected at most 100pp, got "200pp"'],
    ['-5%', 'duration', 'a threshold cannot be negative, got "-5%"'],
    ['2us', 'any', 'the default threshold must be relative, such as 5%, got "2us"; give an absolute one per metric as NAME=VALUE (e.g. launches.perStep=0)'],
  ] as const)('refuses %s for a %s', (text, kind, message) => {
    expect(() => parseThresholdValue(text, kind)).toThrow(message);
  });
});

describe('--max-regression specs', () => {
  it('reads a default and named overrides from one comma list', () => {
    expect(specs('5%,launches.perStep=0,overheadShare=2pp, graph.p50@b8 = 3%')).toEqual([
      { name: '', threshold: { mode: 'relative', value: 0.05 }, text: '5%' },
      { name: 'launches.perStep', threshold: { mode: 'absolute', value: 0 }, text: 'launches.perStep=0' },
      { name: 'overheadShare', threshold: { mode: 'absolute', value: 0.02 }, text: 'overheadShare=2pp' },
      { name: 'graph.p50@b8', threshold: { mode: 'relative', value: 0.03 }, text: 'graph.p50@b8=3%' },
    ]);
  });

  it.each([
    ['launches=0', 'unknown metric "launches"; known for run: eager.p50, eager.p99, graph.p50, graph.p99, host.perLaunch, graph.capture, graph.memory; for analyze: launches.perStep, launchTime.perStep, overheadShare, syncs.perStep, memcpys.perStep, prediction.speedup'],
    ['graph.p50@8=3%', '"graph.p50@8": a run metric is narrowed with @b<batch size>, e.g. @b8'],
    ['launches.perStep@b2=0', '"launches.perStep@b2": an analyze metric is narrowed with @p<profile number>, e.g. @p2'],
    ['overheadShare=2', 'overheadShare (a share): "2" has no unit; use pp (percentage points, e.g. 2pp) or % (relative, e.g. 5%)'],
    ['5%,,', 'expected a comma-separated list such as 5%,launches.perStep=0, got "5%,,"'],
    ['graph.p50=', 'expected NAME=VALUE such as launches.perStep=0, got "graph.p50="'],
  ])('refuses %s', (text, message) => {
    expect(() => specs(text)).toThrow(message);
  });
});

describe('choosing the threshold of a metric', () => {
  const t = resolveThresholds([
    { source: 'graphprof.config.json', specs: specs('10%,graph.p50=3%,launches.perStep=0') },
    { source: '--max-regression', specs: specs('7%,graph.p50@b8=1%') },
  ]);

  it('takes the metric, then its family, then the default; later sources win', () => {
    expect(thresholdFor(t, 'graph.p50@b8', 'graph.p50')).toMatchObject({ text: 'graph.p50@b8=1%', source: '--max-regression' });
    expect(thresholdFor(t, 'graph.p50@b1', 'graph.p50')).toMatchObject({ text: 'graph.p50=3%', source: 'graphprof.config.json' });
    expect(thresholdFor(t, 'launches.perStep', 'launches.perStep').threshold).toEqual({ mode: 'absolute', value: 0 });
    expect(thresholdFor(t, 'eager.p99@b1', 'eager.p99')).toMatchObject({ text: '7%', source: '--max-regression' });
  });

  it('falls back to the built-in 5%', () => {
    expect(resolveThresholds([]).defaultThreshold).toEqual({ threshold: { mode: 'relative', value: 0.05 }, text: '5%', source: 'default' });
  });
});

describe('the confidence level', () => {
  it('reads 95%, 0.99', () => {
    expect(parseLevel('95%')).toBe(0.95);
    expect(parseLevel('0.99')).toBe(0.99);
  });
  it.each(['40%', '100%', 'high', '1.5'])('refuses %s', (text) => {
    expect(() => parseLevel(text)).toThrow(/confidence level/);
  });
});

describe('graphprof.config.json', () => {
  it('reads maxRegression (string or list), thresholds, level and strictEnv', () => {
    const c = parseConfig(
      JSON.stringify({
        compare: { maxRegression: ['4%', 'graph.p99=10%'], thresholds: { 'launches.perStep': 0, overheadShare: '2pp', 'prediction.speedup': 0.05 }, level: '99%', strictEnv: true },
      }),
      FAMILY_INFO,
    );
    expect(c.level).toBe(0.99);
    expect(c.strictEnv).toBe(true);
    expect(c.specs.map((s) => s.text)).toEqual(['4%', 'graph.p99=10%', 'launches.perStep=0', 'overheadShare=2pp', 'prediction.speedup=0.05']);
  });

  it('is empty without a compare section', () => {
    expect(parseConfig('{}', FAMILY_INFO)).toEqual({ specs: [], level: null, strictEnv: null });
  });

  it.each([
    ['{"maxRegression": "5%"}', 'unknown key "maxRegression"; the compare settings live under "compare"'],
    ['{"compare": {"max": "5%"}}', 'compare: unknown key "max"; expected maxRegression, thresholds, level, strictEnv'],
    ['{"compare": {"thresholds": {"graph.p50": 5}}}', 'compare.thresholds."graph.p50": graph.p50 (a duration): "5" has no unit; use ns, us, ms, s, or % for a relative change'],
    ['{"compare": {"thresholds": {"launches.perStep": true}}}', 'compare.thresholds."launches.perStep": expected a string such as "5%" or a number, got true'],
    ['{"compare": {"maxRegression": 5}}', 'compare.maxRegression: expected a string such as "5%" or a list of them, got 5'],
    ['{"compare": {"strictEnv": "yes"}}', 'compare.strictEnv: expected true or false, got "yes"'],
    ['{"compare": {"level": "50pp"}}', 'compare.level: expected a confidence level such as 95% or 0.99, got "50pp"'],
    ['[1]', 'expected a JSON object such as {"compare": {"maxRegression": "5%"}}'],
  ])('refuses %s', (text, message) => {
    expect(() => parseConfig(text, FAMILY_INFO)).toThrow(message);
  });

  it('says on which line the JSON breaks', () => {
    const text = '{\n  "compare": {\n    "level": "95%",\n  }\n}\n';
    let err: unknown;
    try {
      parseConfig(text, FAMILY_INFO);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonSyntaxError);
    expect((err as JsonSyntaxError).line).toBe(4);
    expect((err as JsonSyntaxError).problem).toBe('not valid JSON: Expected double-quoted property name');
  });

  it('calls a truncated file truncated and an empty one empty', () => {
    expect(jsonError('{\n "a": [1,\n', new Error('Unexpected end of JSON input'))).toEqual({ line: 2, problem: 'not valid JSON: the text ends early (a truncated file?)' });
    expect(jsonError('  \n', new Error('Unexpected end of JSON input'))).toEqual({ line: 1, problem: 'empty file, expected JSON' });
  });
});
