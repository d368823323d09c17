import { describe, expect, it } from 'vitest';

import { printable, printableDeep, printableKeepColour } from '../../src/report/printable.js';

describe('printable', () => {
  it('escapes C0, DEL, C1 and bidi overrides; keeps tabs, newlines and ordinary Unicode', () => {
    expect(printable('a\x1b]0;t\x07b\tc\nd\x7fe\x9bf\u202eg µs ✓')).toBe('a\\x1b]0;t\\x07b\tc\nd\\x7fe\\x9bf\\u202eg µs ✓');
    expect(printable('one\ntwo\r', true)).toBe('one\\x0atwo\\x0d');
  });

  it('keeps colour sequences only where asked, and escapes every other escape', () => {
    expect(printableKeepColour('\x1b[33mwarn\x1b[39m \x1b[2J\x1b]0;x\x07')).toBe('\x1b[33mwarn\x1b[39m \\x1b[2J\\x1b]0;x\\x07');
  });

  it('copies plain objects and arrays with every string escaped to one line', () => {
    const v = { name: 'k\x1b[2J', n: 3, list: ['a\nb', null], nested: { s: '\x00' } };
    expect(printableDeep(v)).toEqual({ name: 'k\\x1b[2J', n: 3, list: ['a\\x0ab', null], nested: { s: '\\x00' } });
    expect(v.name).toBe('k\x1b[2J');
  });
});
