// Where output goes. stdout carries the result only; progress, warnings and colour go to stderr,
// and colour and progress appear only on a terminal (NO_COLOR and --no-color turn colour off).
import { Chalk, type ChalkInstance } from 'chalk';

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
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    progress: (t) => {
      if (progressOn) process.stderr.write(`\r\x1b[2K${t}`);
    },
    color: new Chalk({ level: colorOn ? 1 : 0 }),
    argv: process.argv.slice(2),
  };
}
