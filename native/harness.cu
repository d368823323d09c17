// The measurement harness: a synthetic decode step (kernels, device copies, host syncs) run eager
// with plain <<<>>> launches and replayed as a CUDA graph, timed inside native code.
// Methodology: docs/methodology.md. Every CUDA call goes through CHECK.
#include "harness.h"
#include "checksum.h"

#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace graphprof {
namespace {

using Clock = std::chrono::steady_clock;

inline double nsBetween(Clock::time_point a, Clock::time_point b) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

[[noreturn]] void fail(cudaError_t err, const char* call, const char* file, int line) {
  const char* base = std::strrchr(file, '/');
  std::string where = std::string(base ? base + 1 : file) + ":" + std::to_string(line);
  throw HarnessError(cudaGetErrorName(err), std::string(cudaGetErrorName(err)) + ": " +
                                                cudaGetErrorString(err) + " in " + call + " at " +
                                                where);
}

#define CHECK(call)                                          \
  do {                                                       \
    cudaError_t err_ = (call);                               \
    if (err_ != cudaSuccess) fail(err_, #call, __FILE__, __LINE__); \
  } while (0)


__device__ inline uint64_t globalTimerNs() {
  uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__global__ void emptyKernel(unsigned long long* checksum, uint32_t index) {
  if (threadIdx.x == 0) *checksum = fold(*checksum, index);
}

__global__ void spinKernel(unsigned long long* checksum, uint32_t index, uint64_t spinNs) {
  if (threadIdx.x == 0) {
    const uint64_t start = globalTimerNs();
    while (globalTimerNs() - start < spinNs) {
    }
    *checksum = fold(*checksum, index);
  }
}

__global__ void copyKernel(unsigned long long* checksum, uint32_t index, const uint4* __restrict__ src,
                           uint4* __restrict__ dst, size_t count) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    dst[i] = src[i];
  }
  if (blockIdx.x == 0 && threadIdx.x == 0) *checksum = fold(*checksum, index);
}

// RAII owners, so that an error thrown mid-run frees what the batch size took.
struct DeviceBuffer {
  void* ptr = nullptr;
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) { allocate(bytes); }
  void allocate(size_t bytes) {
    if (bytes) CHECK(cudaMalloc(&ptr, bytes));
  }
  ~DeviceBuffer() { if (ptr) cudaFree(ptr); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};
struct Graph {
  cudaGraph_t g = nullptr;
  ~Graph() { if (g) cudaGraphDestroy(g); }
};
struct GraphExec {
  cudaGraphExec_t g = nullptr;
  ~GraphExec() { if (g) cudaGraphExecDestroy(g); }
  cudaGraphExec_t release() { cudaGraphExec_t r = g; g = nullptr; return r; }
};

// Everything one run keeps across its batch sizes, in one object (nvbench keeps a benchmark's in
// its `state`). An engine captures and replays its whole pool on one stream, so the run shares
// the stream, its timing events and the checksum word. Seen on an H200: a new stream per batch
// size made the first size's graph replay ~19% faster per node than the rest (0.75 vs 0.93 us per
// empty-kernel node), an artefact of which hardware queue a stream lands on.
// Instantiated graphs stay alive until release(), as an engine keeps its whole capture pool: each
// batch size's memory figure is then what it adds to a live pool, and the driver cannot hand a
// destroyed graph's reservation to the next one. They are never launched again once their batch
// size is done, so the buffers they point to may be freed.
class RunState {
 public:
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  unsigned long long* checksum = nullptr;

  // Each resource is created only if missing, so a failure part-way leaves the others for the
  // next call to reuse, and release() frees whatever exists.
  void open(int device) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (device_ != -1 && device_ != device)
      throw HarnessError("graphprofDeviceChanged", "graphprofDeviceChanged: one run uses one device");
    device_ = device;
    if (!checksum) CHECK(cudaMalloc(&checksum, sizeof *checksum));
    if (!stream) CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    if (!start) CHECK(cudaEventCreate(&start));
    if (!stop) CHECK(cudaEventCreate(&stop));
  }

  // The expected checksum for (kernels, steps), computed once per run: the fold is sequential, so
  // it costs kernels x steps host operations, the same for every batch size.
  uint64_t expectedFor(int kernels, int64_t steps) {
    if (expectedKernels_ != kernels || expectedSteps_ != steps) {
      expected_ = foldSteps(kernels, steps);
      expectedKernels_ = kernels;
      expectedSteps_ = steps;
    }
    return expected_;
  }

  void retain(cudaGraphExec_t g) {
    std::lock_guard<std::mutex> lock(mutex_);
    retained_.push_back(g);
  }

  // Destroys the pool and the run's resources; returns how many graphs there were.
  int release() {
    std::lock_guard<std::mutex> lock(mutex_);
    const int n = static_cast<int>(retained_.size());
    for (cudaGraphExec_t g : retained_) cudaGraphExecDestroy(g);
    retained_.clear();
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    if (stream) cudaStreamDestroy(stream);
    if (checksum) cudaFree(checksum);
    start = stop = nullptr;
    stream = nullptr;
    checksum = nullptr;
    device_ = -1;
    expectedKernels_ = -1;
    expectedSteps_ = -1;
    expected_ = 0;
    return n;
  }

 private:
  std::mutex mutex_;
  int device_ = -1;
  int expectedKernels_ = -1;
  int64_t expectedSteps_ = -1;
  uint64_t expected_ = 0;
  std::vector<cudaGraphExec_t> retained_;
};

// One run at a time: JS measures its batch sizes one after another, then calls releaseGraphs().
RunState theRun;

enum class Op : uint8_t { Kernel, Memcpy, Sync };

// One step's operations, built once and shared by the eager runner and the capture, so both run
// the same sequence. Copies and syncs are spread evenly between the kernels.
std::vector<Op> buildSchedule(const WorkloadConfig& c) {
  std::vector<Op> ops;
  ops.reserve(static_cast<size_t>(c.kernels + c.memcpys + c.syncs));
  const int64_t n = c.kernels;
  for (int64_t i = 0; i < n; ++i) {
    ops.push_back(Op::Kernel);
    for (int64_t k = (i * c.memcpys) / n; k < ((i + 1) * c.memcpys) / n; ++k) ops.push_back(Op::Memcpy);
    for (int64_t k = (i * c.syncs) / n; k < ((i + 1) * c.syncs) / n; ++k) ops.push_back(Op::Sync);
  }
  return ops;
}

struct Workload {
  const WorkloadConfig& config;
  int batch;
  int copyBlocks = 1;
  size_t copyCount = 0;  // uint4 elements
  unsigned long long* checksumPtr;
  DeviceBuffer copySrc, copyDst, memSrc, memDst;
  std::vector<Op> ops;

  Workload(const WorkloadConfig& c, int b, int multiprocessors, unsigned long long* checksum)
      : config(c), batch(b), checksumPtr(checksum), ops(buildSchedule(c)) {
    if (c.kernel == KernelKind::Copy) {
      const size_t bytes = static_cast<size_t>(b) * static_cast<size_t>(c.bytesPerSeq);
      copyCount = (bytes + 15) / 16;
      copySrc.allocate(copyCount * 16);
      copyDst.allocate(copyCount * 16);
      CHECK(cudaMemset(copySrc.ptr, 0x5a, copyCount * 16));
      const size_t wanted = (copyCount + 255) / 256;
      copyBlocks = static_cast<int>(std::max<size_t>(1, std::min<size_t>(wanted, static_cast<size_t>(multiprocessors) * 8)));
    }
    if (c.memcpys > 0) {
      memSrc.allocate(static_cast<size_t>(c.memcpyBytes));
      memDst.allocate(static_cast<size_t>(c.memcpyBytes));
      CHECK(cudaMemset(memSrc.ptr, 0x3c, static_cast<size_t>(c.memcpyBytes)));
    }
  }

  unsigned long long* sum() const { return checksumPtr; }

  void launch(uint32_t index, cudaStream_t s) const {
    switch (config.kernel) {
      case KernelKind::Empty: emptyKernel<<<1, 32, 0, s>>>(sum(), index); break;
      case KernelKind::Spin: spinKernel<<<1, 32, 0, s>>>(sum(), index, static_cast<uint64_t>(config.kernelNs)); break;
      case KernelKind::Copy:
        copyKernel<<<copyBlocks, 256, 0, s>>>(sum(), index, static_cast<const uint4*>(copySrc.ptr),
                                              static_cast<uint4*>(copyDst.ptr), copyCount);
        break;
    }
  }

  void resetChecksum(cudaStream_t s) const {
    CHECK(cudaMemsetAsync(checksumPtr, 0, sizeof(unsigned long long), s));
    CHECK(cudaStreamSynchronize(s));
  }

  uint64_t readChecksum(cudaStream_t s) const {
    unsigned long long v = 0;
    CHECK(cudaMemcpyAsync(&v, checksumPtr, sizeof v, cudaMemcpyDeviceToHost, s));
    CHECK(cudaStreamSynchronize(s));
    return v;
  }
};

// Busy-waits on the host clock, as a framework's dispatch would keep the CPU busy; returns the
// time actually spent so the report shows the measured, not the requested, overhead.
inline Clock::time_point busyWait(Clock::time_point from, int64_t ns) {
  const auto until = from + std::chrono::nanoseconds(ns);
  auto now = Clock::now();
  while (now < until) now = Clock::now();
  return now;
}

// The figures of one timed step, host clock and CUDA events.
struct StepTimes {
  double issueNs;   // t0 .. t1: the host issuing the step (eager enqueue, or cudaGraphLaunch)
  double stepNs;    // t0 .. t2: issue + the final stream sync
  double deviceNs;  // start .. stop events around the step on the stream
};

// The one timed loop of both modes: warm up, then sample. Each step records the start event,
// issues the step (`issue` returns what it measured inside itself), records the stop event and
// syncs; after the warm-up steps `keep` takes the step's figures and what `issue` returned.
// `checkLaunches` checks cudaGetLastError() after the host clock stops (eager <<<>>> launches
// report errors only there).
// Each timed step (not the warm-up) is an NVTX range, `graphprof_eager_step` or
// `graphprof_graph_step` (`range`), opened before the step's clock starts and closed after it
// stops, so that `graphprof trace --step-marker nvtx:graphprof_eager_step -- graphprof run ...` and
// nsys see the same steps `run` times. With no tool attached, NVTX calls return at once.
template <typename Issue, typename Keep>
void timeSteps(RunState& run, const WorkloadConfig& c, bool checkLaunches, const char* range, Issue&& issue, Keep&& keep) {
  const int total = c.warmup + c.iterations;
  for (int step = 0; step < total; ++step) {
    const bool timed = step >= c.warmup;
    if (timed) nvtxRangePushA(range);
    CHECK(cudaEventRecord(run.start, run.stream));
    const auto t0 = Clock::now();
    const auto inside = issue();
    const auto t1 = Clock::now();
    if (checkLaunches) CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(run.stop, run.stream));
    CHECK(cudaStreamSynchronize(run.stream));
    const auto t2 = Clock::now();
    if (!timed) continue;
    nvtxRangePop();
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, run.start, run.stop));
    keep(StepTimes{nsBetween(t0, t1), nsBetween(t0, t2), static_cast<double>(ms) * 1e6}, inside);
  }
}

// What the eager step measures inside itself, to take out of the enqueue time.
struct EagerInside {
  double otherCallsNs = 0;  // time inside copy and sync calls
  double overheadNs = 0;    // the modelled busy-wait
};

// Host cost per launch is derived, not timed call by call: per-call clock reads would add their
// own cost to every launch (each is a system call on some virtual machines). The step's enqueue
// time minus the time inside copy and sync calls and the modelled busy-wait leaves the time the
// host spent issuing kernels. With no copies, syncs or overhead the step holds no clock reads.
void runEager(const Workload& w, RunState& run, EagerSamples& out) {
  const WorkloadConfig& c = w.config;
  cudaStream_t s = run.stream;
  auto issue = [&] {
    EagerInside in;
    uint32_t kernelIndex = 0;
    for (Op op : w.ops) {
      switch (op) {
        case Op::Kernel:
          if (c.hostOverheadNs > 0) {
            const auto from = Clock::now();
            in.overheadNs += nsBetween(from, busyWait(from, c.hostOverheadNs));
          }
          w.launch(kernelIndex++, s);
          break;
        case Op::Memcpy: {
          const auto a = Clock::now();
          CHECK(cudaMemcpyAsync(w.memDst.ptr, w.memSrc.ptr, static_cast<size_t>(c.memcpyBytes),
                                cudaMemcpyDeviceToDevice, s));
          in.otherCallsNs += nsBetween(a, Clock::now());
          break;
        }
        case Op::Sync: {
          const auto a = Clock::now();
          CHECK(cudaStreamSynchronize(s));
          in.otherCallsNs += nsBetween(a, Clock::now());
          break;
        }
      }
    }
    return in;
  };
  timeSteps(run, c, true, "graphprof_eager_step", issue, [&](const StepTimes& t, const EagerInside& in) {
    out.stepNs.push_back(t.stepNs);
    out.enqueueNs.push_back(t.issueNs);
    out.launchNs.push_back((t.issueNs - in.otherCallsNs - in.overheadNs) / c.kernels);
    out.hostOverheadNs.push_back(in.overheadNs / c.kernels);
    out.deviceNs.push_back(t.deviceNs);
  });
}

void runGraph(const Workload& w, RunState& run, GraphSamples& out) {
  const WorkloadConfig& c = w.config;
  cudaStream_t s = run.stream;
  Graph graph;
  GraphExec exec;

  // Capture: syncs cannot be captured (a host sync ends the capture with an error), so the graph
  // holds the kernels and copies only, in the same order as the eager step.
  CHECK(cudaDeviceSynchronize());
  const auto c0 = Clock::now();
  CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
  uint32_t kernelIndex = 0;
  cudaError_t captureErr = cudaSuccess;
  // No CHECK inside the capture: a throw here would leave the stream capturing. The first error
  // is kept, the capture is always ended, and then the error is raised.
  for (Op op : w.ops) {
    if (op == Op::Kernel) {
      w.launch(kernelIndex++, s);
    } else if (op == Op::Memcpy && captureErr == cudaSuccess) {
      captureErr = cudaMemcpyAsync(w.memDst.ptr, w.memSrc.ptr, static_cast<size_t>(c.memcpyBytes),
                                   cudaMemcpyDeviceToDevice, s);
    }
  }
  const cudaError_t captureLaunchErr = captureErr != cudaSuccess ? captureErr : cudaGetLastError();
  const cudaError_t endErr = cudaStreamEndCapture(s, &graph.g);
  const auto c1 = Clock::now();
  CHECK(captureLaunchErr);
  CHECK(endErr);
  out.captureNs = nsBetween(c0, c1);
  size_t nodes = 0;
  CHECK(cudaGraphGetNodes(graph.g, nullptr, &nodes));
  out.nodes = static_cast<int64_t>(nodes);

  size_t freeBefore = 0, freeAfter = 0, totalMem = 0;
  CHECK(cudaSetDevice(c.device));
  CHECK(cudaMemGetInfo(&freeBefore, &totalMem));
  const auto i0 = Clock::now();
  CHECK(cudaGraphInstantiate(&exec.g, graph.g, 0));
  const auto i1 = Clock::now();
  CHECK(cudaGraphUpload(exec.g, s));
  CHECK(cudaStreamSynchronize(s));
  const auto i2 = Clock::now();
  CHECK(cudaMemGetInfo(&freeAfter, &totalMem));
  out.instantiateNs = nsBetween(i0, i1);
  out.uploadNs = nsBetween(i1, i2);
  out.memoryBytes = static_cast<int64_t>(freeBefore) - static_cast<int64_t>(freeAfter);

  w.resetChecksum(s);
  struct Nothing {};
  timeSteps(run, c, false, "graphprof_graph_step", [&] {
    CHECK(cudaGraphLaunch(exec.g, s));
    return Nothing{};
  }, [&](const StepTimes& t, Nothing) {
    out.launchNs.push_back(t.issueNs);
    out.stepNs.push_back(t.stepNs);
    out.deviceNs.push_back(t.deviceNs);
  });
  run.retain(exec.release());
}

}  // namespace

int releaseGraphs() { return theRun.release(); }

uint64_t expectedChecksum(int kernels, int64_t steps) { return foldSteps(kernels, steps); }

BuildInfo buildInfo() {
  BuildInfo b;
  b.cuda = true;
  b.architectures = GRAPHPROF_CUDA_ARCHS;
  b.toolkit = GRAPHPROF_CUDA_TOOLKIT;
  return b;
}

ProbeResult probe() {
  ProbeResult p;
  cudaRuntimeGetVersion(&p.runtimeVersion);
  // cudaDriverGetVersion reports 0 when no driver is installed; it does not fail.
  cudaDriverGetVersion(&p.driverVersion);
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    p.errorName = cudaGetErrorName(err);
    p.errorMessage = cudaGetErrorString(err);
    cudaGetLastError();  // clear, so a later call does not see it
    return p;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    DeviceInfo d;
    d.index = i;
    d.name = prop.name;
    d.ccMajor = prop.major;
    d.ccMinor = prop.minor;
    d.multiprocessors = prop.multiProcessorCount;
    d.totalMemoryBytes = static_cast<int64_t>(prop.totalGlobalMem);
    char bus[32] = {0};
    if (cudaDeviceGetPCIBusId(bus, sizeof bus, i) == cudaSuccess) d.pciBusId = bus;
    p.devices.push_back(d);
  }
  return p;
}

BatchResult runBatch(const WorkloadConfig& config, int batch) {
  CHECK(cudaSetDevice(config.device));
  int multiprocessors = 1;
  CHECK(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, config.device));
  BatchResult r;
  r.batch = batch;
  theRun.open(config.device);
  r.expectedChecksum = theRun.expectedFor(config.kernels, config.warmup + config.iterations);
  Workload w(config, batch, multiprocessors, theRun.checksum);

  w.resetChecksum(theRun.stream);
  runEager(w, theRun, r.eager);
  r.eagerChecksum = w.readChecksum(theRun.stream);

  runGraph(w, theRun, r.graph);
  r.graphChecksum = w.readChecksum(theRun.stream);
  return r;
}

}  // namespace graphprof
