// `graphprof compare --junit FILE`: JUnit XML, one test case per gate, so any CI system (GitHub
// test reporters, GitLab `artifacts:reports:junit`, Jenkins) lists them. A regressed or missing
// metric is a <failure>; a metric new in the current result is <skipped>; the rest pass.
import type { CompareResult, MetricComparison } from '../core/compare/compare.js';
import { describeMetric, summaryLine } from './compare-table.js';

/** Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text or attribute content: the five predefined entities, invalid characters replaced by U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function testcase(r: CompareResult, m: MetricComparison): string {
  const open = `    <testcase${attrs({ classname: `graphprof.compare.${r.compared}`, name: m.key, time: 0 })}`;
  const text = describeMetric(m);
  if (m.verdict === 'regressed' || m.verdict === 'missing') {
    return `${open}>\n      <failure${attrs({ type: m.verdict, message: text })}>${escapeXml(text)}</failure>\n    </testcase>`;
  }
  if (m.verdict === 'new') return `${open}>\n      <skipped${attrs({ message: text })}/>\n    </testcase>`;
  return `${open}>\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>`;
}

export function renderJunit(r: CompareResult): string {
  const s = r.summary;
  const failures = s.regressed + s.missing;
  const counts = { tests: s.total, failures, errors: 0, skipped: s.new, time: 0 };
  const properties = [
    ['baseline', r.baseline.path],
    ...r.baselines.slice(1).map((path) => ['baseline', path]),
    ['current', r.current.path],
    ['level', String(r.level)],
    ['summary', summaryLine(r)],
    ...r.warnings.map((w) => ['warning', w]),
    ...r.notes.map((n) => ['note', n]),
  ]
    .map(([name, value]) => `      <property${attrs({ name: name!, value: value! })}/>`)
    .join('\n');
  const suite = [
    `  <testsuite${attrs({ name: `graphprof compare (${r.compared})`, ...counts, timestamp: r.createdAt.replace(/(\.\d+)?Z$/, '') })}>`,
    `    <properties>\n${properties}\n    </properties>`,
    ...r.metrics.map((m) => testcase(r, m)),
    '  </testsuite>',
  ];
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites${attrs({ name: 'graphprof compare', ...counts })}>`, ...suite, '</testsuites>', ''].join('\n');
}
