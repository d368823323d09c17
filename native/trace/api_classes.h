// Which API calls a step counts as launches, graph launches, syncs, allocations, copies and
// memsets, and which launch device work. The table itself is defined once, in TypeScript
// (src/core/analyze/launch-apis.ts); `graphprof trace` hands it over in GRAPHPROF_TRACE_API_CLASSES as
// "kernel-launch=cudaLaunchKernel,...;memcpy=cudaMemcpy*,cuMemcpy*;..." (a trailing * is a prefix).
// Matching is on base names (names.h): an exact name first, else the longest prefix, as
// classifyApi does. Pure code: test/native/scope_test.cc checks it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace graphprof_trace {

enum ApiClassBits : uint8_t {
  kClassLaunch = 1,
  kClassGraph = 2,
  kClassSync = 4,
  kClassAlloc = 8,
  kClassCopy = 16,
  kClassMemset = 32,
  // calls whose device work (kernels, copies, memsets, graph executions) a step is credited with
  kClassDeviceWork = kClassLaunch | kClassGraph | kClassCopy | kClassMemset,
};

class ApiClasses {
 public:
  /** Parses the spec; a class it does not count (graph-build, other) has no bits but still matches. */
  bool parse(const std::string& spec) {
    exact_.clear();
    prefixes_.clear();
    size_t at = 0;
    while (at < spec.size()) {
      size_t end = spec.find(';', at);
      if (end == std::string::npos) end = spec.size();
      const std::string part = spec.substr(at, end - at);
      at = end + 1;
      if (part.empty()) continue;
      const size_t eq = part.find('=');
      if (eq == std::string::npos) return false;
      const uint8_t bits = bitsOf(part.substr(0, eq));
      size_t n = eq + 1;
      while (n <= part.size()) {
        size_t comma = part.find(',', n);
        if (comma == std::string::npos) comma = part.size();
        std::string name = part.substr(n, comma - n);
        n = comma + 1;
        if (name.empty()) continue;  // a class of no interest (bits 0) still matches, as in TypeScript
        if (name.back() == '*') prefixes_.emplace_back(name.substr(0, name.size() - 1), bits);
        else exact_[name] = bits;
      }
    }
    // longest prefix first
    std::stable_sort(prefixes_.begin(), prefixes_.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    return true;
  }

  uint8_t of(const std::string& base) const {
    auto it = exact_.find(base);
    if (it != exact_.end()) return it->second;
    for (const auto& p : prefixes_)
      if (base.compare(0, p.first.size(), p.first) == 0) return p.second;
    return 0;
  }


  static uint8_t bitsOf(const std::string& cls) {
    if (cls == "kernel-launch") return kClassLaunch;
    if (cls == "graph-launch") return kClassGraph;
    if (cls == "sync") return kClassSync;
    if (cls == "alloc") return kClassAlloc;
    if (cls == "memcpy") return kClassCopy;
    if (cls == "memset") return kClassMemset;
    return 0;
  }

 private:
  std::map<std::string, uint8_t> exact_;
  std::vector<std::pair<std::string, uint8_t>> prefixes_;
};

}  // namespace graphprof_trace
