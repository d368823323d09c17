import { describe, expect, it } from 'vitest';

import { API_RULES, baseApiName, classifyApi, looksLikeCudaApi } from '../../../src/core/analyze/launch-apis.js';

describe('baseApiName', () => {
  it.each([
    ['cudaLaunchKernel', 'cudaLaunchKernel'],
    ['cudaLaunchKernel_v7000', 'cudaLaunchKernel'],
    ['cudaLaunchKernel_ptsz_v7000', 'cudaLaunchKernel'],
    ['cudaLaunchKernelExC_v11060', 'cudaLaunchKernelExC'],
    ['cudaMemcpyAsync_ptds', 'cudaMemcpyAsync'],
    ['cuMemAlloc_v2', 'cuMemAlloc'],
    ['cudaGetDeviceProperties_v2_v12000', 'cudaGetDeviceProperties'],
    ['cuLaunchKernel', 'cuLaunchKernel'],
  ])('%s -> %s', (name, base) => {
    expect(baseApiName(name)).toBe(base);
  });
});

describe('classifyApi: the one table', () => {
  it.each([
    ['cudaLaunchKernel', 'kernel-launch'],
    ['cudaLaunchKernel_ptsz_v7000', 'kernel-launch'],
    ['cudaLaunchKernelExC_v11060', 'kernel-launch'],
    ['cudaLaunchCooperativeKernel_v9000', 'kernel-launch'],
    ['cuLaunchKernel', 'kernel-launch'],
    ['cuLaunchKernelEx', 'kernel-launch'],
    ['__cudaLaunchKernel', 'kernel-launch'],
    ['cudaGraphLaunch_v10000', 'graph-launch'],
    ['cuGraphLaunch', 'graph-launch'],
    ['cudaGraphInstantiate_v12000', 'graph-build'],
    ['cudaStreamBeginCapture_v10000', 'graph-build'],
    ['cudaStreamIsCapturing_v10000', 'graph-build'],
    ['cudaMemcpyAsync', 'memcpy'],
    ['cudaMemcpy', 'memcpy'],
    ['cuMemcpyHtoDAsync_v2', 'memcpy'],
    ['cudaMemsetAsync', 'memset'],
    ['cuMemsetD32Async', 'memset'],
    ['cudaStreamSynchronize', 'sync'],
    ['cudaDeviceSynchronize', 'sync'],
    ['cudaEventSynchronize', 'sync'],
    ['cuStreamSynchronize', 'sync'],
    ['cuCtxSynchronize', 'sync'],
    ['cudaMalloc', 'alloc'],
    ['cudaMallocAsync', 'alloc'],
    ['cuMemAlloc_v2', 'alloc'],
    ['cudaFree', 'free'],
    ['cuMemFree_v2', 'free'],
    ['cudaEventRecord', 'other'],
    ['cudaStreamCreateWithFlags', 'other'],
    ['cuGetProcAddress_v2', 'other'],
    ['cuKernelGetName', 'other'],
    ['cudaMemGetInfo', 'other'],
  ])('%s is %s', (name, cls) => {
    expect(classifyApi(name).rule?.cls).toBe(cls);
  });

  it('marks what cannot be captured', () => {
    expect(classifyApi('cudaStreamSynchronize').rule?.blocksCapture).toBe(true);
    expect(classifyApi('cudaMalloc').rule?.blocksCapture).toBe(true);
    expect(classifyApi('cudaFree').rule?.blocksCapture).toBe(true);
    expect(classifyApi('cudaMallocAsync').rule?.blocksCapture).toBeUndefined();
    expect(classifyApi('cudaFreeAsync').rule?.blocksCapture).toBeUndefined();
  });

  it('returns null, not an error, for names it does not know', () => {
    expect(classifyApi('cudaSomethingNew_v13000')).toEqual({ base: 'cudaSomethingNew', rule: null });
    expect(classifyApi('poll').rule).toBeNull();
  });

  it('has no rule twice', () => {
    const keys = API_RULES.map((r) => `${r.prefix ? 'prefix' : 'exact'}:${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('tells CUDA API names from OS runtime names', () => {
    expect(looksLikeCudaApi('cudaLaunchKernel')).toBe(true);
    expect(looksLikeCudaApi('cuInit')).toBe(true);
    expect(looksLikeCudaApi('__cudaPushCallConfiguration')).toBe(true);
    expect(looksLikeCudaApi('pthread_cond_wait')).toBe(false);
    expect(looksLikeCudaApi('curl_easy_perform')).toBe(false);
  });
});
