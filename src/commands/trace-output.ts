// Where `graphprof trace` writes its JSON result for a script. The traced program owns stdout and
// stderr while it runs, and `--json` prints the report on stderr among the program's own lines, so
// scripts get a channel of their own:
//   -o FILE      the file (checked before the program runs)
//   -o -         graphprof's stdout, after the program has exited: clean when the program writes
//                nothing to stdout (most CUDA programs log to stderr), else use --json-fd
//   --json-fd N  an open file descriptor the caller set up, e.g. `--json-fd 3 3>report.json` or
//                `--json-fd 3 3>&1 1>&2` (JSON on the pipe, the program's stdout moved to stderr)
// Both are checked before the program runs. docs/trace.md, "Where the output goes".
import { readdirSync, readFileSync, readlinkSync, writeSync } from 'node:fs';

import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { writeAtomically } from './output-file.js';

export type ReportChannel = { kind: 'file'; path: string } | { kind: 'stdout' } | { kind: 'fd'; fd: number };

/** -o and --json-fd -> the channels the JSON goes to; every problem is a usage error, found now. */
export function parseReportChannels(output: string | undefined, jsonFd: string | undefined): ReportChannel[] {
  const channels: ReportChannel[] = [];
  if (output === '-') channels.push({ kind: 'stdout' });
  // -o FILE was checked (writable, not also an --out file) with the other outputs: checkTraceOutputs
  else if (output !== undefined) channels.push({ kind: 'file', path: output });
  if (jsonFd !== undefined) {
    if (!/^\d+$/.test(jsonFd)) throw new UsageError(`--json-fd: expected a file descriptor number such as 3, got "${jsonFd}"`);
    const fd = Number(jsonFd);
    if (fd <= 2) throw new UsageError(`--json-fd: ${fd} is ${['standard input', 'standard output', 'standard error'][fd]}; for stdout use -o -, else open another descriptor, e.g. --json-fd 3 3>report.json`);
    if (!inheritedDescriptor(fd)) {
      throw new UsageError(`--json-fd: descriptor ${fd} was not opened by the caller; open it in the shell, e.g. graphprof trace --json-fd ${fd} ${fd}>report.json -- CMD`);
    }
    channels.push({ kind: 'fd', fd });
  }
  return channels;
}

export function writeReport(channels: readonly ReportChannel[], json: string, io: Io): void {
  for (const c of channels) {
    if (c.kind === 'file') writeAtomically('-o', c.path, json);
    else if (c.kind === 'stdout') io.out(json);
    else {
      try {
        writeSync(c.fd, json);
      } catch (err) {
        throw new UsageError(`--json-fd: cannot write to descriptor ${c.fd} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
}

/**
 * True when `fd` is open for writing and is not one of Node's own descriptors (libuv's epoll and
 * eventfd, its signal and worker pipes): writing into one of those crashes the process. Node marks
 * every descriptor close-on-exec at start-up, inherited ones too, so that flag cannot tell them
 * apart; what can (Linux /proc): Node's are anonymous inodes, or pipes whose read end it also holds,
 * while a caller's descriptor is a file, a terminal, a socket, or a pipe whose reader is elsewhere.
 */
export function inheritedDescriptor(fd: number): boolean {
  const target = (n: number | string): string | null => {
    try {
      return readlinkSync(`/proc/self/fd/${n}`);
    } catch {
      return null;
    }
  };
  const accessMode = (n: number | string): number | null => {
    try {
      const m = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${n}`, 'utf8'));
      return m ? parseInt(m[1]!, 8) & 3 : null;
    } catch {
      return null;
    }
  };
  const link = target(fd);
  if (link === null || link.startsWith('anon_inode:')) return false;
  const mode = accessMode(fd);
  if (mode !== 1 && mode !== 2) return false;
  if (link.startsWith('pipe:')) {
    for (const other of readdirSync('/proc/self/fd')) {
      if (other !== String(fd) && target(other) === link && accessMode(other) === 0) return false;
    }
  }
  return true;
}
