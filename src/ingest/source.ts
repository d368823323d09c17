// Opening an input: a regular file, a FIFO, a character device, standard input (`-`, /dev/stdin).
// One place decides how each is read, so every reader behaves the same on hostile input:
// - a regular file is read by position (and may be split between two threads);
// - a FIFO or pipe is read as a stream. A FIFO is opened without blocking, so graphprof never
//   waits forever in open(2) for a writer that never comes: it waits FIFO_WAIT_MS, then exit 2;
// - standard input that is a terminal is refused (nothing would ever arrive but what is typed);
// - a file that cannot be opened (EACCES, ENOENT, EISDIR, ELOOP ...) is an InputError (exit 2);
// - a whole-file read (JSON) stops at MAX_WHOLE_FILE_BYTES, never after reading gigabytes.
// docs/formats.md ("Limits") states these numbers for users.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';

import { InputError } from '../errors.js';

/** The path that means standard input. */
export const STDIN_PATH = '-';
/** JSON results, config files and distributions are read whole, up to this size. */
export const MAX_WHOLE_FILE_BYTES = 256 << 20;
/** How long a FIFO may stay without a writer before it is called empty. */
export const FIFO_WAIT_MS = 10_000;

function fifoWaitMs(): number {
  // GRAPHPROF_FIFO_WAIT_MS lets the tests see the refusal without waiting 10 s
  const env = Number(process.env.GRAPHPROF_FIFO_WAIT_MS);
  return Number.isFinite(env) && env >= 0 ? env : FIFO_WAIT_MS;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export interface Source {
  readonly path: string;
  readonly fd: number;
  /** a regular file: read by position, size known */
  readonly seekable: boolean;
  /** bytes, for a regular file; null for a stream */
  readonly size: number | null;
}

/** An fs error on `path` as the one line a user reads (exit 2). */
export function fileError(path: string, err: unknown, doing = 'cannot read'): InputError {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a folder, expected a file',
    ENOTDIR: 'a part of the path is not a folder',
    ELOOP: 'too many symbolic links (a link loop?)',
    ENAMETOOLONG: 'the path is too long',
    EMFILE: 'too many open files',
    EIO: 'input/output error',
  };
  const reason = (e?.code && why[e.code]) ?? (e?.code ? `${e.code}` : String(e?.message ?? err));
  return new InputError(path, undefined, `${doing}: ${reason}`);
}

/** Open `path` for reading; closes nothing: call closeSource. */
export function openSource(path: string): Source {
  // /dev/stdin is fd 0 itself: reopening it fails when standard input is a socket (ENXIO)
  if (path === STDIN_PATH || path === '/dev/stdin' || path === '/proc/self/fd/0') {
    if (isatty(0)) throw new InputError(path, undefined, 'standard input is a terminal: pipe a report into it, e.g. nsys stats --report cuda_api_sum --format csv prof.nsys-rep | graphprof analyze -');
    return describe(path, 0);
  }
  let fifo = false;
  try {
    fifo = statSync(path).isFIFO();
  } catch (err) {
    throw fileError(path, err);
  }
  let fd: number;
  try {
    // a FIFO opened without O_NONBLOCK blocks in open(2) until a writer comes, maybe forever
    fd = openSync(path, fifo ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY);
  } catch (err) {
    throw fileError(path, err);
  }
  try {
    return describe(path, fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function describe(path: string, fd: number): Source {
  let st;
  try {
    st = fstatSync(fd);
  } catch (err) {
    throw fileError(path, err);
  }
  if (st.isDirectory()) throw new InputError(path, undefined, 'is a folder, expected a file');
  const seekable = st.isFile();
  return { path, fd, seekable, size: seekable ? st.size : null };
}

export function closeSource(src: Source): void {
  if (src.fd !== 0) closeSync(src.fd);
}

/**
 * A reader of one source: `read(buf, offset, length, position)` as readSync, but a stream ignores
 * the position, EAGAIN (a non-blocking FIFO or pipe with no data yet) waits, and a FIFO with no
 * writer yet waits at most FIFO_WAIT_MS before it reads as the end.
 */
export function sourceReader(src: Source): (buf: Buffer, offset: number, length: number, position: number) => number {
  let writerSeen = src.fd === 0 || src.seekable;
  // measured on the clock, not counted in sleeps: a loaded machine oversleeps (20 s seen for 10)
  let waitStart: number | null = null;
  const limitMs = fifoWaitMs();
  return (buf, offset, length, position) => {
    for (;;) {
      let n: number;
      try {
        n = readSync(src.fd, buf, offset, length, src.seekable ? position : null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          writerSeen = true;
          sleepMs(2);
          continue;
        }
        throw fileError(src.path, err);
      }
      if (n > 0) {
        writerSeen = true;
        return n;
      }
      if (writerSeen) return 0;
      // a FIFO read as non-blocking gives 0 while no writer has opened it: wait for one, a while
      waitStart ??= performance.now();
      if (performance.now() - waitStart >= limitMs) {
        throw new InputError(src.path, undefined, `a FIFO that no program opened for writing within ${(limitMs / 1000).toFixed(limitMs % 1000 === 0 ? 0 : 1)} s: start the writer first (e.g. nsys stats ... > ${src.path} &)`);
      }
      sleepMs(20);
    }
  };
}

/**
 * The whole text of a small file (JSON results, config, distributions): a UTF-8 BOM is dropped,
 * a NUL byte anywhere is refused, more than MAX_WHOLE_FILE_BYTES is refused as soon as it is seen.
 */
export function readWholeText(path: string, maxBytes = MAX_WHOLE_FILE_BYTES): string {
  const src = openSource(path);
  try {
    if (src.size !== null && src.size > maxBytes) throw new InputError(path, undefined, `the file is ${src.size} bytes, more than the ${maxBytes >> 20} MiB graphprof reads as one document`);
    const read = sourceReader(src);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = read(buf, 0, buf.length, total);
      if (n === 0) break;
      const nul = buf.indexOf(0);
      if (nul !== -1 && nul < n) throw new InputError(path, undefined, `not a text file (byte ${total + nul} is NUL)`);
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new InputError(path, undefined, `more than the ${maxBytes >> 20} MiB graphprof reads as one document`);
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSource(src);
  }
}

/** readWholeText, where a missing file is the InputError "no such file (WHAT)": what the flag takes. */
export function readNamedText(path: string, what: string): string {
  try {
    return readWholeText(path);
  } catch (err) {
    if (isMissing(err)) throw new InputError(path, undefined, `no such file (${what})`);
    throw err;
  }
}

/** readWholeText for a path the user named with a flag: ENOENT says "no such file" the old way. */
export function isMissing(err: unknown): boolean {
  return err instanceof InputError && err.problem.endsWith('no such file or directory');
}
