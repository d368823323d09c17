// The host tracer (graphprof trace's default) counts the driver APIs that
// native/trace/host_hooks.cc wraps (the wrappers need each API's C type, so the list lives in C++ too), by their driver names. This module holds that list and what an
// `api:` step marker naming a runtime API means under it. test/e2e/trace-host.test.ts checks that
// the list matches the C++ table.
import { UsageError } from '../../errors.js';
import { baseApiName } from '../analyze/launch-apis.js';

/** The wrapped driver APIs, as the symbols the driver exports (legacy-stream variants). */
export const HOST_APIS: readonly string[] = [
  'cuLaunchKernel', 'cuLaunchKernelEx', 'cuLaunchCooperativeKernel', 'cuLaunchHostFunc', 'cuGraphLaunch', 'cuGraphUpload',
  'cuMemcpy', 'cuMemcpyAsync', 'cuMemcpyHtoD_v2', 'cuMemcpyDtoH_v2', 'cuMemcpyDtoD_v2', 'cuMemcpyHtoDAsync_v2',
  'cuMemcpyDtoHAsync_v2', 'cuMemcpyDtoDAsync_v2', 'cuMemcpy2DAsync_v2', 'cuMemcpy3DAsync_v2', 'cuMemcpyPeerAsync',
  'cuMemsetD8_v2', 'cuMemsetD32_v2', 'cuMemsetD8Async', 'cuMemsetD16Async', 'cuMemsetD32Async', 'cuStreamSynchronize',
  'cuCtxSynchronize', 'cuEventSynchronize', 'cuEventRecord', 'cuEventRecordWithFlags', 'cuStreamWaitEvent', 'cuStreamQuery',
  'cuEventQuery', 'cuMemAlloc_v2', 'cuMemFree_v2', 'cuMemAllocAsync', 'cuMemFreeAsync', 'cuMemAllocFromPoolAsync',
  'cuMemAllocHost_v2', 'cuMemHostAlloc', 'cuMemFreeHost', 'cuMemAllocManaged', 'cuStreamBeginCapture_v2',
  'cuStreamEndCapture', 'cuGraphInstantiateWithFlags', 'cuCtxSynchronize_v2', 'cuMemGetInfo_v2',
];

/**
 * The driver API cudart 13 calls for a runtime API (one call each), for `api:` markers. A runtime
 * name with no single driver counterpart here (cudaMemcpy picks one of several) is refused.
 */
export const RUNTIME_TO_DRIVER: Readonly<Record<string, string>> = {
  cudaLaunchKernel: 'cuLaunchKernel',
  cudaLaunchKernelExC: 'cuLaunchKernelEx',
  cudaLaunchCooperativeKernel: 'cuLaunchCooperativeKernel',
  cudaLaunchHostFunc: 'cuLaunchHostFunc',
  cudaGraphLaunch: 'cuGraphLaunch',
  cudaGraphUpload: 'cuGraphUpload',
  cudaStreamSynchronize: 'cuStreamSynchronize',
  cudaDeviceSynchronize: 'cuCtxSynchronize',
  cudaEventSynchronize: 'cuEventSynchronize',
  cudaEventRecord: 'cuEventRecord',
  cudaEventRecordWithFlags: 'cuEventRecordWithFlags',
  cudaStreamWaitEvent: 'cuStreamWaitEvent',
  cudaStreamQuery: 'cuStreamQuery',
  cudaEventQuery: 'cuEventQuery',
  cudaStreamBeginCapture: 'cuStreamBeginCapture',
  cudaStreamEndCapture: 'cuStreamEndCapture',
  cudaMallocAsync: 'cuMemAllocAsync',
  cudaFreeAsync: 'cuMemFreeAsync',
};

/** `api:NAME` as the host tracer sees it: a driver name it wraps (runtime names translated). */
export function hostStepMarker(name: string): string {
  const base = baseApiName(name);
  const driver = base.startsWith('cu') && !base.startsWith('cuda') ? base : RUNTIME_TO_DRIVER[base];
  const wrapped = new Set(HOST_APIS.map(baseApiName));
  if (driver === undefined || !wrapped.has(driver)) {
    throw new UsageError(
      `--step-marker api:${name}: the host tracer sees driver calls only, and ${base} ${driver === undefined ? 'has no single driver call it maps to' : 'is not one it wraps'}; use one of ${Object.keys(RUNTIME_TO_DRIVER).slice(0, 4).join(', ')}, ... or a driver name such as api:cuStreamSynchronize, or --tracer cupti`,
    );
  }
  return driver;
}
