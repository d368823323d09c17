// Worker thread for a large trace CSV: sums the second half of the file (a byte range starting at
// a line start) while the main thread reads the first half. It takes plain rows only; on anything
// else (a blank line, a bad row, a quoted field running past the range) it gives up, and the main
// thread reads the whole file itself, so errors keep their exact line numbers.
import { parentPort, workerData } from 'node:worker_threads';

import { readLines } from './lines.js';
import type { Column } from './nsys-reports.js';
import { TraceAggregator, type TraceData, type TraceKind } from './nsys-trace.js';

export interface TraceWorkerInput {
  path: string;
  cols: Column[];
  kind: TraceKind;
  headerLine: number;
  start: number;
  end: number;
}

export type TraceWorkerOutput = { ok: true; data: TraceData } | { ok: false; why: string };

class GiveUp extends Error {}

function run(input: TraceWorkerInput): TraceWorkerOutput {
  const agg = new TraceAggregator(input.kind, input.path, input.cols, input.headerLine);
  let carry = '';
  try {
    readLines(
      input.path,
      (line, lineNo) => {
        if (carry.length > 0) {
          line = `${carry}\n${line}`;
          carry = '';
        }
        const r = agg.addCsvLine(line, lineNo);
        if (r === 'open') carry = line;
        else if (r !== 'ok') throw new GiveUp('not a plain row');
      },
      (buf, pos, end) => (carry.length > 0 ? { pos, lines: 0 } : agg.bulk(buf, pos, end)),
      { start: input.start, end: input.end },
    );
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  if (carry.length > 0) return { ok: false, why: 'a quoted field runs past the end' };
  return { ok: true, data: agg.export() };
}

if (parentPort) {
  const out = run(workerData as TraceWorkerInput);
  const transfer = out.ok ? out.data.byName.flatMap((b) => (b.hist?.exact ? [b.hist.exact.buffer as ArrayBuffer] : [])) : [];
  parentPort.postMessage(out, transfer);
}
