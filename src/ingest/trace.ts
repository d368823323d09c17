// cuda_api_trace and cuda_gpu_trace: millions of rows, summed per name as they stream past, so
// memory stays bounded whatever the trace length. The median per API name comes from a duration
// histogram: exact to the nanosecond below 65.536 us, within 0.07% above (docs/formats.md).
import type { ApiRow, KernelRow, MemOpRow } from '../core/analyze-schema.js';
import { InputError } from '../errors.js';
import { splitCsvRecord } from './csv.js';
import type { Column } from './reports.js';

const EXACT_LIMIT = 65_536;
const LOG_BINS_PER_OCTAVE = 1024;

/** Counts of durations: one bin per nanosecond below 65,536 ns, log-spaced bins above. */
export class DurationHistogram {
  private exact: Uint32Array | null = null;
  private readonly log = new Map<number, number>();
  count = 0;

  add(ns: number): void {
    this.count++;
    if (ns < EXACT_LIMIT) {
      if (this.exact === null) this.exact = new Uint32Array(EXACT_LIMIT);
      this.exact[Math.round(ns)]!++;
      return;
    }
    const idx = Math.floor(Math.log2(ns / EXACT_LIMIT) * LOG_BINS_PER_OCTAVE);
    this.log.set(idx, (this.log.get(idx) ?? 0) + 1);
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

interface Agg {
  calls: number;
  totalNs: number;
  hist: DurationHistogram | null;
}

/** Parse a non-negative decimal integer fast; falls back to Number() for decimals; NaN for junk. */
function parseDuration(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return n === 0 ? NaN : Number(s);
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
  }

  private add(name: string, rawDuration: string, lineNo: number): void {
    const d = parseDuration(rawDuration);
    if (!(d >= 0)) {
      const label = this.cols[this.durIdx]!.label;
      throw new InputError(this.path, lineNo, Number.isNaN(d) || rawDuration.trim() === '' ? `${label} is not a number: "${rawDuration}"` : `${label} is negative: "${rawDuration}"`);
    }
    const ns = this.unitNs === 1 ? d : d * this.unitNs;
    let a = this.byName.get(name);
    if (a === undefined) {
      a = { calls: 0, totalNs: 0, hist: this.kind === 'api-trace' ? new DurationHistogram() : null };
      this.byName.set(name, a);
    }
    a.calls++;
    a.totalNs += ns;
    if (a.hist) a.hist.add(ns);
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
      let field = 0;
      let start = 0;
      let dur = '';
      let name = '';
      for (;;) {
        const c = line.indexOf(',', start);
        const end = c === -1 ? line.length : c;
        if (field === durIdx) dur = line.slice(start, end);
        else if (field === nameIdx) name = line.slice(start, end);
        field++;
        if (c === -1) break;
        start = c + 1;
      }
      this.lastFieldCount = field;
      if (field !== this.nFields) return 'fields';
      this.add(name, dur, lineNo);
      return 'ok';
    }
    const fields = splitCsvRecord(line);
    if (fields === null) return 'open';
    this.lastFieldCount = fields.length;
    if (fields.length !== this.nFields) return 'fields';
    this.add(fields[this.nameIdx]!, fields[this.durIdx]!, lineNo);
    return 'ok';
  }

  addCells(cells: readonly string[], lineNo: number): void {
    this.add(cells[this.nameIdx]!.trim(), cells[this.durIdx]!.trim().replace(/,/g, ''), lineNo);
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

  kernelRows(): KernelRow[] {
    return [...this.byName].filter(([name]) => !isMemOp(name)).map(([name, a]) => ({ name, instances: a.calls, totalNs: a.totalNs }));
  }

  memOpRows(): MemOpRow[] {
    return [...this.byName].filter(([name]) => isMemOp(name)).map(([name, a]) => ({ operation: name, count: a.calls, totalNs: a.totalNs }));
  }
}

/** "[CUDA memcpy Host-to-Device]", "[CUDA memset]": memory operations in a GPU trace. */
export function isMemOp(name: string): boolean {
  return /^\[CUDA (?:Unified Memory )?mem(?:cpy|set)/i.test(name);
}
