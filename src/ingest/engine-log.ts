// Engine start-up logs (vLLM, SGLang) -> what they say about CUDA-graph capture: the capture time
// and memory each tensor-parallel rank reports, the captured size list, and the graph count from
// the progress bars. Formats and their sources: fixtures/engine-logs/SOURCES.md; docs/recommend.md.
// Lines that match nothing are skipped; what could not be read is listed, not guessed.
import type { EngineLogCapture, EngineLogFacts } from '../core/recommend/engine-log.js';
import { InputError } from '../errors.js';
import { readNamedText } from './source.js';

const GIB = 2 ** 30;

export function readEngineLog(path: string): EngineLogFacts {
  // through source.ts, as every input: standard input and FIFOs work, size and NUL bytes are bounded
  return parseEngineLog(path, readNamedText(path, '--engine-log takes a vLLM or SGLang start-up log'));
}

const sizeList = (body: string): number[] | null => {
  if (body.includes('...')) return null; // an abbreviated list ("[1, 2, 4, ...]") is not the list
  const xs = body
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(Number);
  return xs.length > 0 && xs.every((x) => Number.isSafeInteger(x) && x > 0) ? [...new Set(xs)].sort((a, b) => a - b) : null;
};

// vLLM
const VLLM_FINISHED = /Graph capturing finished in ([\d.]+) secs?, took ([\d.]+) GiB/;
const VLLM_BAR = /Capturing CUDA graph(?: shapes|s \(([^)]*)\)):\s*\d+%\|[^|]*\|\s*(\d+)\/(\d+)/g;
const VLLM_SIZES = /["']cudagraph_capture_sizes["']\s*:\s*\[([\d,\s]*)\]/;
const VLLM_VERSION = /LLM engine \(v([\w.+-]+)\)/;
const VLLM_RANK = /\(((?:VllmWorker|Worker|EngineCore)[^)]*?)\s+pid=\d+\)/;
// SGLang: "Capture cuda graph end. Time elapsed: X s[. mem usage=Y GB. ...]" and the renamed
// "Capture target decode CUDA graph end. elapsed=X s, mem usage=Y GB, ..."
const SGLANG_END = /Capture ((?:[\w-]+ )*?)cuda graph end\.\s*(?:Time elapsed: ([\d.]+) s|elapsed=([\d.]+) s)(?:[.,]\s*mem usage=([\d.]+) GB)?/i;
const SGLANG_RANK = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d((?: [A-Z]+\d+)*)\]/;
const SGLANG_SIZES = /Capture cuda graph bs \[([\d,\s.]*)\]/;
const SGLANG_BAR = /Capturing batches \([^)]*\):\s*\d+%\|[^|]*\|\s*(\d+)\/(\d+)/;
const SGLANG_BEGIN = /Capture (?:(?:target decode )?cuda graph) begin/i;
const BARE_BAR = /^\s*\d+%\|[^|]*\|\s*(\d+)\/(\d+) \[/;

function parseEngineLog(file: string, text: string): EngineLogFacts {
  const lines = text.split(/\r?\n/);
  let engine: EngineLogFacts['engine'] = null;
  let version: string | null = null;
  let sizes: number[] | null = null;
  let sizesLine: number | null = null;
  const bars = new Map<string, number>();
  const captures: EngineLogCapture[] = [];
  const skipped: string[] = [];
  let sglangBegun = false;
  lines.forEach((line, i) => {
    const n = i + 1;
    const v = VLLM_VERSION.exec(line);
    if (v) version = v[1]!;
    const s = VLLM_SIZES.exec(line);
    if (s) {
      const list = sizeList(s[1]!);
      if (list) {
        sizes = list;
        sizesLine = n;
        engine ??= 'vllm';
      }
    }
    for (const m of line.matchAll(VLLM_BAR)) {
      engine ??= 'vllm';
      const key = m[1] ?? 'shapes';
      bars.set(key, Math.max(bars.get(key) ?? 0, Number(m[3])));
    }
    const f = VLLM_FINISHED.exec(line);
    if (f) {
      engine = 'vllm';
      captures.push({ rank: VLLM_RANK.exec(line)?.[1] ?? null, captureNs: Number(f[1]) * 1e9, memoryBytes: Number(f[2]) * GIB, line: n });
    }
    if (SGLANG_BEGIN.test(line)) sglangBegun = true;
    const ss = SGLANG_SIZES.exec(line);
    if (ss) {
      const list = sizeList(ss[1]!);
      if (list) {
        sizes = list;
        sizesLine = n;
        engine ??= 'sglang';
      }
    }
    const sb = SGLANG_BAR.exec(line) ?? (sglangBegun ? BARE_BAR.exec(line) : null);
    if (sb && !line.includes('Capturing CUDA graph')) {
      engine ??= 'sglang';
      bars.set('batches', Math.max(bars.get('batches') ?? 0, Number(sb[2])));
    }
    const e = SGLANG_END.exec(line);
    if (e) {
      const kind = (e[1] ?? '').trim().toLowerCase();
      if (kind !== '' && kind !== 'target decode') {
        skipped.push(`line ${n}: a ${kind} capture (not the decode graphs), not used`);
        return;
      }
      engine = 'sglang';
      const rank = SGLANG_RANK.exec(line)?.[1]?.trim() || null;
      const secs = Number(e[2] ?? e[3]);
      captures.push({ rank, captureNs: secs * 1e9, memoryBytes: e[4] !== undefined ? Number(e[4]) * GIB : null, line: n });
    }
  });
  const graphCount = bars.size ? [...bars.values()].reduce((a, b) => a + b, 0) : null;
  if (captures.length === 0 && sizes === null && graphCount === null) {
    throw new InputError(
      file,
      undefined,
      'no CUDA graph capture line, size list or capture progress bar found: expected vLLM\'s "Graph capturing finished in N secs, took X GiB" or SGLang\'s "Capture cuda graph end. Time elapsed: X s. mem usage=Y GB" (fixtures/engine-logs/SOURCES.md lists the forms read)',
    );
  }
  return { file, engine, version, sizes, sizesLine, graphCount, captures, skipped };
}
