// The kernel order of a cuda_gpu_trace (its Strm column, rows in start order): each kernel's
// repeats, the same on every parse path and across the seam of a two-part read.
import { describe, expect, it } from 'vitest';

import { parseColumn } from '../../src/ingest/nsys-reports.js';
import { TraceAggregator } from '../../src/ingest/nsys-trace.js';
import { parseText, draftProfiles } from '../../src/ingest/nsys.js';

const HEADER = 'Start (ns),Duration (ns),CorrId,GrdX,GrdY,GrdZ,BlkX,BlkY,BlkZ,Reg/Trd,StcSMem (MB),DymSMem (MB),Bytes (MB),Throughput (MB/s),SrcMemKd,DstMemKd,Device,Ctx,GreenCtx,Strm,Name';
const cols = HEADER.split(',').map(parseColumn);
const row = (start: number, dur: number, stream: number, name: string): string =>
  `${start},${dur},${start},1,1,1,32,1,1,16,0.000,0.000,,,,,NVIDIA H100 (0),1,,${stream},${name}`;

// stream 7: a a a b a [copy] a b b (a: 2 repeats, b: 1; the copy breaks a's run); stream 9: a a (a: 1)
const ROWS = [
  row(0, 900, 7, 'a'),
  row(1000, 900, 9, 'a'),
  row(2000, 900, 7, 'a'), // repeat (7)
  row(3000, 900, 9, 'a'), // repeat (9)
  row(4000, 900, 7, 'a'), // repeat (7)
  row(5000, 900, 7, 'b'),
  row(6000, 900, 7, 'a'),
  row(7000, 900, 7, '[CUDA memcpy Device-to-Device]'),
  row(8000, 900, 7, 'a'), // after a copy: no repeat
  row(9000, 900, 7, 'b'),
  row(10000, 900, 7, 'b'), // repeat (7)
];
const EXPECTED = { a: 3, b: 1 };

const repeatsOf = (agg: TraceAggregator): Record<string, number | null | undefined> => Object.fromEntries(agg.kernelRows().map((k) => [k.name, k.repeats]));

describe('repeats from a cuda_gpu_trace', () => {
  it('line by line (the comma fast path and the quoted-field path agree)', () => {
    const plain = new TraceAggregator('gpu-trace', 'g.csv', cols, 1);
    ROWS.forEach((l, i) => expect(plain.addCsvLine(l, i + 2)).toBe('ok'));
    expect(repeatsOf(plain)).toEqual(EXPECTED);
    const quoted = new TraceAggregator('gpu-trace', 'g.csv', cols, 1);
    ROWS.forEach((l, i) => expect(quoted.addCsvLine(l.replace(/,([ab]|\[CUDA[^,]*)$/, ',"$1"'), i + 2)).toBe('ok'));
    expect(repeatsOf(quoted)).toEqual(EXPECTED);
    expect(plain.memOpRows()).toEqual([{ operation: '[CUDA memcpy Device-to-Device]', count: 1, totalNs: 900 }]);
  });

  it('from the bytes (the bulk path), and in two parts merged at the seam', () => {
    const bulk = new TraceAggregator('gpu-trace', 'g.csv', cols, 1);
    const buf = Buffer.from(ROWS.join('\n') + '\n');
    expect(bulk.bulk(buf, 0, buf.length)).toEqual({ pos: buf.length, lines: ROWS.length });
    expect(repeatsOf(bulk)).toEqual(EXPECTED);
    // every split point: the second part's first row on a stream follows the first part's last one
    for (let cut = 1; cut < ROWS.length; cut++) {
      const first = new TraceAggregator('gpu-trace', 'g.csv', cols, 1);
      const second = new TraceAggregator('gpu-trace', 'g.csv', cols, 1);
      ROWS.slice(0, cut).forEach((l, i) => first.addCsvLine(l, i + 2));
      ROWS.slice(cut).forEach((l, i) => second.addCsvLine(l, cut + i + 2));
      first.merge(second.export());
      expect(repeatsOf(first), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('without a Strm column no order is claimed; the profile says where the order came from', () => {
    const noStream = HEADER.replace('Strm', 'Stream?');
    const agg = new TraceAggregator('gpu-trace', 'g.csv', noStream.split(',').map(parseColumn), 1);
    ROWS.forEach((l, i) => agg.addCsvLine(l, i + 2));
    expect(agg.kernelRows().every((k) => k.repeats === undefined)).toBe(true);
    const file = parseText('run_cuda_gpu_trace.csv', [HEADER, ...ROWS].join('\n') + '\n');
    const [draft] = draftProfiles(file);
    expect(draft!.profile.kernelOrder).toBe('the kernel order of cuda_gpu_trace (per stream, in file order)');
    expect(Object.fromEntries(draft!.profile.kernels!.map((k) => [k.name, k.repeats]))).toEqual(EXPECTED);
  });
});
