// How an nsys stats table is recognised: report titles (every wording from 2020 to 2025), header
// columns and their time units, column-text cells by the dashes under the header, and numbers with
// thousands separators. docs/formats.md describes the same rules for users.

export const USED_REPORTS = ['cuda_api_sum', 'cuda_api_trace', 'cuda_gpu_kern_sum', 'cuda_gpu_trace', 'cuda_gpu_mem_time_sum'] as const;

/** Old report names (nsys 2021-2022) and their current names. */
const ALIASES: Record<string, string> = {
  cudaapisum: 'cuda_api_sum',
  cudaapitrace: 'cuda_api_trace',
  gpukernsum: 'cuda_gpu_kern_sum',
  gputrace: 'cuda_gpu_trace',
  gpumemtimesum: 'cuda_gpu_mem_time_sum',
  gpumemsizesum: 'cuda_gpu_mem_size_sum',
  osrtsum: 'osrt_sum',
  nvtxsum: 'nvtx_sum',
  nvtxpptrace: 'nvtx_pushpop_trace',
  kernexecsum: 'cuda_kern_exec_sum',
  kernexectrace: 'cuda_kern_exec_trace',
  gpusum: 'cuda_gpu_sum',
  apigpusum: 'cuda_api_gpu_sum',
};

export function canonicalReport(id: string): string {
  const lower = id.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Titles without a report id (nsys 2020-2021 and `--stats=true` logs) -> report id. */
const LEGACY_TITLES: [RegExp, string][] = [
  [/^CUDA API (?:Statistics|Summary)\b/i, 'cuda_api_sum'],
  [/^CUDA (?:GPU )?Kernel (?:Statistics|Summary)\b/i, 'cuda_gpu_kern_sum'],
  [/^CUDA (?:Memory Operation Statistics|GPU MemOps Summary) \((?:by size|KiB|MB)/i, 'cuda_gpu_mem_size_sum'],
  [/^CUDA (?:Memory Operation Statistics|GPU MemOps Summary)\b/i, 'cuda_gpu_mem_time_sum'],
  [/^(?:Operating System Runtime API Statistics|OS Runtime Summary)\b/i, 'osrt_sum'],
  [/^NVTX (?:Push-Pop )?Range (?:Statistics|Summary)\b/i, 'nvtx_sum'],
  [/^CUDA Unified Memory\b/i, 'um_sum'],
];

export interface Title {
  report: string;
  line: number;
  /** a unit named by the title, e.g. "CUDA API Statistics (nanoseconds)" */
  unitNs: number | null;
}

/** Recognise a line that names the report printed next; null for any other line. */
export function parseTitle(line: string, lineNo: number): Title | null {
  const t = line.trim();
  if (t.length === 0 || t.length > 400) return null;
  let m = /^\*\*\s*(.*?)\s*\(([A-Za-z0-9_]+)\)\s*:?\s*(?:\*\*)?$/.exec(t);
  if (m) return { report: canonicalReport(m[2]!), line: lineNo, unitNs: null };
  m = /^\[\d+\/\d+\]\s*Executing '([A-Za-z0-9_]+)' stats report/.exec(t);
  if (m) return { report: canonicalReport(m[1]!), line: lineNo, unitNs: null };
  m = /^(?:Processing|Exporting) \[.*?([A-Za-z0-9_]+)\.py\b/.exec(t);
  if (m) return { report: canonicalReport(m[1]!), line: lineNo, unitNs: null };
  const bare = t.replace(/^Generating\s+/, '').replace(/\.\.\.$/, '');
  for (const [re, report] of LEGACY_TITLES) {
    if (re.test(bare) && bare.length < 80) {
      return { report, line: lineNo, unitNs: /\(nanoseconds\)/i.test(bare) ? 1 : null };
    }
  }
  return null;
}

/** "SKIPPED: x.sqlite does not contain CUDA trace data." -> the reason; null for other lines. */
export function parseSkipped(line: string): string | null {
  const m = /^\s*SKIPPED:\s*(.*)$/.exec(line);
  if (!m) return null;
  const why = /does not contain (.*?)\.?\s*$/.exec(m[1]!);
  return why ? `nsys: no ${why[1]}` : `nsys: ${m[1]!.trim()}`;
}

// ---- header columns ------------------------------------------------------------------------------

export type Role =
  | 'pct'
  | 'total'
  | 'calls'
  | 'instances'
  | 'count'
  | 'avg'
  | 'med'
  | 'min'
  | 'max'
  | 'stddev'
  | 'name'
  | 'operation'
  | 'range'
  | 'style'
  | 'start'
  | 'end'
  | 'duration'
  | 'corr'
  | 'grid'
  | 'result'
  | 'thread'
  | 'stream'
  | 'totalSize'
  | 'other';

const UNIT_NS: Record<string, number> = { ns: 1, nsec: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, usec: 1e3, ms: 1e6, msec: 1e6, s: 1e9, sec: 1e9 };

export interface Column {
  label: string;
  role: Role;
  /** for a time column: nanoseconds per unit named in the header, or null when it names none */
  unitNs: number | null;
}

export function parseColumn(raw: string): Column {
  const label = raw.trim().replace(/^`|`$/g, '').replace(/\s+/g, ' ');
  const um = /\(\s*(ns|nsec|us|µs|μs|usec|ms|msec|s|sec)\s*\)\s*$/i.exec(label);
  const unitNs = um ? UNIT_NS[um[1]!.toLowerCase()] ?? null : null;
  const base = label.replace(/\s*\([^)]*\)\s*$/, '').toLowerCase();
  let role: Role = 'other';
  if (/^time ?\(%\)$/i.test(label) || base === 'time' && /%/.test(label)) role = 'pct';
  else if (base === 'total time' || base === 'total') role = /\((?:MB|KB|KiB|MiB|GB|B)\)/i.test(label) || (base === 'total' && !um) ? 'totalSize' : 'total';
  else if (base === 'num calls' || base === 'calls') role = 'calls';
  else if (base === 'instances') role = 'instances';
  else if (base === 'count' || base === 'operations') role = 'count';
  else if (base === 'avg' || base === 'average') role = 'avg';
  else if (base === 'med' || base === 'median') role = 'med';
  else if (base === 'min' || base === 'minimum') role = 'min';
  else if (base === 'max' || base === 'maximum') role = 'max';
  else if (base === 'stddev') role = 'stddev';
  else if (base === 'name') role = 'name';
  else if (base === 'operation') role = 'operation';
  else if (base === 'range') role = 'range';
  else if (base === 'style') role = 'style';
  else if (base === 'start') role = 'start';
  else if (base === 'end') role = 'end';
  else if (base === 'duration') role = 'duration';
  else if (base === 'corrid') role = 'corr';
  else if (base === 'grdx' || base === 'gridxyz') role = 'grid';
  else if (base === 'result') role = 'result';
  else if (base === 'tid' || base === 'thread name' || base === 'pid') role = 'thread';
  else if (base === 'strm') role = 'stream';
  return { label, role, unitNs };
}

/** What a header alone says about its table. */
export type HeaderKind = 'api-like' | 'kernel-sum' | 'memop-time' | 'memop-size' | 'nvtx-sum' | 'api-trace' | 'gpu-trace' | 'nvtx-trace' | 'other-trace';

export function headerKind(cols: readonly Column[]): HeaderKind | null {
  const has = (r: Role): boolean => cols.some((c) => c.role === r);
  if (has('start') && (has('duration') || has('end'))) {
    if (has('grid') || has('stream')) return has('name') && has('duration') ? 'gpu-trace' : 'other-trace';
    if (has('end')) return 'nvtx-trace';
    if (has('name') && has('duration') && (has('result') || has('corr') || has('thread'))) return 'api-trace';
    return 'other-trace';
  }
  if (!has('total') && has('totalSize') && has('count') && (has('operation') || has('name'))) return 'memop-size';
  if (!has('total')) return null;
  if (has('calls') && has('name')) return 'api-like';
  if (has('instances') && (has('range') || has('style'))) return 'nvtx-sum';
  if (has('instances') && has('name')) return 'kernel-sum';
  if (has('count') && (has('operation') || has('name'))) return 'memop-time';
  return null;
}

/** A header row: at least three cells and a known table shape. */
export function looksLikeHeader(cells: readonly string[]): Column[] | null {
  if (cells.length < 3) return null;
  const cols = cells.map(parseColumn);
  return headerKind(cols) ? cols : null;
}

// ---- numbers -------------------------------------------------------------------------------------

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+$/;

/** "12,690,000" -> 12690000; "5477.2" -> 5477.2; anything else -> null. */
export function parseNumberCell(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  return Number(t.replace(/,/g, ''));
}

// ---- column text: cells by the dash line under the header ---------------------------------------

export type Span = readonly [number, number];

/** A line of dashes under a column-text header: " --------  ---------------  ----". */
export function dashSpans(line: string): Span[] | null {
  if (!/^\s*-{2,}(?:\s+-{2,})+\s*$/.test(line)) return null;
  const spans: Span[] = [];
  const re = /-+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/**
 * Cut a column-text line into one cell per span. Each whitespace-separated token goes to the span
 * it overlaps most (or the nearest one), so right-aligned numbers that spill a character past their
 * dashes, names wider than their column, and multi-token cells ("2048    1    1") all land right.
 * A cell keeps the text from its first to its last token, inner spaces included.
 */
export function cellsBySpans(line: string, spans: readonly Span[]): string[] {
  const first: number[] = new Array<number>(spans.length).fill(-1);
  const last: number[] = new Array<number>(spans.length).fill(-1);
  const re = /\S+/g;
  const lastSpan = spans.length - 1;
  // Spans are sorted and disjoint, and tokens come left to right: `p`, the first span that ends
  // after the token starts, only moves right, and only the spans the token overlaps (or the two
  // beside it) are looked at. Linear in tokens + spans; a 20,000-column table reads in time.
  let p = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const s = m.index;
    const e = s + m[0].length;
    let best = -1;
    // once a token has gone to the last (name) column, every later token belongs to it too
    if (first[lastSpan] !== -1) best = lastSpan;
    else {
      while (p < spans.length && spans[p]![1] <= s) p++;
      // the widest overlap wins, the leftmost of equals
      let bestOverlap = 0;
      for (let i = p; i < spans.length && spans[i]![0] < e; i++) {
        const overlap = Math.min(e, spans[i]![1]) - Math.max(s, spans[i]![0]);
        if (overlap > bestOverlap) {
          bestOverlap = overlap;
          best = i;
        }
      }
      if (best === -1) {
        // no overlap: the nearer of the span before and the span after (the one before on a tie)
        const before = p - 1;
        const after = p < spans.length ? p : -1;
        const dBefore = before >= 0 ? s - spans[before]![1] : Infinity;
        const dAfter = after >= 0 ? spans[after]![0] - e : Infinity;
        best = dBefore <= dAfter ? before : after;
      }
    }
    if (first[best] === -1) first[best] = s;
    last[best] = e;
  }
  return spans.map((_, i) => (first[i] === -1 ? '' : line.slice(first[i], last[i])));
}

/** Cells of a header line cut at the ends of the dash spans (headers are centred or right-aligned). */
export function headerCellsBySpans(line: string, spans: readonly Span[]): string[] {
  const cells: string[] = [];
  let from = 0;
  for (let i = 0; i < spans.length; i++) {
    const to = i === spans.length - 1 ? line.length : spans[i]![1];
    cells.push(line.slice(from, to).trim());
    from = to;
  }
  return cells;
}

// ---- markdown pipe tables ------------------------------------------------------------------------

export function pipeCells(line: string): string[] | null {
  const t = line.trim();
  if (!t.startsWith('|')) return null;
  const inner = t.endsWith('|') && t.length > 1 ? t.slice(1, -1) : t.slice(1);
  return inner.split('|').map((c) => c.trim().replace(/^`(.*)`$/, '$1'));
}

export function isPipeSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$/.test(line);
}
