// nsys stats output -> profiles. Reads every form the output takes in the wild: CSV (one report per
// file or several on stdout), column text (with or without thousands separators), logs and
// markdown holding tables among other lines, markdown pipe tables, legacy 2020-2021 layouts, and
// cuda_api_trace / cuda_gpu_trace CSVs of millions of rows (streamed). docs/formats.md is the
// user-facing description of these rules.
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { ApiRow, KernelRow, MemOpRow, ProfileInput, RangeRow, SkipNote } from '../core/analyze/schema.js';
import { looksLikeCudaApi } from '../core/analyze/launch-apis.js';
import { InputError } from '../errors.js';
import { splitCsvRecord } from './csv.js';
import { readLines, splitLines } from './lines.js';
import { fileError, STDIN_PATH } from './source.js';
import {
  cellsBySpans,
  dashSpans,
  headerCellsBySpans,
  headerKind,
  isPipeSeparator,
  looksLikeHeader,
  parseColumn,
  parseNumberCell,
  parseSkipped,
  parseTitle,
  pipeCells,
  type Column,
  type HeaderKind,
  type Span,
  type Title,
} from './nsys-reports.js';
import { TraceAggregator, type TraceData } from './nsys-trace.js';
import type { TraceWorkerInput, TraceWorkerOutput } from './nsys-trace-worker.js';

/** A title applies to a table that starts within this many lines of it. */
const TITLE_REACH_LINES = 12;
/** A quoted CSV field may run over at most this many characters before the file is called broken. */
const MAX_OPEN_QUOTE_CHARS = 1 << 20;
/**
 * Memory bounds (docs/formats.md, "Limits"). Trace rows are summed as they stream by, so a trace
 * of any length takes little memory; summary rows are kept until their table ends, and every other
 * line is looked at once. A summary table of more rows, or more text outside trace tables, is not
 * an nsys stats report (cuda_api_sum has one row per API, cuda_gpu_kern_sum one per kernel) and
 * stops the read at once with exit 2, before memory grows with the input.
 */
export const MAX_SUMMARY_ROWS = 500_000;
export const MAX_TEXT_BYTES = 256 << 20;

export interface ParsedTable {
  report: string;
  format: 'csv' | 'column' | 'markdown';
  line: number;
  endLine: number;
  api?: ApiRow[];
  kernels?: KernelRow[];
  memOps?: MemOpRow[];
  /** nvtx_sum, or nvtx_pushpop_trace summed by range name */
  ranges?: RangeRow[];
  traceRows: number;
  elidedRows: number;
}

export interface ParsedFile {
  path: string;
  tables: ParsedTable[];
  /** tables read but not used, and reports nsys said it skipped */
  skipped: SkipNote[];
  /** the first non-empty line, for the message when nothing is recognised */
  firstLine: { text: string; line: number } | null;
}

type Row = { cells: string[]; line: number };

const NO_BULK = { pos: 0, lines: 0 };

interface OpenSummary {
  type: 'summary';
  /** a trace in column text or markdown: its rows are summed here as they come, never kept */
  agg: TraceAggregator | null;
  /** rows of a trace kind taken without being kept */
  streamed: number;
  format: 'csv' | 'column' | 'markdown';
  cols: Column[];
  kind: HeaderKind;
  title: Title | null;
  headerLine: number;
  spans: Span[] | null;
  rows: Row[];
  elided: number;
  /** column text: index of the first numeric column; a row without a number there ends the table */
  probe: number;
}

function roleAt(cols: readonly Column[], role: Column['role']): number {
  return cols.findIndex((c) => c.role === role);
}

interface OpenTrace {
  type: 'trace';
  format: 'csv';
  agg: TraceAggregator | null;
  cols: Column[];
  kind: HeaderKind;
  title: Title | null;
  headerLine: number;
  rows: number;
  /** nvtx_pushpop_trace: durations by range name (the step's wall time) */
  nvtx: Map<string, { durations: number[]; line: number }> | null;
  /** nvtx_pushpop_trace: where its name and time columns are (-1: absent), found once per table */
  nvtxCols: { name: number; duration: number; start: number; end: number } | null;
}

type Open = OpenSummary | OpenTrace;

const TRACE_KINDS: ReadonlySet<HeaderKind> = new Set<HeaderKind>(['api-trace', 'gpu-trace', 'nvtx-trace', 'other-trace']);

const TIME_ROLES = new Set(['total', 'avg', 'med', 'min', 'max', 'stddev', 'duration', 'start', 'end']);

function reportForKind(kind: HeaderKind): string | null {
  switch (kind) {
    case 'kernel-sum':
      return 'cuda_gpu_kern_sum';
    case 'memop-time':
      return 'cuda_gpu_mem_time_sum';
    case 'memop-size':
      return 'cuda_gpu_mem_size_sum';
    case 'nvtx-sum':
      return 'nvtx_sum';
    case 'api-trace':
      return 'cuda_api_trace';
    case 'gpu-trace':
      return 'cuda_gpu_trace';
    case 'nvtx-trace':
      return 'nvtx_pushpop_trace';
    default:
      return null;
  }
}

/** The header shape each report prints, to check a title against the table under it. */
const KIND_OF_REPORT: Record<string, HeaderKind> = {
  cuda_api_sum: 'api-like',
  osrt_sum: 'api-like',
  cuda_gpu_kern_sum: 'kernel-sum',
  cuda_gpu_mem_time_sum: 'memop-time',
  cuda_gpu_mem_size_sum: 'memop-size',
  nvtx_sum: 'nvtx-sum',
  cuda_api_trace: 'api-trace',
  cuda_gpu_trace: 'gpu-trace',
};

/** The line-by-line state machine over one file. */
export class NsysScanner {
  readonly tables: ParsedTable[] = [];
  readonly skipped: SkipNote[] = [];
  firstLine: { text: string; line: number } | null = null;
  private title: Title | null = null;
  private prev: { text: string; line: number } | null = null;
  private open: Open | null = null;
  private carry = '';
  private carryLine = 0;
  /** characters read outside trace tables (MAX_TEXT_BYTES) */
  private textChars = 0;

  constructor(readonly path: string) {}

  line = (text: string, lineNo: number): void => {
    const t = this.open;
    if (t === null || (t.type !== 'trace' && !TRACE_KINDS.has(t.kind))) {
      this.textChars += text.length + 1;
      if (this.textChars > MAX_TEXT_BYTES) {
        throw new InputError(this.path, lineNo, `more than ${MAX_TEXT_BYTES >> 20} MiB of text outside trace tables: not an nsys stats report, or one with a large tail (cut the file to its reports)`);
      }
    }
    if (t !== null && t.format === 'csv') {
      if (this.carry.length > 0) {
        text = `${this.carry}\n${text}`;
        lineNo = this.carryLine;
        this.carry = '';
      }
      if (t.type === 'trace') {
        if (this.traceRow(t, text, lineNo)) return;
      } else if (this.csvRow(t, text, lineNo)) return;
    } else if (t !== null && t.format === 'column') {
      if (this.columnRow(t as OpenSummary, text, lineNo)) return;
    } else if (t !== null && t.format === 'markdown') {
      if (this.markdownRow(t as OpenSummary, text, lineNo)) return;
    }
    this.scan(text, lineNo);
  };

  /** Fast path for trace rows (see readLines): plain CSV rows go straight to the aggregator. */
  bulk = (buf: Buffer, start: number, end: number): { pos: number; lines: number } => {
    const t = this.open;
    if (t === null || t.type !== 'trace' || t.agg === null || this.carry.length > 0) return NO_BULK;
    return t.agg.bulk(buf, start, end);
  };

  /** Merge the sums of the rest of the open trace table (read by a worker); false if none is open. */
  mergeTrace(d: TraceData): boolean {
    const t = this.open;
    if (t === null || t.type !== 'trace' || t.agg === null || this.carry.length > 0 || this.tables.length > 0) return false;
    t.agg.merge(d);
    return true;
  }

  finish(): ParsedFile {
    if (this.carry.length > 0) {
      throw new InputError(this.path, this.carryLine, 'a quoted field is not closed before the end of the file (truncated row)');
    }
    this.close(Number.MAX_SAFE_INTEGER);
    return { path: this.path, tables: this.tables, skipped: this.skipped, firstLine: this.firstLine };
  }

  // ---- outside tables ----------------------------------------------------------------------

  private scan(text: string, lineNo: number): void {
    const trimmed = text.trim();
    if (trimmed.length === 0) {
      this.prev = null;
      return;
    }
    if (this.firstLine === null) this.firstLine = { text: trimmed.slice(0, 120), line: lineNo };
    const skipped = parseSkipped(trimmed);
    if (skipped !== null) {
      const report = this.title && lineNo - this.title.line <= TITLE_REACH_LINES ? this.title.report : 'a report';
      this.skipped.push({ path: this.path, line: lineNo, what: report, reason: skipped });
      this.title = null;
      this.prev = null;
      return;
    }
    const title = parseTitle(trimmed, lineNo);
    if (title !== null) {
      // "Generating CUDA API Statistics..." followed by "CUDA API Statistics (nanoseconds)": keep the unit
      if (this.title && this.title.report === title.report && lineNo - this.title.line <= 2 && title.unitNs === null) title.unitNs = this.title.unitNs;
      this.title = title;
      this.prev = { text, line: lineNo };
      return;
    }
    // column text: a header line, then a line of dashes
    const spans = dashSpans(text);
    if (spans !== null && this.prev !== null) {
      const headerCells = headerCellsBySpans(this.prev.text, spans);
      const cols = looksLikeHeader(headerCells);
      if (cols) {
        this.start({
          type: 'summary',
          format: 'column',
          cols,
          kind: headerKind(cols)!,
          agg: this.traceAggregator(headerKind(cols)!, cols, this.prev.line),
          streamed: 0,
          title: this.recentTitle(this.prev.line),
          headerLine: this.prev.line,
          spans,
          rows: [],
          elided: 0,
          probe: cols.findIndex((c) => c.role !== 'name' && c.role !== 'operation' && c.role !== 'other'),
        });
        return;
      }
    }
    // markdown: | header | ... | then |---|---|
    if (this.prev !== null && isPipeSeparator(text)) {
      const headerCells = pipeCells(this.prev.text);
      const cols = headerCells ? looksLikeHeader(headerCells) : null;
      if (cols) {
        this.start({
          type: 'summary',
          format: 'markdown',
          cols,
          kind: headerKind(cols)!,
          agg: this.traceAggregator(headerKind(cols)!, cols, this.prev.line),
          streamed: 0,
          title: this.recentTitle(this.prev.line),
          headerLine: this.prev.line,
          spans: null,
          rows: [],
          elided: 0,
          probe: cols.findIndex((c) => c.role !== 'name' && c.role !== 'operation' && c.role !== 'other'),
        });
        return;
      }
    }
    // CSV header
    if (text.includes(',')) {
      const cells = splitCsvRecord(text);
      const cols = cells ? looksLikeHeader(cells) : null;
      if (cols) {
        this.startCsv(cols, lineNo);
        return;
      }
    }
    this.prev = { text, line: lineNo };
  }

  private recentTitle(headerLine: number): Title | null {
    const t = this.title;
    return t && headerLine - t.line <= TITLE_REACH_LINES ? t : null;
  }

  private startCsv(cols: Column[], lineNo: number): void {
    const kind = headerKind(cols)!;
    const title = this.recentTitle(lineNo);
    if (kind === 'api-trace' || kind === 'gpu-trace' || kind === 'nvtx-trace' || kind === 'other-trace') {
      const used = kind === 'api-trace' || kind === 'gpu-trace';
      this.start({
        type: 'trace',
        format: 'csv',
        agg: used ? new TraceAggregator(kind, this.path, cols, lineNo) : null,
        cols,
        kind,
        title,
        headerLine: lineNo,
        rows: 0,
        nvtx: kind === 'nvtx-trace' ? new Map() : null,
        nvtxCols: kind === 'nvtx-trace' ? { name: roleAt(cols, 'name'), duration: roleAt(cols, 'duration'), start: roleAt(cols, 'start'), end: roleAt(cols, 'end') } : null,
      });
      return;
    }
    this.start({ type: 'summary', format: 'csv', cols, kind, title, headerLine: lineNo, spans: null, rows: [], elided: 0, probe: -1, agg: null, streamed: 0 });
  }

  private start(t: Open): void {
    this.open = t;
    this.prev = null;
  }

  // ---- inside tables -----------------------------------------------------------------------
  // Each returns true when it consumed the line, false when the table ended before it (the line
  // is then scanned as an ordinary line: it may start the next table).

  private traceRow(t: OpenTrace, text: string, lineNo: number): boolean {
    if (text.length === 0 || text.trim().length === 0) {
      this.close(lineNo);
      return true;
    }
    if (t.agg === null) {
      // a trace we do not use: consume rows, count them, check nothing
      const fields = splitCsvRecord(text);
      if (fields === null) return this.openQuote(text, lineNo);
      if (fields.length !== t.cols.length) return this.endOrTruncated(t.cols.length, fields.length, t.headerLine, text, lineNo);
      t.rows++;
      if (t.nvtx) this.nvtxRow(t, t.nvtx, fields, lineNo);
      return true;
    }
    const r = t.agg.addCsvLine(text, lineNo);
    if (r === 'ok') return true;
    if (r === 'open') return this.openQuote(text, lineNo);
    return this.endOrTruncated(t.cols.length, t.agg.lastFieldCount, t.headerLine, text, lineNo);
  }

  /** One nvtx_pushpop_trace row: its name and duration (Duration, else End - Start). */
  private nvtxRow(t: OpenTrace, into: NonNullable<OpenTrace['nvtx']>, fields: string[], lineNo: number): void {
    const at = t.nvtxCols!;
    const time = (i: number): number | null => {
      if (i === -1) return null;
      const v = parseNumberCell(fields[i] ?? '');
      if (v === null || v < 0) throw new InputError(this.path, lineNo, `${t.cols[i]!.label} is not a number >= 0: "${fields[i] ?? ''}"`);
      return v * (t.cols[i]!.unitNs ?? 1);
    };
    const name = (fields[at.name] ?? '').trim();
    const d = time(at.duration) ?? time(at.end)! - time(at.start)!;
    const e = into.get(name);
    if (e) e.durations.push(d);
    else into.set(name, { durations: [d], line: lineNo });
  }

  private csvRow(t: OpenSummary, text: string, lineNo: number): boolean {
    if (text.trim().length === 0) {
      this.close(lineNo);
      return true;
    }
    const fields = splitCsvRecord(text);
    if (fields === null) return this.openQuote(text, lineNo);
    if (fields.length !== t.cols.length) return this.endOrTruncated(t.cols.length, fields.length, t.headerLine, text, lineNo);
    this.keepRow(t, fields, lineNo);
    return true;
  }

  /** Column-text and markdown traces stream into an aggregator, as CSV traces do. */
  private traceAggregator(kind: HeaderKind, cols: Column[], headerLine: number): TraceAggregator | null {
    return kind === 'api-trace' || kind === 'gpu-trace' ? new TraceAggregator(kind, this.path, cols, headerLine) : null;
  }

  private keepRow(t: OpenSummary, cells: string[], lineNo: number): void {
    if (TRACE_KINDS.has(t.kind)) {
      // any number of trace rows: summed (or, for a trace we do not use, counted), not kept
      if (t.agg) t.agg.addCells(cells, lineNo);
      t.streamed++;
      return;
    }
    if (t.rows.length >= MAX_SUMMARY_ROWS) {
      throw new InputError(this.path, lineNo, `the table under the header on line ${t.headerLine} has more than ${MAX_SUMMARY_ROWS.toLocaleString('en-US')} rows: not an nsys stats summary (a damaged or concatenated file?)`);
    }
    t.rows.push({ cells, line: lineNo });
  }

  private openQuote(text: string, lineNo: number): boolean {
    if (text.length > MAX_OPEN_QUOTE_CHARS) throw new InputError(this.path, lineNo, 'a quoted field is never closed');
    this.carry = text;
    this.carryLine = lineNo;
    return true;
  }

  /** A CSV line with the wrong number of fields: a new section starts, or the row is broken. */
  private endOrTruncated(expected: number, got: number, headerLine: number, text: string, lineNo: number): boolean {
    const cells = splitCsvRecord(text);
    if (got <= 1 || (cells !== null && looksLikeHeader(cells) !== null)) {
      this.close(lineNo);
      return false;
    }
    throw new InputError(this.path, lineNo, `truncated or malformed row: ${got} fields where the header on line ${headerLine} has ${expected}`);
  }

  private columnRow(t: OpenSummary, text: string, lineNo: number): boolean {
    const trimmed = text.trim();
    if (trimmed.length === 0) {
      this.close(lineNo);
      return true;
    }
    if (/^(?:\.\.\.|…)$/.test(trimmed)) {
      t.elided++;
      return true;
    }
    const cells = cellsBySpans(text, t.spans!);
    if (t.probe >= 0 && parseNumberCell(cells[t.probe]!) === null) {
      this.close(lineNo);
      return false;
    }
    this.keepRow(t, cells, lineNo);
    return true;
  }

  private markdownRow(t: OpenSummary, text: string, lineNo: number): boolean {
    const cells = pipeCells(text);
    if (cells === null) {
      this.close(lineNo);
      return false;
    }
    if (cells.every((c) => /^(?:\.\.\.|…)?$/.test(c))) {
      t.elided++;
      return true;
    }
    if (cells.length !== t.cols.length || (t.probe >= 0 && parseNumberCell(cells[t.probe]!) === null)) {
      this.close(lineNo);
      return false;
    }
    this.keepRow(t, cells, lineNo);
    return true;
  }

  // ---- a table ends ------------------------------------------------------------------------

  private close(endLine: number): void {
    const t = this.open;
    if (t === null) return;
    this.open = null;
    this.title = null;
    this.prev = null;
    // a header with no rows under it (a header quoted in prose, an empty paste) is no table
    if ((t.type === 'summary' && t.rows.length === 0 && t.streamed === 0 && t.elided === 0) || (t.type === 'trace' && (t.agg ? t.agg.rows : t.rows) === 0)) return;
    const report = this.reportOf(t);
    const table: ParsedTable = {
      report,
      format: t.format,
      line: t.headerLine,
      endLine: endLine === Number.MAX_SAFE_INTEGER ? t.headerLine : endLine - 1,
      traceRows: 0,
      elidedRows: t.type === 'summary' ? t.elided : 0,
    };
    if (t.type === 'trace') {
      table.traceRows = t.agg ? t.agg.rows : t.rows;
      if (t.agg && t.agg.kind === 'api-trace') table.api = t.agg.apiRows();
      else if (t.agg) {
        table.kernels = t.agg.kernelRows();
        table.memOps = t.agg.memOpRows();
      } else if (t.nvtx) {
        table.ranges = [...t.nvtx].map(([name, r]) => {
          const d = [...r.durations].sort((a, b) => a - b);
          const n = d.length;
          return { name, instances: n, totalNs: d.reduce((a, b) => a + b, 0), medianNs: n % 2 ? d[(n - 1) / 2]! : (d[n / 2 - 1]! + d[n / 2]!) / 2, minNs: d[0]!, maxNs: d[n - 1]!, durationsNs: d, line: r.line };
        });
      } else {
        this.skipped.push({ path: this.path, line: t.headerLine, what: `${report} table`, reason: 'not used by analyze' });
      }
      this.tables.push(table);
      return;
    }
    if (report === 'cuda_api_sum') table.api = this.apiRows(t);
    else if (report === 'cuda_gpu_kern_sum') table.kernels = this.kernelRows(t);
    else if (report === 'cuda_gpu_mem_time_sum') table.memOps = this.memOpRows(t);
    else if (report === 'nvtx_sum') table.ranges = this.rangeRows(t);
    else if (report === 'cuda_api_trace' || report === 'cuda_gpu_trace') {
      // a trace in column text or markdown: summed as its rows came (or, titled so, summed here)
      let agg = t.agg;
      if (agg === null) {
        agg = new TraceAggregator(report === 'cuda_api_trace' ? 'api-trace' : 'gpu-trace', this.path, t.cols, t.headerLine);
        for (const r of t.rows) agg.addCells(r.cells, r.line);
      }
      table.traceRows = agg.rows;
      if (report === 'cuda_api_trace') table.api = agg.apiRows();
      else {
        table.kernels = agg.kernelRows();
        table.memOps = agg.memOpRows();
      }
    } else {
      this.skipped.push({ path: this.path, line: t.headerLine, what: `${report} table`, reason: 'not used by analyze' });
    }
    this.tables.push(table);
  }

  /** The report a table holds: its title where the title fits the header, else the header and contents. */
  private reportOf(t: Open): string {
    if (t.title && KIND_OF_REPORT[t.title.report] === t.kind) return t.title.report;
    if (t.title && KIND_OF_REPORT[t.title.report] === undefined && t.kind === 'api-like' && !/^cuda/.test(t.title.report)) return t.title.report;
    if (t.kind === 'api-like') {
      if (t.type !== 'summary') return 'osrt_sum';
      const nameIdx = t.cols.findIndex((c) => c.role === 'name');
      const cuda = t.rows.filter((r) => looksLikeCudaApi(r.cells[nameIdx] ?? '')).length;
      return cuda * 2 >= t.rows.length && t.rows.length > 0 ? 'cuda_api_sum' : 'osrt_sum';
    }
    return reportForKind(t.kind) ?? 'unknown';
  }

  private unitOf(t: OpenSummary, c: Column): number {
    return c.unitNs ?? t.title?.unitNs ?? 1;
  }

  private num(t: OpenSummary, r: Row, role: string, opts: { required: boolean; integer?: boolean }): number | null {
    const idx = t.cols.findIndex((c) => c.role === role);
    if (idx === -1) {
      if (opts.required) throw new InputError(this.path, t.headerLine, `the header has no ${role} column`);
      return null;
    }
    const col = t.cols[idx]!;
    const cell = (r.cells[idx] ?? '').trim();
    if (cell === '' && !opts.required) return null;
    if (cell === '') throw new InputError(this.path, r.line, `${col.label} is missing: the row ends early (truncated row?)`);
    const v = parseNumberCell(cell);
    if (v === null) throw new InputError(this.path, r.line, `${col.label} is not a number: "${cell}"`);
    if (v < 0) throw new InputError(this.path, r.line, `${col.label} is negative: "${cell}"`);
    if (opts.integer && !Number.isInteger(v)) throw new InputError(this.path, r.line, `${col.label} is not a whole number: "${cell}"`);
    const value = TIME_ROLES.has(role) ? v * this.unitOf(t, col) : v;
    // 1e400 reads as Infinity; past 2^53 (104 days in ns) sums lose whole units: damage, not data
    if (!(value <= Number.MAX_SAFE_INTEGER)) throw new InputError(this.path, r.line, `${col.label} is out of range: "${cell}"`);
    return value;
  }

  private nameOf(t: OpenSummary, r: Row, role: 'name' | 'operation'): string {
    let idx = t.cols.findIndex((c) => c.role === role);
    if (idx === -1 && role === 'operation') idx = t.cols.findIndex((c) => c.role === 'name');
    return (r.cells[idx] ?? '').trim();
  }

  private apiRows(t: OpenSummary): ApiRow[] {
    return t.rows.map((r) => ({
      name: this.nameOf(t, r, 'name'),
      calls: this.num(t, r, 'calls', { required: true, integer: true })!,
      totalNs: this.num(t, r, 'total', { required: true })!,
      medianNs: this.num(t, r, 'med', { required: false }),
      avgNs: this.num(t, r, 'avg', { required: false }),
      line: r.line,
    }));
  }

  private kernelRows(t: OpenSummary): KernelRow[] {
    return t.rows.map((r) => ({
      name: this.nameOf(t, r, 'name'),
      instances: this.num(t, r, 'instances', { required: true, integer: true })!,
      totalNs: this.num(t, r, 'total', { required: true })!,
      minNs: this.num(t, r, 'min', { required: false }),
      maxNs: this.num(t, r, 'max', { required: false }),
    }));
  }

  private memOpRows(t: OpenSummary): MemOpRow[] {
    return t.rows.map((r) => ({
      operation: this.nameOf(t, r, 'operation'),
      count: this.num(t, r, 'count', { required: true, integer: true })!,
      totalNs: this.num(t, r, 'total', { required: true })!,
      minNs: this.num(t, r, 'min', { required: false }),
      maxNs: this.num(t, r, 'max', { required: false }),
    }));
  }

  private rangeRows(t: OpenSummary): RangeRow[] {
    return t.rows.map((r) => {
      const idx = t.cols.findIndex((c) => c.role === 'range');
      return {
        name: (r.cells[idx === -1 ? t.cols.findIndex((c) => c.role === 'name') : idx] ?? '').trim(),
        instances: this.num(t, r, 'instances', { required: true, integer: true })!,
        totalNs: this.num(t, r, 'total', { required: true })!,
        medianNs: this.num(t, r, 'med', { required: false }),
        minNs: this.num(t, r, 'min', { required: false }),
        maxNs: this.num(t, r, 'max', { required: false }),
        durationsNs: null,
        line: r.line,
      };
    });
  }
}

// ---- files -> tables ---------------------------------------------------------------------------

export function parseFile(path: string): ParsedFile {
  const scanner = new NsysScanner(path);
  readLines(path, scanner.line, scanner.bulk);
  return scanner.finish();
}

/** Files from this size on whose first line is a trace header are read by two threads. */
const PARALLEL_MIN_BYTES = 32 << 20;

function parallelMinBytes(): number {
  // GRAPHPROF_PARALLEL_MIN_BYTES lets the end-to-end tests take the two-thread path on small files
  const env = Number(process.env.GRAPHPROF_PARALLEL_MIN_BYTES);
  return Number.isFinite(env) && env > 0 ? env : PARALLEL_MIN_BYTES;
}

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, position);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function runWorker(input: TraceWorkerInput): { done: Promise<TraceWorkerOutput>; stop: () => void } {
  // created synchronously: the main thread reads its half right after, without yielding
  let w: Worker;
  try {
    w = new Worker(new URL('./nsys-trace-worker.js', import.meta.url), { workerData: input });
  } catch (err) {
    return { done: Promise.resolve({ ok: false, why: (err as Error).message }), stop: () => {} };
  }
  const done = new Promise<TraceWorkerOutput>((resolve) => {
    w.once('message', (m: TraceWorkerOutput) => resolve(m));
    w.once('error', (e) => resolve({ ok: false, why: e.message }));
    w.once('exit', () => resolve({ ok: false, why: 'exited' }));
  });
  return { done, stop: () => void w.terminate() };
}

/**
 * parseFile, with a large trace CSV read by two threads: the main thread takes the first half
 * of the bytes, a worker the second, and their sums merge. The result is the same as parseFile's;
 * whenever the split is not clean (the worker met anything but plain rows) the whole file is read
 * again by parseFile, which reports any problem with its exact line.
 */
export async function parseFileAsync(path: string): Promise<ParsedFile> {
  let st;
  try {
    st = statSync(path);
  } catch {
    // parseFile reports the path's error with its own message
    return parseFile(path);
  }
  // standard input, FIFOs and devices are streams: read once, in order (outside the try above: a
  // stream's own error must not be caught and the stream read a second time)
  if (path === STDIN_PATH || !st.isFile()) return parseFile(path);
  const size = st.size;
  if (size < parallelMinBytes()) return parseFile(path);
  const head = readAt(path, 0, 64 << 10);
  if (head.indexOf(0) !== -1) return parseFile(path);
  let firstLine = head.toString('utf8', 0, Math.max(0, head.indexOf(10)));
  if (firstLine.charCodeAt(0) === 0xfeff) firstLine = firstLine.slice(1);
  if (firstLine.endsWith('\r')) firstLine = firstLine.slice(0, -1);
  const cells = splitCsvRecord(firstLine);
  const cols = cells ? looksLikeHeader(cells) : null;
  const kind = cols ? headerKind(cols) : null;
  if (!cols || (kind !== 'api-trace' && kind !== 'gpu-trace')) return parseFile(path);
  const mid = Math.floor(size / 2);
  const probe = readAt(path, mid, 1 << 20);
  const nl = probe.indexOf(10);
  if (nl === -1) return parseFile(path);
  const split = mid + nl + 1;

  const worker = runWorker({ path, cols, kind, headerLine: 1, start: split, end: size });
  let scanner: NsysScanner;
  try {
    scanner = new NsysScanner(path);
    readLines(path, scanner.line, scanner.bulk, { start: 0, end: split });
  } catch (err) {
    worker.stop();
    // the first half alone may misread a file the split cut badly; read it whole for the verdict
    if (err instanceof InputError) return parseFile(path);
    throw err;
  }
  const out = await worker.done;
  worker.stop();
  if (!out.ok || !scanner.mergeTrace(out.data)) {
    if (process.env.GRAPHPROF_DEBUG === "1") process.stderr.write(`trace worker: ${out.ok ? "no open trace" : out.why}\n`);
    return parseFile(path);
  }
  return scanner.finish();
}

export function parseText(path: string, text: string): ParsedFile {
  if (text.length === 0) throw new InputError(path, undefined, 'the file is empty');
  const scanner = new NsysScanner(path);
  splitLines(text, scanner.line);
  return scanner.finish();
}

// ---- tables -> profiles ------------------------------------------------------------------------

type Slot = 'api' | 'kernels' | 'memOps' | 'ranges';

function slotsOf(t: ParsedTable): Slot[] {
  const s: Slot[] = [];
  if (t.ranges) s.push('ranges');
  if (t.api) s.push('api');
  if (t.kernels) s.push('kernels');
  if (t.memOps && (t.memOps.length > 0 || !t.kernels)) s.push('memOps');
  return s;
}

function emptyProfile(path: string, index: number): ProfileInput {
  return { path, paths: [path], index, reports: [], api: [], kernels: null, memOps: null, traceRows: 0, elidedRows: 0 };
}

interface Draft {
  profile: ProfileInput;
  has: Set<Slot>;
}

function addTable(d: Draft, t: ParsedTable): void {
  const p = d.profile;
  p.reports.push(t.report);
  // loops, not push(...rows): a spread passes every row as an argument, and 130,000 overflow the stack
  if (t.api) for (const r of t.api) p.api.push(r);
  if (t.kernels) p.kernels = (p.kernels ?? []).concat(t.kernels);
  // a cuda_gpu_trace with a Strm column gives each kernel its repeats (the replay model's order)
  if (t.kernels && t.kernels.length > 0 && t.kernels.every((k) => k.repeats != null)) p.kernelOrder = `the kernel order of ${t.report} (per stream, in file order)`;
  if (t.memOps && (t.memOps.length > 0 || !t.kernels)) p.memOps = (p.memOps ?? []).concat(t.memOps);
  if (t.ranges) p.ranges = (p.ranges ?? []).concat(t.ranges);
  p.traceRows += t.traceRows;
  p.elidedRows += t.elidedRows;
  for (const s of slotsOf(t)) d.has.add(s);
}

/**
 * The tables of one file in file order -> profiles. A table whose slot (API, kernels, memory
 * operations) the current profile already holds starts the next profile: several runs pasted into
 * one log give several profiles, in order.
 */
export function draftProfiles(file: ParsedFile): Draft[] {
  const drafts: Draft[] = [];
  let cur: Draft | null = null;
  for (const t of file.tables) {
    const slots = slotsOf(t);
    if (slots.length === 0) continue;
    if (cur === null || slots.some((s) => cur!.has.has(s))) {
      cur = { profile: emptyProfile(file.path, drafts.length), has: new Set() };
      drafts.push(cur);
    }
    addTable(cur, t);
  }
  return drafts;
}

const REPORT_SUFFIX =
  /^(.+)_(cuda_api_sum|cuda_api_trace|cuda_gpu_kern_sum|cuda_gpu_trace|cuda_gpu_mem_time_sum|cuda_gpu_mem_size_sum|cuda_gpu_sum|cuda_api_gpu_sum|cuda_kern_exec_sum|cuda_kern_exec_trace|osrt_sum|nvtx_sum|nvtx_pushpop_trace|nvtx_startend_sum|nvtx_kern_sum|nvtx_gpu_proj_sum|nvtx_gpu_proj_trace|um_sum|um_total_sum|um_cpu_page_faults_sum|openmp_sum|syscall_sum|cudaapisum|cudaapitrace|gpukernsum|gputrace|gpumemtimesum|gpumemsizesum|osrtsum|nvtxsum|nvtxpptrace)$/;

/** "prof_cuda_api_sum.csv" -> "prof"; null when the name does not follow `<base>_<report>.<ext>`. */
export function reportFileBase(path: string): string | null {
  const name = basename(path).replace(/\.(csv|txt|log|out)$/i, '');
  const m = REPORT_SUFFIX.exec(name);
  return m ? join(dirname(path), m[1]!) : null;
}

export interface ReadResult {
  profiles: ProfileInput[];
  skipped: SkipNote[];
}

function isDirectory(path: string): boolean {
  if (path === STDIN_PATH) return false;
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new InputError(path, undefined, 'no such file or directory') : fileError(path, err);
  }
}

/** The files of a folder, by name, symbolic links followed (a link to a folder is not entered). */
function folderFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw fileError(dir, err, 'cannot list the folder');
  }
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isFile()) names.push(e.name);
    else if (e.isSymbolicLink()) {
      try {
        if (statSync(join(dir, e.name)).isFile()) names.push(e.name);
      } catch {
        // a dangling link: nothing to read
      }
    }
  }
  return names.sort();
}

/** One identity per file, whatever path names it: device and inode, else the resolved path. */
function fileIdentity(path: string): string {
  if (path === STDIN_PATH) return 'stdin';
  try {
    const st = statSync(path);
    if (st.ino !== 0) return `${st.dev}:${st.ino}`;
    return realpathSync(path);
  } catch {
    return path;
  }
}

function describeNothing(file: ParsedFile): string {
  const seen = file.tables.map((t) => t.report);
  const nsysSkips = file.skipped.filter((s) => s.reason.startsWith('nsys:') && /cuda_api|cudaapi/.test(s.what));
  if (seen.length > 0 || nsysSkips.length > 0) {
    const parts = [`no CUDA API data (cuda_api_sum or cuda_api_trace)`];
    if (seen.length > 0) parts.push(`tables found: ${[...new Set(seen)].join(', ')}`);
    if (nsysSkips.length > 0) parts.push(`nsys skipped ${nsysSkips[0]!.what} (${nsysSkips[0]!.reason.replace(/^nsys: /, '')})`);
    return `${parts.join('; ')}: profile with \`nsys profile --trace=cuda\` and run \`nsys stats --report cuda_api_sum\``;
  }
  return 'no nsys stats table found: expected the CSV or column output of `nsys stats --report cuda_api_sum`';
}

/**
 * Read the paths given on the command line: files, and directories (their files, not recursing).
 * Reports of one run split over `<base>_<report>.csv` files are joined into one profile.
 */
export async function readInputs(paths: readonly string[]): Promise<ReadResult> {
  const skipped: SkipNote[] = [];
  const parsed: { file: ParsedFile; explicit: boolean }[] = [];
  // a report read twice would count its launches twice: the same file under two names is refused
  const seen = new Map<string, string>();
  const once = (path: string): void => {
    const id = fileIdentity(path);
    const first = seen.get(id);
    if (first !== undefined) {
      const which = first === path ? 'given twice' : `the same file as ${first}`;
      throw new InputError(path, undefined, `${which}: a report read twice would count twice; give each report once`);
    }
    seen.set(id, path);
  };
  for (const p of paths) {
    if (isDirectory(p)) {
      const names = folderFiles(p);
      let used = 0;
      for (const name of names) {
        const fp = join(p, name);
        once(fp);
        try {
          const file = await parseFileAsync(fp);
          if (file.tables.length === 0) {
            skipped.push({ path: fp, line: null, what: 'file', reason: 'no nsys stats table' });
            continue;
          }
          parsed.push({ file, explicit: false });
          used++;
        } catch (err) {
          // in a directory, files that are not reports (binaries, empty files) are passed over
          if (err instanceof InputError && err.line === undefined) {
            skipped.push({ path: fp, line: null, what: 'file', reason: err.problem });
            continue;
          }
          throw err;
        }
      }
      if (used === 0) throw new InputError(p, undefined, `no nsys stats report in this directory (${names.length} files looked at, none holds a table)`);
    } else {
      once(p);
      parsed.push({ file: await parseFileAsync(p), explicit: true });
    }
  }

  // group <base>_<report>.csv files that hold one profile each
  const groups = new Map<string, { file: ParsedFile; drafts: Draft[] }[]>();
  const order: (string | { file: ParsedFile; drafts: Draft[] })[] = [];
  for (const { file } of parsed) {
    const drafts = draftProfiles(file);
    const base = reportFileBase(file.path);
    if (base !== null && drafts.length <= 1) {
      if (!groups.has(base)) {
        groups.set(base, []);
        order.push(base);
      }
      groups.get(base)!.push({ file, drafts });
    } else order.push({ file, drafts });
  }

  const profiles: ProfileInput[] = [];
  const pushDrafts = (drafts: Draft[]): void => {
    for (const d of drafts) profiles.push(d.profile);
  };
  for (const entry of order) {
    if (typeof entry !== 'string') {
      pushDrafts(entry.drafts);
      continue;
    }
    const members = groups.get(entry)!.filter((m) => m.drafts.length > 0);
    if (members.length === 0) continue;
    const merged: Draft = { profile: emptyProfile(members[0]!.file.path, 0), has: new Set() };
    merged.profile.paths = [];
    // one report twice in a group (x_cuda_api_sum.csv beside x_cudaapisum.csv) is a clash: exit 2
    const byReport = new Map<string, string>();
    for (const m of members) {
      for (const t of m.file.tables) {
        if (slotsOf(t).length === 0) continue;
        const other = byReport.get(t.report);
        if (other !== undefined && other !== m.file.path) {
          throw new InputError(m.file.path, undefined, `holds ${t.report}, as ${other} does: two reports of one kind for one profile would count twice; keep one of them`);
        }
        byReport.set(t.report, m.file.path);
      }
    }
    // two reports that fill one slot (cuda_api_sum and cuda_api_trace of one run) stay two profiles
    const has = new Set<Slot>();
    let clash = false;
    for (const m of members) {
      for (const t of m.file.tables) if (slotsOf(t).some((s) => has.has(s))) clash = true;
      for (const t of m.file.tables) for (const s of slotsOf(t)) has.add(s);
    }
    if (clash) {
      for (const m of members) pushDrafts(m.drafts);
      continue;
    }
    for (const m of members) {
      merged.profile.paths.push(m.file.path);
      for (const t of m.file.tables) if (slotsOf(t).length > 0) addTable(merged, t);
    }
    profiles.push(merged.profile);
  }

  for (const { file } of parsed) for (const note of file.skipped) skipped.push(note);

  const usable = profiles.filter((p) => p.api.length > 0);
  for (const p of profiles) {
    if (p.api.length === 0) {
      skipped.push({ path: p.path, line: null, what: `profile ${p.index + 1} (${p.reports.join(', ')})`, reason: 'no cuda_api_sum or cuda_api_trace to go with it' });
    }
  }
  // an explicitly named file that gave nothing at all is an error, not a silent skip
  for (const { file, explicit } of parsed) {
    if (!explicit) continue;
    const contributes = usable.some((p) => p.paths.includes(file.path));
    const inGroup = profiles.some((p) => p.paths.includes(file.path));
    if (!contributes && !inGroup) {
      if (file.tables.length === 0 && file.firstLine && file.firstLine.text.includes(',')) {
        throw new InputError(file.path, file.firstLine.line, `not an nsys stats report: unrecognised CSV header "${file.firstLine.text}"`);
      }
      if (usable.length === 0 || file.tables.length === 0) throw new InputError(file.path, undefined, describeNothing(file));
      // its unused tables are already among the skipped notes
    }
  }
  if (usable.length === 0) {
    const first = parsed[0]!.file;
    throw new InputError(first.path, undefined, describeNothing(first));
  }
  return { profiles: usable, skipped };
}
