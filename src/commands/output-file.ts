// Result files written at the edge (-o, --junit, --out, --update-baseline): checked when the flags
// are parsed, so a bad path fails before any GPU work or traced program runs, and written
// atomically, so a reader never sees half a file. Errors name the flag and the path.
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { UsageError } from '../errors.js';

/** Throws a UsageError unless `path` can be created or replaced as a file. */
export function checkWritable(flag: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${flag}: expected a file path, got ""`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag}: the folder "${dirname(path)}" does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag}: "${path}" is a folder, expected a file path`);
}

/** Writes `text` to a temporary file beside `path`, then renames it over `path`. */
export function writeAtomically(flag: string, path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    const reason = ((err as NodeJS.ErrnoException).code ?? (err as Error).message).toString();
    throw new UsageError(`${flag}: cannot write ${path} (${reason})`);
  }
}
