// Where output goes. stdout carries the result only; progress, warnings and colour go to stderr,
// and colour and progress appear only on a terminal (NO_COLOR and --no-color turn colour off).
import { Chalk, type ChalkInstance } from 'chalk';

import { EnvironmentError } from './errors.js';
import { printable, printableKeepColour } from './report/printable.js';
import { clearProgress, drawProgress, isStdoutClosed, watchClosedStreams } from './terminal.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** progress lines, shown only when stderr is a terminal */
  progress(text: string): void;
  /** colouring for stdout (level 0 when stdout is not a terminal or colour is off) */
  color: ChalkInstance;
  argv: string[];
}

export function processIo(noColor: boolean): Io {
  const colorOn = !noColor && !('NO_COLOR' in process.env) && process.stdout.isTTY === true;
  const progressOn = process.stderr.isTTY === true;
  watchClosedStreams();
  return {
    out: (t) => {
      if (isStdoutClosed()) return;
      try {
        process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
      } catch (err) {
        // stdout is a file: its write fails at once (a full disk), not as an 'error' event
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') return;
        throw new EnvironmentError(`cannot write the result to standard output (${code ?? (err as Error).message})`);
      }
    },
    // stderr text is escaped (notes quote file names); colour, where a renderer added it, is kept
    err: (t) => {
      clearProgress();
      const safe = colorOn ? printableKeepColour(t) : printable(t);
      process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    },
    progress: (t) => {
      if (progressOn) drawProgress(printable(t, true));
    },
    color: new Chalk({ level: colorOn ? 1 : 0 }),
    argv: process.argv.slice(2),
  };
}
