// The host tracer (libgraphprof_host.so, graphprof trace's default): host_hooks.cc wraps the
// driver entry points the program obtains and reports each call here; counting, steps and the
// record are the shared ones (counting.cc, record.cc), on the calling thread as with callbacks.
// No CUPTI is loaded: loading and initialising it is what puts the driver in a tool's mode (graph
// launches node by node, docs/trace.md), so there are no device times either.
//
// With no CUPTI, this library is NVTX's tool itself (NVTX_INJECTION64_PATH): it fills NVTX's
// function tables with the handlers below, which do what CUPTI's NVTX callbacks do in cupti.cc.
// Every range call of the program lands here; only the marker's name makes a step.
//
// A preloaded library's static initialisers may run after another library's constructor has called
// cuInit (or NVTX): until ours have run, the globals are not built. Start-up is then left to the
// initialiser at the end of this file (constant-initialised flags, no dynamic initialisation).
#include <generated_nvtx_meta.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "host.h"
#include "state.h"

namespace graphprof_trace {

namespace {
const char* g_hostNames[kDrvSize];  // the wrapped driver symbols, by CUPTI driver cbid
bool g_capturesBroken = false;      // host_hooks.cc's watched APIs are not where it expects them
}

const char* tracerApiMode() { return "host"; }

const char* tracerApiName(int domain, uint32_t cbid) { return domain == kDriver && cbid < kDrvSize ? g_hostNames[cbid] : nullptr; }

void tracerForEachApi(void (*fn)(int domain, uint32_t cbid, const char* name)) {
  for (int i = 0; i < hostApiCount(); ++i) {
    const HostApi a = hostApi(i);
    if (!a.name || a.cbid >= kDrvSize) continue;
    g_hostNames[a.cbid] = a.name;
    fn(kDriver, a.cbid, a.name);
  }
}

// The wrappers count on the calling thread, like callbacks; no CUPTI, no device times.
void tracerAdjustConfig(Config& c) {
  c.cuptiClock = false;
  c.apiRecords = false;
  c.activity = false;
  c.graphTrace = false;
  c.subscribe = false;
  c.exclude.clear();
}

bool tracerAttach() {
  if (!hostWatchedListed()) {
    g_capturesBroken = true;
    note("the host tracer's list of watched APIs is out of order: graph captures were not recorded");
  }
  g_collecting.store(!g_config.captureProfiler);
  return true;  // the wrappers are in place: host_hooks.cc handed them out
}

void tracerSwitch(bool) {}

void tracerFlush() {
  if (const int n = hostPassedThrough())
    note(std::to_string(n) + " driver entry points were handed out unwrapped (the program obtained the same API at two addresses, e.g. from two libcuda): calls through them are not counted");
}

uint32_t tracerVersion() { return 0; }
uint64_t tracerTimestamp() { return 0; }

// ---------------------------------------------------------------- graph captures

namespace {

// One cuStreamBeginCapture .. cuStreamEndCapture, then the first instantiation of its graph and the
// first upload of that executable graph. Times: nowNs(), absolute.
struct Capture {
  uint64_t beginNs = 0, endNs = 0, instantiateNs = 0, uploadNs = 0;  // 0: not seen (yet)
  bool ended() const { return endNs != 0; }  // still open at exit: no window
  // ready: the last of capture end, instantiation and upload seen for this graph
  uint64_t readyNs() const { return std::max(endNs, std::max(instantiateNs, uploadNs)); }
};
struct Allocation {
  uint64_t startNs, bytes;
};
struct FreeSample {
  uint64_t endNs, freeBytes;
};

// Captures are rare (one per graph): a lock is cheaper than anything cleverer. Allocations are kept
// only once a capture has begun (before, none can lie in a capture's window).
constexpr size_t kMaxCaptures = 100000;
constexpr size_t kMaxAllocations = 1u << 20;
constexpr size_t kMaxFreeSamples = 1u << 16;
struct Captures {
  std::mutex mutex;
  std::vector<Capture> list;
  std::unordered_map<const void*, size_t> open, byGraph, byExec;  // stream, graph, exec -> capture
  std::vector<Allocation> allocations;
  std::vector<FreeSample> free;  // cuMemGetInfo's free memory, every call (the one before a capture counts)
  uint64_t capturesDropped = 0, allocationsDropped = 0, freeDropped = 0;
};
// Built on first use, not by a static initialiser: a wrapped call can come before this file's
// initialisers have run (see the top of this file).
Captures& captures() { return immortal<Captures>(); }
std::atomic<bool> g_anyCapture{false};

bool capturing() { return !g_capturesBroken && g_collecting.load(std::memory_order_relaxed) && !g_stopping.load(std::memory_order_relaxed); }

}  // namespace

uint64_t hostNowNs() { return nowNs(); }

void hostCaptureBegin(const void* stream, uint64_t startNs) {
  if (!capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  if (captures().list.size() >= kMaxCaptures) {
    ++captures().capturesDropped;
    return;
  }
  Capture c;
  c.beginNs = startNs;
  captures().open[stream] = captures().list.size();
  captures().list.push_back(c);
  g_anyCapture.store(true, std::memory_order_relaxed);
}

void hostCaptureEnd(const void* stream, const void* graph, uint64_t endNs) {
  if (!capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  auto it = captures().open.find(stream);
  if (it == captures().open.end()) return;  // begun before collection, or dropped
  Capture& c = captures().list[it->second];
  c.endNs = endNs;
  captures().byGraph[graph] = it->second;  // a graph handle reused after destruction: the newer capture
  captures().open.erase(it);
}

void hostInstantiated(const void* graph, const void* exec, uint64_t endNs) {
  if (!capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  auto it = captures().byGraph.find(graph);
  if (it == captures().byGraph.end()) return;  // a graph built without capture
  Capture& c = captures().list[it->second];
  if (c.instantiateNs) return;  // only the first instantiation follows the capture
  c.instantiateNs = endNs;
  captures().byExec[exec] = it->second;
}

void hostUploaded(const void* exec, uint64_t endNs) {
  if (!capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  auto it = captures().byExec.find(exec);
  if (it == captures().byExec.end()) return;
  Capture& c = captures().list[it->second];  // byExec holds the capture this exec was instantiated from
  if (!c.uploadNs) c.uploadNs = endNs;
}

void hostAllocated(uint64_t bytes, uint64_t startNs) {
  if (!g_anyCapture.load(std::memory_order_relaxed) || !capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  if (captures().allocations.size() >= kMaxAllocations) {
    ++captures().allocationsDropped;
    return;
  }
  captures().allocations.push_back(Allocation{startNs, bytes});
}

void hostFreeMemory(uint64_t freeBytes, uint64_t endNs) {
  if (!capturing()) return;
  std::lock_guard<std::mutex> lock(captures().mutex);
  if (captures().free.size() >= kMaxFreeSamples) {
    ++captures().freeDropped;
    return;
  }
  captures().free.push_back(FreeSample{endNs, freeBytes});
}

// "graphCaptures" of the record (docs/trace.md, "Graph captures"): per capture, its times from the
// tracer's start and the bytes requested by allocation calls that began in its window.
std::string tracerCaptures() {
  std::lock_guard<std::mutex> lock(captures().mutex);
  const auto rel = [](uint64_t t) { return std::to_string(t > g_startNs ? t - g_startNs : 0); };
  const auto relOrNull = [&](uint64_t t) { return t ? rel(t) : std::string("null"); };
  std::string s = "{\"allocationApis\":[\"cuMemAlloc_v2\",\"cuMemAllocAsync\",\"cuMemAllocFromPoolAsync\"],\"captures\":[";
  for (size_t i = 0; i < captures().list.size(); ++i) {
    const Capture& c = captures().list[i];
    const bool ended = c.ended();
    const uint64_t ready = c.readyNs();
    uint64_t bytes = 0, calls = 0, inCapture = 0;
    if (ended) {
      for (const Allocation& a : captures().allocations) {
        if (a.startNs < c.beginNs || a.startNs > ready) continue;
        bytes += a.bytes;
        ++calls;
        if (a.startNs <= c.endNs) inCapture += a.bytes;
      }
    }
    if (i) s += ",";
    s += "{\"startNs\":" + rel(c.beginNs);
    s += ",\"captureEndNs\":" + relOrNull(c.endNs);
    s += ",\"instantiateEndNs\":" + relOrNull(c.instantiateNs);
    s += ",\"uploadEndNs\":" + relOrNull(c.uploadNs);
    s += ",\"captureNs\":" + (ended ? std::to_string(ready - c.beginNs) : std::string("null"));
    s += ",\"allocBytes\":" + (ended ? std::to_string(bytes) : std::string("null"));
    s += ",\"allocCalls\":" + (ended ? std::to_string(calls) : std::string("null"));
    s += ",\"allocBytesInCapture\":" + (ended ? std::to_string(inCapture) : std::string("null"));
    s += "}";
  }
  // Free memory around captures: two consecutive cuMemGetInfo calls with captures wholly between
  // them (begin after the first, ready before the second) and none straddling either.
  std::vector<FreeSample> free = captures().free;
  std::sort(free.begin(), free.end(), [](const FreeSample& a, const FreeSample& b) { return a.endNs < b.endNs; });
  s += "],\"freeMemory\":[";
  bool firstBracket = true;
  for (size_t i = 0; i + 1 < free.size(); ++i) {
    const uint64_t from = free[i].endNs, to = free[i + 1].endNs;
    uint64_t inside = 0;
    bool straddles = false;
    for (const Capture& c : captures().list) {
      const uint64_t ready = c.readyNs();
      if (c.ended() && c.beginNs > from && ready < to) ++inside;
      else if (c.beginNs < to && (!c.ended() || ready > from)) straddles = true;  // overlaps the interval, not inside it
    }
    if (!inside || straddles) continue;
    if (!firstBracket) s += ",";
    firstBracket = false;
    s += "{\"beforeNs\":" + rel(from) + ",\"afterNs\":" + rel(to) + ",\"freeBeforeBytes\":" + std::to_string(free[i].freeBytes) +
         ",\"freeAfterBytes\":" + std::to_string(free[i + 1].freeBytes) + ",\"graphs\":" + std::to_string(inside) + "}";
  }
  s += "],\"capturesDropped\":" + std::to_string(captures().capturesDropped);
  s += ",\"freeSamplesDropped\":" + std::to_string(captures().freeDropped);
  s += ",\"allocationsDropped\":" + std::to_string(captures().allocationsDropped) + "}";
  return s;
}

}  // namespace graphprof_trace

// ---------------------------------------------------------------- NVTX tool

namespace {

using namespace graphprof_trace;

std::atomic<uint64_t> g_nvtxNextId{1};

bool nvtxLive() {
  g_nvtxCallbacks.fetch_add(1, std::memory_order_relaxed);
  return g_pid == getpid() && !g_stopping.load(std::memory_order_relaxed) && g_config.stepMode == StepMode::Nvtx;
}
int depthAfter(const void* domain) { return nvtxDepthOf(state(), domain) - 1; }

// Push and pop return the nesting level as NVTX does: after a push its level (0 outermost), before
// a pop the level popped; 0 and -1 when not collecting. The name is only built when collecting.
template <typename Name>
int pushNamed(const void* domain, Name name) {
  if (!nvtxLive()) return 0;
  nvtxPush(domain, name());
  return depthAfter(domain);
}
int popLevel(const void* domain) {
  if (!nvtxLive()) return -1;
  const int level = nvtxDepthOf(state(), domain) - 1;
  nvtxPop(domain);
  return level;
}
int NVTX_API hostPushA(const char* m) { return pushNamed(nullptr, [m] { return std::string(m ? m : ""); }); }
int NVTX_API hostPushW(const wchar_t* m) { return pushNamed(nullptr, [m] { return asciiOfWide(m); }); }
int NVTX_API hostPushEx(const nvtxEventAttributes_t* a) { return pushNamed(nullptr, [a] { return asciiOfAttributes(a); }); }
int NVTX_API hostPop() { return popLevel(nullptr); }
int NVTX_API hostDomainPushEx(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) { return pushNamed(d, [a] { return asciiOfAttributes(a); }); }
int NVTX_API hostDomainPop(nvtxDomainHandle_t d) { return popLevel(d); }
nvtxRangeId_t startNamed(const std::string& name) {
  const nvtxRangeId_t id = g_nvtxNextId.fetch_add(1, std::memory_order_relaxed);
  if (nvtxLive()) nvtxStart(name, &id);
  return id;
}
nvtxRangeId_t NVTX_API hostStartA(const char* m) { return startNamed(m ? m : ""); }
nvtxRangeId_t NVTX_API hostStartW(const wchar_t* m) { return startNamed(asciiOfWide(m)); }
nvtxRangeId_t NVTX_API hostStartEx(const nvtxEventAttributes_t* a) { return startNamed(asciiOfAttributes(a)); }
nvtxRangeId_t NVTX_API hostDomainStartEx(nvtxDomainHandle_t, const nvtxEventAttributes_t* a) { return startNamed(asciiOfAttributes(a)); }
void NVTX_API hostEnd(nvtxRangeId_t id) {
  if (nvtxLive()) nvtxEnd(id);
}
void NVTX_API hostDomainEnd(nvtxDomainHandle_t, nvtxRangeId_t id) { hostEnd(id); }
// Handles are our own, never freed: a registered string is its copy, a domain a unique address.
bool g_libReady = false;     // this file's initialisers have run
bool g_startPending = false;  // cuInit returned before they had
std::once_flag* g_initOnce = nullptr;

nvtxStringHandle_t NVTX_API hostRegisterStringA(nvtxDomainHandle_t, const char* text) {
  auto* copy = new std::string(text ? text : "");
  const void* handle = copy;
  if (g_libReady) nvtxRegisterString(handle, *copy);
  return reinterpret_cast<nvtxStringHandle_t>(const_cast<void*>(handle));
}
nvtxStringHandle_t NVTX_API hostRegisterStringW(nvtxDomainHandle_t d, const wchar_t* text) {
  return hostRegisterStringA(d, asciiOfWide(text).c_str());
}
nvtxDomainHandle_t NVTX_API hostDomainCreateA(const char*) { return reinterpret_cast<nvtxDomainHandle_t>(new char(0)); }
nvtxDomainHandle_t NVTX_API hostDomainCreateW(const wchar_t*) { return reinterpret_cast<nvtxDomainHandle_t>(new char(0)); }

struct Slot {
  unsigned int id;
  NvtxFunctionPointer fn;
};
void setSlot(NvtxFunctionTable table, unsigned int size, unsigned int id, NvtxFunctionPointer fn) {
  if (table && id < size && table[id]) *table[id] = fn;
}
template <typename F>
NvtxFunctionPointer fp(F f) {
  return reinterpret_cast<NvtxFunctionPointer>(f);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(NvtxGetExportTableFunc_t getExportTable) {
  const auto* cb = getExportTable ? static_cast<const NvtxExportTableCallbacks*>(getExportTable(NVTX_ETID_CALLBACKS)) : nullptr;
  if (!cb || !cb->GetModuleFunctionTable) return 0;
  NvtxFunctionTable core = nullptr, core2 = nullptr;
  unsigned int n = 0, n2 = 0;
  // which of our functions fills which slot of NVTX's core and core2 tables
  const Slot coreSlots[] = {
      {NVTX_CBID_CORE_RangePushA, fp(&hostPushA)},   {NVTX_CBID_CORE_RangePushW, fp(&hostPushW)},
      {NVTX_CBID_CORE_RangePushEx, fp(&hostPushEx)}, {NVTX_CBID_CORE_RangePop, fp(&hostPop)},
      {NVTX_CBID_CORE_RangeStartA, fp(&hostStartA)}, {NVTX_CBID_CORE_RangeStartW, fp(&hostStartW)},
      {NVTX_CBID_CORE_RangeStartEx, fp(&hostStartEx)}, {NVTX_CBID_CORE_RangeEnd, fp(&hostEnd)},
  };
  const Slot core2Slots[] = {
      {NVTX_CBID_CORE2_DomainRangePushEx, fp(&hostDomainPushEx)},       {NVTX_CBID_CORE2_DomainRangePop, fp(&hostDomainPop)},
      {NVTX_CBID_CORE2_DomainRangeStartEx, fp(&hostDomainStartEx)},     {NVTX_CBID_CORE2_DomainRangeEnd, fp(&hostDomainEnd)},
      {NVTX_CBID_CORE2_DomainRegisterStringA, fp(&hostRegisterStringA)}, {NVTX_CBID_CORE2_DomainRegisterStringW, fp(&hostRegisterStringW)},
      {NVTX_CBID_CORE2_DomainCreateA, fp(&hostDomainCreateA)},           {NVTX_CBID_CORE2_DomainCreateW, fp(&hostDomainCreateW)},
  };
  if (!cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &core, &n)) return 0;
  for (const Slot& s : coreSlots) setSlot(core, n, s.id, s.fn);
  if (cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &core2, &n2))
    for (const Slot& s : core2Slots) setSlot(core2, n2, s.id, s.fn);
  g_nvtxInit.store(2);
  return 1;
}

// ---------------------------------------------------------------- host_hooks.cc's seam (host.h)

namespace graphprof_trace {
void hostStart() {
  if (!g_libReady) {
    g_startPending = true;
    return;
  }
  std::call_once(*g_initOnce, initialize);
}
void hostApiEnter(uint32_t cbid, const char* name) {
  if (!g_collecting.load(std::memory_order_relaxed) || g_stopping.load(std::memory_order_relaxed)) return;
  apiEnter(kDriver, cbid, name, 0);
}
void hostApiExit(uint32_t cbid, const char* name) {
  if (!g_collecting.load(std::memory_order_relaxed) || g_stopping.load(std::memory_order_relaxed)) return;
  apiExit(kDriver, cbid, name, 0);
}
void hostProfiler(bool start) {
  if (g_config.captureProfiler && g_pid == getpid() && !g_stopping.load()) setCollecting(start);
}
}  // namespace graphprof_trace

namespace {
// Last in the file, so it runs after every initialiser above. (The shared sources' globals are
// built by their own initialisers; hostStart's call_once lives here so it is ready with this one.)
struct Ready {
  Ready() {
    g_initOnce = new std::once_flag();
    g_libReady = true;
    if (g_startPending) graphprof_trace::hostStart();
  }
} g_ready;
}  // namespace
