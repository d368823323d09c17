// Files of observed batch sizes -> counts per size. Formats (docs/recommend.md):
//   CSV, one column: one observed batch size per row (a header row such as "batch" is allowed);
//   CSV, two columns: "batch,count" rows (a header row is allowed);
//   JSON: an array of batch sizes, or of {"batch": n, "count": c} objects.
// Blank lines and lines starting with # are skipped. A bad row is an InputError naming file:line.
import { readFileSync } from 'node:fs';

import { InputError } from '../errors.js';

export interface ObservedBatches {
  counts: Map<number, number>;
  /** rows (CSV) or array items (JSON) read */
  rows: number;
  /** sum of the counts */
  samples: number;
}

const INTEGER = /^\+?\d+$/;
const NUMBER = /^\+?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

export function readObservedBatches(path: string): ObservedBatches {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, undefined, code === 'ENOENT' ? 'no such file (--dist takes uniform, zipf:S or a file of observed batch sizes)' : `cannot read: ${(err as Error).message}`);
  }
  return parseObservedBatches(path, text);
}

export function parseObservedBatches(file: string, text: string): ObservedBatches {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  const result = first === '[' || first === '{' ? parseJson(file, body) : parseCsv(file, body);
  if (result.samples <= 0) {
    throw new InputError(file, undefined, 'no batch sizes found: expected one batch size per row, "batch,count" rows, or a JSON array of batch sizes');
  }
  return result;
}

function add(out: ObservedBatches, batch: number, count: number): void {
  out.counts.set(batch, (out.counts.get(batch) ?? 0) + count);
  out.rows++;
  out.samples += count;
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

function parseCsv(file: string, text: string): ObservedBatches {
  const out: ObservedBatches = { counts: new Map(), rows: 0, samples: 0 };
  const lines = text.split(/\r?\n/);
  let columns = 0;
  let sawData = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const line = i + 1;
    const fields = raw.split(/\s*[,;\t]\s*/).map((f) => f.replace(/^"(.*)"$/, '$1'));
    if (!sawData && columns === 0 && fields.every((f) => !/^[+\d.]/.test(f.trim()))) {
      // a header row: names only
      columns = fields.length;
      if (columns > 2) throw new InputError(file, line, `expected 1 column (batch) or 2 columns (batch,count), got ${columns}`);
      continue;
    }
    if (columns === 0) columns = fields.length;
    if (fields.length !== columns) {
      throw new InputError(file, line, `expected ${columns} ${columns === 1 ? 'column (batch)' : 'columns (batch,count)'}, got ${fields.length}: "${raw}"`);
    }
    if (columns > 2) throw new InputError(file, line, `expected 1 column (batch) or 2 columns (batch,count), got ${columns}`);
    sawData = true;
    const batch = parseBatch(file, line, fields[0]!);
    add(out, batch, columns === 2 ? parseCount(file, line, fields[1]!) : 1);
  }
  return out;
}

function parseJson(file: string, text: string): ObservedBatches {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, undefined, `not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new InputError(file, undefined, 'expected a JSON array of batch sizes or of {"batch": n, "count": c} objects');
  const out: ObservedBatches = { counts: new Map(), rows: 0, samples: 0 };
  value.forEach((item: unknown, i) => {
    const where = `item ${i}`;
    if (typeof item === 'number') {
      if (!Number.isSafeInteger(item) || item < 1) throw new InputError(file, undefined, `${where}: batch size must be a positive integer, got ${item}`);
      add(out, item, 1);
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
      add(out, batch, count);
    } else {
      throw new InputError(file, undefined, `${where}: expected a batch size or {"batch": n, "count": c}, got ${JSON.stringify(item)}`);
    }
  });
  return out;
}
