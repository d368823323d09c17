// `graphprof report RESULT.json... [-o report.html]`: one self-contained HTML page from JSON results
// saved earlier (CI artefacts), one section per file, each drawn by its kind (the `command` field).
// Every problem with a file is one line naming it, exit 2; nothing is written unless every file reads.
import { readFileSync } from 'node:fs';

import { SCHEMA_VERSION } from '../core/schema.js';
import { jsonError } from '../core/compare/thresholds.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { REPORTABLE, renderHtml, type ReportInput, type ReportableResult } from '../report/html/index.js';
import { checkWritable, writeAtomically } from './output-file.js';

export interface RawReportOptions {
  output?: string;
}

/** The fields each kind must have for its pictures: a file without them is refused, not half-drawn. */
const REQUIRED: Record<string, readonly string[]> = {
  run: ['workload', 'results', 'environment'],
  analyze: ['profiles', 'options', 'replayModel'],
  trace: ['traced', 'analysis', 'options', 'environment', 'perStep'],
  recommend: ['sizes', 'model', 'distribution', 'baselines', 'maxBatch'],
  compare: ['metrics', 'summary', 'baseline', 'current', 'baselines'],
};

const WHAT = 'expected the JSON result of graphprof run, analyze, trace, recommend or compare (--json or -o)';

export function readReportInput(path: string): ReportInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, undefined, `cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, expected a JSON result' : (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const { line, problem } = jsonError(text, err as Error);
    throw new InputError(path, line, `${problem}; ${WHAT}`);
  }
  const o = value as Record<string, unknown> | null;
  const tool = o && typeof o === 'object' && !Array.isArray(o) ? (o.tool as Record<string, unknown> | undefined) : undefined;
  if (!o || typeof o !== 'object' || Array.isArray(o) || tool?.name !== 'graphprof' || typeof o.command !== 'string') {
    throw new InputError(path, undefined, `not a graphprof result (no "tool": {"name": "graphprof"} and "command"); ${WHAT}`);
  }
  const command = o.command;
  if (!REPORTABLE.includes(command)) throw new InputError(path, undefined, `a \`${command}\` result has no report; ${WHAT}`);
  const major = String(o.schemaVersion ?? '').split('.')[0];
  if (major !== SCHEMA_VERSION.split('.')[0]) throw new InputError(path, undefined, `schema version ${String(o.schemaVersion)} is not readable by this graphprof (${SCHEMA_VERSION})`);
  const absent = REQUIRED[command]!.filter((k) => o[k] === undefined || o[k] === null);
  if (absent.length > 0) throw new InputError(path, undefined, `this \`${command}\` result lacks ${absent.join(', ')}: truncated, edited, or made by an older graphprof?`);
  // The step model (W, G, P) arrived with the report's breakdown: an older analysis cannot be drawn.
  const analyses = command === 'analyze' ? (o.profiles as unknown[]) : command === 'trace' ? [o.analysis] : [];
  if (!Array.isArray(analyses) || analyses.some((a) => typeof a !== 'object' || a === null || typeof (a as Record<string, unknown>).model !== 'object')) {
    throw new InputError(path, undefined, `this \`${command}\` result has no step model (made by an older graphprof): run ${command} again for its report`);
  }
  return { result: value as ReportableResult, source: path };
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
