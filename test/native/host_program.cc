// A CUDA program without a GPU, for the host tracer's test (test/e2e/trace-host.test.ts). It
// reaches the driver as cudart does (dlopen libcuda.so.1, dlsym cuGetProcAddress, then
// cuGetProcAddress for everything, legacy and per-thread-stream variants) and as Triton does (dlsym
// of one entry point), does its set-up outside the steps (allocations, copies, syncs, warm-up
// launches), marks steps with NVTX, tears down after them, and prints what the stand-in driver
// (fake_cuda.cc) counted, so that the test can hold the trace against it.
//   host_program [steps] [capture]: capture = cuProfilerStart after the warm-up, Stop before the last step
// Outside the steps: 4 cuMemAlloc, 3 cuMemcpyHtoD, 3 launches, cuCtxSynchronize (both ABIs), then
// after them 1 cuMemcpyDtoH and 1 cuCtxSynchronize, and 4 launches on another thread.
// Each step: 6 + 2 (per-thread) + 1 (dlsym) launches, 1 graph launch, 1 cuMemcpyHtoDAsync,
// 1 cuMemsetD32Async, 1 cuStreamSynchronize.
#include <cuda.h>
#include <dlfcn.h>
#include <nvtx3/nvToolsExt.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

using GetProc = CUresult (*)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
using Launch = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**);
using OneArg = CUresult (*)(void*);
using TwoArgs = CUresult (*)(void*, void*);
using NoArg = CUresult (*)();
using Init = CUresult (*)(unsigned);
using Alloc = CUresult (*)(CUdeviceptr*, size_t);
using HtoD = CUresult (*)(CUdeviceptr, const void*, size_t);
using HtoDAsync = CUresult (*)(CUdeviceptr, const void*, size_t, CUstream);
using DtoH = CUresult (*)(void*, CUdeviceptr, size_t);
using MemsetAsync = CUresult (*)(CUdeviceptr, unsigned int, size_t, CUstream);

template <typename F>
F get(GetProc gp, const char* name, int version, cuuint64_t flags = 0) {
  void* p = nullptr;
  if (gp(name, &p, version, flags, nullptr) != CUDA_SUCCESS || !p) {
    std::fprintf(stderr, "host_program: %s not found\n", name);
    std::exit(1);
  }
  return reinterpret_cast<F>(p);
}

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 5;
  const bool capture = argc > 2 && std::strcmp(argv[2], "capture") == 0;
  void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!cuda) return std::fprintf(stderr, "host_program: %s\n", dlerror()), 1;
  // cudart's way: cuGetProcAddress by dlsym, then cuGetProcAddress for itself.
  auto gp1 = reinterpret_cast<CUresult (*)(const char*, void**, int, cuuint64_t)>(dlsym(cuda, "cuGetProcAddress"));
  void* p = nullptr;
  gp1("cuGetProcAddress", &p, 12000, 0);
  auto gp = reinterpret_cast<GetProc>(p);
  get<Init>(gp, "cuInit", 2000)(0);
  auto launch = get<Launch>(gp, "cuLaunchKernel", 4000);
  auto launchPt = get<Launch>(gp, "cuLaunchKernel", 7000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM);
  auto sync = get<OneArg>(gp, "cuStreamSynchronize", 2000);
  auto graph = get<TwoArgs>(gp, "cuGraphLaunch", 10000);
  auto ctxSync = get<NoArg>(gp, "cuCtxSynchronize", 2000);
  auto ctxSync2 = get<OneArg>(gp, "cuCtxSynchronize", 13000);
  auto profStart = get<NoArg>(gp, "cuProfilerStart", 4000);
  auto profStop = get<NoArg>(gp, "cuProfilerStop", 4000);
  auto alloc = get<Alloc>(gp, "cuMemAlloc", 3020);
  auto htod = get<HtoD>(gp, "cuMemcpyHtoD", 3020);
  auto htodAsync = get<HtoDAsync>(gp, "cuMemcpyHtoDAsync", 3020);
  auto dtoh = get<DtoH>(gp, "cuMemcpyDtoH", 3020);
  auto memsetAsync = get<MemsetAsync>(gp, "cuMemsetD32Async", 3020);
  // Triton's way: one entry point by dlsym.
  auto launchDirect = reinterpret_cast<Launch>(dlsym(cuda, "cuLaunchKernel"));
  // dlsym(RTLD_NEXT) from the program must still mean "after the program" (here: libc's getenv).
  const bool nextOk = dlsym(RTLD_NEXT, "getenv") == dlsym(RTLD_DEFAULT, "getenv");

  char host[64] = {0};
  CUdeviceptr buffers[4];
  for (auto& b : buffers) alloc(&b, 1 << 20);  // set-up: weights, KV cache
  for (int i = 0; i < 3; ++i) htod(buffers[i], host, sizeof host);
  for (int i = 0; i < 3; ++i) launch(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);  // warm-up
  ctxSync();
  ctxSync2(nullptr);
  if (capture) profStart();
  for (int s = 0; s < steps; ++s) {
    if (capture && s == steps - 1) profStop();
    nvtxRangePushA("step");
    for (int i = 0; i < 6; ++i) launch(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
    for (int i = 0; i < 2; ++i) launchPt(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
    launchDirect(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
    graph(nullptr, nullptr);
    htodAsync(buffers[3], host, sizeof host, nullptr);
    memsetAsync(buffers[3], 0, 16, nullptr);
    sync(nullptr);
    nvtxRangePop();
  }
  dtoh(host, buffers[0], sizeof host);  // teardown
  ctxSync();
  std::thread([&] {  // another thread: counted, not in the main thread's steps
    for (int i = 0; i < 4; ++i) launch(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
  }).join();
  auto calls = reinterpret_cast<int (*)(int)>(dlsym(cuda, "fake_cuda_calls"));
  std::printf("{\"cuLaunchKernel\": %d, \"cuLaunchKernel_ptsz\": %d, \"cuStreamSynchronize\": %d, \"cuGraphLaunch\": %d, \"cuCtxSynchronize\": %d, \"cuCtxSynchronize_v2\": %d, \"cuProfilerStart\": %d, \"cuProfilerStop\": %d, "
              "\"cuMemAlloc_v2\": %d, \"cuMemcpyHtoD_v2\": %d, \"cuMemcpyHtoDAsync_v2\": %d, \"cuMemcpyDtoH_v2\": %d, \"cuMemsetD32Async\": %d, \"rtldNext\": %s}\n",
              calls(0), calls(1), calls(2), calls(3), calls(4), calls(5), calls(6), calls(7), calls(9), calls(10), calls(11), calls(12), calls(13), nextOk ? "true" : "false");
  return 0;
}
