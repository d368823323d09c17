import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';

import { csvField, formatValue, renderCsv, renderMarkdownTable, renderTextTable, type Column } from '../../src/report/columns.js';

interface Row {
  name: string;
  ns: number;
  bytes: number;
  share: number | null;
}
const columns: Column<Row>[] = [
  { key: 'name', label: 'name', kind: 'text', align: 'left', value: (r) => r.name, tone: (r) => (r.name === 'a' ? 'strong' : null) },
  { key: 'stepNs', label: 'step', kind: 'duration', align: 'right', value: (r) => r.ns },
  { key: 'memoryBytes', label: 'memory', kind: 'bytes', align: 'right', value: (r) => r.bytes },
  { key: 'share', label: 'share', kind: 'share', align: 'right', value: (r) => r.share, secondary: true },
];
const rows: Row[] = [
  { name: 'a', ns: 12_690_000, bytes: 2 * 2 ** 20, share: 0.423 },
  { name: 'b|c, "d"', ns: 500, bytes: 0, share: null },
];

describe('one column spec, three renderers', () => {
  it('the table shows scaled units and leaves out secondary columns', () => {
    const t = renderTextTable(columns, rows, new Chalk({ level: 0 }));
    expect(t).toMatch(/│ a\s+│ 12\.7 ms │ 2\.0 MiB │/);
    expect(t).not.toContain('share');
  });
  it('markdown: the same cells, pipes escaped, strong rows bold, no secondary columns', () => {
    expect(renderMarkdownTable(columns, rows)).toBe(
      ['| name | step | memory |', '| --- | ---: | ---: |', '| **a** | 12.7 ms | 2.0 MiB |', '| b\\|c, "d" | 500 ns | 0 B |'].join('\n'),
    );
  });
  it('CSV: every column under its key, base units, RFC 4180 quoting, empty for n/a', () => {
    expect(renderCsv(columns, rows)).toBe(['name,stepNs,memoryBytes,share', 'a,12690000,2097152,0.423', '"b|c, ""d""",500,0,'].join('\n') + '\n');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
  it('formats by kind', () => {
    expect(formatValue('share', 0.5)).toBe('50.0%');
    expect(formatValue('count', 1234)).toBe('1,234');
    expect(formatValue('duration', null)).toBe('n/a');
  });
});
