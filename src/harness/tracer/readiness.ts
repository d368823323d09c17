// What `graphprof trace` needs from this installation, checked the way trace itself finds it
// (locate.ts), plus a load test of each library: the host tracer's library, the CUPTI tracer's
// library, and a CUPTI of the version it was linked against. Read by `graphprof doctor`.
import { EnvironmentError, UsageError } from '../../errors.js';
import { checkLoadable } from '../dlopen-check.js';
import { locateCupti, locateHostLibrary, locateInjectLibrary } from './locate.js';

export interface TracerReadiness {
  /** the tracer library found, or null */
  library: string | null;
  /** true when every piece was found and loads */
  ready: boolean;
  /** what is missing or does not load, and what to do; null when ready */
  problem: string | null;
}

export interface CuptiTracerReadiness extends TracerReadiness {
  /** the libcupti file the tracer would load, or null */
  cupti: string | null;
  cuptiSource: string | null;
}

export interface TraceReadiness {
  host: TracerReadiness;
  cupti: CuptiTracerReadiness;
}

function messageOf(err: unknown): string {
  if (err instanceof EnvironmentError || err instanceof UsageError) return err.message.replace(/^trace: /, '');
  throw err;
}

export function checkHostTracer(): TracerReadiness {
  let library: string;
  try {
    library = locateHostLibrary();
  } catch (err) {
    return { library: null, ready: false, problem: messageOf(err) };
  }
  const load = checkLoadable(library);
  if (!load.loadable) return { library, ready: false, problem: `${library} does not load: ${load.problem}; rebuild it with \`npm run build:native\`` };
  return { library, ready: true, problem: null };
}

export function checkCuptiTracer(): CuptiTracerReadiness {
  let inject;
  try {
    inject = locateInjectLibrary();
  } catch (err) {
    return { library: null, cupti: null, cuptiSource: null, ready: false, problem: messageOf(err) };
  }
  let cupti;
  try {
    cupti = locateCupti(inject, null);
  } catch (err) {
    return { library: inject.path, cupti: null, cuptiSource: null, ready: false, problem: messageOf(err) };
  }
  const base = { library: inject.path, cupti: cupti.library, cuptiSource: cupti.source };
  const cuptiLoad = checkLoadable(cupti.library);
  if (!cuptiLoad.loadable) {
    return { ...base, ready: false, problem: `CUPTI ${cupti.library} does not load: ${cuptiLoad.problem}; give a working one with --cupti PATH` };
  }
  // As trace runs it: CUPTI's folder first on the library path (trace.ts, cuptiSetup).
  const injectLoad = checkLoadable(inject.path, { LD_LIBRARY_PATH: [cupti.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') });
  if (!injectLoad.loadable) {
    return { ...base, ready: false, problem: `${inject.path} does not load with ${cupti.library}: ${injectLoad.problem}; rebuild it with \`npm run build:native\`` };
  }
  return { ...base, ready: true, problem: null };
}

export function checkTracers(): TraceReadiness {
  return { host: checkHostTracer(), cupti: checkCuptiTracer() };
}
