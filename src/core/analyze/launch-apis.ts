// The one table of CUDA API names that `analyze` knows, and what each one means for launch
// overhead and graph capture. docs/formats.md prints this table; keep the two in step.
//
// Names are matched after their suffixes are stripped: nsys keeps the CUPTI version suffix on some
// names (`cudaGraphLaunch_v10000`, `cudaLaunchKernelExC_v11060`), the driver API has `_v2`/`_v3`
// entry points (`cuMemAlloc_v2`), and per-thread default-stream variants end in `_ptsz`/`_ptds`.
import type { LaunchClassifier } from '../trace/figures.js';

export type ApiClass =
  /** enqueues one kernel: the launch overhead that a CUDA graph removes */
  | 'kernel-launch'
  /** replays a whole graph with one call */
  | 'graph-launch'
  /** builds, captures or manages graphs (one-off cost, not per step) */
  | 'graph-build'
  | 'memcpy'
  | 'memset'
  /** the host waits for the GPU: cannot be captured */
  | 'sync'
  | 'alloc'
  | 'free'
  /** known, but neither a launch, a copy, a sync nor an allocation (events, streams, modules, queries) */
  | 'other';

export interface ApiRule {
  /** base name (suffixes stripped); with `prefix`, every name that starts with it */
  readonly name: string;
  readonly prefix?: true;
  readonly cls: ApiClass;
  /** true where the call cannot be made inside a stream capture (host syncs, blocking allocations) */
  readonly blocksCapture?: true;
}

const k = (name: string): ApiRule => ({ name, cls: 'kernel-launch' });
const rule = (name: string, cls: ApiClass, extra: Partial<ApiRule> = {}): ApiRule => ({ name, cls, ...extra });

/** Exact names first, then prefixes (the longest matching prefix wins). */
export const API_RULES: readonly ApiRule[] = [
  // kernel launches: runtime, driver and the old internal entry points
  k('cudaLaunchKernel'),
  k('cudaLaunchKernelExC'),
  k('cudaLaunchKernelEx'),
  k('cudaLaunchCooperativeKernel'),
  k('cudaLaunchCooperativeKernelMultiDevice'),
  k('cudaLaunch'),
  k('cudaLaunchDevice'),
  k('__cudaLaunchKernel'),
  k('__cudaLaunch'),
  k('cuLaunchKernel'),
  k('cuLaunchKernelEx'),
  k('cuLaunchCooperativeKernel'),
  k('cuLaunchCooperativeKernelMultiDevice'),
  k('cuLaunch'),
  k('cuLaunchGrid'),
  k('cuLaunchGridAsync'),
  // graph replay
  rule('cudaGraphLaunch', 'graph-launch'),
  rule('cuGraphLaunch', 'graph-launch'),
  // graph construction and capture (everything else named cudaGraph*/cuGraph* falls in the prefix rules)
  rule('cudaStreamBeginCapture', 'graph-build'),
  rule('cudaStreamBeginCaptureToGraph', 'graph-build'),
  rule('cudaStreamEndCapture', 'graph-build'),
  rule('cudaStreamIsCapturing', 'graph-build'),
  rule('cudaStreamGetCaptureInfo', 'graph-build'),
  rule('cudaStreamUpdateCaptureDependencies', 'graph-build'),
  rule('cudaThreadExchangeStreamCaptureMode', 'graph-build'),
  rule('cuStreamBeginCapture', 'graph-build'),
  rule('cuStreamEndCapture', 'graph-build'),
  rule('cuStreamIsCapturing', 'graph-build'),
  rule('cuStreamGetCaptureInfo', 'graph-build'),
  rule('cuThreadExchangeStreamCaptureMode', 'graph-build'),
  rule('cudaGraph', 'graph-build', { prefix: true }),
  rule('cuGraph', 'graph-build', { prefix: true }),
  // copies and fills (all variants: Async, 2D, 3D, Peer, ToSymbol, HtoD, DtoH, Batch...)
  rule('cudaMemcpy', 'memcpy', { prefix: true }),
  rule('cuMemcpy', 'memcpy', { prefix: true }),
  rule('cudaMemset', 'memset', { prefix: true }),
  rule('cuMemset', 'memset', { prefix: true }),
  // host synchronisation
  rule('cudaStreamSynchronize', 'sync', { blocksCapture: true }),
  rule('cudaDeviceSynchronize', 'sync', { blocksCapture: true }),
  rule('cudaEventSynchronize', 'sync', { blocksCapture: true }),
  rule('cudaThreadSynchronize', 'sync', { blocksCapture: true }),
  rule('cuStreamSynchronize', 'sync', { blocksCapture: true }),
  rule('cuCtxSynchronize', 'sync', { blocksCapture: true }),
  rule('cuEventSynchronize', 'sync', { blocksCapture: true }),
  // allocation: the blocking ones cannot be captured; the stream-ordered ones become graph nodes
  rule('cudaMalloc', 'alloc', { blocksCapture: true }),
  rule('cudaMallocHost', 'alloc', { blocksCapture: true }),
  rule('cudaHostAlloc', 'alloc', { blocksCapture: true }),
  rule('cudaMallocManaged', 'alloc', { blocksCapture: true }),
  rule('cudaMallocPitch', 'alloc', { blocksCapture: true }),
  rule('cudaMalloc3D', 'alloc', { blocksCapture: true }),
  rule('cudaMallocArray', 'alloc', { blocksCapture: true }),
  rule('cudaMalloc3DArray', 'alloc', { blocksCapture: true }),
  rule('cudaMallocAsync', 'alloc'),
  rule('cudaMallocFromPoolAsync', 'alloc'),
  rule('cuMemAlloc', 'alloc', { blocksCapture: true }),
  rule('cuMemAllocHost', 'alloc', { blocksCapture: true }),
  rule('cuMemHostAlloc', 'alloc', { blocksCapture: true }),
  rule('cuMemAllocManaged', 'alloc', { blocksCapture: true }),
  rule('cuMemAllocPitch', 'alloc', { blocksCapture: true }),
  rule('cuMemCreate', 'alloc', { blocksCapture: true }),
  rule('cuMemAllocAsync', 'alloc'),
  rule('cuMemAllocFromPoolAsync', 'alloc'),
  rule('cudaFree', 'free', { blocksCapture: true }),
  rule('cudaFreeHost', 'free', { blocksCapture: true }),
  rule('cudaFreeArray', 'free', { blocksCapture: true }),
  rule('cudaFreeAsync', 'free'),
  rule('cuMemFree', 'free', { blocksCapture: true }),
  rule('cuMemFreeHost', 'free', { blocksCapture: true }),
  rule('cuMemRelease', 'free', { blocksCapture: true }),
  rule('cuMemFreeAsync', 'free'),
  // known families that are none of the above
  ...[
    'cudaEvent', 'cudaStream', 'cudaDevice', 'cudaGetDevice', 'cudaSetDevice', 'cudaChooseDevice', 'cudaFunc',
    'cudaOccupancy', 'cudaPointer', 'cudaMemPool', 'cudaMemGetInfo', 'cudaMemPrefetch', 'cudaMemAdvise',
    'cudaMemRangeGet', 'cudaHostRegister', 'cudaHostUnregister', 'cudaHostGet', 'cudaIpc', 'cudaProfiler',
    'cudaGetDriverEntryPoint', 'cudaGetLastError', 'cudaPeekAtLastError', 'cudaGetErrorString', 'cudaGetErrorName',
    'cudaDriverGetVersion', 'cudaRuntimeGetVersion', 'cudaGetSymbol', 'cudaGetFuncBySymbol', 'cudaGetKernel',
    'cudaLaunchHostFunc', 'cudaUserObject', 'cudaCtxResetPersistingL2Cache', 'cudaThreadExchange', 'cudaSetValidDevices',
    'cudaArray', 'cudaCreateTextureObject', 'cudaDestroyTextureObject', 'cudaCreateSurfaceObject', 'cudaDestroySurfaceObject',
    'cudaGraphicsMap', 'cudaLibrary', 'cudaKernel', 'cudaInitDevice',
    'cuInit', 'cuDriverGetVersion', 'cuGetProcAddress', 'cuGetErrorString', 'cuGetErrorName', 'cuGetExportTable',
    'cuCtx', 'cuDevice', 'cuModule', 'cuLibrary', 'cuKernel', 'cuFunc', 'cuEvent', 'cuStream', 'cuOccupancy',
    'cuPointer', 'cuMemGetInfo', 'cuMemGetAddressRange', 'cuMemGetAllocationGranularity', 'cuMemMap', 'cuMemUnmap',
    'cuMemSetAccess', 'cuMemAddressReserve', 'cuMemAddressFree', 'cuMemExport', 'cuMemImport', 'cuMemRetain',
    'cuMemPool', 'cuMemPrefetch', 'cuMemAdvise', 'cuMemRangeGet', 'cuMemHostRegister', 'cuMemHostUnregister',
    'cuMemHostGet', 'cuIpc', 'cuProfiler', 'cuLaunchHostFunc', 'cuLinkCreate', 'cuLinkAdd', 'cuLinkComplete',
    'cuLinkDestroy', 'cuUserObject', 'cuArray', 'cuTex', 'cuSurf', 'cuGraphics', 'cuCoredump', 'cuFlushGPUDirectRDMAWrites',
  ].map((name) => rule(name, 'other', { prefix: true })),
];

const exact = new Map<string, ApiRule>();
const prefixes: ApiRule[] = [];
for (const r of API_RULES) {
  if (r.prefix) prefixes.push(r);
  else exact.set(r.name, r);
}
prefixes.sort((a, b) => b.name.length - a.name.length);

const SUFFIX = /(?:_v\d+|_ptsz|_ptds)$/;

/** "cudaLaunchKernel_ptsz_v7000" -> "cudaLaunchKernel"; "cuMemAlloc_v2" -> "cuMemAlloc". */
export function baseApiName(name: string): string {
  let base = name.trim();
  for (let m = SUFFIX.exec(base); m; m = SUFFIX.exec(base)) base = base.slice(0, m.index);
  return base;
}

export interface ApiClassification {
  readonly base: string;
  /** null: not in the table (reported as an unknown API, counted in host API time only) */
  readonly rule: ApiRule | null;
}

const cache = new Map<string, ApiClassification>();

export function classifyApi(name: string): ApiClassification {
  const hit = cache.get(name);
  if (hit) return hit;
  const base = baseApiName(name);
  let found: ApiRule | null = exact.get(base) ?? null;
  if (!found) {
    for (const p of prefixes) {
      if (base.startsWith(p.name)) {
        found = p;
        break;
      }
    }
  }
  const result = { base, rule: found };
  if (cache.size < 10_000) cache.set(name, result);
  return result;
}

/** A name that looks like a CUDA runtime or driver API call (used to tell cuda_api_sum from osrt_sum). */
export function looksLikeCudaApi(name: string): boolean {
  return /^(?:cuda|cu|__cuda)[A-Z_]/.test(name.trim());
}

/** Kernel and graph launches as this table defines them, for trace's and sweep's records. */
export const launchClassifier: LaunchClassifier = {
  isLaunch: (name) => classifyApi(name).rule?.cls === 'kernel-launch',
  isGraphLaunch: (name) => classifyApi(name).rule?.cls === 'graph-launch',
};
