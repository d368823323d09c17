// The notes `graphprof trace` prints under its report: what the records say about their processes
// and what the figures need the reader to know (what is missing, what is included). Pure code.
import type { TraceFigures } from './figures.js';
import type { TraceRecord } from './record.js';
import type { Tracer } from './result.js';

/** The options the notes depend on. */
export interface NoteOptions {
  readonly tracer: Tracer;
  readonly stepMarker: string | null;
  readonly stepKind: 'nvtx' | 'api' | null;
}

/** What each process's record says about itself: not traced, killed, the library's own notes. */
export function recordNotes(records: readonly TraceRecord[]): string[] {
  const notes: string[] = [];
  for (const r of records) {
    if (!r.attached) notes.push(`process ${r.pid} (${r.argv.join(' ').slice(0, 60)}) was not traced: ${r.errors[0] ?? 'CUPTI did not attach'}`);
    else if (!r.complete) notes.push(`process ${r.pid} (${r.argv.join(' ').slice(0, 60)}) initialised CUDA but did not reach its exit handler (killed or crashed): its figures are missing`);
    for (const e of r.attached ? r.errors : []) notes.push(`process ${r.pid}: ${e}`);
  }
  return notes;
}

export function figureNotes(options: NoteOptions, figures: TraceFigures): string[] {
  const notes: string[] = [];
  if (figures.droppedRecords > 0) notes.push(`CUPTI dropped ${figures.droppedRecords} activity records: device times are incomplete`);
  if (figures.deviceRecordsUnattributed > 0) notes.push(`${figures.deviceRecordsUnattributed} device records came past the tracer's cap and are in the whole-run rows only, neither in nor outside the steps`);
  if (figures.launches.graphLaunchCalls > 0 && options.tracer === 'cupti') {
    // Measured, not assumed: docs/trace.md, Graphs under CUPTI.
    notes.push(
      `graph launches run slower under CUPTI than without it: cudaGraphLaunch host time and graph GPU time here overstate the untraced program's (an 847-node graph on an H200: 3.4 µs untraced, about 150 µs traced; docs/trace.md)`,
    );
  }
  if (options.stepMarker && !figures.steps) {
    notes.push(
      options.stepKind === 'nvtx'
        ? `no NVTX range named "${options.stepMarker.slice(5)}" was seen: check the name, and that the program emits NVTX (torch.cuda.nvtx.range, nvtx.annotate)`
        : `no call of ${options.stepMarker.slice(4)} was seen, or only one (a step runs from one call to the next)`,
    );
  }
  if (figures.perStep.scope === 'whole-run') {
    notes.push(
      options.stepMarker && figures.steps
        ? 'the records hold no in-step rows (an older tracer library): per-step figures are whole-run totals, set-up and warm-up included, divided by the step count'
        : `per-step figures are whole-run totals divided by ${figures.perStep.steps}: set-up, warm-up and teardown are included (--step-marker scopes them to the steps)`,
    );
  }
  if (options.tracer === 'host') {
    notes.push('host tracer: driver API calls (cuLaunchKernel, ...) are counted and timed; cudart\'s own share of a runtime call is in the step time, not in the API rows; no GPU times (--device-time adds them, through CUPTI, at about 1.0-1.7 µs per launch on an H200; docs/trace.md)');
  }
  return notes;
}
