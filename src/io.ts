// Where output goes. stdout carries the result only; progress, warnings and notes go to stderr.
// Colour appears only on a terminal unless FORCE_COLOR asks for it; NO_COLOR and --no-color turn it
// off (colorLevel says in which order); progress appears only when stderr is a terminal.
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

/**
 * The colour level of stdout. --no-color wins; then FORCE_COLOR (0 or false: off; 1, 2, 3: that
 * level; any other non-empty value: 1), as chalk and force-color.org read it; then NO_COLOR (any
 * non-empty value: off, no-color.org); else colour only on a terminal.
 */
export function colorLevel(noColorFlag: boolean, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  return isTTY ? 1 : 0;
}

export function processIo(noColor: boolean): Io {
  // Our renderers use the basic colours only, so level 1 is all they need of any level asked for.
  const colorOn = colorLevel(noColor, process.env, process.stdout.isTTY === true) > 0;
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
