import { describe, expect, it } from 'vitest';

import { engineLogConstants, summarizeEngineLog, type EngineLogSummary } from '../../src/core/recommend/engine-log.js';
import { readEngineLog } from '../../src/ingest/engine-log.js';

const GIB = 2 ** 30;
const dir = 'fixtures/engine-logs';

describe('engine logs: real lines of three vLLM and four SGLang versions (fixtures/engine-logs/SOURCES.md)', () => {
  it('vLLM V0 (Dec 2024): "Graph capturing finished in 14 secs, took 0.21 GiB" over a 35-shape progress bar', () => {
    const s = summarizeEngineLog(readEngineLog(`${dir}/vllm-v0.6-model-runner.log`));
    expect(s).toMatchObject({ engine: 'vllm', ranks: 1, captureNs: 14e9, graphCount: 35, sizes: null });
    expect(s.memoryBytes).toBeCloseTo(0.21 * GIB, 0);
    expect(s.unread).toEqual(['the captured size list (no cudagraph_capture_sizes or "Capture cuda graph bs" line)']);
  });

  it('vLLM v0.10.0 (V1 engine): version, 53 shapes, 2 s and 0.45 GiB, through tqdm carriage-return lines', () => {
    const f = readEngineLog(`${dir}/vllm-v0.10.0-v1.log`);
    expect(f.version).toBe('0.10.0');
    expect(f.graphCount).toBe(53);
    expect(f.captures).toEqual([{ rank: null, captureNs: 2e9, memoryBytes: 0.45 * GIB, line: 7 }]);
  });

  it('vLLM config lines: cudagraph_capture_sizes in JSON (0.8.x) and in Python-dict form (2026)', () => {
    const a = readEngineLog(`${dir}/vllm-v0.8-config.log`);
    expect(a.sizes?.length).toBe(67);
    expect(a.sizes?.[0]).toBe(1);
    expect(a.sizes?.[66]).toBe(512);
    expect(a.sizesLine).toBe(1);
    const b = readEngineLog(`${dir}/vllm-2026-config-dict.log`);
    expect(b.sizes?.length).toBe(51);
    expect(b.sizes?.slice(-3)).toEqual([480, 496, 512]);
  });

  it('vLLM progress bar of the later form, capture unfinished: the count is read, time and memory are not', () => {
    const s = summarizeEngineLog(readEngineLog(`${dir}/vllm-v0.11-piecewise-tp.log`));
    expect(s.graphCount).toBe(67);
    expect(s.unread).toContain('capture time (no capture end line)');
    expect(s.unread).toContain('capture memory (no capture end line)');
  });

  it('SGLang: old end line (time only), with memory, one line per TP rank, the size list, and the renamed form', () => {
    const old = summarizeEngineLog(readEngineLog(`${dir}/sglang-v0.4-jan2025.log`));
    expect(old).toMatchObject({ engine: 'sglang', captureNs: 6.57e9, memoryBytes: null, graphCount: 23 });
    expect(old.unread[0]).toBe('capture memory (the end line prints none: an older SGLang)');
    const llama4 = summarizeEngineLog(readEngineLog(`${dir}/sglang-jul2025-llama4.log`));
    expect(llama4.captureNs).toBe(19.5e9);
    expect(llama4.memoryBytes).toBeCloseTo(6.19 * GIB, 0);
    const tp2 = readEngineLog(`${dir}/sglang-nov2025-tp2.log`);
    expect(tp2.captures.map((c) => [c.rank, c.captureNs])).toEqual([
      ['TP1', 11.35e9],
      ['TP0', 11.39e9],
    ]);
    // the slowest rank's time, the largest rank's memory; the piecewise "num tokens" list is not the decode list
    const s = summarizeEngineLog(tp2);
    expect(s.captureNs).toBe(11.39e9);
    expect(s.memoryBytes).toBeCloseTo(1.04 * GIB, 0);
    expect(s.graphCount).toBe(36);
    expect(s.sizes).toBeNull();
    const musa = summarizeEngineLog(readEngineLog(`${dir}/sglang-mar2026-musa.log`));
    expect(musa).toMatchObject({ ranks: 2, sizes: [1, 2, 4, 8], graphCount: 4, captureNs: 27.41e9 });
    const renamed = readEngineLog(`${dir}/sglang-2026-renamed.log`);
    expect(renamed.captures).toEqual([{ rank: null, captureNs: 10.1e9, memoryBytes: 0.79 * GIB, line: 2 }]);
  });
});

describe('engineLogConstants', () => {
  const log = (sizes: number[], captureNs: number, memoryBytes: number): EngineLogSummary => ({
    file: 'x', engine: 'sglang', version: null, ranks: 1, captureNs, memoryBytes, graphCount: sizes.length, sizes, unread: [],
  });

  it('one log: averages per graph, per-sequence terms 0', () => {
    const c = engineLogConstants([log([1, 2, 4, 8], 27.41e9, 0.83 * GIB)]);
    expect(c.values.captureBaseNs).toBeCloseTo(27.41e9 / 4, 0);
    expect(c.values.graphMemBytes).toBeCloseTo((0.83 * GIB) / 4, 0);
    expect(c.values.capturePerSeqNs).toBe(0);
    expect(c.values.poolPerSeqBytes).toBe(0);
  });

  it('two logs with different size lists: per graph and per sequence, exactly where the data are exact', () => {
    // time = 100 ms x count + 1 ms x sum; memory = 8 MiB x count + 1 MiB x max
    const t = (s: number[]) => 100e6 * s.length + 1e6 * s.reduce((a, b) => a + b, 0);
    const m = (s: number[]) => 8 * 2 ** 20 * s.length + 2 ** 20 * Math.max(...s);
    const a = [1, 2, 4, 8];
    const b = [1, 2, 4, 8, 16, 32, 64];
    const c = engineLogConstants([log(a, t(a), m(a)), log(b, t(b), m(b))]);
    expect(c.values.captureBaseNs).toBeCloseTo(100e6, 0);
    expect(c.values.capturePerSeqNs).toBeCloseTo(1e6, 0);
    expect(c.values.graphMemBytes).toBeCloseTo(8 * 2 ** 20, 0);
    expect(c.values.poolPerSeqBytes).toBeCloseTo(2 ** 20, 0);
    expect(c.notes[0]).toBe('capture time: fitted from 2 logs with different size lists (per graph and per sequence)');
  });
});
