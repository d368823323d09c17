// `graphprof sweep` curve files (curve.json, format graphprof-curve/1; docs/json.md) -> checked
// points. A bad value is an InputError naming the file, the line of the point and the field.
import { CURVE_FORMAT, failedPoint, type CurvePoint } from '../core/recommend/step-curve.js';
import { isReadableMajor, SCHEMA_VERSION } from '../core/schema.js';
import { InputError } from '../errors.js';
import { readNamedText } from './source.js';

export interface CurveFile {
  file: string;
  points: CurvePoint[];
  /** sizes that failed in the sweep (not used) */
  failed: { batch: number; exitCode: number; error: string | null }[];
  complete: boolean;
}

export function readCurveFile(path: string): CurveFile {
  // through source.ts, as every input: standard input and FIFOs work, size and NUL bytes are bounded
  return parseCurve(path, readNamedText(path, '--curve takes the JSON written by `graphprof sweep -o`'));
}

/** Line of the i-th `"batch":` key: the i-th point (the config's list is "batchSizes"). */
function pointLines(text: string): number[] {
  const lines: number[] = [];
  const re = /"batch"\s*:/g;
  for (let m = re.exec(text); m; m = re.exec(text)) lines.push(text.slice(0, m.index).split('\n').length);
  return lines;
}

function parseCurve(file: string, text: string): CurveFile {
  let value: unknown;
  try {
    value = JSON.parse(text); // readWholeText has dropped any BOM
  } catch (err) {
    throw new InputError(file, undefined, `not valid JSON: ${(err as Error).message}`);
  }
  const o = value as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new InputError(file, undefined, 'expected a `graphprof sweep` curve (a JSON object)');
  if (o.command !== 'sweep') throw new InputError(file, undefined, `expected a \`graphprof sweep\` curve (command "sweep"), got command ${JSON.stringify(o.command ?? null)}`);
  if (o.format !== undefined && o.format !== CURVE_FORMAT) throw new InputError(file, undefined, `format ${JSON.stringify(o.format)} is not ${CURVE_FORMAT}; this graphprof reads ${CURVE_FORMAT}`);
  if (typeof o.schemaVersion === 'string' && !isReadableMajor(o.schemaVersion.split('.')[0]!)) throw new InputError(file, undefined, `schemaVersion ${o.schemaVersion}: this graphprof reads ${SCHEMA_VERSION.split('.')[0]}.x`);
  if (!Array.isArray(o.points) || o.points.length === 0) throw new InputError(file, undefined, 'points: expected a non-empty array of measured batch sizes');
  const lines = pointLines(text);
  const points: CurvePoint[] = [];
  const failed: CurveFile['failed'] = [];
  o.points.forEach((raw: unknown, i: number) => {
    const line = lines[i];
    const bad = (what: string): never => {
      throw new InputError(file, line, `points[${i}]${typeof p?.batch === 'number' ? ` (batch ${p.batch})` : ''}: ${what}`);
    };
    const p = raw as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || Array.isArray(p)) bad('expected an object');
    const batch = p!.batch;
    if (typeof batch !== 'number' || !Number.isSafeInteger(batch) || batch < 1) bad(`batch: expected a positive integer, got ${JSON.stringify(batch ?? null)}`);
    const status = p!.status ?? 'ok';
    if (status !== 'ok' && status !== 'failed') bad(`status: expected "ok" or "failed", got ${JSON.stringify(status)}`);
    const exitCode = typeof p!.exitCode === 'number' ? p!.exitCode : 0;
    const error = typeof p!.error === 'string' ? p!.error : null;
    if (status === 'failed') {
      failed.push({ batch: batch as number, exitCode, error });
      points.push(failedPoint(batch as number, exitCode, error));
      return;
    }
    const s = p!.stepNs as Record<string, unknown> | null | undefined;
    if (!s || typeof s !== 'object') bad('stepNs: missing (expected {medianNs, madNs, count}, the step time in ns)');
    const medianNs = s!.medianNs;
    if (medianNs === undefined || medianNs === null) bad('stepNs.medianNs: missing step time');
    if (typeof medianNs !== 'number' || !Number.isFinite(medianNs)) bad(`stepNs.medianNs: expected a time in ns, got ${JSON.stringify(medianNs)}`);
    if ((medianNs as number) <= 0) bad(`stepNs.medianNs: a step time must be above 0 ns, got ${medianNs}`);
    const madNs = s!.madNs ?? 0;
    if (typeof madNs !== 'number' || !Number.isFinite(madNs) || madNs < 0) bad(`stepNs.madNs: expected a time >= 0 in ns, got ${JSON.stringify(madNs)}`);
    const count = s!.count ?? 1;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) bad(`stepNs.count: expected a positive integer, got ${JSON.stringify(count)}`);
    const opt = (key: string): number | null => {
      const v = p![key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`${key}: expected a number >= 0 or null, got ${JSON.stringify(v)}`);
      return v as number;
    };
    const signedOpt = (key: string): number | null => {
      const v = p![key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${key}: expected a number of bytes or null, got ${JSON.stringify(v)}`);
      return v as number;
    };
    points.push({
      batch: batch as number,
      status: 'ok',
      exitCode,
      stepNs: { medianNs: medianNs as number, madNs: madNs as number, count: count as number },
      launchesPerStep: opt('launchesPerStep'),
      graphLaunchesPerStep: opt('graphLaunchesPerStep'),
      captureNs: opt('captureNs'),
      captureMemoryBytes: opt('captureMemoryBytes'),
      captureMemoryMethod: typeof p!.captureMemoryMethod === 'string' ? p!.captureMemoryMethod : null,
      captureFreeDropBytes: signedOpt('captureFreeDropBytes'),
      error: null,
    });
  });
  if (!points.some((p) => p.status === 'ok')) {
    throw new InputError(file, undefined, `no batch size was measured: every point failed (${failed.map((f) => `batch ${f.batch}: exit ${f.exitCode}`).join(', ')})`);
  }
  return { file, points, failed, complete: o.complete !== false };
}
