// The synthetic trace records of fixtures/trace/processes (fixtures/trace/README.md), read as
// `graphprof trace` reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TraceRecord } from '../../../src/core/trace/record.js';
import { toTraceRecord } from '../../../src/ingest/trace-record.js';

export const root = join(__dirname, '..', '..', '..');
export const load = (pid: number): TraceRecord => toTraceRecord(JSON.parse(readFileSync(join(root, 'fixtures', 'trace', 'processes', `trace-${pid}.json`), 'utf8')));
export const parent = load(4242);
export const child = load(4243);
