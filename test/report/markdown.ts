// Checks that a markdown text holds a valid GitHub-flavoured table, for the compare tests.
import { expect } from 'vitest';

/** The cells of one GitHub table row: split on pipes that are not escaped. */
export function cells(row: string): string[] {
  expect(row.startsWith('| ') && row.endsWith(' |')).toBe(true);
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());
}

/** Check the GFM table rules: a header, a delimiter row of the same width, rows of that width. */
export function tableOf(markdown: string): { head: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| ') && /^\|( ---:? \|)+$/.test(lines[lines.indexOf(l) + 1] ?? ''));
  expect(start).toBeGreaterThanOrEqual(0);
  const head = cells(lines[start]!);
  const delimiter = lines[start + 1]!.slice(1, -1).split('|');
  expect(delimiter).toHaveLength(head.length);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const row = cells(lines[i]!);
    expect(row).toHaveLength(head.length);
    rows.push(row);
  }
  expect(lines[start - 1]).toBe(''); // a table needs a blank line before it
  return { head, rows };
}
