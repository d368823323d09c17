// Runs the traced command: stdio inherited (its output passes through untouched), SIGTERM and SIGHUP
// forwarded, SIGINT forwarded only when graphprof has no terminal (a Ctrl-C at a terminal already
// reaches the child through the foreground process group; sending it twice would interrupt the
// program's own clean-up, and with it the trace record written at exit).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

import { UsageError } from '../../errors.js';

export interface ChildExit {
  /** the exit status, or 128 + signal number when a signal ended it (as a shell reports it) */
  code: number;
  signal: NodeJS.Signals | null;
  wallNs: number;
}

export function runChild(command: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildExit> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new UsageError('trace: no command given'));
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => {
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      child.kill(signal);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      done();
      if (err.code === 'ENOENT') reject(new UsageError(`trace: cannot run "${file}": command not found`));
      else if (err.code === 'EACCES') reject(new UsageError(`trace: cannot run "${file}": permission denied`));
      else reject(err);
    });
    child.on('exit', (code, signal) => {
      done();
      const wallNs = Number(process.hrtime.bigint() - started);
      const signo = signal ? (constants.signals as Record<string, number>)[signal] ?? 0 : 0;
      resolvePromise({ code: code ?? 128 + signo, signal, wallNs });
    });
  });
}
