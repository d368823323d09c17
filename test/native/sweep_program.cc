// A decode-like program without a GPU, for graphprof sweep's test (test/e2e/sweep.test.ts). It
// reaches the stand-in driver (fake_cuda.cc) as cudart does (dlopen, cuGetProcAddress), takes its
// batch size from argv[1] or GRAPHPROF_BATCH, and runs NVTX-marked steps whose work grows with the
// batch: `batch` kernel launches and one graph launch per step, and a busy wait of
// BASE_US + PER_SEQ_US x batch microseconds, so that the sweep's step times have a known shape.
//   sweep_program [batch] [steps]; SWEEP_CRASH_AT=N: abort() at batch N after two steps
// SWEEP_CAPTURE=N (1 or 2): before the steps, capture N graphs with known allocations and waits,
// the N between one pair of cuMemGetInfo calls, for sweep's capture time and capture memory.
#include <cuda.h>
#include <dlfcn.h>
#include <nvtx3/nvToolsExt.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using GetProc = CUresult (*)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
using Launch = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**);
using TwoArgs = CUresult (*)(void*, void*);
using Init = CUresult (*)(unsigned);

constexpr int BASE_US = 300;
constexpr int PER_SEQ_US = 40;
// SWEEP_CAPTURE: what sweep must find (test/e2e/sweep.test.ts asserts these)
constexpr unsigned long long CAPTURE_BYTES_PER_SEQ = 65536;  // cuMemAllocAsync inside the capture
constexpr unsigned long long WINDOW_BYTES = 1 << 20;        // cuMemAlloc after capture end, before upload
constexpr int CAPTURE_SPIN_US = 2000, INSTANTIATE_SPIN_US = 1000;

static void spin(int us) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < end) {
  }
}

int main(int argc, char** argv) {
  const char* env = std::getenv("GRAPHPROF_BATCH");
  const int batch = argc > 1 && std::strcmp(argv[1], "-") != 0 ? std::atoi(argv[1]) : env ? std::atoi(env) : 0;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 20;
  if (batch < 1) return std::fprintf(stderr, "sweep_program: no batch size (argv[1] or GRAPHPROF_BATCH)\n"), 2;
  const char* crash = std::getenv("SWEEP_CRASH_AT");
  void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!cuda) return std::fprintf(stderr, "sweep_program: %s\n", dlerror()), 1;
  auto gp1 = reinterpret_cast<CUresult (*)(const char*, void**, int, cuuint64_t)>(dlsym(cuda, "cuGetProcAddress"));
  void* p = nullptr;
  gp1("cuGetProcAddress", &p, 12000, 0);
  auto gp = reinterpret_cast<GetProc>(p);
  auto get = [&](const char* name, int version) {
    void* fn = nullptr;
    if (gp(name, &fn, version, 0, nullptr) != CUDA_SUCCESS || !fn) std::exit(1);
    return fn;
  };
  reinterpret_cast<Init>(get("cuInit", 2000))(0);
  auto launch = reinterpret_cast<Launch>(get("cuLaunchKernel", 4000));
  auto graph = reinterpret_cast<TwoArgs>(get("cuGraphLaunch", 10000));
  const char* captureEnv = std::getenv("SWEEP_CAPTURE");
  const int graphs = captureEnv ? std::atoi(captureEnv) : 0;
  if (graphs > 0) {
    using Alloc = CUresult (*)(CUdeviceptr*, size_t);
    using AllocAsync = CUresult (*)(CUdeviceptr*, size_t, CUstream);
    auto alloc = reinterpret_cast<Alloc>(get("cuMemAlloc", 3020));
    auto allocAsync = reinterpret_cast<AllocAsync>(get("cuMemAllocAsync", 11020));
    auto begin = reinterpret_cast<CUresult (*)(CUstream, CUstreamCaptureMode)>(get("cuStreamBeginCapture", 10010));
    auto end = reinterpret_cast<CUresult (*)(CUstream, CUgraph*)>(get("cuStreamEndCapture", 10000));
    auto instantiate = reinterpret_cast<CUresult (*)(CUgraphExec*, CUgraph, unsigned long long)>(get("cuGraphInstantiateWithFlags", 11040));
    auto upload = reinterpret_cast<CUresult (*)(CUgraphExec, CUstream)>(get("cuGraphUpload", 11010));
    auto memInfo = reinterpret_cast<CUresult (*)(size_t*, size_t*)>(get("cuMemGetInfo", 3020));
    size_t freeBytes = 0, totalBytes = 0;
    CUstream stream = reinterpret_cast<CUstream>(0x10);
    CUdeviceptr d = 0;
    CUgraph g = nullptr;
    CUgraphExec e = nullptr;
    alloc(&d, 4096);  // before the capture: not the capture's
    memInfo(&freeBytes, &totalBytes);  // free memory before and after the capture, as vLLM measures it
    for (int k = 0; k < graphs; ++k) {
      begin(stream, CU_STREAM_CAPTURE_MODE_GLOBAL);
      allocAsync(&d, CAPTURE_BYTES_PER_SEQ * static_cast<unsigned>(batch), stream);
      for (int i = 0; i < batch; ++i) launch(nullptr, 1, 1, 1, 1, 1, 1, 0, stream, nullptr, nullptr);
      spin(CAPTURE_SPIN_US);
      end(stream, &g);
      alloc(&d, WINDOW_BYTES);
      instantiate(&e, g, 0);
      spin(INSTANTIATE_SPIN_US);
      upload(e, stream);
      if (k == graphs - 1) memInfo(&freeBytes, &totalBytes);
      alloc(&d, 12345);  // after the upload: not the capture's (but between the cuMemGetInfo calls unless last)
      instantiate(&e, g, 0);  // a second instantiation of the same graph is not part of its capture
    }
  }
  for (int s = 0; s < steps; ++s) {
    if (crash && std::atoi(crash) == batch && s == 2) std::abort();
    nvtxRangePushA("decode_step");
    for (int i = 0; i < batch; ++i) launch(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr);
    graph(nullptr, nullptr);
    spin(BASE_US + PER_SEQ_US * batch);
    nvtxRangePop();
  }
  std::printf("sweep_program: batch %d, %d steps\n", batch, steps);
  return 0;
}
