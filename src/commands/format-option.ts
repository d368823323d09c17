// --format table|markdown|csv|json, shared by run, analyze and recommend; --json stays an alias of
// --format json. Columns: src/report/columns.ts; formats: docs/usage.md, Output formats.
import { UsageError } from '../errors.js';
import { oneOf } from './options.js';

export const OUTPUT_FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RawFormatOptions {
  format?: string;
  json?: boolean;
}

export function parseOutputFormat(raw: RawFormatOptions): OutputFormat {
  const format: OutputFormat = raw.format === undefined ? 'table' : oneOf('--format', raw.format, OUTPUT_FORMATS);
  if (raw.json === true && format !== 'json' && raw.format !== undefined) throw new UsageError(`--json: conflicts with --format ${format}; give one of them`);
  return raw.json === true ? 'json' : format;
}
