// Result files written at the edge (-o, --junit, --out, --update-baseline): checked when the flags
// are parsed, by creating and removing the temporary file the write will use, so a bad path fails
// before any GPU work or traced program runs; and written atomically (a temporary file renamed over
// the target), so a reader never sees half a file. What is not a plain file is written through,
// never replaced: a symbolic link's target is written (the link stays), and a device or FIFO
// (/dev/null, /dev/stdout) is opened and written, never renamed over. A failed write leaves no
// temporary file behind. Errors name the flag and the path (exit 2).
import { accessSync, closeSync, constants, lstatSync, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { UsageError } from '../errors.js';
import { nsysCsvPath, nsysNvtxPath, type NsysReport } from '../report/nsys-csv.js';

/** The reports `trace --out` may write. */
const NSYS_REPORTS: readonly NsysReport[] = ['cuda_api_sum', 'cuda_gpu_kern_sum', 'cuda_gpu_mem_time_sum'];

interface Target {
  /** the file that is written: symbolic links resolved */
  path: string;
  /** what is there now */
  kind: 'none' | 'file' | 'other';
  /** permission bits of an existing file, kept by the replacement */
  mode: number;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOENT: 'the folder does not exist',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'is a folder',
    ELOOP: 'too many symbolic links',
    ENXIO: 'no reader on the FIFO',
  };
  return (e?.code && why[e.code]) ?? e?.code ?? String(e?.message ?? err);
}

/** Follow symbolic links to the file a write lands in (a dangling link: where it points). */
function resolveTarget(flag: string, path: string): Target {
  let p = resolve(path);
  for (let hops = 0; ; hops++) {
    let st;
    try {
      st = lstatSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { path: p, kind: 'none', mode: 0o666 };
      throw new UsageError(`${flag}: cannot write ${path} (${reason(err)})`);
    }
    if (st.isSymbolicLink()) {
      if (hops > 40) throw new UsageError(`${flag}: cannot write ${path} (too many symbolic links)`);
      try {
        p = realpathSync(p);
        continue;
      } catch {
        // dangling: the link names a file still to be made
        p = resolve(dirname(p), readlinkSync(p));
        continue;
      }
    }
    if (st.isDirectory()) throw new UsageError(`${flag}: "${path}" is a folder, expected a file path`);
    return { path: p, kind: st.isFile() ? 'file' : 'other', mode: st.mode & 0o7777 };
  }
}

const tmpOf = (target: string): string => `${target}.tmp-${process.pid}`;

/** Throws a UsageError unless `path` can be written; creates and removes the temporary file. */
export function checkWritable(flag: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${flag}: expected a file path, got ""`);
  const target = resolveTarget(flag, path);
  const dir = dirname(target.path);
  let dirOk = false;
  try {
    dirOk = statSync(dir).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk) throw new UsageError(`${flag}: the folder "${dirname(path)}" does not exist`);
  if (target.kind === 'other') {
    // a device or FIFO is written through: it must open for writing (a FIFO: with a reader)
    try {
      accessSync(target.path, constants.W_OK);
    } catch (err) {
      throw new UsageError(`${flag}: cannot write ${path} (${reason(err)})`);
    }
    return;
  }
  // the real test: make the temporary file the write will rename, then remove it
  const tmp = tmpOf(target.path);
  try {
    closeSync(openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
    unlinkSync(tmp);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // left by a process of the same id: overwritten at the write
    // a file in a folder we may not write: written in place, if the file itself is writable
    if (target.kind === 'file' && (code === 'EACCES' || code === 'EPERM')) {
      try {
        accessSync(target.path, constants.W_OK);
        return;
      } catch {
        // fall through to the error
      }
    }
    throw new UsageError(`${flag}: cannot write ${path} (${reason(err)})`);
  }
}

/**
 * Check several outputs of one command together: each writable, and no two landing in one file
 * (`trace -o x_cuda_api_sum.csv --out x` would write one over the other).
 */
export function checkOutputs(outputs: readonly { flag: string; path: string }[]): void {
  for (const { flag, path } of outputs) checkWritable(flag, path);
  checkDistinct(outputs);
}

/** Throws a UsageError when two outputs (already checked writable) land in one file, links followed. */
export function checkDistinct(outputs: readonly { flag: string; path: string }[]): void {
  const seen = new Map<string, string>();
  for (const { flag, path } of outputs) {
    const target = resolveTarget(flag, path).path;
    const other = seen.get(target);
    if (other !== undefined) throw new UsageError(`${flag}: ${path} is also written by ${other}; give them different files`);
    seen.set(target, `${flag} ${path}`);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write to a device or FIFO in place. A FIFO is opened without blocking, so one with no reader is
 * an error (ENXIO) at once instead of a wait for ever; a full pipe is waited on, a little at a time.
 */
function writeThrough(path: string, text: string): void {
  if (!statSync(path).isFIFO()) {
    writeFileSync(path, text);
    return;
  }
  const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.from(text);
    for (let off = 0; off < buf.length; ) {
      try {
        off += writeSync(fd, buf, off, buf.length - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(pause, 0, 0, 5);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes `text` to `path`: through to a device or FIFO, else a temporary file renamed over it. */
export function writeAtomically(flag: string, path: string, text: string): void {
  const target = resolveTarget(flag, path);
  if (target.kind === 'other') {
    try {
      writeThrough(target.path, text);
    } catch (err) {
      throw new UsageError(`${flag}: cannot write ${path} (${reason(err)})`);
    }
    return;
  }
  const tmp = tmpOf(target.path);
  try {
    writeFileSync(tmp, text, { mode: target.mode });
    renameSync(tmp, target.path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // not made
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (target.kind === 'file' && (code === 'EACCES' || code === 'EPERM')) {
      // the folder is not writable but the file is: write it in place (not atomic, still whole)
      try {
        writeFileSync(target.path, text);
        return;
      } catch (again) {
        throw new UsageError(`${flag}: cannot write ${path} (${reason(again)})`);
      }
    }
    throw new UsageError(`${flag}: cannot write ${path} (${reason(err)})`);
  }
}

/**
 * `trace --out PREFIX` and `-o FILE`: every file the trace will write, checked before the traced
 * program runs (each writable, none written twice). One call from commands/trace.ts.
 */
export function checkTraceOutputs(outPrefix: string | undefined, output: string | undefined): void {
  // `-o -` (standard output, where the trace helper's branch offers it) is no file to check
  checkOutputs([...traceOutFiles(outPrefix), ...(output !== undefined && output !== '-' ? [{ flag: '-o', path: output }] : [])]);
}

/**
 * Every file `trace --out PREFIX` may write: with marked steps the in-step reports,
 * PREFIX_nvtx_sum.csv and the whole run under PREFIX_whole_*; without, the whole run under PREFIX_*
 * (commands/trace.ts). None without --out.
 */
export function traceOutFiles(outPrefix: string | undefined): { flag: string; path: string }[] {
  if (outPrefix === undefined) return [];
  const files: { flag: string; path: string }[] = [];
  for (const report of NSYS_REPORTS) {
    files.push({ flag: '--out', path: nsysCsvPath(outPrefix, report) });
    files.push({ flag: '--out', path: nsysCsvPath(`${outPrefix}_whole`, report) });
  }
  files.push({ flag: '--out', path: nsysNvtxPath(outPrefix) });
  return files;
}
