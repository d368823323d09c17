// What does one kernel node cost the GPU in a graph replay, against the kernel's eager CUPTI
// duration, and what does that depend on? graphprof's replay model (docs/analyze.md, "The replay
// model") fits PyTorch decode steps within 0.4% but prices graphprof run's own one-block kernels
// 12-68% too high: their nodes replay ~170 ns shorter than their eager CUPTI duration, PyTorch's
// ~200 ns longer. This program isolates the candidates, one variant at a time: the kernel's
// parameter size, the number of distinct kernels a step cycles through, the grid, a global write,
// and the kernel's own duration.
//   replay_cost --mode graph [--nodes 800] [--replays 30]   one JSON line per variant: the replay
//       p50 (CUDA events, no profiler: run it in a clean process) and the replay per node
//   replay_cost --mode eager --variant N [--nodes 800] [--passes 5]   the variant's kernels
//       launched eagerly, for `graphprof trace --device-time` to time each one
//   replay_cost --list                                      the variants, one JSON line each
// Built by bench/gpu-replay-cost.sh (nvcc -arch=sm_90).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#define CHECK(x)                                                                        \
  do {                                                                                  \
    cudaError_t e_ = (x);                                                               \
    if (e_ != cudaSuccess) {                                                            \
      std::fprintf(stderr, "replay_cost: %s: %s\n", #x, cudaGetErrorString(e_));       \
      std::exit(1);                                                                     \
    }                                                                                   \
  } while (0)

template <int P>
struct Params {
  unsigned char b[P];
};

__device__ inline uint64_t globalTimerNs() {
  uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

// ID makes distinct functions of one body; P the size of the by-value parameter block.
template <int ID, int P>
__global__ void nodeKernel(Params<P> p, int* out, unsigned long long spinNs, int smemInts, int writeInts) {
  extern __shared__ int smem[];
  if (smemInts > 0) {  // touch the dynamic shared memory the launch asked for
    for (int i = threadIdx.x; i < smemInts; i += blockDim.x) smem[i] = i + ID;
    __syncthreads();
  }
  if (out != nullptr && writeInts > 0) {  // a real kernel's output: writeInts ints per block
    for (int i = threadIdx.x; i < writeInts; i += blockDim.x) out[4096 + blockIdx.x * writeInts + i] = i + (smemInts > 0 ? smem[i % smemInts] : 0);
  }
  if (spinNs != 0) {
    if (threadIdx.x == 0) {
      const uint64_t start = globalTimerNs();
      while (globalTimerNs() - start < spinNs) {
      }
    }
    __syncthreads();
  }
  if (out != nullptr && threadIdx.x == 0) out[blockIdx.x] = p.b[ID % P] + ID;
}

template <int P>
using KernelFn = void (*)(Params<P>, int*, unsigned long long, int, int);

template <int P, int... I>
std::vector<KernelFn<P>> kernelTable(std::integer_sequence<int, I...>) {
  return {nodeKernel<I, P>...};
}

constexpr int kMaxDistinct = 32;

struct Variant {
  const char* name;
  int distinct;  // kernels cycled through, node i runs kernel i % distinct
  int paramBytes;  // 16, 1024 or 4000
  int blocks;
  int threads;
  bool write;  // thread 0 of each block writes one int to global memory
  unsigned long long spinNs;
  int smemBytes = 0;  // dynamic shared memory of each launch
  bool smemAlternate = false;  // only odd nodes take smemBytes: the SM's shared-memory carveout switches
  int writeInts = 0;  // ints each block writes besides the one above (a kernel's output)
};

// One change from the first (a graphprof-run-like one-block kernel) at a time, then combinations
// that look like a PyTorch step (many distinct kernels, large parameter blocks, full grids).
const Variant kVariants[] = {
    {"base: 1 kernel, 16 B params, 1 block, write", 1, 16, 1, 32, true, 0},
    {"no write", 1, 16, 1, 32, false, 0},
    {"params 1 KiB", 1, 1024, 1, 32, true, 0},
    {"params 4000 B", 1, 4000, 1, 32, true, 0},
    {"2 kernels alternated", 2, 16, 1, 32, true, 0},
    {"8 kernels cycled", 8, 16, 1, 32, true, 0},
    {"32 kernels cycled", 32, 16, 1, 32, true, 0},
    {"132 blocks x 128", 1, 16, 132, 128, true, 0},
    {"1056 blocks x 128", 1, 16, 1056, 128, true, 0},
    {"spin 2 us", 1, 16, 1, 32, true, 2000},
    {"8 kernels, 1 KiB, 132 blocks", 8, 1024, 132, 128, true, 0},
    {"32 kernels, 1 KiB, 132 blocks", 32, 1024, 132, 128, true, 0},
    {"8 kernels, 1 KiB, 132 blocks, spin 2 us", 8, 1024, 132, 128, true, 2000},
    {"8 kernels, 1 KiB, 1 block", 8, 1024, 1, 32, true, 0},
    {"132 blocks, 100 KiB smem each", 1, 16, 132, 128, true, 0, 100 * 1024, false, 0},
    {"132 blocks, smem 0 / 100 KiB alternated", 1, 16, 132, 128, true, 0, 100 * 1024, true, 0},
    {"1 block, smem 0 / 100 KiB alternated", 1, 16, 1, 32, true, 0, 100 * 1024, true, 0},
    {"8 kernels, 1 KiB, 132 blocks, smem alternated", 8, 1024, 132, 128, true, 0, 100 * 1024, true, 0},
    {"132 blocks, each writes 8 KiB", 1, 16, 132, 128, true, 0, 0, false, 2048},
    {"8 kernels, 1 KiB, 132 blocks, 8 KiB out, smem alt", 8, 1024, 132, 128, true, 0, 100 * 1024, true, 2048},
};
constexpr int kVariantCount = sizeof(kVariants) / sizeof(kVariants[0]);

struct Kernels {
  std::vector<KernelFn<16>> p16 = kernelTable<16>(std::make_integer_sequence<int, kMaxDistinct>{});
  std::vector<KernelFn<1024>> p1024 = kernelTable<1024>(std::make_integer_sequence<int, kMaxDistinct>{});
  std::vector<KernelFn<4000>> p4000 = kernelTable<4000>(std::make_integer_sequence<int, 1>{});
  Kernels() {  // let every kernel take up to 100 KiB of dynamic shared memory
    const int most = 100 * 1024;
    for (auto f : p16) CHECK(cudaFuncSetAttribute(reinterpret_cast<const void*>(f), cudaFuncAttributeMaxDynamicSharedMemorySize, most));
    for (auto f : p1024) CHECK(cudaFuncSetAttribute(reinterpret_cast<const void*>(f), cudaFuncAttributeMaxDynamicSharedMemorySize, most));
    for (auto f : p4000) CHECK(cudaFuncSetAttribute(reinterpret_cast<const void*>(f), cudaFuncAttributeMaxDynamicSharedMemorySize, most));
  }
};

void launchNode(const Kernels& k, const Variant& v, int i, int* out, cudaStream_t s) {
  const int id = i % v.distinct;
  int* dst = v.write ? out : nullptr;
  const int smemBytes = v.smemAlternate && i % 2 == 0 ? 0 : v.smemBytes;
  const int smemInts = smemBytes / 4, writeInts = v.writeInts;
  switch (v.paramBytes) {
    case 16: {
      Params<16> p{};
      k.p16[id]<<<v.blocks, v.threads, smemBytes, s>>>(p, dst, v.spinNs, smemInts, writeInts);
      break;
    }
    case 1024: {
      Params<1024> p{};
      k.p1024[id]<<<v.blocks, v.threads, smemBytes, s>>>(p, dst, v.spinNs, smemInts, writeInts);
      break;
    }
    default: {
      Params<4000> p{};
      k.p4000[0]<<<v.blocks, v.threads, smemBytes, s>>>(p, dst, v.spinNs, smemInts, writeInts);
      break;
    }
  }
}

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const size_t n = x.size();
  return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

int argInt(int argc, char** argv, const char* flag, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

void printVariant(int i) {
  const Variant& v = kVariants[i];
  std::printf("{\"variant\": %d, \"name\": \"%s\", \"distinct\": %d, \"paramBytes\": %d, \"blocks\": %d, \"threads\": %d, \"write\": %s, \"spinNs\": %llu, \"smemBytes\": %d, \"smemAlternate\": %s, \"writeInts\": %d",
              i, v.name, v.distinct, v.paramBytes, v.blocks, v.threads, v.write ? "true" : "false", v.spinNs, v.smemBytes, v.smemAlternate ? "true" : "false", v.writeInts);
}

int main(int argc, char** argv) {
  std::string mode = "graph";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--mode") == 0) mode = argv[i + 1];
  if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
    for (int i = 0; i < kVariantCount; ++i) {
      printVariant(i);
      std::printf("}\n");
    }
    return 0;
  }
  const int nodes = argInt(argc, argv, "--nodes", 800);
  Kernels k;
  int* out = nullptr;
  CHECK(cudaMalloc(&out, (4096 + 1056 * 2048) * sizeof(int)));
  cudaStream_t s;
  CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));

  if (mode == "eager") {
    const int v = argInt(argc, argv, "--variant", 0);
    const int passes = argInt(argc, argv, "--passes", 5);
    if (v < 0 || v >= kVariantCount) {
      std::fprintf(stderr, "replay_cost: no variant %d (0..%d)\n", v, kVariantCount - 1);
      return 2;
    }
    for (int p = 0; p < passes; ++p) {
      for (int i = 0; i < nodes; ++i) launchNode(k, kVariants[v], i, out, s);
      CHECK(cudaStreamSynchronize(s));
    }
    CHECK(cudaGetLastError());
    printVariant(v);
    std::printf(", \"mode\": \"eager\", \"launches\": %d}\n", passes * nodes);
    return 0;
  }

  const int replays = argInt(argc, argv, "--replays", 30);
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  for (int v = 0; v < kVariantCount; ++v) {
    cudaGraph_t g;
    cudaGraphExec_t ge;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < nodes; ++i) launchNode(k, kVariants[v], i, out, s);
    CHECK(cudaStreamEndCapture(s, &g));
    CHECK(cudaGraphInstantiate(&ge, g, 0));
    CHECK(cudaGraphUpload(ge, s));
    for (int w = 0; w < 3; ++w) CHECK(cudaGraphLaunch(ge, s));
    CHECK(cudaStreamSynchronize(s));
    std::vector<double> ns;
    for (int r = 0; r < replays; ++r) {
      CHECK(cudaEventRecord(e0, s));
      CHECK(cudaGraphLaunch(ge, s));
      CHECK(cudaEventRecord(e1, s));
      CHECK(cudaEventSynchronize(e1));
      float ms = 0;
      CHECK(cudaEventElapsedTime(&ms, e0, e1));
      ns.push_back(ms * 1e6);
    }
    std::sort(ns.begin(), ns.end());
    const double p50 = median(ns);
    printVariant(v);
    std::printf(", \"mode\": \"graph\", \"nodes\": %d, \"replays\": %d, \"replayP50Ns\": %.0f, \"replayMinNs\": %.0f, \"replayMaxNs\": %.0f, \"perNodeNs\": %.1f}\n",
                nodes, replays, p50, ns.front(), ns.back(), p50 / nodes);
    CHECK(cudaGraphExecDestroy(ge));
    CHECK(cudaGraphDestroy(g));
  }
  return 0;
}
