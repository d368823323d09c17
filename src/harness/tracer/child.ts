// Runs the traced command and supervises it: stdio inherited (its output passes through untouched),
// SIGTERM and SIGHUP forwarded, SIGINT forwarded only when graphprof has no terminal (a Ctrl-C at a
// terminal already reaches the child through the foreground process group; sending it twice would
// interrupt the program's own clean-up, and with it the trace record written at exit).
//
// Two guarantees beyond that (docs/trace.md, "Signals"):
// - the program does not outlive graphprof. A SIGKILL cannot be caught, so a watchdog does it: a
//   small /bin/sh started beside the program, holding the read end of a pipe whose only writer is
//   graphprof. When graphprof dies in any way the pipe reads EOF, and the watchdog kills the
//   program (SIGKILL) and removes the temporary folder. (PR_SET_PDEATHSIG would need native code
//   run in the child before exec; the watchdog needs none, and no new session or process group.)
// - a program that ignores the signal it was sent is killed KILL_GRACE_MS later (10 s, as
//   `docker stop` waits), and at once on a second signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

import { UsageError } from '../../errors.js';

/** How long a program may take to end after a forwarded signal before it gets SIGKILL. */
export const KILL_GRACE_MS = 10_000;

function killGraceMs(): number {
  // GRAPHPROF_KILL_GRACE_MS lets the tests see the escalation without waiting 10 s
  const env = Number(process.env.GRAPHPROF_KILL_GRACE_MS);
  return Number.isFinite(env) && env >= 0 ? env : KILL_GRACE_MS;
}

export interface ChildExit {
  /** the exit status, or 128 + signal number when a signal ended it (as a shell reports it) */
  code: number;
  signal: NodeJS.Signals | null;
  wallNs: number;
}

export interface ChildOptions {
  /** a folder to remove should graphprof die before it can (the trace records' folder) */
  tempDir?: string;
  /** where a note goes (the escalation to SIGKILL) */
  note?: (text: string) => void;
}

// $1: the program's pid, $2: the folder to remove (once the program is gone or a zombie). Signals aimed at the terminal's process group
// are ignored: the watchdog ends only by EOF on its stdin or graphprof's SIGKILL.
const WATCHDOG = `trap '' INT TERM HUP QUIT
read -r _ || true
kill -KILL "$1" 2>/dev/null
i=0
while [ $i -lt 50 ] && kill -0 "$1" 2>/dev/null; do
  case "$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -c1)" in Z|X|'') break ;; esac
  sleep 0.1; i=$((i+1))
done
[ -n "$2" ] && rm -rf -- "$2"
exit 0`;

/** Start the watchdog for `pid`; it is killed (SIGKILL, so it does nothing) when the program ends. */
function startWatchdog(pid: number, tempDir: string | undefined): ChildProcess | null {
  try {
    const w = spawn('/bin/sh', ['-c', WATCHDOG, 'graphprof-watchdog', String(pid), tempDir ?? ''], { stdio: ['pipe', 'ignore', 'ignore'] });
    w.on('error', () => {
      // no /bin/sh: the program is supervised as before, without the SIGKILL guarantee
    });
    w.stdin?.on('error', () => {});
    // neither the process nor its pipe keeps graphprof's event loop alive
    w.unref();
    (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return w;
  } catch {
    return null;
  }
}

export function runChild(command: readonly string[], env: NodeJS.ProcessEnv, options: ChildOptions = {}): Promise<ChildExit> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new UsageError('trace: no command given'));
  const note = options.note ?? ((t: string) => void process.stderr.write(`${t}\n`));
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const watchdog = child.pid !== undefined ? startWatchdog(child.pid, options.tempDir) : null;
    const stopWatchdog = () => {
      if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    };
    process.on('exit', stopWatchdog);
    let signalled = 0;
    let killTimer: NodeJS.Timeout | null = null;
    const forward = (signal: NodeJS.Signals) => () => {
      signalled++;
      if (signalled > 1) {
        // a second signal: no more waiting
        child.kill('SIGKILL');
        return;
      }
      if (!(signal === 'SIGINT' && process.stdin.isTTY)) child.kill(signal);
      const grace = killGraceMs();
      killTimer = setTimeout(() => {
        note(`graphprof: trace: the program did not end within ${grace / 1000} s of ${signal}; sending SIGKILL`);
        child.kill('SIGKILL');
      }, grace);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = () => {
      for (const [s, h] of handlers) process.off(s, h);
      if (killTimer) clearTimeout(killTimer);
      stopWatchdog();
      process.off('exit', stopWatchdog);
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
