// A program whose launches and steps are known exactly, for checking `graphprof trace` on a GPU
// (bench/gpu-trace.sh, check 6): several threads, NVTX push/pop ranges and start/end ranges (one
// of them ended on another thread), runtime and driver launches, and a nested runtime call.
//
//   nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_check.cu -o /tmp/trace_check -ldl
//   graphprof trace --step-marker nvtx:step -o t.json -- /tmp/trace_check
//
// Prints (JSON) what it did: per thread, how many steps and how many launches each step holds.
//   thread "push":   P steps, each nvtxRangePushA("step") + K <<<>>> launches + nvtxRangePop, with an
//                    outer range "outer" around all of them and an inner "other" range in each step
//   thread "driver": D steps, each nvtxRangePushA("step") + J cuLaunchKernel calls (driver API,
//                    through the runtime's entry-point lookup, as Triton does) + pop
//   thread "start":  S steps, each nvtxRangeStartA("step") + L launches + nvtxRangeEnd, the last one
//                    ended by the main thread after the thread has finished
// All three run at once. Every step's launches belong to the thread that opened the step.
#include <cuda.h>
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include "check.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

__global__ void tick(unsigned long long* p) {
  if (threadIdx.x == 0) atomicAdd(p, 1ull);
}


constexpr int P = 20, K = 50;  // push/pop thread
constexpr int D = 15, J = 40;  // driver-launch thread
constexpr int S = 12, L = 30;  // start/end thread

int main() {
  CHECK(cudaFree(nullptr));
  unsigned long long* counter = nullptr;
  CHECK(cudaMalloc(&counter, sizeof *counter));
  CHECK(cudaMemset(counter, 0, sizeof *counter));

  using LaunchFn = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                CUstream, void**, void**);
  void* entry = nullptr;
  cudaDriverEntryPointQueryResult q;
  CHECK(cudaGetDriverEntryPointByVersion("cuLaunchKernel", &entry, 12000, cudaEnableDefault, &q));
  if (q != cudaDriverEntryPointSuccess || !entry) {
    std::fprintf(stderr, "trace_check: cuLaunchKernel not found\n");
    return 1;
  }
  const auto cuLaunch = reinterpret_cast<LaunchFn>(entry);
  cudaFunction_t fn;
  CHECK(cudaGetFuncBySymbol(&fn, reinterpret_cast<const void*>(tick)));

  nvtxRangeId_t lastRange = 0;
  std::thread push([&] {
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    nvtxRangePushA("outer");
    for (int i = 0; i < P; ++i) {
      nvtxRangePushA("step");
      for (int k = 0; k < K; ++k) {
        if (k == K / 2) nvtxRangePushA("other");
        tick<<<1, 32, 0, s>>>(counter);
        if (k == K / 2) nvtxRangePop();
      }
      nvtxRangePop();
      CHECK(cudaStreamSynchronize(s));  // between steps: an API call outside every step
    }
    nvtxRangePop();
    CHECK(cudaStreamDestroy(s));
  });
  std::thread driver([&] {
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    void* args[] = {&counter};
    for (int i = 0; i < D; ++i) {
      nvtxRangePushA("step");
      for (int j = 0; j < J; ++j) {
        if (cuLaunch(reinterpret_cast<CUfunction>(fn), 1, 1, 1, 32, 1, 1, 0, s, args, nullptr) != CUDA_SUCCESS) {
          std::fprintf(stderr, "trace_check: cuLaunchKernel failed\n");
          std::exit(1);
        }
      }
      nvtxRangePop();
      CHECK(cudaStreamSynchronize(s));
    }
    CHECK(cudaStreamDestroy(s));
  });
  std::thread start([&] {
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    for (int i = 0; i < S; ++i) {
      const nvtxRangeId_t id = nvtxRangeStartA("step");
      for (int l = 0; l < L; ++l) tick<<<1, 32, 0, s>>>(counter);
      if (i + 1 < S) {
        nvtxRangeEnd(id);
        CHECK(cudaStreamSynchronize(s));
      } else {
        CHECK(cudaStreamSynchronize(s));
        lastRange = id;  // ended by the main thread, after this thread is gone
      }
    }
    CHECK(cudaStreamDestroy(s));
  });
  push.join();
  driver.join();
  start.join();
  nvtxRangeEnd(lastRange);

  CHECK(cudaDeviceSynchronize());
  unsigned long long total = 0;
  CHECK(cudaMemcpy(&total, counter, sizeof total, cudaMemcpyDeviceToHost));
  const unsigned long long expected = static_cast<unsigned long long>(P) * K + D * J + S * L;
  std::printf("{\"kernelsRun\":%llu,\"expected\":%llu,\"threads\":{\"push\":{\"steps\":%d,\"launches\":%d},"
              "\"driver\":{\"steps\":%d,\"launches\":%d},\"start\":{\"steps\":%d,\"launches\":%d}}}\n",
              total, expected, P, K, D, J, S, L);
  CHECK(cudaFree(counter));
  return total == expected ? 0 : 1;
}
