// CPU-only stand-in, built where no CUDA compiler exists, so that the package installs anywhere.
// It measures nothing: runBatch refuses, and JS reports "built without CUDA" with exit 3.
#include "harness.h"
#include "checksum.h"

namespace graphprof {

uint64_t expectedChecksum(int kernels, int64_t steps) { return foldSteps(kernels, steps); }

BuildInfo buildInfo() { return BuildInfo{}; }

ProbeResult probe() {
  ProbeResult p;
  p.errorName = "graphprofBuiltWithoutCuda";
  p.errorMessage = "the native addon was built without CUDA";
  return p;
}

int releaseGraphs() { return 0; }

BatchResult runBatch(const WorkloadConfig&, int) {
  throw HarnessError("graphprofBuiltWithoutCuda", "graphprofBuiltWithoutCuda: the native addon was built without CUDA");
}

}  // namespace graphprof
