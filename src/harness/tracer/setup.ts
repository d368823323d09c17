// The environment a traced command runs with: which tracer library is loaded and how (LD_PRELOAD
// for the host tracer, CUDA_INJECTION64_PATH for CUPTI), and what the library is told through
// GRAPHPROF_TRACE_* (docs/trace.md, Environment variables). The only code that sets them.
import type { TraceOptions } from '../../commands/trace-options.js';
import { API_RULES } from '../../core/analyze/launch-apis.js';
import { hostStepMarker } from '../../core/trace/host-apis.js';
import { locateCupti, locateHostLibrary, locateInjectLibrary } from './locate.js';

export interface TracerSetup {
  /** the library the command runs with */
  lib: string;
  cupti: { library: string; source: string } | null;
  env: NodeJS.ProcessEnv;
  /** GRAPHPROF_TRACE_STEP as the library matches it */
  stepMarker: string | null;
}

/**
 * GRAPHPROF_TRACE_API_CLASSES: analyze's API table (core/analyze/launch-apis.ts, the one definition) as the
 * tracers read it: "class=name,prefix*,...;class=..." on base names (suffixes stripped). Every class
 * travels, those the tracers do not count too, so that the longest match wins there as it does here.
 */
export function apiClassesSpec(): string {
  const classes = [...new Set(API_RULES.map((r) => r.cls))];
  return classes.map((cls) => `${cls}=${API_RULES.filter((r) => r.cls === cls).map((r) => (r.prefix ? `${r.name}*` : r.name)).join(',')}`).join(';');
}

/**
 * The host tracer: LD_PRELOAD (ahead of any the user set), and NVTX's tool is the same library. No
 * CUPTI is loaded. An api: marker naming a runtime API becomes the driver call cudart makes for it.
 */
function hostSetup(options: TraceOptions, warn: (line: string) => void): TracerSetup {
  const lib = locateHostLibrary();
  const inject = process.env.CUDA_INJECTION64_PATH;
  if (inject) warn(`warning: trace: CUDA_INJECTION64_PATH is set (${inject}): the driver loads that tool into the command, and its cost is in the figures`);
  const env: NodeJS.ProcessEnv = { LD_PRELOAD: [lib, process.env.LD_PRELOAD].filter(Boolean).join(' ') };
  if (options.stepKind === 'nvtx') env.NVTX_INJECTION64_PATH = lib;
  const stepMarker = options.stepKind === 'api' ? `api:${hostStepMarker(options.stepMarker!.slice(4))}` : options.stepMarker;
  return { lib, cupti: null, env, stepMarker };
}

function cuptiSetup(options: TraceOptions, warn: (line: string) => void): TracerSetup {
  const inject = locateInjectLibrary();
  const cupti = locateCupti(inject, options.cuptiPath);
  const env: NodeJS.ProcessEnv = {
    CUDA_INJECTION64_PATH: inject.path,
    LD_LIBRARY_PATH: [cupti.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  if (!options.deviceTime) env.GRAPHPROF_TRACE_ACTIVITY = '0';
  // Graph-level records cut what CUPTI adds to every graph launch (docs/trace.md, Graphs), with or
  // without device times.
  env.GRAPHPROF_TRACE_GRAPH_TRACE = options.graphTrace === 'graph' ? '1' : '0';
  // NVTX calls reach CUPTI only through the tool library NVTX loads. It is the injection library,
  // which forwards to the CUPTI it is bound to: pointing NVTX at a libcupti file would load a second
  // CUPTI, with no subscriber, whenever the program already holds another one (a PyTorch wheel's).
  if (options.stepKind === 'nvtx') env.NVTX_INJECTION64_PATH = inject.path;
  const previous = process.env.CUDA_INJECTION64_PATH;
  if (previous && previous !== inject.path) warn(`warning: trace: CUDA_INJECTION64_PATH was ${previous}; graphprof's injection library replaces it for this run`);
  return { lib: inject.path, cupti, env, stepMarker: options.stepMarker };
}

/** The tracer's library (located first: a missing one fails before anything is made) and its environment. */
export function tracerSetup(options: TraceOptions, warn: (line: string) => void): TracerSetup {
  const setup = options.tracer === 'host' ? hostSetup(options, warn) : cuptiSetup(options, warn);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...setup.env,
    GRAPHPROF_TRACE_API_CLASSES: apiClassesSpec(),
    GRAPHPROF_TRACE_TIMELINE_STEPS: String(options.timelineSteps),
  };
  delete env.GRAPHPROF_TRACE_STEP;
  if (setup.stepMarker) env.GRAPHPROF_TRACE_STEP = setup.stepMarker;
  delete env.GRAPHPROF_TRACE_CAPTURE;
  if (options.captureRange) env.GRAPHPROF_TRACE_CAPTURE = options.captureRange;
  return { ...setup, env };
}

/** The traced command's environment, with the folder the library writes its records into. */
export function tracedEnv(setup: TracerSetup, dir: string): NodeJS.ProcessEnv {
  return { ...setup.env, GRAPHPROF_TRACE_DIR: dir };
}
