// What an engine's start-up log says about capture cost, turned into the cost model's per-graph
// constants. Pure: src/ingest/engine-log.ts reads the files. docs/recommend.md ("Engine logs").
import type { PoolCostModel } from './pool.js';

/** One rank's capture end line. */
export interface EngineLogCapture {
  /** tensor-parallel rank as printed ("TP0", "Worker_TP1"), null when the line names none */
  rank: string | null;
  /** whole capture, all sizes */
  captureNs: number;
  /** memory the capture took on this rank (vLLM: drop in free memory; SGLang: mem usage), null when not printed */
  memoryBytes: number | null;
  line: number;
}

export interface EngineLogFacts {
  file: string;
  engine: 'vllm' | 'sglang' | null;
  version: string | null;
  /** the captured sizes (vLLM cudagraph_capture_sizes, SGLang "Capture cuda graph bs [...]"), ascending */
  sizes: number[] | null;
  sizesLine: number | null;
  /** graphs captured, from the progress bars' totals (summed over bars: vLLM captures two kinds) */
  graphCount: number | null;
  captures: EngineLogCapture[];
  /** lines read but not used, with why */
  skipped: string[];
}

export interface EngineLogSummary {
  file: string;
  engine: 'vllm' | 'sglang' | null;
  version: string | null;
  ranks: number;
  /** the slowest rank's capture (ranks capture in parallel) */
  captureNs: number | null;
  /** the largest rank's memory (the budget is per GPU) */
  memoryBytes: number | null;
  graphCount: number | null;
  sizes: number[] | null;
  /** figures that could not be read from this log */
  unread: string[];
}

export function summarizeEngineLog(f: EngineLogFacts): EngineLogSummary {
  const unread: string[] = [];
  const times = f.captures.map((c) => c.captureNs);
  const mems = f.captures.map((c) => c.memoryBytes).filter((m): m is number => m !== null);
  if (times.length === 0) unread.push('capture time (no capture end line)');
  if (mems.length === 0) unread.push(times.length ? 'capture memory (the end line prints none: an older SGLang)' : 'capture memory (no capture end line)');
  const graphCount = f.sizes?.length ?? f.graphCount;
  if (graphCount === null) unread.push('graph count (no size list and no progress bar)');
  if (f.sizes === null) unread.push('the captured size list (no cudagraph_capture_sizes or "Capture cuda graph bs" line)');
  return {
    file: f.file,
    engine: f.engine,
    version: f.version,
    ranks: f.captures.length,
    captureNs: times.length ? Math.max(...times) : null,
    memoryBytes: mems.length ? Math.max(...mems) : null,
    graphCount,
    sizes: f.sizes,
    unread,
  };
}

/** Least squares y = a u + b w through the origin; null when the two columns are not independent. */
function fit2(u: number[], w: number[], y: number[]): { a: number; b: number } | null {
  let uu = 0;
  let uw = 0;
  let ww = 0;
  let uy = 0;
  let wy = 0;
  for (let i = 0; i < y.length; i++) {
    uu += u[i]! * u[i]!;
    uw += u[i]! * w[i]!;
    ww += w[i]! * w[i]!;
    uy += u[i]! * y[i]!;
    wy += w[i]! * y[i]!;
  }
  const det = uu * ww - uw * uw;
  if (Math.abs(det) <= 1e-9 * uu * ww) return null;
  return { a: (uy * ww - wy * uw) / det, b: (wy * uu - uy * uw) / det };
}

/**
 * Per-graph constants from engine logs. One log (or logs of one size list): the averages per graph,
 * captureBase = time / count and graphMem = memory / count, with the per-sequence terms 0 (one
 * log cannot tell them apart). Logs of two or more different size lists: least squares through the
 * origin, time = captureBase x count + capturePerSeq x sum(sizes) and memory = graphMem x count +
 * poolPerSeq x max(size), the model recommend optimises; a negative coefficient drops that term.
 */
export function engineLogConstants(logs: readonly EngineLogSummary[]): { values: Partial<PoolCostModel>; notes: string[] } {
  const values: Partial<PoolCostModel> = {};
  const notes: string[] = [];
  const withCount = logs.filter((l) => l.graphCount !== null && l.graphCount > 0);
  const fitOne = (key: 'captureNs' | 'memoryBytes', base: 'captureBaseNs' | 'graphMemBytes', per: 'capturePerSeqNs' | 'poolPerSeqBytes', what: string): void => {
    const rows = withCount.filter((l) => l[key] !== null);
    if (rows.length === 0) return;
    const listed = rows.filter((l) => l.sizes);
    if (new Set(listed.map((l) => l.sizes!.join(','))).size >= 2) {
      const u = listed.map((l) => l.sizes!.length);
      const w = listed.map((l) => (key === 'captureNs' ? l.sizes!.reduce((a, b) => a + b, 0) : Math.max(...l.sizes!)));
      const y = listed.map((l) => l[key]!);
      const f = fit2(u, w, y);
      if (f && f.a >= 0 && f.b >= 0) {
        values[base] = f.a;
        values[per] = f.b;
        notes.push(`${what}: fitted from ${listed.length} logs with different size lists (per graph and per sequence)`);
        return;
      }
      notes.push(`${what}: the fit over ${listed.length} logs gave a negative term; averages per graph used instead`);
    }
    const perGraph = rows.map((l) => l[key]! / l.graphCount!);
    values[base] = perGraph.reduce((a, b) => a + b, 0) / perGraph.length;
    values[per] = 0;
    notes.push(`${what}: the log's total / its ${rows.map((l) => l.graphCount).join(', ')} graphs (an average per graph; one size list cannot separate a per-sequence term)`);
  };
  fitOne('captureNs', 'captureBaseNs', 'capturePerSeqNs', 'capture time');
  fitOne('memoryBytes', 'graphMemBytes', 'poolPerSeqBytes', 'graph memory');
  return { values, notes };
}
