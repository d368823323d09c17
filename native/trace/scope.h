// Step scoping, pure logic (no CUPTI, no globals): test/native/scope_test.cc checks it on any machine.
//
// - StepLookup: which step a host time on a thread falls in. Device work is credited to a step by
//   correlation id: the API call that launched it (same correlation id in CUPTI's records) was made
//   on the step's thread at a time inside the step's window. The GPU timestamp plays no part.
// - unionLength: a step's busy time, the length of the union of its device intervals (kernels on
//   streams that overlap count once).
// - Reservoir: which steps keep their every event for the timeline, decided when a step opens so
//   that a step not chosen costs nothing (uniform over the steps seen, fixed seed).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace graphprof_trace {

struct StepWindow {
  uint64_t tid = 0, startNs = 0, endNs = 0;
  size_t index = 0;  // the step's position in the record
};

class StepLookup {
 public:
  explicit StepLookup(std::vector<StepWindow> windows) {
    for (const StepWindow& w : windows) byTid_[w.tid].push_back(w);
    for (auto& kv : byTid_)
      std::sort(kv.second.begin(), kv.second.end(), [](const StepWindow& a, const StepWindow& b) { return a.startNs < b.startNs; });
  }

  /** The step whose window [start, end] holds t on thread tid, or -1 (outside every step). */
  long find(uint64_t tid, uint64_t t) const {
    auto it = byTid_.find(tid);
    if (it == byTid_.end()) return -1;
    const std::vector<StepWindow>& w = it->second;
    // the last window starting at or before t
    auto after = std::upper_bound(w.begin(), w.end(), t, [](uint64_t v, const StepWindow& s) { return v < s.startNs; });
    if (after == w.begin()) return -1;
    const StepWindow& s = *(after - 1);
    return t <= s.endNs ? static_cast<long>(s.index) : -1;
  }

 private:
  std::unordered_map<uint64_t, std::vector<StepWindow>> byTid_;
};

/** A device-work API call: its correlation id, thread and start, for crediting its device records. */
struct Link {
  uint32_t correlationId;
  uint64_t tid, t;
};

/** Device records credited to steps by the correlation id of the call that launched them. */
class Attribution {
 public:
  /** `origin` is subtracted from the links' times to put them on the windows' clock. */
  Attribution(std::vector<StepWindow> windows, const std::vector<Link>& links, uint64_t origin) : lookup_(std::move(windows)), origin_(origin) {
    byCorrelation_.reserve(links.size());
    for (const Link& l : links) byCorrelation_[l.correlationId] = l;
  }
  /** The step that launched the work with this correlation id, or -1 (outside every step, or no link). */
  long stepOf(uint32_t correlationId) const {
    auto it = byCorrelation_.find(correlationId);
    if (it == byCorrelation_.end() || it->second.t < origin_) return -1;
    return lookup_.find(it->second.tid, it->second.t - origin_);
  }

 private:
  StepLookup lookup_;
  uint64_t origin_;
  std::unordered_map<uint32_t, Link> byCorrelation_;
};

/** Length of the union of [start, end) intervals; sorts its argument. */
inline uint64_t unionLength(std::vector<std::pair<uint64_t, uint64_t>>& spans) {
  std::sort(spans.begin(), spans.end());
  uint64_t total = 0, curStart = 0, curEnd = 0;
  bool open = false;
  for (const auto& s : spans) {
    if (s.second <= s.first) continue;
    if (!open || s.first > curEnd) {
      if (open) total += curEnd - curStart;
      curStart = s.first;
      curEnd = s.second;
      open = true;
    } else if (s.second > curEnd) {
      curEnd = s.second;
    }
  }
  if (open) total += curEnd - curStart;
  return total;
}

/** Reservoir sampling of `size` steps: offer() for each step as it opens returns the slot it would
 *  take if it completes, or -1 (not kept: nothing of it is recorded). */
class Reservoir {
 public:
  explicit Reservoir(size_t size, uint64_t seed = 0x9e3779b97f4a7c15ull) : size_(size), state_(seed) {}
  long offer() {
    ++seen_;
    if (size_ == 0) return -1;
    if (seen_ <= size_) return static_cast<long>(seen_ - 1);
    const uint64_t r = next() % seen_;
    return r < size_ ? static_cast<long>(r) : -1;
  }

 private:
  uint64_t next() {  // splitmix64
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t size_;
  uint64_t state_;
  uint64_t seen_ = 0;
};

}  // namespace graphprof_trace
