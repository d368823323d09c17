// The host tracer's hooks (libgraphprof_host.so, loaded with LD_PRELOAD by `graphprof trace`).
//
// cudart (static or shared), PyTorch, Triton and most CUDA programs never call the driver through
// the dynamic linker: they dlopen libcuda, take cuGetProcAddress (or single entry points) with
// dlsym, and call through the pointers they get. This library interposes dlsym, hands out its own
// cuGetProcAddress, and for the driver APIs listed below returns a wrapper that times the call and
// reports it to host.cc (host.h). No CUPTI is loaded, so the driver is not in a
// tool's mode: a launch costs two clock reads and our bookkeeping, and a graph launch stays a
// graph launch (under CUPTI, the driver submits a graph node by node; docs/trace.md).
//
// Checked on an H200 (bench/gpu-trace.sh checks 1h, 2, 6; first with a prototype of the same
// scheme, bench/preload_probe.cc in commit c3ce09d): graphprof run's static cudart obtained every
// launch this way (51,667 cuLaunchKernel calls = 847 x 61), and so did PyTorch 2.11's shared cudart.
//
// A wrapper is handed out only for the exact ABI it was written for: through cuGetProcAddress, a
// request whose version lies in the API's range below; through dlsym, the exact symbol. Anything
// else passes through untouched (and is not counted).
#include <cuda.h>
#include <cudaProfiler.h>
#include <cupti_driver_cbid.h>
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <atomic>
#include <tuple>
#include <vector>

#include <cstring>
#include <mutex>
#include <string>

#include "host.h"

namespace {

using DlsymFn = void* (*)(void*, const char*);

DlsymFn realDlsym() {
  static DlsymFn fn = [] {
    void* p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
    if (!p) p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");  // x86-64, glibc < 2.34
    if (!p) p = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.17");   // aarch64, glibc < 2.34
    if (!p) {
      static const char msg[] = "graphprof trace: the host tracer found no dlsym in libc; run with --tracer cupti\n";
      (void)!write(2, msg, sizeof msg - 1);
      _exit(3);
    }
    return reinterpret_cast<DlsymFn>(p);
  }();
  return fn;
}

// One wrapped API: the legacy-stream variant and, where the driver has one, the per-thread one.
struct Api {
  const char* name;    // the exact symbol, e.g. "cuMemcpyHtoDAsync_v2"
  const char* namePt;  // "cuMemcpyHtoDAsync_v2_ptsz", or nullptr
  uint32_t cbid, cbidPt;
  int minVersion, maxVersion;  // cuGetProcAddress versions that return this ABI
  void* (*install[2])(void*);
};

// Entry points handed out unwrapped because their slot already wraps another function (a second
// libcuda, or dlsym and cuGetProcAddress giving different addresses): calls through them are not
// counted, and the record says how many there were (host.h).
std::atomic<int> g_passedThrough{0};

template <int I, int P, typename F>
struct Wrap;

// The APIs whose arguments the host tracer reads (graph captures and the allocations around them,
// host.h): their place in kApis below, which must match the list (hostApi checks at start-up).
enum Watched : int {
  kWatchUpload = 5,
  kWatchAlloc = 30,
  kWatchAllocAsync = 32,
  kWatchAllocFromPool = 34,
  kWatchBeginCapture = 39,
  kWatchEndCapture = 40,
  kWatchInstantiate = 41,
  kWatchMemGetInfo = 43,
};
constexpr bool watched(int i) {
  return i == kWatchUpload || i == kWatchAlloc || i == kWatchAllocAsync || i == kWatchAllocFromPool || i == kWatchBeginCapture ||
         i == kWatchEndCapture || i == kWatchInstantiate || i == kWatchMemGetInfo;
}

// What a watched call did, from its arguments (the driver's signatures; std::get fails to compile
// if one changes). Called only after a successful call.
template <int I, typename... A>
void observe(uint64_t t0, uint64_t t1, A... a) {
  const auto args = std::make_tuple(a...);
  if constexpr (I == kWatchBeginCapture) {  // (CUstream, CUstreamCaptureMode)
    graphprof_trace::hostCaptureBegin(std::get<0>(args), t0);
  } else if constexpr (I == kWatchEndCapture) {  // (CUstream, CUgraph*)
    if (std::get<1>(args)) graphprof_trace::hostCaptureEnd(std::get<0>(args), *std::get<1>(args), t1);
  } else if constexpr (I == kWatchInstantiate) {  // (CUgraphExec*, CUgraph, unsigned long long)
    if (std::get<0>(args)) graphprof_trace::hostInstantiated(std::get<1>(args), *std::get<0>(args), t1);
  } else if constexpr (I == kWatchMemGetInfo) {  // (size_t* free, size_t* total)
    if (std::get<0>(args)) graphprof_trace::hostFreeMemory(static_cast<uint64_t>(*std::get<0>(args)), t1);
  } else if constexpr (I == kWatchUpload) {  // (CUgraphExec, CUstream)
    graphprof_trace::hostUploaded(std::get<0>(args), t1);
  } else {  // cuMemAlloc_v2, cuMemAllocAsync, cuMemAllocFromPoolAsync: (CUdeviceptr*, size_t, ...)
    graphprof_trace::hostAllocated(static_cast<uint64_t>(std::get<1>(args)), t0);
  }
}

extern const Api kApis[];

template <int I, int P, typename... A>
struct Wrap<I, P, CUresult(CUDAAPI*)(A...)> {
  using Fn = CUresult(CUDAAPI*)(A...);
  static inline Fn real = nullptr;
  static CUresult CUDAAPI call(A... a) {
    const Api& api = kApis[I];
    const uint32_t cbid = P ? api.cbidPt : api.cbid;
    const char* name = P ? api.namePt : api.name;
    graphprof_trace::hostApiEnter(cbid, name);
    uint64_t t0 = 0, t1 = 0;
    if constexpr (watched(I)) t0 = graphprof_trace::hostNowNs();
    const CUresult r = real(a...);
    if constexpr (watched(I)) t1 = graphprof_trace::hostNowNs();
    graphprof_trace::hostApiExit(cbid, name);
    // after the exit: the bookkeeping (a lock, a map) is not the call's time
    if constexpr (watched(I)) {
      if (r == CUDA_SUCCESS) observe<I>(t0, t1, a...);
    }
    return r;
  }
  // The wrapper for fn; fn itself if this slot already wraps another function (one real pointer
  // per slot: never send a call to a function the caller did not ask for).
  static void* install(void* fn) {
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    if (real == nullptr) real = reinterpret_cast<Fn>(fn);
    if (reinterpret_cast<void*>(real) == fn) return reinterpret_cast<void*>(&call);
    g_passedThrough.fetch_add(1, std::memory_order_relaxed);
    return fn;
  }
};

#define GP_PT(i, fn, pt, lo, hi)                                                                  \
  {#fn, #fn #pt, CUPTI_DRIVER_TRACE_CBID_##fn, CUPTI_DRIVER_TRACE_CBID_##fn##pt, lo, hi,          \
   {&Wrap<i, 0, decltype(&fn)>::install, &Wrap<i, 1, decltype(&fn)>::install}},
#define GP_LEGACY(i, fn, lo, hi) \
  {#fn, nullptr, CUPTI_DRIVER_TRACE_CBID_##fn, 0, lo, hi, {&Wrap<i, 0, decltype(&fn)>::install, nullptr}},

constexpr int kNow = CUDA_VERSION;  // newest ABI these headers know; a newer request is not wrapped

// Kernel and graph launches, copies, memsets, synchronisation, events, allocation, capture: what a
// launch-overhead analysis classifies (src/core/analyze/launch-apis.ts). The wrappers need each API's C
// type, so the list is held here and in TypeScript (src/core/trace/host-apis.ts, for api: markers);
// test/e2e/trace-host.test.ts checks that the two agree.
const Api kApis[] = {
    GP_PT(0, cuLaunchKernel, _ptsz, 4000, kNow)
    GP_PT(1, cuLaunchKernelEx, _ptsz, 11060, kNow)
    GP_PT(2, cuLaunchCooperativeKernel, _ptsz, 9000, kNow)
    GP_PT(3, cuLaunchHostFunc, _ptsz, 10000, kNow)
    GP_PT(4, cuGraphLaunch, _ptsz, 10000, kNow)
    GP_PT(kWatchUpload, cuGraphUpload, _ptsz, 11010, kNow)
    GP_PT(6, cuMemcpy, _ptds, 4000, kNow)
    GP_PT(7, cuMemcpyAsync, _ptsz, 4000, kNow)
    GP_PT(8, cuMemcpyHtoD_v2, _ptds, 3020, kNow)
    GP_PT(9, cuMemcpyDtoH_v2, _ptds, 3020, kNow)
    GP_PT(10, cuMemcpyDtoD_v2, _ptds, 3020, kNow)
    GP_PT(11, cuMemcpyHtoDAsync_v2, _ptsz, 3020, kNow)
    GP_PT(12, cuMemcpyDtoHAsync_v2, _ptsz, 3020, kNow)
    GP_PT(13, cuMemcpyDtoDAsync_v2, _ptsz, 3020, kNow)
    GP_PT(14, cuMemcpy2DAsync_v2, _ptsz, 3020, kNow)
    GP_PT(15, cuMemcpy3DAsync_v2, _ptsz, 3020, kNow)
    GP_PT(16, cuMemcpyPeerAsync, _ptsz, 4000, kNow)
    GP_PT(17, cuMemsetD8_v2, _ptds, 3020, kNow)
    GP_PT(18, cuMemsetD32_v2, _ptds, 3020, kNow)
    GP_PT(19, cuMemsetD8Async, _ptsz, 3020, kNow)
    GP_PT(20, cuMemsetD16Async, _ptsz, 3020, kNow)
    GP_PT(21, cuMemsetD32Async, _ptsz, 3020, kNow)
    GP_PT(22, cuStreamSynchronize, _ptsz, 2000, kNow)
    GP_LEGACY(23, cuCtxSynchronize, 2000, 12999)  // 13000 returns cuCtxSynchronize_v2(CUcontext)
    GP_LEGACY(24, cuEventSynchronize, 2000, kNow)
    GP_PT(25, cuEventRecord, _ptsz, 2000, kNow)
    GP_PT(26, cuEventRecordWithFlags, _ptsz, 11010, kNow)
    GP_PT(27, cuStreamWaitEvent, _ptsz, 3020, kNow)
    GP_PT(28, cuStreamQuery, _ptsz, 2000, kNow)
    GP_LEGACY(29, cuEventQuery, 2000, kNow)
    GP_LEGACY(kWatchAlloc, cuMemAlloc_v2, 3020, kNow)
    GP_LEGACY(31, cuMemFree_v2, 3020, kNow)
    GP_PT(kWatchAllocAsync, cuMemAllocAsync, _ptsz, 11020, kNow)
    GP_PT(33, cuMemFreeAsync, _ptsz, 11020, kNow)
    GP_PT(kWatchAllocFromPool, cuMemAllocFromPoolAsync, _ptsz, 11020, kNow)
    GP_LEGACY(35, cuMemAllocHost_v2, 3020, kNow)
    GP_LEGACY(36, cuMemHostAlloc, 2020, kNow)
    GP_LEGACY(37, cuMemFreeHost, 2000, kNow)
    GP_LEGACY(38, cuMemAllocManaged, 6000, kNow)
    GP_PT(kWatchBeginCapture, cuStreamBeginCapture_v2, _ptsz, 10010, kNow)
    GP_PT(kWatchEndCapture, cuStreamEndCapture, _ptsz, 10000, kNow)
    GP_LEGACY(kWatchInstantiate, cuGraphInstantiateWithFlags, 11040, kNow)
    GP_LEGACY(42, cuCtxSynchronize_v2, 13000, kNow)
    GP_LEGACY(kWatchMemGetInfo, cuMemGetInfo_v2, 3020, kNow)
};
constexpr int kApiCount = sizeof(kApis) / sizeof(kApis[0]);

// Whether cuGetProcAddress's `symbol` names this API: "cuMemcpyHtoDAsync" for cuMemcpyHtoDAsync_v2.
bool requested(const char* name, const char* symbol) {
  const size_t n = std::strlen(symbol);
  return std::strncmp(name, symbol, n) == 0 && (name[n] == '\0' || std::strcmp(name + n, "_v2") == 0);
}

void* wrapRequested(const char* symbol, void* fn, int version, bool perThread) {
  for (const Api& a : kApis) {  // cuCtxSynchronize has two ABIs, told apart by the version asked for
    if (!requested(a.name, symbol) || version < a.minVersion || version > a.maxVersion) continue;
    // An API with no per-thread variant: the driver answers a per-thread request with the legacy one.
    return a.install[perThread && a.namePt ? 1 : 0](fn);
  }
  return fn;
}

void* wrapSymbol(const char* symbol, void* fn) {
  for (const Api& a : kApis) {
    if (std::strcmp(a.name, symbol) == 0) return a.install[0](fn);
    if (a.namePt && std::strcmp(a.namePt, symbol) == 0) return a.install[1](fn);
  }
  return fn;
}

// cuInit starts the tracer; the profiler calls open and close a capture range. Neither is counted
// (as with CUPTI, where cuInit precedes the subscriber and the range calls are the range's edges).
using InitFn = CUresult(CUDAAPI*)(unsigned int);
using VoidFn = CUresult(CUDAAPI*)();
InitFn g_cuInit = nullptr;
VoidFn g_profilerStart = nullptr, g_profilerStop = nullptr;

CUresult CUDAAPI hookInit(unsigned int flags) {
  const CUresult r = g_cuInit(flags);
  if (r == CUDA_SUCCESS) graphprof_trace::hostStart();
  return r;
}
CUresult CUDAAPI hookProfilerStart() {
  const CUresult r = g_profilerStart();
  graphprof_trace::hostProfiler(true);
  return r;
}
CUresult CUDAAPI hookProfilerStop() {
  graphprof_trace::hostProfiler(false);
  return g_profilerStop();
}

template <typename F>
void* hookOnce(F& real, void* fn, void* hook) {
  if (!real) real = reinterpret_cast<F>(fn);
  if (reinterpret_cast<void*>(real) == fn) return hook;
  g_passedThrough.fetch_add(1, std::memory_order_relaxed);
  return fn;
}

void* hookSpecial(const char* base, void* fn) {
  if (std::strcmp(base, "cuInit") == 0) return hookOnce(g_cuInit, fn, reinterpret_cast<void*>(&hookInit));
  if (std::strcmp(base, "cuProfilerStart") == 0) return hookOnce(g_profilerStart, fn, reinterpret_cast<void*>(&hookProfilerStart));
  if (std::strcmp(base, "cuProfilerStop") == 0) return hookOnce(g_profilerStop, fn, reinterpret_cast<void*>(&hookProfilerStop));
  return nullptr;
}

using GetProc2 = CUresult(CUDAAPI*)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
using GetProc1 = CUresult(CUDAAPI*)(const char*, void**, int, cuuint64_t);
GetProc2 g_getProc2 = nullptr;
GetProc1 g_getProc1 = nullptr;
CUresult CUDAAPI getProc2(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
CUresult CUDAAPI getProc1(const char*, void**, int, cuuint64_t);

// What cuGetProcAddress found for `symbol`, replaced by ours where we have one. cudart asks it for
// cuGetProcAddress itself (11030: the v1 ABI, 12000: v2) and makes every later lookup through
// what it gets, so that must be ours too.
void substitute(const char* symbol, void** pfn, int version, cuuint64_t flags) {
  if (!symbol || !pfn || !*pfn || version > kNow) return;  // a newer ABI than these headers know
  if (std::strcmp(symbol, "cuGetProcAddress") == 0) {
    *pfn = version >= 12000 ? hookOnce(g_getProc2, *pfn, reinterpret_cast<void*>(&getProc2))
                            : hookOnce(g_getProc1, *pfn, reinterpret_cast<void*>(&getProc1));
    return;
  }
  if (void* special = hookSpecial(symbol, *pfn)) {
    *pfn = special;
    return;
  }
  *pfn = wrapRequested(symbol, *pfn, version, (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0);
}

CUresult CUDAAPI getProc2(const char* symbol, void** pfn, int version, cuuint64_t flags, CUdriverProcAddressQueryResult* status) {
  const CUresult r = g_getProc2(symbol, pfn, version, flags, status);
  if (r == CUDA_SUCCESS) substitute(symbol, pfn, version, flags);
  return r;
}
CUresult CUDAAPI getProc1(const char* symbol, void** pfn, int version, cuuint64_t flags) {
  const CUresult r = g_getProc1(symbol, pfn, version, flags);
  if (r == CUDA_SUCCESS) substitute(symbol, pfn, version, flags);
  return r;
}

// dlsym(RTLD_NEXT, ...) means "after the caller's object"; forwarded as is it would mean "after
// this library", which comes first. Search the objects loaded after the caller instead, as glibc
// does inside dlsym; if the caller is not found, fall back to glibc's answer.
struct Loaded {
  uintptr_t base;
  std::string path;  // "" for the main program
};
int listLoaded(dl_phdr_info* info, size_t, void* data) {
  static_cast<std::vector<Loaded>*>(data)->push_back(Loaded{info->dlpi_addr, info->dlpi_name ? info->dlpi_name : ""});
  return 0;
}

// The loader's lock is held during dl_iterate_phdr, so the objects are only listed there and
// searched after (dlopen inside the callback deadlocks against a dlopen on another thread). A hit
// counts only if the object itself defines the symbol, not one of its dependencies.
void* dlsymNext(const char* name, void* returnAddress) {
  Dl_info caller{};
  if (!dladdr(returnAddress, &caller)) return realDlsym()(RTLD_NEXT, name);
  std::vector<Loaded> objects;
  dl_iterate_phdr(listLoaded, &objects);
  size_t at = 0;
  while (at < objects.size() && objects[at].base != reinterpret_cast<uintptr_t>(caller.dli_fbase) &&
         !(caller.dli_fname && objects[at].path == caller.dli_fname))
    ++at;
  if (at == objects.size()) return realDlsym()(RTLD_NEXT, name);
  for (size_t i = at + 1; i < objects.size(); ++i) {
    if (objects[i].path.empty()) continue;  // the vDSO, or the main program (never after a caller)
    void* h = dlopen(objects[i].path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!h) continue;
    void* p = realDlsym()(h, name);
    Dl_info where{};
    const bool own = p && dladdr(p, &where) && reinterpret_cast<uintptr_t>(where.dli_fbase) == objects[i].base;
    dlclose(h);
    if (own) return p;
  }
  return nullptr;
}

}  // namespace

namespace graphprof_trace {
int hostPassedThrough() { return g_passedThrough.load(std::memory_order_relaxed); }
int hostApiCount() { return kApiCount * 2; }
bool hostWatchedListed() {
  const std::pair<int, const char*> want[] = {{kWatchUpload, "cuGraphUpload"}, {kWatchAlloc, "cuMemAlloc_v2"}, {kWatchAllocAsync, "cuMemAllocAsync"},
                                              {kWatchAllocFromPool, "cuMemAllocFromPoolAsync"}, {kWatchBeginCapture, "cuStreamBeginCapture_v2"},
                                              {kWatchEndCapture, "cuStreamEndCapture"}, {kWatchInstantiate, "cuGraphInstantiateWithFlags"},
                                              {kWatchMemGetInfo, "cuMemGetInfo_v2"}};
  for (const auto& w : want)
    if (std::strcmp(kApis[w.first].name, w.second) != 0) return false;
  return true;
}
HostApi hostApi(int i) {
  const Api& a = kApis[i / 2];
  if (i % 2 == 0) return HostApi{a.cbid, a.name};
  return a.namePt ? HostApi{a.cbidPt, a.namePt} : HostApi{0, nullptr};
}
}  // namespace graphprof_trace

extern "C" __attribute__((visibility("default"))) void* dlsym(void* handle, const char* name) {
  void* p = handle == RTLD_NEXT ? dlsymNext(name, __builtin_return_address(0)) : realDlsym()(handle, name);
  if (!p || name[0] != 'c' || name[1] != 'u') return p;
  if (std::strcmp(name, "cuGetProcAddress_v2") == 0) return hookOnce(g_getProc2, p, reinterpret_cast<void*>(&getProc2));
  if (std::strcmp(name, "cuGetProcAddress") == 0) return hookOnce(g_getProc1, p, reinterpret_cast<void*>(&getProc1));
  if (void* special = hookSpecial(name, p)) return special;
  return wrapSymbol(name, p);
}
