// Checks native/trace/scope.h (step attribution by correlation id, busy time, the timeline's
// reservoir), api_classes.h and names.h; run by test/native/scope.test.ts, which compiles it with
// the host C++ compiler. Each case prints "ok NAME" or "FAIL NAME: why"; the exit code is the
// number of failures. With arguments, it prints baseName of each instead (one a line), so that the
// test can hold the C++ suffix stripping against the TypeScript one.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "check.h"
#include "api_classes.h"
#include "names.h"
#include "scope.h"

using namespace graphprof_trace;

namespace {

std::string str(const std::vector<long>& v) {
  std::string s;
  for (long x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) std::printf("%s\n", baseName(argv[i]).c_str());
    return 0;
  }
  {  // two threads' steps; a launch at a step's edges is in it; between steps and on other threads, outside
    const StepLookup lookup({{7, 100, 200, 0}, {7, 300, 400, 2}, {9, 150, 350, 1}});
    std::vector<long> got;
    for (auto q : std::vector<std::pair<uint64_t, uint64_t>>{{7, 99}, {7, 100}, {7, 150}, {7, 200}, {7, 250}, {7, 300}, {7, 401}, {9, 200}, {9, 360}, {8, 150}})
      got.push_back(lookup.find(q.first, q.second));
    check("lookup", str(got) == "-1 0 0 0 -1 2 -1 1 -1 -1", str(got));
  }
  {  // device records credited by the launching call's correlation id, not by GPU time: a kernel
     // launched in step 0 that runs after the step ended is step 0's; one launched outside, running
     // during step 1, is outside
    struct Kernel { uint32_t corr; uint64_t start, end; };
    // launches on the process clock (origin 1000): the windows are relative to it
    const std::vector<Link> launches{{1, 7, 1120}, {2, 7, 1190}, {3, 7, 1250}, {4, 7, 1310}, {6, 9, 1310}};
    const std::vector<Kernel> kernels{{1, 130, 180}, {2, 195, 260}, {3, 305, 330}, {4, 320, 380}, {5, 400, 410}, {6, 300, 310}};
    const Attribution attribution({{7, 100, 200, 0}, {7, 300, 400, 1}}, launches, 1000);
    std::vector<long> step;
    std::vector<uint64_t> gpu(2, 0);
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> spans(2);
    for (const Kernel& k : kernels) {
      const long s = attribution.stepOf(k.corr);
      step.push_back(s);
      if (s >= 0) {
        gpu[static_cast<size_t>(s)] += k.end - k.start;
        spans[static_cast<size_t>(s)].emplace_back(k.start, k.end);
      }
    }
    // 5: no launch seen; 6: launched on another thread at a time inside step 1's window
    check("attribution", str(step) == "0 0 -1 1 -1 -1", str(step));
    check("gpu time per step", gpu[0] == 50 + 65 && gpu[1] == 60, std::to_string(gpu[0]) + " " + std::to_string(gpu[1]));
    check("busy time per step", unionLength(spans[0]) == 115 && unionLength(spans[1]) == 60,
          std::to_string(unionLength(spans[0])) + " " + std::to_string(unionLength(spans[1])));
  }
  {  // busy time: overlapping streams count once; touching, nested, empty and reversed intervals
    std::vector<std::pair<uint64_t, uint64_t>> s{{0, 10}, {5, 15}, {15, 20}, {30, 40}, {32, 35}, {50, 50}, {60, 55}};
    check("union", unionLength(s) == 30, std::to_string(unionLength(s)));
    std::vector<std::pair<uint64_t, uint64_t>> none;
    check("union of nothing", unionLength(none) == 0, std::to_string(unionLength(none)));
  }
  {  // reservoir: the first N steps fill it; later ones replace with probability N/seen; uniform
    Reservoir r(3);
    std::vector<long> first{r.offer(), r.offer(), r.offer()};
    check("reservoir fills", str(first) == "0 1 2", str(first));
    Reservoir none(0);
    check("reservoir off", none.offer() == -1 && none.offer() == -1, "");
    std::map<long, int> kept;  // how often each of 30 steps ends up kept, over many runs
    for (uint64_t seed = 1; seed <= 20000; ++seed) {
      Reservoir q(3, seed * 7919);
      long slots[3] = {-1, -1, -1};
      for (long step = 0; step < 30; ++step) {
        const long at = q.offer();
        if (at >= 0) slots[at] = step;
      }
      for (long s : slots) ++kept[s];
    }
    int lo = 1 << 30, hi = 0;
    for (long s = 0; s < 30; ++s) {
      lo = std::min(lo, kept[s]);
      hi = std::max(hi, kept[s]);
    }
    // expected 2000 each (20000 runs x 3 / 30): within 10%
    check("reservoir uniform", kept.size() == 30 && lo > 1800 && hi < 2200, std::to_string(lo) + ".." + std::to_string(hi));
  }
  {  // the API table as graphprof trace hands it over (exact names first, then the longest prefix)
    ApiClasses c;
    const bool ok = c.parse("kernel-launch=cudaLaunchKernel,cuLaunchKernel;graph-launch=cudaGraphLaunch,cuGraphLaunch;graph-build=cudaGraph*,cuGraph*;"
                            "memcpy=cudaMemcpy*,cuMemcpy*;memset=cuMemset*;sync=cuStreamSynchronize,cuCtxSynchronize;alloc=cuMemAlloc,cuMemAllocAsync;"
                            "other=cuMemcpyX*");
    std::vector<long> got;
    for (const char* n : {"cudaLaunchKernel", "cuLaunchKernel", "cudaGraphLaunch", "cudaGraphInstantiate", "cuMemcpyHtoDAsync", "cuMemsetD32Async",
                          "cuCtxSynchronize", "cuMemAlloc", "cuMemAllocAsync", "cuMemcpyXyz", "cuInit"})
      got.push_back(c.of(n));
    check("classes", ok && str(got) == "1 1 2 0 16 32 4 8 8 0 0", str(got));
    check("classes malformed", !c.parse("kernel-launch"), "");
  }
  {  // suffixes: version, per-thread tag, version
    std::vector<std::string> got;
    for (const char* n : {"cudaLaunchKernel_v7000", "cudaLaunchKernel_ptsz_v7000", "cuMemAlloc_v2", "cuStreamBeginCapture_v2_ptsz", "cuMemcpyHtoDAsync_v2_ptsz",
                          "cuLaunchKernel", "cuGraphLaunch_ptsz", "cuCtxSynchronize_v2", "_v2", "cuFoo_vx"})
      got.push_back(baseName(n));
    std::string joined;
    for (const auto& g : got) joined += (joined.empty() ? "" : " ") + g;
    check("baseName", joined == "cudaLaunchKernel cudaLaunchKernel cuMemAlloc cuStreamBeginCapture cuMemcpyHtoDAsync cuLaunchKernel cuGraphLaunch cuCtxSynchronize _v2 cuFoo_vx", joined);
  }
  return failures;
}
