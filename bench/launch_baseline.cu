// Raw CUDA C++ baseline for the harness: the same decode-step kernels as native/harness.cu, as a
// plain loop of <<<>>> launches and as a plain graph replay; no harness, no Node. It prints one
// JSON object so bench/gpu-summary.mjs can set the harness's figures against it.
//   nvcc -O2 -std=c++17 -arch=sm_90 -Inative bench/launch_baseline.cu -o /tmp/launch_baseline
//   /tmp/launch_baseline --kernels 847 --kernel spin --kernel-us 2 --iterations 100 --warmup 10
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "checksum.h"

#define CHECK(call)                                                                        \
  do {                                                                                     \
    cudaError_t e = (call);                                                                \
    if (e != cudaSuccess) {                                                                \
      std::fprintf(stderr, "%s: %s at %s:%d\n", cudaGetErrorName(e), #call, __FILE__, __LINE__); \
      std::exit(3);                                                                        \
    }                                                                                      \
  } while (0)

using Clock = std::chrono::steady_clock;
static double ns(Clock::time_point a, Clock::time_point b) {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

__device__ inline uint64_t globalTimerNs() {
  uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}
__global__ void emptyKernel(unsigned long long* c, uint32_t i) {
  if (threadIdx.x == 0) *c = graphprof::fold(*c, i);
}
__global__ void spinKernel(unsigned long long* c, uint32_t i, uint64_t spinNs) {
  if (threadIdx.x == 0) {
    const uint64_t t0 = globalTimerNs();
    while (globalTimerNs() - t0 < spinNs) {
    }
    *c = graphprof::fold(*c, i);
  }
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char** argv) {
  int kernels = 847, iterations = 100, warmup = 10;
  double kernelUs = 2;
  std::string kind = "spin";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--kernels") kernels = std::atoi(argv[i + 1]);
    else if (a == "--iterations") iterations = std::atoi(argv[i + 1]);
    else if (a == "--warmup") warmup = std::atoi(argv[i + 1]);
    else if (a == "--kernel-us") kernelUs = std::atof(argv[i + 1]);
    else if (a == "--kernel") kind = argv[i + 1];
  }
  const uint64_t spinNs = uint64_t(kernelUs * 1000);
  const bool spin = kind == "spin";
  unsigned long long* c = nullptr;
  CHECK(cudaMalloc(&c, sizeof *c));
  cudaStream_t s;
  CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  auto enqueue = [&] {
    for (int k = 0; k < kernels; ++k) {
      if (spin) spinKernel<<<1, 32, 0, s>>>(c, k, spinNs);
      else emptyKernel<<<1, 32, 0, s>>>(c, k);
    }
  };

  // Eager: a plain loop of launches; host time of the loop, then sync.
  std::vector<double> eagerEnqueue, eagerWall;
  CHECK(cudaMemset(c, 0, sizeof *c));
  for (int it = 0; it < warmup + iterations; ++it) {
    const auto t0 = Clock::now();
    enqueue();
    const auto t1 = Clock::now();
    CHECK(cudaStreamSynchronize(s));
    const auto t2 = Clock::now();
    if (it >= warmup) {
      eagerEnqueue.push_back(ns(t0, t1));
      eagerWall.push_back(ns(t0, t2));
    }
  }
  CHECK(cudaGetLastError());
  unsigned long long got = 0;
  CHECK(cudaMemcpy(&got, c, sizeof got, cudaMemcpyDeviceToHost));
  const bool eagerOk = got == graphprof::foldSteps(kernels, warmup + iterations);

  // Graph: capture once, replay; device time from events.
  cudaGraph_t g;
  cudaGraphExec_t ge;
  CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
  enqueue();
  CHECK(cudaStreamEndCapture(s, &g));
  CHECK(cudaGraphInstantiate(&ge, g, 0));
  CHECK(cudaGraphUpload(ge, s));
  CHECK(cudaMemset(c, 0, sizeof *c));
  CHECK(cudaDeviceSynchronize());
  std::vector<double> graphDevice, graphLaunch, graphWall;
  for (int it = 0; it < warmup + iterations; ++it) {
    CHECK(cudaEventRecord(e0, s));
    const auto t0 = Clock::now();
    CHECK(cudaGraphLaunch(ge, s));
    const auto t1 = Clock::now();
    CHECK(cudaEventRecord(e1, s));
    CHECK(cudaStreamSynchronize(s));
    const auto t2 = Clock::now();
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, e0, e1));
    if (it >= warmup) {
      graphDevice.push_back(ms * 1e6);
      graphLaunch.push_back(ns(t0, t1));
      graphWall.push_back(ns(t0, t2));
    }
  }
  CHECK(cudaMemcpy(&got, c, sizeof got, cudaMemcpyDeviceToHost));
  const bool graphOk = got == graphprof::foldSteps(kernels, warmup + iterations);

  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  std::printf(
      "{\"gpu\": \"%s\", \"kernel\": \"%s\", \"kernels\": %d, \"iterations\": %d, "
      "\"eagerEnqueueP50Ns\": %.1f, \"eagerHostPerLaunchNs\": %.2f, \"eagerStepP50Ns\": %.1f, "
      "\"graphDeviceP50Ns\": %.1f, \"graphDevicePerNodeNs\": %.2f, \"graphLaunchP50Ns\": %.1f, "
      "\"graphStepP50Ns\": %.1f, \"checksumOk\": %s}\n",
      prop.name, kind.c_str(), kernels, iterations, median(eagerEnqueue), median(eagerEnqueue) / kernels,
      median(eagerWall), median(graphDevice), median(graphDevice) / kernels, median(graphLaunch),
      median(graphWall), eagerOk && graphOk ? "true" : "false");
  return eagerOk && graphOk ? 0 : 1;
}
