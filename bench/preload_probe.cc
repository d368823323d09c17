// A probe for a CUPTI-free API tracer: LD_PRELOAD it into a CUDA program and it reports, at exit,
// which driver entry points the program obtained (through dlsym or cuGetProcAddress) and how often
// the wrapped ones were called, with their host time. It answers two questions before such a
// tracer is worth building (docs/trace.md, Overhead): does every launch of a program with a static
// or shared cudart go through an entry point we can wrap, and what does wrapping cost?
//   g++ -O2 -std=c++17 -shared -fPIC -I/usr/local/cuda/include bench/preload_probe.cc -o probe.so -ldl
//   LD_PRELOAD=$PWD/probe.so PROBE_LOG=1 ./program
// PROBE_COUNT=0: wrap but do not time (the cost of the indirection alone).
#include <cuda.h>
#include <cudaProfiler.h>
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace {

using DlsymFn = void* (*)(void*, const char*);
DlsymFn realDlsym() {
  static DlsymFn fn = [] {
    void* p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
    if (!p) p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
    return reinterpret_cast<DlsymFn>(p);
  }();
  return fn;
}

inline uint64_t nowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

constexpr int kMaxApis = 64;
bool g_time = true;

struct PerThread {
  uint64_t calls[kMaxApis * 2] = {};
  uint64_t ns[kMaxApis * 2] = {};
};
std::mutex& listMutex() {
  static std::mutex* m = new std::mutex();
  return *m;
}
std::vector<PerThread*>& threads() {
  static auto* v = new std::vector<PerThread*>();
  return *v;
}
PerThread* mine() {
  thread_local PerThread* p = [] {
    auto* t = new PerThread();
    std::lock_guard<std::mutex> g(listMutex());
    threads().push_back(t);
    return t;
  }();
  return p;
}

template <int I, bool P, typename F>
struct Wrap;
template <int I, bool P, typename... A>
struct Wrap<I, P, CUresult(CUDAAPI*)(A...)> {
  static inline CUresult(CUDAAPI* real)(A...) = nullptr;
  static CUresult CUDAAPI call(A... a) {
    if (!g_time) return real(a...);
    PerThread* t = mine();
    const uint64_t t0 = nowNs();
    const CUresult r = real(a...);
    const uint64_t t1 = nowNs();
    t->calls[I * 2 + P] += 1;
    t->ns[I * 2 + P] += t1 - t0;
    return r;
  }
  // The wrapper for `fn`, or fn itself when this slot already wraps another function.
  static void* install(void* fn) {
    using Fn = CUresult(CUDAAPI*)(A...);
    if (real == nullptr) real = reinterpret_cast<Fn>(fn);
    if (reinterpret_cast<void*>(real) != fn) return fn;
    return reinterpret_cast<void*>(&call);
  }
};

struct Entry {
  const char* name;
  void* (*install[2])(void*);
};

#define GP_APIS(X)                                                                                           \
  X(0, cuLaunchKernel) X(1, cuLaunchKernelEx) X(2, cuLaunchCooperativeKernel) X(3, cuGraphLaunch)          \
  X(4, cuMemcpyAsync) X(5, cuMemcpyHtoDAsync) X(6, cuMemcpyDtoHAsync) X(7, cuMemcpyDtoDAsync)               \
  X(8, cuMemsetD8Async) X(9, cuMemsetD32Async) X(10, cuStreamSynchronize) X(11, cuCtxSynchronize)           \
  X(12, cuEventSynchronize) X(13, cuEventRecord) X(14, cuStreamWaitEvent) X(15, cuMemcpy)                   \
  X(16, cuMemcpyHtoD) X(17, cuMemcpyDtoH) X(18, cuProfilerStart) X(19, cuProfilerStop)                      \
  X(20, cuStreamBeginCapture) X(21, cuStreamEndCapture) X(22, cuMemAllocAsync) X(23, cuMemFreeAsync)         \
  X(24, cuEventRecordWithFlags) X(25, cuStreamQuery) X(26, cuEventQuery) X(27, cuMemsetD16Async)

#define GP_ENTRY(i, name) {#name, {&Wrap<i, false, decltype(&name)>::install, &Wrap<i, true, decltype(&name)>::install}},
const Entry kEntries[] = {GP_APIS(GP_ENTRY)};
constexpr int kEntryCount = sizeof(kEntries) / sizeof(kEntries[0]);

// Requested names, for the log.
struct Seen {
  std::string name;
  int version;
  unsigned long long flags;
  std::atomic<uint64_t> times{0};
};
std::vector<Seen*>& seen() {
  static auto* v = new std::vector<Seen*>();
  return *v;
}
void noteSeen(const char* name, int version, unsigned long long flags) {
  std::lock_guard<std::mutex> g(listMutex());
  for (Seen* s : seen())
    if (s->name == name && s->version == version && s->flags == flags) {
      ++s->times;
      return;
    }
  auto* s = new Seen();
  s->name = name;
  s->version = version;
  s->flags = flags;
  s->times = 1;
  seen().push_back(s);
}

// Base name and whether it is the per-thread-default-stream variant.
std::string baseOf(const char* name, bool* perThread) {
  std::string s = name;
  *perThread = false;
  for (const char* suffix : {"_ptsz", "_ptds"}) {
    const size_t n = std::strlen(suffix);
    if (s.size() > n && s.compare(s.size() - n, n, suffix) == 0) {
      s.resize(s.size() - n);
      *perThread = true;
    }
  }
  for (const char* suffix : {"_v2", "_v3"}) {
    const size_t n = std::strlen(suffix);
    if (s.size() > n && s.compare(s.size() - n, n, suffix) == 0) s.resize(s.size() - n);
  }
  return s;
}

void* maybeWrap(const char* name, void* fn, bool perThread) {
  if (!fn) return fn;
  bool pt = false;
  const std::string base = baseOf(name, &pt);
  for (int i = 0; i < kEntryCount; ++i)
    if (base == kEntries[i].name) return kEntries[i].install[(pt || perThread) ? 1 : 0](fn);
  return fn;
}

using GetProc2 = CUresult(CUDAAPI*)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
using GetProc1 = CUresult(CUDAAPI*)(const char*, void**, int, cuuint64_t);
GetProc2 g_getProc2 = nullptr;
GetProc1 g_getProc1 = nullptr;

CUresult CUDAAPI getProc2(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
CUresult CUDAAPI getProc1(const char*, void**, int, cuuint64_t);

// cudart asks cuGetProcAddress for cuGetProcAddress itself (version 11030: the v1 ABI, 12000: v2)
// and uses what it gets for every later lookup: hand it ours.
bool selfLookup(const char* symbol, void** pfn, int version) {
  if (std::strcmp(symbol, "cuGetProcAddress") != 0) return false;
  noteSeen(symbol, version, 0);
  if (version >= 12000) {
    if (!g_getProc2) g_getProc2 = reinterpret_cast<GetProc2>(*pfn);
    if (reinterpret_cast<void*>(g_getProc2) == *pfn) *pfn = reinterpret_cast<void*>(&getProc2);
  } else {
    if (!g_getProc1) g_getProc1 = reinterpret_cast<GetProc1>(*pfn);
    if (reinterpret_cast<void*>(g_getProc1) == *pfn) *pfn = reinterpret_cast<void*>(&getProc1);
  }
  return true;
}

CUresult CUDAAPI getProc2(const char* symbol, void** pfn, int version, cuuint64_t flags, CUdriverProcAddressQueryResult* st) {
  const CUresult r = g_getProc2(symbol, pfn, version, flags, st);
  if (r == CUDA_SUCCESS && pfn && *pfn && selfLookup(symbol, pfn, version)) return r;
  if (r == CUDA_SUCCESS && pfn && *pfn) {
    noteSeen(symbol, version, flags);
    *pfn = maybeWrap(symbol, *pfn, (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0);
  }
  return r;
}
CUresult CUDAAPI getProc1(const char* symbol, void** pfn, int version, cuuint64_t flags) {
  const CUresult r = g_getProc1(symbol, pfn, version, flags);
  if (r == CUDA_SUCCESS && pfn && *pfn && selfLookup(symbol, pfn, version)) return r;
  if (r == CUDA_SUCCESS && pfn && *pfn) {
    noteSeen(symbol, version, flags);
    *pfn = maybeWrap(symbol, *pfn, (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0);
  }
  return r;
}

void report() {
  std::vector<uint64_t> calls(kMaxApis * 2), ns(kMaxApis * 2);
  {
    std::lock_guard<std::mutex> g(listMutex());
    for (PerThread* t : threads())
      for (int i = 0; i < kMaxApis * 2; ++i) calls[i] += t->calls[i], ns[i] += t->ns[i];
  }
  fprintf(stderr, "[probe %d] wrapped calls:\n", getpid());
  for (int i = 0; i < kEntryCount; ++i)
    for (int p = 0; p < 2; ++p)
      if (calls[i * 2 + p])
        fprintf(stderr, "[probe %d]   %-26s%s %10llu calls %12.1f us total %8.0f ns avg\n", getpid(), kEntries[i].name,
                p ? "_ptsz" : "     ", (unsigned long long)calls[i * 2 + p], ns[i * 2 + p] / 1e3,
                double(ns[i * 2 + p]) / calls[i * 2 + p]);
  if (std::getenv("PROBE_LOG")) {
    std::lock_guard<std::mutex> g(listMutex());
    fprintf(stderr, "[probe %d] %zu entry points obtained:", getpid(), seen().size());
    for (Seen* s : seen())
      fprintf(stderr, " %s@%d%s%s", s->name.c_str(), s->version, s->flags ? "/pt" : "",
              s->times > 1 ? ("x" + std::to_string(s->times.load())).c_str() : "");
    fprintf(stderr, "\n");
  }
}

struct Init {
  Init() {
    if (const char* c = std::getenv("PROBE_COUNT"); c && std::strcmp(c, "0") == 0) g_time = false;
    std::atexit(report);
  }
} g_init;

}  // namespace

extern "C" __attribute__((visibility("default"))) void* dlsym(void* handle, const char* name) {
  void* p = realDlsym()(handle, name);
  if (!p || !name || name[0] != 'c' || name[1] != 'u') return p;
  if (std::strcmp(name, "cuGetProcAddress_v2") == 0) {
    g_getProc2 = reinterpret_cast<GetProc2>(p);
    return reinterpret_cast<void*>(&getProc2);
  }
  if (std::strcmp(name, "cuGetProcAddress") == 0) {
    g_getProc1 = reinterpret_cast<GetProc1>(p);
    return reinterpret_cast<void*>(&getProc1);
  }
  noteSeen(name, 0, 0);
  return maybeWrap(name, p, false);
}
