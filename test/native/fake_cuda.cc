// A stand-in libcuda.so.1 for testing the host tracer without a GPU (test/e2e/trace-host.test.ts):
// the entry points host_program.cc uses, each counting its calls, and cuGetProcAddress as the real
// driver answers it (by name, ABI version and per-thread-stream flag).
// Plain C types, not cuda.h: cuda.h renames some of these symbols to their newest ABI.
#include <cstdint>
#include <cstring>

using CUresult = int;
using CUstream = void*;
using CUfunction = void*;
using CUcontext = void*;
using CUgraphExec = void*;
using CUgraph = void*;
using CUdeviceptr = unsigned long long;
using cuuint64_t = uint64_t;
using CUdriverProcAddressQueryResult = int;
constexpr int CUDA_SUCCESS = 0, CUDA_ERROR_NOT_FOUND = 500;
constexpr uint64_t CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM = 2;
#define CUDAAPI

namespace {
int g_calls[16];
size_t g_allocated = 0;  // device bytes allocated through the stand-in: cuMemGetInfo's free drops by them
constexpr size_t kDeviceBytes = size_t{80} << 30;
enum { kLaunch, kLaunchPt, kSync, kGraph, kCtxSync1, kCtxSync2, kProfStart, kProfStop, kInit, kAlloc, kHtoD, kHtoDAsync, kDtoH, kMemset, kCount };
}  // namespace

extern "C" {
// NOLINTBEGIN: the driver's names
__attribute__((visibility("default"))) int fake_cuda_calls(int i) { return g_calls[i]; }
CUresult CUDAAPI cuInit(unsigned int) { ++g_calls[kInit]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDriverGetVersion(int* v) { *v = 13000; return CUDA_SUCCESS; }
CUresult CUDAAPI cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**) {
  ++g_calls[kLaunch];
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuLaunchKernel_ptsz(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**) {
  ++g_calls[kLaunchPt];
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuStreamSynchronize(CUstream) { ++g_calls[kSync]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuGraphLaunch(CUgraphExec, CUstream) { ++g_calls[kGraph]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuCtxSynchronize() { ++g_calls[kCtxSync1]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuCtxSynchronize_v2(CUcontext) { ++g_calls[kCtxSync2]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuProfilerStart() { ++g_calls[kProfStart]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr* p, size_t n) { ++g_calls[kAlloc]; g_allocated += n; *p = 0x1000; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemGetInfo_v2(size_t* free, size_t* total) { *free = kDeviceBytes - g_allocated; *total = kDeviceBytes; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyHtoD_v2(CUdeviceptr, const void*, size_t) { ++g_calls[kHtoD]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyHtoDAsync_v2(CUdeviceptr, const void*, size_t, CUstream) { ++g_calls[kHtoDAsync]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyDtoH_v2(void*, CUdeviceptr, size_t) { ++g_calls[kDtoH]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemsetD32Async(CUdeviceptr, unsigned int, size_t, CUstream) { ++g_calls[kMemset]; return CUDA_SUCCESS; }
CUresult CUDAAPI cuProfilerStop() { ++g_calls[kProfStop]; return CUDA_SUCCESS; }
// Graph capture (sweep_program's SWEEP_CAPTURE): distinct handles, nothing behind them.
CUresult CUDAAPI cuStreamBeginCapture_v2(CUstream, int) { return CUDA_SUCCESS; }
CUresult CUDAAPI cuStreamEndCapture(CUstream, CUgraph* g) {
  static char graphs[64];
  static int next = 0;
  *g = &graphs[next++ % 64];
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuGraphInstantiateWithFlags(CUgraphExec* e, CUgraph, unsigned long long) {
  static char execs[64];
  static int next = 0;
  *e = &execs[next++ % 64];
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuGraphUpload(CUgraphExec, CUstream) { return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemAllocAsync(CUdeviceptr* p, size_t n, CUstream) { g_allocated += n; *p = 0x2000; return CUDA_SUCCESS; }

CUresult CUDAAPI cuGetProcAddress_v2(const char* symbol, void** pfn, int version, cuuint64_t flags, CUdriverProcAddressQueryResult* status);
CUresult CUDAAPI cuGetProcAddress(const char* symbol, void** pfn, int version, cuuint64_t flags) {
  return cuGetProcAddress_v2(symbol, pfn, version, flags, nullptr);
}
CUresult CUDAAPI cuGetProcAddress_v2(const char* symbol, void** pfn, int version, cuuint64_t flags, CUdriverProcAddressQueryResult* status) {
  const bool pt = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
  void* fn = nullptr;
  if (!std::strcmp(symbol, "cuGetProcAddress")) fn = version >= 12000 ? (void*)&cuGetProcAddress_v2 : (void*)&cuGetProcAddress;
  else if (!std::strcmp(symbol, "cuInit")) fn = (void*)&cuInit;
  else if (!std::strcmp(symbol, "cuDriverGetVersion")) fn = (void*)&cuDriverGetVersion;
  else if (!std::strcmp(symbol, "cuLaunchKernel")) fn = pt ? (void*)&cuLaunchKernel_ptsz : (void*)&cuLaunchKernel;
  else if (!std::strcmp(symbol, "cuStreamSynchronize")) fn = (void*)&cuStreamSynchronize;
  else if (!std::strcmp(symbol, "cuGraphLaunch")) fn = (void*)&cuGraphLaunch;
  else if (!std::strcmp(symbol, "cuCtxSynchronize")) fn = version >= 13000 ? (void*)&cuCtxSynchronize_v2 : (void*)&cuCtxSynchronize;
  else if (!std::strcmp(symbol, "cuProfilerStart")) fn = (void*)&cuProfilerStart;
  else if (!std::strcmp(symbol, "cuMemAlloc")) fn = (void*)&cuMemAlloc_v2;
  else if (!std::strcmp(symbol, "cuMemcpyHtoD")) fn = (void*)&cuMemcpyHtoD_v2;
  else if (!std::strcmp(symbol, "cuMemcpyHtoDAsync")) fn = (void*)&cuMemcpyHtoDAsync_v2;
  else if (!std::strcmp(symbol, "cuMemcpyDtoH")) fn = (void*)&cuMemcpyDtoH_v2;
  else if (!std::strcmp(symbol, "cuMemsetD32Async")) fn = (void*)&cuMemsetD32Async;
  else if (!std::strcmp(symbol, "cuProfilerStop")) fn = (void*)&cuProfilerStop;
  else if (!std::strcmp(symbol, "cuStreamBeginCapture")) fn = (void*)&cuStreamBeginCapture_v2;
  else if (!std::strcmp(symbol, "cuStreamEndCapture")) fn = (void*)&cuStreamEndCapture;
  else if (!std::strcmp(symbol, "cuGraphInstantiateWithFlags")) fn = (void*)&cuGraphInstantiateWithFlags;
  else if (!std::strcmp(symbol, "cuGraphUpload")) fn = (void*)&cuGraphUpload;
  else if (!std::strcmp(symbol, "cuMemAllocAsync")) fn = (void*)&cuMemAllocAsync;
  else if (!std::strcmp(symbol, "cuMemGetInfo")) fn = (void*)&cuMemGetInfo_v2;
  if (status) *status = fn ? 0 : 1;  // CU_GET_PROC_ADDRESS_SUCCESS, _SYMBOL_NOT_FOUND
  *pfn = fn;
  return fn ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}
}
