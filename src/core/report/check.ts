// The one check of a JSON result handed to `graphprof report`: a graphprof result, of a kind the
// report draws, of this schema major, with the fields its pictures read. Pure; the file is read by
// src/ingest/result-json.ts. Every problem is a ValueError naming what is wrong (the reader adds
// the file).
import { ValueError } from '../../errors.js';
import { isReadableMajor, SCHEMA_VERSION } from '../schema.js';

/** The kinds `report` draws (one HTML section each, src/report/html/). */
const REPORTABLE: readonly string[] = ['run', 'analyze', 'trace', 'recommend', 'compare'];

/** The fields each kind must have for its pictures: a file without them is refused, not half-drawn. */
const REQUIRED: Record<string, readonly string[]> = {
  run: ['workload', 'results', 'environment'],
  analyze: ['profiles', 'options', 'replayModel'],
  trace: ['traced', 'analysis', 'options', 'environment', 'perStep'],
  recommend: ['sizes', 'model', 'distribution', 'baselines', 'maxBatch'],
  compare: ['metrics', 'summary', 'baseline', 'current', 'baselines'],
};

/** What a report input should be; ends the line of a file that is not one. */
export const REPORTABLE_WHAT = 'expected the JSON result of graphprof run, analyze, trace, recommend or compare (--json or -o)';

/** A parsed JSON value -> its kind (`command`), or a ValueError saying why `report` cannot draw it. */
export function checkReportable(value: unknown): string {
  const o = value as Record<string, unknown> | null;
  const tool = o && typeof o === 'object' && !Array.isArray(o) ? (o.tool as Record<string, unknown> | undefined) : undefined;
  if (!o || typeof o !== 'object' || Array.isArray(o) || tool?.name !== 'graphprof' || typeof o.command !== 'string') {
    throw new ValueError(`not a graphprof result (no "tool": {"name": "graphprof"} and "command"); ${REPORTABLE_WHAT}`);
  }
  const command = o.command;
  if (!REPORTABLE.includes(command)) throw new ValueError(`a \`${command}\` result has no report; ${REPORTABLE_WHAT}`);
  if (!isReadableMajor(String(o.schemaVersion ?? '').split('.')[0]!)) throw new ValueError(`schema version ${String(o.schemaVersion)} is not readable by this graphprof (${SCHEMA_VERSION})`);
  const absent = REQUIRED[command]!.filter((k) => o[k] === undefined || o[k] === null);
  if (absent.length > 0) throw new ValueError(`this \`${command}\` result lacks ${absent.join(', ')}: truncated, edited, or made by an older graphprof?`);
  // The step model (W, G, P) arrived with the report's breakdown: an older analysis cannot be drawn.
  const analyses = command === 'analyze' ? (o.profiles as unknown[]) : command === 'trace' ? [o.analysis] : [];
  if (!Array.isArray(analyses) || analyses.some((a) => typeof a !== 'object' || a === null || typeof (a as Record<string, unknown>).model !== 'object')) {
    throw new ValueError(`this \`${command}\` result has no step model (made by an older graphprof): run ${command} again for its report`);
  }
  return command;
}
