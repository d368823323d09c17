// Files of observed batch sizes -> counts per size. Formats (docs/recommend.md):
//   CSV, one column: one observed batch size per row (a header row such as "batch" is allowed);
//   CSV, two columns: "batch,count" rows (a header row is allowed);
//   JSON: an array of batch sizes, or of {"batch": n, "count": c} objects.
// Blank lines and lines starting with # are skipped. A bad row is an InputError naming file:line.
import { jsonError } from '../core/compare/thresholds.js';
import { InputError } from '../errors.js';
import { readLines, splitLines } from './lines.js';
import { MAX_WHOLE_FILE_BYTES } from './source.js';

export interface ObservedBatches {
  counts: Map<number, number>;
  /** rows (CSV) or array items (JSON) read */
  rows: number;
  /** sum of the counts */
  samples: number;
}

const INTEGER = /^\+?\d+$/;
const NUMBER = /^\+?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
/** Distinct batch sizes kept (memory): more is not a serving log. */
export const MAX_DISTINCT_BATCHES = 1_000_000;

/**
 * Read a distribution file as it streams: CSV rows are counted as they are read (memory is the
 * map of distinct batch sizes, whatever the row count), JSON is read whole (MAX_WHOLE_FILE_BYTES).
 * Works on standard input (`-`) and FIFOs as on files.
 */
export function readObservedBatches(path: string): ObservedBatches {
  const csv = new CsvReader(path);
  let json: string[] | null = null;
  let jsonChars = 0;
  try {
    readLines(path, (line, lineNo) => {
      if (json !== null) {
        jsonChars += line.length + 1;
        if (jsonChars > MAX_WHOLE_FILE_BYTES) throw new InputError(path, lineNo, `JSON of more than ${MAX_WHOLE_FILE_BYTES >> 20} MiB: give a CSV of "batch,count" rows instead`);
        json.push(line);
        return;
      }
      if (!csv.started) {
        const t = line.trimStart();
        if (t.startsWith('[') || t.startsWith('{')) {
          json = [line];
          jsonChars = line.length + 1;
          return;
        }
      }
      csv.line(line, lineNo);
    });
  } catch (err) {
    if (err instanceof InputError && err.problem.endsWith('no such file or directory')) {
      throw new InputError(path, undefined, 'no such file (--dist takes uniform, zipf:S or a file of observed batch sizes)');
    }
    if (err instanceof InputError && err.problem === 'the file is empty') throw new InputError(path, undefined, NOTHING);
    throw err;
  }
  return finish(path, json !== null ? parseJson(path, (json as string[]).join('\n')) : csv.out);
}

const NOTHING = 'no batch sizes found: expected one batch size per row, "batch,count" rows, or a JSON array of batch sizes';

export function parseObservedBatches(file: string, text: string): ObservedBatches {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === '[' || first === '{') return finish(file, parseJson(file, body));
  const csv = new CsvReader(file);
  splitLines(body, (line, lineNo) => csv.line(line, lineNo));
  return finish(file, csv.out);
}

function finish(file: string, result: ObservedBatches): ObservedBatches {
  if (result.samples <= 0) throw new InputError(file, undefined, NOTHING);
  return result;
}

function add(file: string, line: number | undefined, out: ObservedBatches, batch: number, count: number): void {
  const before = out.counts.get(batch);
  if (before === undefined && out.counts.size >= MAX_DISTINCT_BATCHES) {
    throw new InputError(file, line, `more than ${MAX_DISTINCT_BATCHES.toLocaleString('en-US')} distinct batch sizes: not a batch-size log`);
  }
  out.counts.set(batch, (before ?? 0) + count);
  out.rows++;
  out.samples += count;
  // counts are weights: their sum must stay a number (1e308 + 1e308 is Infinity)
  if (!(out.samples <= Number.MAX_SAFE_INTEGER)) throw new InputError(file, line, `the counts add up to more than 2^53: give counts that fit (scale them down; only their ratios matter)`);
}

function parseBatch(file: string, line: number | undefined, text: string): number {
  const t = text.trim();
  const n = INTEGER.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(file, line, `batch size must be a positive integer, got "${t}"`);
  return n;
}

function parseCount(file: string, line: number | undefined, text: string): number {
  const t = text.trim();
  const n = NUMBER.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new InputError(file, line, `count must be a number >= 0, got "${t}"`);
  return n;
}

/** CSV rows, one at a time. */
class CsvReader {
  readonly out: ObservedBatches = { counts: new Map(), rows: 0, samples: 0 };
  private columns = 0;
  private sawData = false;
  /** a line that is not blank was seen (the JSON sniff looks only before it) */
  started = false;

  constructor(private readonly file: string) {}

  line(text: string, line: number): void {
    // fast path: "N" or "N,C" of plain digits, the rows of a large log; anything else below
    if (this.columns !== 0 && this.sawData && text.length > 0 && text.length < 32) {
      let v = 0;
      let i = 0;
      for (; i < text.length && i < 15; i++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (v >= 1 && i === text.length && this.columns === 1) {
        add(this.file, line, this.out, v, 1);
        return;
      }
      if (v >= 1 && this.columns === 2 && i < text.length && text.charCodeAt(i) === 44) {
        let c = 0;
        let j = i + 1;
        for (; j < text.length && j - i <= 15; j++) {
          const d = text.charCodeAt(j) - 48;
          if (d < 0 || d > 9) break;
          c = c * 10 + d;
        }
        if (j === text.length && j > i + 1) {
          add(this.file, line, this.out, v, c);
          return;
        }
      }
    }
    const raw = text.trim();
    if (raw === '' || raw.startsWith('#')) return;
    this.started = true;
    const file = this.file;
    const fields = raw.split(/\s*[,;\t]\s*/).map((f) => f.replace(/^"(.*)"$/, '$1'));
    if (!this.sawData && this.columns === 0 && fields.every((f) => !/^[+\d.]/.test(f.trim()))) {
      // a header row: names only
      this.columns = fields.length;
      if (this.columns > 2) throw new InputError(file, line, `expected 1 column (batch) or 2 columns (batch,count), got ${this.columns}`);
      return;
    }
    if (this.columns === 0) this.columns = fields.length;
    const columns = this.columns;
    if (fields.length !== columns) {
      throw new InputError(file, line, `expected ${columns} ${columns === 1 ? 'column (batch)' : 'columns (batch,count)'}, got ${fields.length}: "${raw.length > 80 ? `${raw.slice(0, 80)}...` : raw}"`);
    }
    if (columns > 2) throw new InputError(file, line, `expected 1 column (batch) or 2 columns (batch,count), got ${columns}`);
    this.sawData = true;
    const batch = parseBatch(file, line, fields[0]!);
    add(file, line, this.out, batch, columns === 2 ? parseCount(file, line, fields[1]!) : 1);
  }
}

function parseJson(file: string, text: string): ObservedBatches {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const { line, problem } = jsonError(text, err as Error);
    throw new InputError(file, line, problem);
  }
  if (!Array.isArray(value)) throw new InputError(file, undefined, 'expected a JSON array of batch sizes or of {"batch": n, "count": c} objects');
  const out: ObservedBatches = { counts: new Map(), rows: 0, samples: 0 };
  value.forEach((item: unknown, i) => {
    const where = `item ${i}`;
    if (typeof item === 'number') {
      if (!Number.isSafeInteger(item) || item < 1) throw new InputError(file, undefined, `${where}: batch size must be a positive integer, got ${item}`);
      add(file, undefined, out, item, 1);
    } else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      const batch = o.batch;
      const count = o.count ?? 1;
      if (typeof batch !== 'number' || !Number.isSafeInteger(batch) || batch < 1) {
        throw new InputError(file, undefined, `${where}: "batch" must be a positive integer, got ${JSON.stringify(batch)}`);
      }
      if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
        throw new InputError(file, undefined, `${where}: "count" must be a number >= 0, got ${JSON.stringify(count)}`);
      }
      add(file, undefined, out, batch, count);
    } else {
      throw new InputError(file, undefined, `${where}: expected a batch size or {"batch": n, "count": c}, got ${JSON.stringify(item)}`);
    }
  });
  return out;
}
