// The order-dependent fold each kernel applies to the step checksum: kernel i turns c into
// (c ^ (i + 1)) * FNV prime. The final value depends on every kernel having run once, in order.
#pragma once
#include <cstdint>

#ifdef __CUDACC__
#define GRAPHPROF_HD __host__ __device__
#else
#define GRAPHPROF_HD
#endif

namespace graphprof {

GRAPHPROF_HD inline uint64_t fold(uint64_t c, uint32_t index) {
  return (c ^ (static_cast<uint64_t>(index) + 1)) * 0x100000001b3ULL;
}

inline uint64_t foldSteps(int kernels, int64_t steps) {
  uint64_t c = 0;
  for (int64_t s = 0; s < steps; ++s)
    for (int i = 0; i < kernels; ++i) c = fold(c, static_cast<uint32_t>(i));
  return c;
}

}  // namespace graphprof
