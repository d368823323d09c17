// Bounded-memory duration statistics for the trace injection library: count, total, min, max,
// sum of squares (for the standard deviation) and a log-bucketed histogram for the median.
//
// Buckets ("log2-32"): values below 32 ns have a bucket each (exact). Above, each power of two
// [2^e, 2^(e+1)) is cut into 32 equal buckets, so a bucket is at most 1/32 of its lower bound wide
// and its midpoint is within 1/64 (1.6%) of any value in it. The last bucket collects everything
// from 2^43 ns (about 2.4 hours) up. A median is the midpoint of the bucket holding the middle rank,
// clamped to [min, max]; for an even count the mean of the two middle ranks, as nsys computes it.
// src/core/trace/histogram.ts implements the same scheme to merge histograms across threads and processes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

namespace graphprof_trace {

constexpr int kSubBits = 5;
constexpr uint64_t kSub = 1u << kSubBits;  // 32
constexpr int kMaxExp = 42;                // last octave [2^42, 2^43); beyond: last bucket
constexpr int kBuckets = static_cast<int>(kSub + (kMaxExp - kSubBits + 1) * kSub);  // 1248

inline int bucketOf(uint64_t v) {
  if (v < kSub) return static_cast<int>(v);
  const int e = 63 - __builtin_clzll(v);
  if (e > kMaxExp) return kBuckets - 1;
  const uint64_t sub = (v >> (e - kSubBits)) & (kSub - 1);
  return static_cast<int>(kSub + static_cast<uint64_t>(e - kSubBits) * kSub + sub);
}

/** Midpoint of a bucket, in ns. */
inline double bucketMid(int idx) {
  if (idx < static_cast<int>(kSub)) return static_cast<double>(idx);
  const int k = idx - static_cast<int>(kSub);
  const int e = kSubBits + k / static_cast<int>(kSub);
  const uint64_t sub = static_cast<uint64_t>(k % static_cast<int>(kSub));
  const uint64_t width = 1ull << (e - kSubBits);
  const uint64_t lo = (kSub + sub) << (e - kSubBits);
  return static_cast<double>(lo) + static_cast<double>(width - 1) / 2.0;
}

struct Stat {
  uint64_t calls = 0;
  uint64_t totalNs = 0;
  uint64_t minNs = std::numeric_limits<uint64_t>::max();
  uint64_t maxNs = 0;
  long double sumSqNs2 = 0;
  std::unique_ptr<uint64_t[]> buckets;  // allocated on the first sample
  uint64_t nested = 0;  // API calls made inside another traced API call (not counted in calls)
  const char* name = nullptr;

  void add(uint64_t ns) {
    if (!buckets) {
      buckets.reset(new uint64_t[kBuckets]);
      std::memset(buckets.get(), 0, sizeof(uint64_t) * kBuckets);
    }
    ++calls;
    totalNs += ns;
    if (ns < minNs) minNs = ns;
    if (ns > maxNs) maxNs = ns;
    const long double d = static_cast<long double>(ns);
    sumSqNs2 += d * d;
    ++buckets[bucketOf(ns)];
  }

  void merge(const Stat& o) {
    nested += o.nested;
    if (!name) name = o.name;
    if (o.calls == 0) return;
    if (!buckets) {
      buckets.reset(new uint64_t[kBuckets]);
      std::memset(buckets.get(), 0, sizeof(uint64_t) * kBuckets);
    }
    calls += o.calls;
    totalNs += o.totalNs;
    minNs = std::min(minNs, o.minNs);
    maxNs = std::max(maxNs, o.maxNs);
    sumSqNs2 += o.sumSqNs2;
    for (int i = 0; i < kBuckets; ++i) buckets[i] += o.buckets[i];
  }

  double valueAtRank(uint64_t rank) const {
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += buckets[i];
      if (seen > rank) {
        const double v = bucketMid(i);
        return std::min(std::max(v, static_cast<double>(minNs)), static_cast<double>(maxNs));
      }
    }
    return static_cast<double>(maxNs);
  }

  double median() const {
    if (calls == 0 || !buckets) return 0;
    if (calls % 2 == 1) return valueAtRank((calls - 1) / 2);
    return (valueAtRank(calls / 2 - 1) + valueAtRank(calls / 2)) / 2.0;
  }
};

}  // namespace graphprof_trace
