// A fast, bounded-memory line reader: reads a file in fixed-size chunks, decodes UTF-8 across chunk
// boundaries, strips a BOM, and hands each line to a callback with its 1-based line number (the
// number an editor shows). `\r\n`, `\n` and bare `\r` (progress bars redrawn in place) all end a
// line; a bare `\r` does not advance the line number, so errors point at the line an editor shows.
import { closeSync, openSync, readSync } from 'node:fs';

import { InputError } from '../errors.js';

export type LineHandler = (line: string, lineNo: number) => void;

const CHUNK_BYTES = 4 << 20;
/** bytes looked at for NUL bytes before the file is called binary */
const BINARY_PROBE_BYTES = 64 << 10;

export interface ReadStats {
  bytes: number;
  lines: number;
}

/** Split one physical line on bare carriage returns (progress bars) and hand each piece on. */
function emit(line: string, lineNo: number, onLine: LineHandler): void {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  const cr = line.indexOf('\r');
  if (cr === -1 || cr >= end) {
    onLine(end === line.length ? line : line.slice(0, end), lineNo);
    return;
  }
  let start = 0;
  for (let i = cr; i !== -1 && i < end; i = line.indexOf('\r', start)) {
    onLine(line.slice(start, i), lineNo);
    start = i + 1;
  }
  onLine(line.slice(start, end), lineNo);
}

/**
 * Read `path` line by line. Throws InputError for an empty file or one that holds binary data.
 * Memory stays at about two chunks whatever the file size.
 */
export function readLines(path: string, onLine: LineHandler): ReadStats {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new TextDecoder('utf-8', { fatal: false });
    let carry = '';
    let lineNo = 0;
    let total = 0;
    let first = true;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      if (first) {
        const probe = buf.subarray(0, Math.min(n, BINARY_PROBE_BYTES));
        const nul = probe.indexOf(0);
        if (nul !== -1) throw new InputError(path, undefined, `not a text file (byte ${nul} is NUL): give the CSV or text output of \`nsys stats\`, not the .nsys-rep or .sqlite file`);
      }
      total += n;
      let text = decoder.decode(buf.subarray(0, n), { stream: true });
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (carry.length > 0) text = carry + text;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        lineNo++;
        emit(text.slice(start, nl), lineNo, onLine);
        start = nl + 1;
      }
      carry = start < text.length ? text.slice(start) : '';
    }
    const rest = carry + decoder.decode();
    if (total === 0) throw new InputError(path, undefined, 'the file is empty');
    if (rest.length > 0) {
      lineNo++;
      emit(rest, lineNo, onLine);
    }
    return { bytes: total, lines: lineNo };
  } finally {
    closeSync(fd);
  }
}

/** The same reader over a string (tests and in-memory inputs). */
export function splitLines(text: string, onLine: LineHandler): number {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let lineNo = 0;
  let start = 0;
  for (let nl = t.indexOf('\n'); nl !== -1; nl = t.indexOf('\n', start)) {
    lineNo++;
    emit(t.slice(start, nl), lineNo, onLine);
    start = nl + 1;
  }
  if (start < t.length) {
    lineNo++;
    emit(t.slice(start), lineNo, onLine);
  }
  t = '';
  return lineNo;
}
