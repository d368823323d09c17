// Host cost that `graphprof trace` adds to each kernel launch, measured inside one process.
//
// Between processes the host time per launch on our lent VMs moves by up to 1.2 us with nothing
// changed (docs/trace.md, Overhead), more than the effect to measure. Here one process alternates
// blocks of steps with collection off and on, switched by cudaProfilerStart/Stop under the
// library's capture range (GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi), so both states share the
// process, its memory placement and its CPUs. Without the library the switch does nothing, and the
// same program measures the switch alone (the control: the difference must be zero).
//
//   nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o /tmp/trace_overhead
//   CUDA_INJECTION64_PATH=build/Release/libgraphprof_inject.so GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi \
//     GRAPHPROF_TRACE_DIR=/tmp/t /tmp/trace_overhead --kernels 847 --blocks 40 --steps 10
//
// A step: t0, K launches of an empty kernel, t1, then cudaStreamSynchronize (outside t0..t1, so a
// step's figure is the host cost of issuing K launches, as graphprof run's host/launch). A block
// is `steps` steps; its figure is the median step / K. Blocks alternate off, on, off, on...; the
// first pair is warm-up. Printed (JSON): the median of off and of on blocks, and the median of the
// paired differences (each on block minus the mean of the off blocks either side of it) with the
// 2.5th and 97.5th percentiles of a bootstrap of that median.
#include <cuda.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>

#include "check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

__global__ void emptyKernel(int flag) {
  if (flag == 12345) asm volatile("trap;");
}

// As graphprof run's empty kernel: one dependent read-modify-write of a checksum word.
__global__ void rmwKernel(unsigned long long* sum, unsigned long long index) {
  if (threadIdx.x == 0) *sum = *sum * 31ull + index;
}


struct Options {
  int kernels = 847, steps = 10, blocks = 40;
  std::string thread = "main";   // main | worker (a std::thread, as graphprof run's libuv worker)
  std::string launch = "chevron";  // chevron (<<<>>>) | runtime (cudaLaunchKernel) | driver (cuLaunchKernel)
  std::string kernel = "empty";   // empty | rmw (graphprof run's kernel)
  bool toggle = true;
  bool firstOn = false;  // the first block collects: kernels are loaded (lazily) while collecting
  int sticky = 0;        // > 0: `sticky` blocks off (never collected), `sticky` on, `sticky` off again
};

double now() { return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double at = p * (v.size() - 1);
  const size_t lo = static_cast<size_t>(at);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (at - lo);
}

void measure(const Options& o) {
  cudaStream_t s;
  CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  // The driver's cuLaunchKernel through the runtime's entry-point lookup (as Triton and CuPy reach
  // the driver), so that the program needs no libcuda at link time.
  using LaunchFn = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                CUstream, void**, void**);
  LaunchFn cuLaunch = nullptr;
  CUfunction fn = nullptr;
  if (o.launch == "driver") {
    cudaFunction_t f;
    CHECK(cudaGetFuncBySymbol(&f, o.kernel == "rmw" ? reinterpret_cast<const void*>(rmwKernel) : reinterpret_cast<const void*>(emptyKernel)));
    fn = reinterpret_cast<CUfunction>(f);
    void* p = nullptr;
    cudaDriverEntryPointQueryResult q;
    CHECK(cudaGetDriverEntryPointByVersion("cuLaunchKernel", &p, 12000, cudaEnableDefault, &q));
    if (q != cudaDriverEntryPointSuccess || !p) {
      std::fprintf(stderr, "trace_overhead: cuLaunchKernel not found\n");
      std::exit(1);
    }
    cuLaunch = reinterpret_cast<LaunchFn>(p);
  }
  int flag = 0;
  unsigned long long* sum = nullptr;
  CHECK(cudaMalloc(&sum, sizeof *sum));
  unsigned long long index = 0;
  void* args[] = {&flag};
  void* rmwArgs[] = {&sum, &index};
  const bool rmw = o.kernel == "rmw";
  auto launch = [&]() {
    ++index;
    if (o.launch == "chevron") {
      if (rmw) rmwKernel<<<1, 32, 0, s>>>(sum, index);
      else emptyKernel<<<1, 32, 0, s>>>(flag);
    } else if (o.launch == "runtime") {
      CHECK(cudaLaunchKernel(rmw ? reinterpret_cast<const void*>(rmwKernel) : reinterpret_cast<const void*>(emptyKernel), dim3(1),
                             dim3(32), rmw ? rmwArgs : args, 0, s));
    } else {
      if (cuLaunch(fn, 1, 1, 1, 32, 1, 1, 0, s, rmw ? rmwArgs : args, nullptr) != CUDA_SUCCESS) {
        std::fprintf(stderr, "cuLaunchKernel failed\n");
        std::exit(1);
      }
    }
  };
  std::vector<double> off, on;
  auto block = [&](bool collecting) {
    if (o.toggle && collecting) CHECK(cudaProfilerStart());
    std::vector<double> steps;
    for (int i = 0; i < o.steps; ++i) {
      const double t0 = now();
      for (int k = 0; k < o.kernels; ++k) launch();
      const double t1 = now();
      CHECK(cudaStreamSynchronize(s));
      steps.push_back((t1 - t0) / o.kernels);
    }
    if (o.toggle && collecting) CHECK(cudaProfilerStop());
    CHECK(cudaGetLastError());
    return median(steps);
  };
  if (o.sticky > 0) {
    // Does collecting leave a cost behind once it stops? Blocks before any collection, during, after.
    std::vector<double> before, during, after;
    block(false);  // warm-up: the kernel loads here, before any collection
    for (int b = 0; b < o.sticky; ++b) before.push_back(block(false));
    for (int b = 0; b < o.sticky; ++b) during.push_back(block(true));
    for (int b = 0; b < o.sticky; ++b) after.push_back(block(false));
    std::printf("{\"kernel\":\"%s\",\"sticky\":%d,\"beforeNs\":%.1f,\"duringNs\":%.1f,\"afterNs\":%.1f}\n", o.kernel.c_str(), o.sticky,
                median(before), median(during), median(after));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(sum));
    return;
  }
  const int pairs = o.blocks / 2 + 1;  // the first pair is warm-up
  for (int b = 0; b < 2 * pairs; ++b) {
    const bool collecting = (b % 2 == 1) != o.firstOn;
    const double perLaunch = block(collecting);
    if (b >= 2) (collecting ? on : off).push_back(perLaunch);
  }
  // each on block against the mean of the off blocks before and after it
  std::vector<double> diff;
  for (size_t i = 0; i < on.size(); ++i) {
    const double before = off[i];
    const double after = i + 1 < off.size() ? off[i + 1] : off[i];
    diff.push_back(on[i] - 0.5 * (before + after));
  }
  std::mt19937_64 rng(42);
  std::vector<double> boot;
  for (int r = 0; r < 2000; ++r) {
    std::vector<double> sample;
    for (size_t i = 0; i < diff.size(); ++i) sample.push_back(diff[rng() % diff.size()]);
    boot.push_back(median(sample));
  }
  std::printf(
      "{\"kernel\":\"%s\",\"firstOn\":%s,\"launch\":\"%s\",\"thread\":\"%s\",\"kernels\":%d,\"steps\":%d,\"blocks\":%zu,\"offNs\":%.1f,\"onNs\":%.1f,"
      "\"addedNs\":%.1f,\"addedLoNs\":%.1f,\"addedHiNs\":%.1f,\"offSpreadNs\":%.1f}\n",
      o.kernel.c_str(), o.firstOn ? "true" : "false", o.launch.c_str(), o.thread.c_str(), o.kernels, o.steps, on.size() + off.size(), median(off), median(on), median(diff),
      percentile(boot, 0.025), percentile(boot, 0.975), percentile(off, 0.9) - percentile(off, 0.1));
  CHECK(cudaStreamDestroy(s));
  CHECK(cudaFree(sum));
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--kernels") o.kernels = std::atoi(v), ++i;
    else if (a == "--steps") o.steps = std::atoi(v), ++i;
    else if (a == "--blocks") o.blocks = std::atoi(v), ++i;
    else if (a == "--thread") o.thread = v, ++i;
    else if (a == "--launch") o.launch = v, ++i;
    else if (a == "--kernel") o.kernel = v, ++i;
    else if (a == "--first-on") o.firstOn = true;
    else if (a == "--sticky") o.sticky = std::atoi(v), ++i;
    else if (a == "--no-toggle") o.toggle = false;
    else {
      std::fprintf(stderr, "trace_overhead: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (o.kernels < 1 || o.steps < 1 || o.blocks < 2 || (o.thread != "main" && o.thread != "worker") ||
      (o.launch != "chevron" && o.launch != "runtime" && o.launch != "driver") || (o.kernel != "empty" && o.kernel != "rmw")) {
    std::fprintf(stderr, "trace_overhead: bad arguments\n");
    return 2;
  }
  CHECK(cudaFree(nullptr));
  if (o.thread == "worker") {
    std::thread t([&o] {
      CHECK(cudaSetDevice(0));
      measure(o);
    });
    t.join();
  } else {
    measure(o);
  }
  return 0;
}
