// API names as the tracers match them: the one suffix-stripping rule of the C++ side (the
// TypeScript one is baseApiName in src/core/analyze/launch-apis.ts; test/native/scope_test.cc and
// test/native/scope.test.ts holds the two against each other). Pure code.
#pragma once

#include <cstring>
#include <set>
#include <string>

namespace graphprof_trace {

/** "cudaLaunchKernel_ptsz_v7000" -> "cudaLaunchKernel"; "cuMemAlloc_v2" -> "cuMemAlloc";
 *  "cuStreamBeginCapture_v2_ptsz" -> "cuStreamBeginCapture": version, tag, version. */
inline std::string baseName(const char* name) {
  std::string s(name ? name : "");
  auto stripVersion = [&s]() {
    const size_t at = s.rfind("_v");
    if (at == std::string::npos || at == 0) return;
    const size_t digits = at + 2;
    if (digits >= s.size()) return;
    for (size_t i = digits; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return;
    s.erase(at);
  };
  stripVersion();
  for (const char* tag : {"_ptsz", "_ptds"}) {
    const size_t n = std::strlen(tag);
    if (s.size() > n && s.compare(s.size() - n, n, tag) == 0) s.erase(s.size() - n);
  }
  stripVersion();
  return s;
}

/** "a, b,c" -> {a, b, c} (spaces dropped, empty items skipped). */
inline std::set<std::string> splitList(const char* text) {
  std::set<std::string> out;
  std::string cur;
  for (const char* p = text; ; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
      if (*p == '\0') break;
    } else if (*p != ' ') {
      cur.push_back(*p);
    }
  }
  return out;
}

}  // namespace graphprof_trace
