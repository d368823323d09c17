// `graphprof report RESULT.json... [-o report.html]`: one self-contained HTML page from JSON results
// saved earlier (CI artefacts), one section per file, each drawn by its kind (the `command` field).
// Every problem with a file is one line naming it, exit 2; nothing is written unless every file reads.
import { REPORTABLE_WHAT as WHAT } from '../core/report/check.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { readReportable } from '../ingest/result-json.js';
import type { Io } from '../io.js';
import { renderHtml, type ReportInput, type ReportableResult } from '../report/html/index.js';
import { checkWritable, writeAtomically } from './output-file.js';

export interface RawReportOptions {
  output?: string;
}

/** One file -> a report input; read and checked by the shared reader (ingest/result-json.ts). */
export function readReportInput(path: string): ReportInput {
  return { result: readReportable(path).value as ReportableResult, source: path };
}

export async function execute(raw: RawReportOptions, io: Io, args: string[] = []): Promise<number> {
  if (args.length === 0) throw new UsageError('report: name one or more JSON results, e.g. graphprof report run.json -o report.html');
  const output = raw.output === undefined ? null : (checkWritable('-o', raw.output), raw.output);
  const inputs = args.map(readReportInput);
  let html: string;
  try {
    html = renderHtml(inputs);
  } catch (err) {
    // A result that passed the checks above but still lacks a field a picture reads: name the files.
    if (err instanceof TypeError) throw new InputError(args.join(', '), undefined, `a field the report reads is missing or of the wrong type (${err.message}); ${WHAT}`);
    throw err;
  }
  if (output) {
    writeAtomically('-o', output, html);
    io.err(`graphprof report: wrote ${output} (${Math.round(html.length / 1024)} KiB)`);
  } else {
    io.out(html);
  }
  return EXIT.ok;
}
