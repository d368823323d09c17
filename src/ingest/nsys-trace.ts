// cuda_api_trace and cuda_gpu_trace: millions of rows, summed per name as they stream past, so
// memory stays bounded whatever the trace length. The median per API name comes from a duration
// histogram: exact to the nanosecond (up to 100,000 distinct durations of 65.536 us or more per
// name; beyond that, within 0.07% for those long calls) (docs/formats.md).
import type { ApiRow, KernelRow, MemOpRow } from '../core/analyze/schema.js';
import { InputError } from '../errors.js';
import { splitCsvRecord } from './csv.js';
import type { Column } from './nsys-reports.js';

const EXACT_LIMIT = 65_536;
const LOG_BINS_PER_OCTAVE = 1024;
/** distinct durations of 65,536 ns and more kept exactly per API name, before log bins take over */
const MAX_EXACT_BIG = 100_000;

/** Counts of durations: one bin per nanosecond below 65,536 ns, log-spaced bins above. */
export class DurationHistogram {
  private exact: Uint32Array | null = null;
  private readonly log = new Map<number, number>();
  /** durations at or above 65,536 ns, exactly, until there are too many distinct ones */
  private big: Map<number, number> | null = new Map();
  count = 0;

  add(ns: number): void {
    this.count++;
    if (ns < EXACT_LIMIT) {
      if (this.exact === null) this.exact = new Uint32Array(EXACT_LIMIT);
      this.exact[Math.round(ns)]!++;
      return;
    }
    if (this.big !== null) {
      this.big.set(ns, (this.big.get(ns) ?? 0) + 1);
      if (this.big.size > MAX_EXACT_BIG) {
        for (const [v, c] of this.big) this.addLog(v, c);
        this.big = null;
      }
      return;
    }
    this.addLog(ns, 1);
  }

  private addLog(ns: number, c: number): void {
    const idx = Math.floor(Math.log2(ns / EXACT_LIMIT) * LOG_BINS_PER_OCTAVE);
    this.log.set(idx, (this.log.get(idx) ?? 0) + c);
  }

  /** A plain-data copy for another thread (see nsys-trace-worker.ts). */
  export(): HistogramData {
    return { count: this.count, exact: this.exact, big: this.big ? [...this.big] : null, log: [...this.log] };
  }

  merge(d: HistogramData): void {
    this.count += d.count;
    if (d.exact) {
      if (this.exact === null) this.exact = new Uint32Array(EXACT_LIMIT);
      const e = this.exact;
      for (let v = 0; v < EXACT_LIMIT; v++) e[v]! += d.exact[v]!;
    }
    for (const [idx, c] of d.log) this.log.set(idx, (this.log.get(idx) ?? 0) + c);
    if (d.big === null && this.big !== null) {
      for (const [v, c] of this.big) this.addLog(v, c);
      this.big = null;
    }
    for (const [v, c] of d.big ?? []) {
      if (this.big !== null) this.big.set(v, (this.big.get(v) ?? 0) + c);
      else this.addLog(v, c);
    }
    if (this.big !== null && this.big.size > MAX_EXACT_BIG) {
      for (const [v, c] of this.big) this.addLog(v, c);
      this.big = null;
    }
  }

  /** The k-th smallest duration (0-based). */
  kth(k: number): number {
    let seen = 0;
    if (this.exact) {
      const e = this.exact;
      for (let v = 0; v < EXACT_LIMIT; v++) {
        seen += e[v]!;
        if (seen > k) return v;
      }
    }
    if (this.big !== null) {
      for (const v of [...this.big.keys()].sort((a, b) => a - b)) {
        seen += this.big.get(v)!;
        if (seen > k) return v;
      }
      return NaN;
    }
    for (const idx of [...this.log.keys()].sort((a, b) => a - b)) {
      seen += this.log.get(idx)!;
      if (seen > k) {
        // the bin's geometric centre
        return EXACT_LIMIT * 2 ** ((idx + 0.5) / LOG_BINS_PER_OCTAVE);
      }
    }
    return NaN;
  }

  /** Median as stats.ts computes it (the mean of the two middle values for an even count). */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    if (n % 2 === 1) return this.kth((n - 1) / 2);
    return (this.kth(n / 2 - 1) + this.kth(n / 2)) / 2;
  }
}

export interface HistogramData {
  count: number;
  exact: Uint32Array | null;
  big: [number, number][] | null;
  log: [number, number][];
}

/** One trace's sums per name, as plain data that crosses threads. */
export interface TraceData {
  rows: number;
  byName: { name: string; calls: number; totalNs: number; hist: HistogramData | null; repeats: number }[];
  /** gpu-trace with a stream column: the first and last name on each stream in this part */
  firstByStream: [number, string][];
  lastByStream: [number, string][];
}

interface Agg {
  name: string;
  calls: number;
  totalNs: number;
  hist: DurationHistogram | null;
  /** a memory operation (never a kernel repeat) */
  memOp: boolean;
  /** rows that followed a row of the same kernel on the same stream (gpu-trace with a Strm column) */
  repeats: number;
}

/** Parse a non-negative decimal integer fast; falls back to Number() for decimals; NaN for junk. */
function parseDuration(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (n > 15) return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
    v = v * 10 + c;
  }
  return v;
}

export type TraceKind = 'api-trace' | 'gpu-trace';

/** Sums one trace table. Feed it CSV lines (fast path) or already-split cells (column text). */
export class TraceAggregator {
  readonly nFields: number;
  private readonly durIdx: number;
  private readonly nameIdx: number;
  private readonly unitNs: number;
  private readonly byName = new Map<string, Agg>();
  rows = 0;
  /** set by the CSV fast path for the caller's error message */
  lastFieldCount = 0;

  /**
   * gpu-trace: the Strm column (not the first one), or -1. Rows come in start order (nsys writes
   * them so): a kernel row right after a row of the same kernel on its stream is a repeat.
   */
  private readonly streamIdx: number;
  private readonly lastByStream = new Map<number, Agg>();
  private readonly firstByStream = new Map<number, Agg>();

  constructor(
    readonly kind: TraceKind,
    private readonly path: string,
    readonly cols: readonly Column[],
    readonly headerLine: number,
  ) {
    this.nFields = cols.length;
    this.durIdx = cols.findIndex((c) => c.role === 'duration');
    this.nameIdx = cols.findIndex((c) => c.role === 'name');
    this.unitNs = cols[this.durIdx]?.unitNs ?? 1;
    const strm = kind === 'gpu-trace' ? cols.findIndex((c) => c.role === 'stream') : -1;
    this.streamIdx = strm > 0 ? strm : -1;
  }

  private newAgg(name: string): Agg {
    return { name, calls: 0, totalNs: 0, hist: this.kind === 'api-trace' ? new DurationHistogram() : null, memOp: isMemOp(name), repeats: 0 };
  }

  /** One row of `a` on `stream`, in file order: counts a repeat and moves the stream's last row. */
  private follow(a: Agg, stream: number): void {
    const prev = this.lastByStream.get(stream);
    if (prev === undefined) this.firstByStream.set(stream, a);
    else if (prev === a && !a.memOp) a.repeats++;
    this.lastByStream.set(stream, a);
  }

  /** A row's stream; -1 (one shared unknown stream) for an empty or odd cell */
  private streamOf(raw: string): number {
    const t = raw.trim();
    const v = t === '' ? NaN : Number(t);
    return Number.isInteger(v) ? v : -1;
  }

  private add(name: string, rawDuration: string, lineNo: number, rawStream: string | null): void {
    const d = parseDuration(rawDuration);
    if (!(d >= 0)) {
      const label = this.cols[this.durIdx]!.label;
      throw new InputError(this.path, lineNo, Number.isNaN(d) || rawDuration.trim() === '' ? `${label} is not a number: "${rawDuration}"` : `${label} is negative: "${rawDuration}"`);
    }
    const ns = this.unitNs === 1 ? d : d * this.unitNs;
    // 2^53 ns is 104 days: anything longer (or 1e400, read as Infinity) is damage, not a duration
    if (!(ns <= Number.MAX_SAFE_INTEGER)) throw new InputError(this.path, lineNo, `${this.cols[this.durIdx]!.label} is out of range: "${rawDuration}"`);
    let a = this.byName.get(name);
    if (a === undefined) {
      a = this.newAgg(name);
      this.byName.set(name, a);
    }
    a.calls++;
    a.totalNs += ns;
    if (a.hist) a.hist.add(ns);
    if (rawStream !== null) this.follow(a, this.streamOf(rawStream));
    this.rows++;
  }

  /**
   * One CSV line. Returns 'ok', 'open' (a quoted field runs on: append the next line and call
   * again) or 'fields' (wrong number of fields: lastFieldCount says how many).
   */
  addCsvLine(line: string, lineNo: number): 'ok' | 'open' | 'fields' {
    if (line.indexOf('"') === -1) {
      // fast path: no quoting, walk the commas
      const durIdx = this.durIdx;
      const nameIdx = this.nameIdx;
      const streamIdx = this.streamIdx;
      let field = 0;
      let start = 0;
      let dur = '';
      let name = '';
      let stream: string | null = null;
      for (;;) {
        const c = line.indexOf(',', start);
        const end = c === -1 ? line.length : c;
        if (field === durIdx) dur = line.slice(start, end);
        else if (field === nameIdx) name = line.slice(start, end);
        else if (field === streamIdx) stream = line.slice(start, end);
        field++;
        if (c === -1) break;
        start = c + 1;
      }
      this.lastFieldCount = field;
      if (field !== this.nFields) return 'fields';
      this.add(name, dur, lineNo, stream);
      return 'ok';
    }
    const fields = splitCsvRecord(line);
    if (fields === null) return 'open';
    this.lastFieldCount = fields.length;
    if (fields.length !== this.nFields) return 'fields';
    this.add(fields[this.nameIdx]!, fields[this.durIdx]!, lineNo, this.streamIdx >= 0 ? fields[this.streamIdx]! : null);
    return 'ok';
  }

  // ---- bulk fast path: many CSV rows straight from the file's bytes, without decoding them -------

  /** names seen so far as UTF-8 bytes, by byte length, compared in place instead of decoded */
  private readonly byLength: { bytes: Buffer; agg: Agg }[][] = [];

  private aggAt(buf: Buffer, s: number, e: number): Agg {
    const len = e - s;
    const list = this.byLength[len];
    if (list !== undefined) {
      outer: for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        const b = c.bytes;
        for (let k = 0; k < len; k++) if (b[k] !== buf[s + k]) continue outer;
        return c.agg;
      }
    }
    const name = buf.toString('utf8', s, e);
    let a = this.byName.get(name);
    if (a === undefined) {
      a = this.newAgg(name);
      this.byName.set(name, a);
    }
    (this.byLength[len] ??= []).push({ bytes: Buffer.from(buf.subarray(s, e)), agg: a });
    return a;
  }

  /**
   * Take whole, plain rows of `buf[start, end)`: no quotes, no carriage return inside, the
   * header's number of fields, a plain integer duration. Stops at the first line that is anything
   * else (a blank line, a quoted field, a bad number...) and leaves it to the line-by-line path,
   * which handles it or reports it with its line number. Returns the byte offset where it stopped.
   */
  bulk(buf: Buffer, start: number, end: number): { pos: number; lines: number } {
    // one pass over the bytes: commas count fields, digits of the duration field add up, a
    // newline ends the row; a quote, a stray carriage return or a non-digit duration hands the
    // row to the line-by-line path. Bytes of multi-byte UTF-8 characters are all above 127.
    const n = end;
    const nFields = this.nFields;
    const durIdx = this.durIdx;
    const nameIdx = this.nameIdx;
    const streamIdx = this.streamIdx;
    const unit = this.unitNs;
    let pos = start;
    let lines = 0;
    rows: while (pos < n) {
      let field = 0;
      let dur = 0;
      let durDigits = 0;
      let stream = 0;
      let streamDigits = 0;
      let ns = nameIdx === 0 ? pos : -1;
      let ne = -1;
      let i = pos;
      let rowEnd = -1;
      if (durIdx === 0) {
        for (; i < n; i++) {
          const d = buf[i]! - 48;
          if (d < 0 || d > 9) break;
          dur = dur * 10 + d;
          durDigits++;
        }
      }
      for (; i < n; i++) {
        const c = buf[i]!;
        // letters, digits, '-', '.', ':' ... : nothing to do (',' is 44 and every special is below it)
        if (c > 44) continue;
        if (c === 44) {
          if (field === nameIdx) ne = i;
          field++;
          if (field === nameIdx) ns = i + 1;
          else if (field === durIdx) {
            for (; i + 1 < n; i++) {
              const d = buf[i + 1]! - 48;
              if (d < 0 || d > 9) break;
              dur = dur * 10 + d;
              durDigits++;
            }
            const next = i + 1 < n ? buf[i + 1]! : 10;
            if (next !== 44 && next !== 10 && next !== 13) break rows;
          } else if (field === streamIdx) {
            for (; i + 1 < n; i++) {
              const d = buf[i + 1]! - 48;
              if (d < 0 || d > 9) break;
              stream = stream * 10 + d;
              streamDigits++;
            }
            // anything but a plain stream number: the line-by-line path reads the row
            const next = i + 1 < n ? buf[i + 1]! : 10;
            if (streamDigits === 0 || streamDigits > 15 || (next !== 44 && next !== 10 && next !== 13)) break rows;
          }
          continue;
        }
        if (c === 10) {
          rowEnd = i;
          break;
        }
        if (c === 13) {
          if (i + 1 < n && buf[i + 1] === 10) {
            rowEnd = i;
            i++;
            break;
          }
          break rows;
        }
        if (c === 34) break rows;
      }
      if (rowEnd === -1 || rowEnd === pos || field !== nFields - 1 || durDigits === 0 || durDigits > 15) break;
      if (field === nameIdx) ne = rowEnd;
      const a = this.aggAt(buf, ns, ne);
      const d = unit === 1 ? dur : dur * unit;
      a.calls++;
      a.totalNs += d;
      if (a.hist) a.hist.add(d);
      if (streamIdx >= 0) this.follow(a, stream);
      this.rows++;
      lines++;
      pos = i + 1;
    }
    return { pos, lines };
  }

  export(): TraceData {
    return {
      rows: this.rows,
      byName: [...this.byName].map(([name, a]) => ({ name, calls: a.calls, totalNs: a.totalNs, hist: a.hist ? a.hist.export() : null, repeats: a.repeats })),
      firstByStream: [...this.firstByStream].map(([stream, a]) => [stream, a.name]),
      lastByStream: [...this.lastByStream].map(([stream, a]) => [stream, a.name]),
    };
  }

  /**
   * Add the sums of the part of the same trace that follows this one (read by a worker thread).
   * Its first row on a stream follows this part's last row there: a repeat across the seam.
   */
  merge(d: TraceData): void {
    this.rows += d.rows;
    for (const o of d.byName) {
      let a = this.byName.get(o.name);
      if (a === undefined) {
        a = this.newAgg(o.name);
        this.byName.set(o.name, a);
      }
      a.calls += o.calls;
      a.totalNs += o.totalNs;
      a.repeats += o.repeats;
      if (a.hist && o.hist) a.hist.merge(o.hist);
    }
    for (const [stream, name] of d.firstByStream) this.follow(this.byName.get(name)!, stream);
    for (const [stream, name] of d.lastByStream) this.lastByStream.set(stream, this.byName.get(name)!);
  }

  addCells(cells: readonly string[], lineNo: number): void {
    this.add(cells[this.nameIdx]!.trim(), cells[this.durIdx]!.trim().replace(/,/g, ''), lineNo, this.streamIdx >= 0 ? cells[this.streamIdx]! : null);
  }

  apiRows(): ApiRow[] {
    return [...this.byName].map(([name, a]) => ({
      name,
      calls: a.calls,
      totalNs: a.totalNs,
      medianNs: a.hist ? a.hist.median() : null,
      avgNs: a.calls > 0 ? a.totalNs / a.calls : null,
      line: this.headerLine,
    }));
  }

  /** Kernels summed per name; with a Strm column, each with its repeats (KernelRow.repeats). */
  kernelRows(): KernelRow[] {
    const ordered = this.streamIdx >= 0;
    return [...this.byName].filter(([, a]) => !a.memOp).map(([name, a]) => (ordered ? { name, instances: a.calls, totalNs: a.totalNs, repeats: a.repeats } : { name, instances: a.calls, totalNs: a.totalNs }));
  }

  memOpRows(): MemOpRow[] {
    return [...this.byName].filter(([name]) => isMemOp(name)).map(([name, a]) => ({ operation: name, count: a.calls, totalNs: a.totalNs }));
  }
}

/** "[CUDA memcpy Host-to-Device]", "[CUDA memset]": memory operations in a GPU trace. */
export function isMemOp(name: string): boolean {
  return /^\[CUDA (?:Unified Memory )?mem(?:cpy|set)/i.test(name);
}
