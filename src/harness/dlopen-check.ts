// Can this shared library be loaded here? Asked of a throw-away Node process, so that the library's
// constructors, and a load that fails half-way, never touch graphprof's own process. A library that
// loads but is no Node addon makes process.dlopen say "did not self-register": for the question
// asked (do the file and everything it links against load?) that is success.
import { spawnSync } from 'node:child_process';

export interface LoadCheck {
  loadable: boolean;
  /** dlerror's text when it did not load, else null */
  problem: string | null;
}

const SCRIPT = `
const os = require('os');
try {
  process.dlopen({ exports: {} }, process.argv[1], os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_LOCAL);
  process.stdout.write('loaded');
} catch (e) {
  if (/did not self-register|Module did not|napi_register_module/.test(e.message)) process.stdout.write('loaded');
  else process.stdout.write('error:' + String(e.message).split('\\n')[0]);
}`;

/** dlopen `path` (RTLD_NOW: every symbol resolved) with `env` added to the environment. */
export function checkLoadable(path: string, env: NodeJS.ProcessEnv = {}): LoadCheck {
  const r = spawnSync(process.execPath, ['-e', SCRIPT, path], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 10_000 });
  const out = r.stdout ?? '';
  if (out === 'loaded') return { loadable: true, problem: null };
  if (out.startsWith('error:')) return { loadable: false, problem: out.slice('error:'.length) };
  return { loadable: false, problem: `the check itself failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})` };
}
