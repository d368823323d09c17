// A fast, bounded-memory line reader: reads a file in fixed-size chunks, decodes UTF-8 across chunk
// boundaries, strips a BOM, and hands each line to a callback with its 1-based line number (the
// number an editor shows). `\r\n`, `\n` and bare `\r` (progress bars redrawn in place) all end a
// line; a bare `\r` does not advance the line number, so errors point at the line an editor shows.
import { InputError } from '../errors.js';
import { closeSource, openSource, sourceReader } from './source.js';

export type LineHandler = (line: string, lineNo: number) => void;

const CHUNK_BYTES = 4 << 20;
/** A longer line is refused (exit 2): the buffer never grows past twice this. */
export const MAX_LINE_BYTES = 16 << 20;

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
 * An optional fast path: a handler that can take many whole lines at once (a trace table) is
 * offered the raw bytes `buf[start, end)` (whole lines, not yet decoded); it returns the byte
 * offset it reached and how many lines it took, or `lines: 0` to have the next line decoded and
 * handed to it the ordinary way. Scanning bytes skips the UTF-8 decode of every plain row.
 */
export type BulkHandler = (buf: Buffer, start: number, end: number, lineNo: number) => { pos: number; lines: number };

/**
 * Read `path` line by line. Throws InputError for an empty file or one that holds binary data.
 * Memory stays at about two chunks whatever the file size: each read is cut after its last
 * newline (a newline byte never occurs inside a multi-byte UTF-8 sequence), decoded, and the
 * bytes after it move to the front of the buffer for the next read.
 */
export interface ByteRange {
  /** first byte to read (a line start) */
  start: number;
  /** one past the last byte to read (just after a newline, or the file size) */
  end: number;
}

export function readLines(path: string, onLine: LineHandler, bulk?: BulkHandler, range?: ByteRange): ReadStats {
  const src = openSource(path);
  const read = sourceReader(src);
  let filePos = range ? range.start : 0;
  const limit = range ? range.end : Number.MAX_SAFE_INTEGER;
  try {
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let have = 0;
    let lineNo = 0;
    let total = 0;
    let first = true;
    const handle = (text: string): void => {
      let pos = 0;
      if (first) {
        if (text.charCodeAt(0) === 0xfeff && !range) pos = 1;
        first = false;
      }
      const n = text.length;
      while (pos < n) {
        let nl = text.indexOf('\n', pos);
        if (nl === -1) nl = n;
        lineNo++;
        emit(text.slice(pos, nl), lineNo, onLine);
        pos = nl + 1;
      }
    };
    // With a bulk handler, whole lines stay bytes until a line needs the ordinary path.
    const handleBytes = (end: number): void => {
      let pos = 0;
      if (first) {
        if (!range && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
        first = false;
      }
      while (pos < end) {
        const r = bulk!(buf, pos, end, lineNo);
        if (r.lines > 0) {
          pos = r.pos;
          lineNo += r.lines;
          continue;
        }
        let nl = buf.indexOf(10, pos);
        if (nl === -1 || nl >= end) nl = end;
        lineNo++;
        emit(buf.toString('utf8', pos, nl), lineNo, onLine);
        pos = nl + 1;
      }
    };
    for (;;) {
      if (have === buf.length) {
        // one line longer than the buffer: grow it, up to a limit
        if (have >= MAX_LINE_BYTES) throw new InputError(path, lineNo + 1, `a line longer than ${MAX_LINE_BYTES >> 20} MiB: not an nsys stats report (or a file with no line breaks)`);
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const want = Math.min(buf.length - have, limit - filePos);
      const n = want > 0 ? read(buf, have, want, filePos) : 0;
      if (n === 0) break;
      // a NUL byte anywhere: binary data, or text that would print as something else than it is
      const nul = buf.subarray(have, have + n).indexOf(0);
      if (nul !== -1) {
        const at = filePos + nul;
        throw new InputError(path, undefined, `not a text file (byte ${at} is NUL): give the CSV or text output of \`nsys stats\`, not the .nsys-rep or .sqlite file`);
      }
      filePos += n;
      total += n;
      have += n;
      const lastNl = buf.lastIndexOf(10, have - 1);
      if (lastNl === -1) continue;
      if (bulk) handleBytes(lastNl + 1);
      else handle(buf.toString('utf8', 0, lastNl + 1));
      buf.copy(buf, 0, lastNl + 1, have);
      have -= lastNl + 1;
    }
    if (total === 0 && !range) throw new InputError(path, undefined, 'the file is empty');
    if (have > 0) {
      if (bulk) handleBytes(have);
      else handle(buf.toString('utf8', 0, have));
    }
    return { bytes: total, lines: lineNo };
  } finally {
    closeSource(src);
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
