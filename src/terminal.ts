// The two things about the process's own streams that every writer must agree on, in a module
// with no imports so that src/cli.ts's error exit can use it without loading the rest:
// - a progress line on a terminal is drawn without a newline, so whatever is written to stderr
//   next must clear it first, or the error lands on the end of the progress text;
// - a closed stdout (`graphprof ... | head -c 10`) is not an error: writes after EPIPE are
//   dropped, and the command ends with its own exit code, quietly.

let progressShown = false;
let stdoutClosed = false;
let watching = false;

/** Draw a progress line on a terminal stderr (callers check that stderr is one). */
export function drawProgress(text: string): void {
  process.stderr.write(`\r\x1b[2K${text}`);
  progressShown = text.length > 0;
}

/** Clear a progress line if one is shown, so the next stderr line starts at column 0. */
export function clearProgress(): void {
  if (progressShown) {
    process.stderr.write('\r\x1b[2K');
    progressShown = false;
  }
}

/** Swallow EPIPE on stdout and stderr: a reader that went away ends our output, not the program. */
export function watchClosedStreams(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    // the result was lost (a full disk, an I/O error): say so once, and do not end with 0
    process.stderr.write(`graphprof: cannot write the result to standard output (${err.code ?? err.message})\n`);
    process.exitCode = 3;
  });
  process.stderr.on('error', () => {
    // nowhere left to say anything
  });
}

export function isStdoutClosed(): boolean {
  return stdoutClosed;
}
