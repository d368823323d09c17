// NVTX ranges as steps (--step-marker nvtx:NAME), shared by both tracers: CUPTI's NVTX callbacks
// (cupti.cc) and the host tracer's own NVTX tool (host.cc) land here. A push/pop range is a step
// on its thread; a start/end range may end on another thread, and its figures are those of the
// thread that started it.
#include <nvtx3/nvToolsExt.h>

#include "state.h"

namespace graphprof_trace {

namespace {
// NVTX start/end ranges may end on another thread.
struct OpenRange {
  ThreadState* owner;
  Snapshot start;
  Mark* startMark = nullptr;  // API records
};
struct Ranges {
  std::mutex mutex;
  std::unordered_map<uint64_t, OpenRange> open;
  std::vector<OpenRange> pending;  // started with an id NVTX did not report
  std::unordered_map<const void*, std::string> registeredStrings;
};
Ranges& g_rng = immortal<Ranges>();
}  // namespace

std::string asciiOfWide(const wchar_t* text) {
  std::string s;
  for (const wchar_t* w = text; w && *w; ++w) s.push_back(*w < 128 ? static_cast<char>(*w) : '?');
  return s;
}

std::string asciiOfAttributes(const void* attributes) {
  const auto* a = static_cast<const nvtxEventAttributes_t*>(attributes);
  if (!a) return {};
  switch (a->messageType) {
    case NVTX_MESSAGE_TYPE_ASCII:
      return a->message.ascii ? a->message.ascii : "";
    case NVTX_MESSAGE_TYPE_UNICODE:
      return asciiOfWide(a->message.unicode);
    case NVTX_MESSAGE_TYPE_REGISTERED: {
      std::lock_guard<std::mutex> lock(g_rng.mutex);
      auto it = g_rng.registeredStrings.find(static_cast<const void*>(a->message.registered));
      return it == g_rng.registeredStrings.end() ? std::string() : it->second;
    }
    default:
      return {};
  }
}

void nvtxRegisterString(const void* handle, const std::string& text) {
  std::lock_guard<std::mutex> lock(g_rng.mutex);
  g_rng.registeredStrings[handle] = text;
}

int& nvtxDepthOf(ThreadState* ts, const void* domain) {
  for (auto& d : ts->nvtxDepth)
    if (d.first == domain) return d.second;
  ts->nvtxDepth.emplace_back(domain, 0);
  return ts->nvtxDepth.back().second;
}

void nvtxPush(const void* domain, const std::string& name) {
  ThreadState* ts = state();
  int& depth = nvtxDepthOf(ts, domain);
  ++depth;
  if (ts->stepOpen.load(std::memory_order_relaxed) || ts->stepStartMark || name != g_config.stepName) return;
  ts->stepNvtxDepth = depth;
  ts->stepNvtxDomain = domain;
  if (g_config.apiRecords) {
    // API records: the step is a pair of marks, resolved against the records later (records.cc).
    ts->stepStartMark = stepsFull() ? nullptr : addMark(ts->tid, 0, Mark::kOpens);
    if (!ts->stepStartMark) g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    ts->stepOpen.store(true, std::memory_order_relaxed);
  } else {
    openStep(ts, ts->snapshot(nowNs()));
  }
}

void nvtxPop(const void* domain) {
  const uint64_t t = nowNs();
  ThreadState* ts = state();
  int& depth = nvtxDepthOf(ts, domain);
  if (depth == 0) return;  // pushed before tracing began
  if (ts->stepOpen.load(std::memory_order_relaxed) && ts->stepNvtxDomain == domain && ts->stepNvtxDepth == depth) {
    if (g_config.apiRecords) {
      if (ts->stepStartMark) deferStep(ts->tid, ts->stepStartMark, addMark(ts->tid, 0, Mark::kCloses));
      ts->stepStartMark = nullptr;
      ts->stepOpen.store(false, std::memory_order_relaxed);
    } else {
      endStepOf(ts, closeStep(ts, ts->stepStart, ts->snapshot(t), ts->steps));
    }
  }
  --depth;
}

void nvtxStart(const std::string& name, const void* rangeIdPtr) {
  if (name != g_config.stepName) return;
  ThreadState* ts = state();
  OpenRange r{ts, Snapshot{}, nullptr};
  if (g_config.apiRecords) {
    r.startMark = stepsFull() ? nullptr : addMark(ts->tid, 0, Mark::kOpens);
  } else {
    r.start = ts->snapshot(nowNs());
    // The thread's calls are the step's from now (a step already open on it keeps them).
    if (!ts->stepOpen.load(std::memory_order_relaxed)) openStep(ts, r.start);
  }
  const uint64_t id = rangeIdPtr ? *static_cast<const nvtxRangeId_t*>(rangeIdPtr) : 0;
  std::lock_guard<std::mutex> lock(g_rng.mutex);
  if (id != 0) g_rng.open[id] = r;
  else g_rng.pending.push_back(r);
}

void nvtxEnd(uint64_t id) {
  const uint64_t t = nowNs();
  OpenRange r;
  {
    std::lock_guard<std::mutex> lock(g_rng.mutex);
    auto it = g_rng.open.find(id);
    if (it != g_rng.open.end()) {
      r = it->second;
      g_rng.open.erase(it);
    } else if (!g_rng.pending.empty()) {
      r = g_rng.pending.front();
      g_rng.pending.erase(g_rng.pending.begin());
    } else {
      return;
    }
  }
  // The range may end on another thread: its figures are those of the thread that started it.
  if (g_config.apiRecords) {
    if (r.startMark) deferStep(r.owner->tid, r.startMark, addMark(r.owner->tid, 0, Mark::kCloses));
    else g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ThreadState* ts = state();
  const StepEnd how = closeStep(r.owner, r.start, r.owner->snapshot(t), ts->steps);
  if (r.owner == ts) {
    endStepOf(ts, how);
  } else {
    // Only the owner touches its pending calls: it settles them at its next call (counting.cc).
    r.owner->stepOpen.store(false, std::memory_order_relaxed);
    r.owner->remoteClose.store(how == StepEnd::NotAStep ? 2 : 1, std::memory_order_release);
  }
}

}  // namespace graphprof_trace
