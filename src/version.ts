// The tool's version, read from package.json once, on demand.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ToolInfo } from './core/schema.js';

let version: string | undefined;

export function toolVersion(): string {
  if (version === undefined) {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
  }
  return version;
}

export function toolInfo(): ToolInfo {
  return { name: 'graphprof', version: toolVersion() };
}
