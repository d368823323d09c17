// Plain C++ interface of the measurement harness. No Node or CUDA types cross this boundary, so
// the binding (addon.cc) and both implementations (harness.cu, harness_stub.cc) stay independent.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace graphprof {

enum class KernelKind { Spin, Copy, Empty };

// One measurement configuration. No defaults here: they are defined once, in RUN_DEFAULTS
// (src/commands/run-options.ts); JS validates every field and addon.cc requires every one.
struct WorkloadConfig {
  int device = 0;
  int kernels = 0;              // kernel launches per decode step
  int memcpys = 0;              // device-to-device copies per step
  int syncs = 0;                // cudaStreamSynchronize calls per step (eager only)
  KernelKind kernel = KernelKind::Spin;
  int64_t kernelNs = 0;         // spin: GPU busy-wait per kernel
  int64_t bytesPerSeq = 0;      // copy: bytes read and written per sequence
  int64_t memcpyBytes = 0;      // bytes moved by each device-to-device copy
  int64_t hostOverheadNs = 0;   // host busy-wait before each kernel launch (framework dispatch)
  int warmup = 0;
  int iterations = 0;
};

// The result of one batch size: one sample per timed iteration, in ns. addon.cc converts it, once,
// into the object that src/core/schema.ts declares as BatchSamples (same names, same order).
struct EagerSamples {
  std::vector<double> stepNs;          // enqueue + final sync, host clock
  std::vector<double> enqueueNs;       // host time to issue the step (syncs inside included)
  std::vector<double> launchNs;        // (enqueue - copy and sync calls - busy-wait) / kernels
  std::vector<double> hostOverheadNs;  // measured busy-wait / kernels
  std::vector<double> deviceNs;        // CUDA events around the step
};

struct GraphSamples {
  double captureNs = 0;      // BeginCapture .. EndCapture, host clock
  double instantiateNs = 0;  // cudaGraphInstantiate, host clock
  double uploadNs = 0;       // cudaGraphUpload + stream sync, host clock
  int64_t memoryBytes = 0;   // drop of cudaMemGetInfo free bytes across instantiate + upload,
                             // with the graphs of earlier batch sizes still alive
  int64_t nodes = 0;
  std::vector<double> launchNs;  // cudaGraphLaunch call, host clock
  std::vector<double> stepNs;    // launch + sync, host clock
  std::vector<double> deviceNs;  // CUDA events around the replay
};

struct BatchResult {
  int batch = 0;
  EagerSamples eager;
  GraphSamples graph;
  uint64_t expectedChecksum = 0;
  uint64_t eagerChecksum = 0;
  uint64_t graphChecksum = 0;
};

struct DeviceInfo {
  int index = 0;
  std::string name;
  int ccMajor = 0, ccMinor = 0;
  int multiprocessors = 0;
  int64_t totalMemoryBytes = 0;
  std::string pciBusId;
};

struct ProbeResult {
  int runtimeVersion = 0;  // e.g. 13000; 0 when unknown
  int driverVersion = 0;   // highest CUDA version the driver supports; 0 when no driver
  std::vector<DeviceInfo> devices;
  std::string errorName;   // CUDA error name when the probe failed, else empty
  std::string errorMessage;
};

struct BuildInfo {
  bool cuda = false;
  std::string architectures;  // CMAKE_CUDA_ARCHITECTURES, comma separated
  std::string toolkit;        // toolkit version the addon was compiled with
};

// Thrown by the harness with "<cudaErrorName>: <description> in <call> at <file>:<line>".
struct HarnessError : std::runtime_error {
  std::string cudaName;
  HarnessError(const std::string& name, const std::string& what)
      : std::runtime_error(what), cudaName(name) {}
};

BuildInfo buildInfo();
ProbeResult probe();
// Measures one batch size; its instantiated graph stays alive until releaseGraphs().
BatchResult runBatch(const WorkloadConfig& config, int batch);
// Destroys the graphs runBatch kept; returns how many there were.
int releaseGraphs();
// The order-dependent fold every kernel applies; exported so tests and JS agree on it.
uint64_t expectedChecksum(int kernels, int64_t steps);

}  // namespace graphprof
