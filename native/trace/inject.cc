// graphprof's CUPTI injection library: `graphprof trace -- <command>` puts its path in
// CUDA_INJECTION64_PATH, and the CUDA driver loads it into every process that initialises CUDA
// and calls InitializeInjection from cuInit. It counts and times every runtime and driver API call
// on the host, collects kernel, memcpy and memset device time through the activity API, cuts the
// run into steps at a marker (an API or an NVTX range), and at process exit writes one JSON record
// to $GRAPHPROF_TRACE_DIR/trace-<pid>.json. docs/trace.md describes what is counted and how.
//
// Hot path: one thread-local pointer, two clock reads per outermost API call, array-indexed
// statistics per callback id. No lock is taken on an API call; threads are merged at exit.
// Nesting: only the outermost API call of a thread is counted and timed; a driver call made inside
// a runtime call (cudaLaunchKernel -> cuLaunchKernel) is counted as "nested", never as a call.
// Classification is left to TypeScript except what steps need: which APIs launch kernels or
// graphs (names passed in GRAPHPROF_TRACE_LAUNCH_APIS / GRAPHPROF_TRACE_GRAPH_APIS).
#include <cupti.h>
#include <generated_nvtx_meta.h>

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <link.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "histogram.h"
#include "host.h"
#include "nesting.h"

namespace {

using graphprof_trace::Stat;

// Built twice: libgraphprof_inject.so (CUPTI: the driver loads it through CUDA_INJECTION64_PATH)
// and libgraphprof_host.so (GRAPHPROF_HOST: no CUPTI; host_hooks.cc wraps the driver entry points
// the program obtains and calls hostApiEnter/Exit). Counting, steps and the record are shared.
#ifdef GRAPHPROF_HOST
constexpr bool kHost = true;
#else
constexpr bool kHost = false;
#endif

constexpr uint32_t kRtSize = CUPTI_RUNTIME_TRACE_CBID_SIZE;
constexpr uint32_t kDrvSize = CUPTI_DRIVER_TRACE_CBID_SIZE;

inline uint64_t nowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

uint64_t CUPTIAPI steadyTimestamp() { return nowNs(); }

bool g_cuptiClock = false;  // GRAPHPROF_TRACE_CLOCK=cupti: CUPTI's own timestamps (measurement knob)
uint64_t g_stampStart = 0;  // stampNs() at attach: steps' start times are relative to it

// The clock of API records and of the step marks placed against them.
inline uint64_t stampNs() {
  if (__builtin_expect(g_cuptiClock, 0)) {
    uint64_t t = 0;
    cuptiGetTimestamp(&t);
    return t;
  }
  return nowNs();
}

// ---------------------------------------------------------------- configuration (from env)

enum class StepMode { None, Api, Nvtx };

struct Config {
  std::string dir = ".";
  StepMode stepMode = StepMode::None;
  std::string stepName;
  std::string stepSpec;  // as given, e.g. "nvtx:decode_step"
  bool activity = true;
  uint64_t maxSteps = 200000;
  std::set<std::string> launchApis{"cudaLaunchKernel", "cudaLaunchKernelExC", "cudaLaunchCooperativeKernel",
                                   "cudaLaunchCooperativeKernelMultiDevice", "__cudaLaunchKernel", "cuLaunchKernel",
                                   "cuLaunchKernelEx", "cuLaunchCooperativeKernel",
                                   "cuLaunchCooperativeKernelMultiDevice", "cuLaunch", "cuLaunchGrid",
                                   "cuLaunchGridAsync"};
  std::set<std::string> graphApis{"cudaGraphLaunch", "cuGraphLaunch"};
  // Measurement knobs (docs/trace.md, Overhead): how much of the cost is CUPTI's dispatch, ours,
  // or the activity records. callbacks: 2 full, 1 empty callback (counts nothing), 0 no API domain.
  int callbacks = 2;
  bool runtimeDomain = true;
  bool driverDomain = true;
  // Where API calls are counted and timed: CUPTI's activity records (CUPTI_ACTIVITY_KIND_RUNTIME
  // and DRIVER, written by CUPTI and read on its worker thread; the default, since they cost the
  // program about a third of what a callback pair does, measured with bench/trace_overhead.cu), or
  // callbacks on the calling thread (GRAPHPROF_TRACE_API=callbacks).
  bool apiRecords = true;
  bool bufferPool = true;
  // GRAPHPROF_TRACE_GRAPH_TRACE=1 (`--graph-trace graph`, graphprof's default): a graph launch is
  // one record (CUPTI_ACTIVITY_KIND_GRAPH_TRACE), not one per node. Under CUPTI every graph launch
  // is slowed down (on the H200, an 847-node graph: 2.5-4.7 us untraced, 175-315 us with CUPTI loaded
  // and nothing collected, 600-860 us with kernel records per node); with graph-level records it
  // was 86-167 us and the GPU time per node stayed nearer the untraced one.
  bool graphTrace = false;
  bool subscribe = true;           // GRAPHPROF_TRACE_SUBSCRIBE=0: no callback subscriber at all (measurement)
  bool resourceCallbacks = true;   // GRAPHPROF_TRACE_RESOURCE=0: no context-destroy / fatal-error callbacks
  std::set<std::string> driverApis;  // non-empty: driver records for these APIs only
  uint32_t flushMs = 0;  // cuptiActivityFlushPeriod; 0: CUPTI's heuristics (measurement knob)
  // --capture-range cudaProfilerApi (as nsys): collect only between cudaProfilerStart and
  // cudaProfilerStop; outside, only those two calls are dispatched.
  bool captureProfiler = false;
  // APIs whose callbacks are not enabled (base names). cudart 13 calls cuKernelGetName before every
  // launch once a CUPTI subscriber is present (for the callback's symbolName): the tracer's cost,
  // not the program's call, so it is neither dispatched (about 140 ns a launch) nor counted.
  std::set<std::string> exclude{"cuKernelGetName", "cuFuncGetName"};
  bool kernelKind = false;        // CUPTI_ACTIVITY_KIND_KERNEL instead of CONCURRENT_KERNEL
  int perThreadBuffers = -1;      // CUPTI_ACTIVITY_ATTR_PER_THREAD_ACTIVITY_BUFFER; -1: CUPTI's default
  size_t bufferBytes = 8u << 20;
  bool debug = false;             // GRAPHPROF_TRACE_DEBUG=1: backtrace on SIGSEGV/SIGABRT, and on the
  std::set<std::string> backtraceApis;  // first call of each API in GRAPHPROF_TRACE_BACKTRACE
};

std::set<std::string> splitList(const char* text) {
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

/** "cudaLaunchKernel_ptsz_v7000" -> "cudaLaunchKernel"; "cuMemAlloc_v2" -> "cuMemAlloc". */
std::string baseName(const char* name) {
  std::string s(name ? name : "");
  auto stripSuffix = [&s](const char* prefix) {
    const size_t at = s.rfind(prefix);
    if (at == std::string::npos || at == 0) return false;
    const size_t digits = at + std::strlen(prefix);
    if (digits >= s.size()) return false;
    for (size_t i = digits; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    s.erase(at);
    return true;
  };
  // "cudaLaunchKernel_ptsz_v7000" and "cuStreamBeginCapture_v2_ptsz" both: version, tag, version.
  stripSuffix("_v");
  for (const char* tag : {"_ptsz", "_ptds"}) {
    const size_t n = std::strlen(tag);
    if (s.size() > n && s.compare(s.size() - n, n, tag) == 0) s.erase(s.size() - n);
  }
  stripSuffix("_v");
  return s;
}

// ---------------------------------------------------------------- process-wide state

struct StepRecord {
  uint64_t tid, startNs, durationNs, launches, graphLaunches, apiCalls, apiNs;
};

struct Totals {
  // Written only by the owning thread (load + store, no read-modify-write, so no lock prefix);
  // atomics so that an NVTX start/end range closed on another thread can read them race-free.
  std::atomic<uint64_t> launches{0}, graphLaunches{0}, apiCalls{0}, apiNs{0};
  void bump(std::atomic<uint64_t>& a, uint64_t by) { a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed); }
};

struct Snapshot {
  uint64_t t = 0, launches = 0, graphLaunches = 0, apiCalls = 0, apiNs = 0;
};

struct ThreadState {
  uint64_t tid = 0;
  std::unique_ptr<Stat> rt[kRtSize];
  std::unique_ptr<Stat> drv[kDrvSize];
  int depth = 0;
  uint32_t generation = 0;  // g_generation when depth was last valid (collection toggled since: reset)
  uint64_t outerStart = 0;
  uint32_t outerCbid = 0;
  int outerDomain = 0;
  uint64_t unmatchedExits = 0;
  Totals totals;
  // steps
  bool stepOpen = false;
  Snapshot stepStart;
  struct Mark* stepStartMark = nullptr;  // API records: the step's start, filled in when its records are in
  std::vector<std::pair<const void*, int>> nvtxDepth;  // per NVTX domain (nullptr = default)
  int stepNvtxDepth = 0;
  const void* stepNvtxDomain = nullptr;
  std::vector<StepRecord> steps;

  Stat& stat(int domain, uint32_t cbid) {
    std::unique_ptr<Stat>& slot = domain == CUPTI_CB_DOMAIN_RUNTIME_API ? rt[cbid] : drv[cbid];
    if (!slot) slot.reset(new Stat());
    return *slot;
  }
  Snapshot snapshot(uint64_t t) const {
    Snapshot s;
    s.t = t;
    s.launches = totals.launches.load(std::memory_order_relaxed);
    s.graphLaunches = totals.graphLaunches.load(std::memory_order_relaxed);
    s.apiCalls = totals.apiCalls.load(std::memory_order_relaxed);
    s.apiNs = totals.apiNs.load(std::memory_order_relaxed);
    return s;
  }
};

struct DeviceStat {
  std::string name;  // copied when first seen: CUPTI's string may be gone by exit
  Stat stat;
  uint64_t graphInstances = 0;
  uint64_t bytes = 0;
};

// Everything a CUPTI callback or a thread's exit can touch lives on the heap and is never freed:
// CUPTI's worker thread, the driver's and cudart's own exit handlers and late thread exits can run
// after this library's static destructors, and a destroyed map or mutex there crashed the traced
// program at exit (issue 6). Plain atomics and arrays of bool have no destructor and stay global.
template <typename T>
T& immortal() {
  static T* p = new T();
  return *p;
}

Config& g_config = immortal<Config>();
uint64_t g_startNs = 0;        // monotonic, at InitializeInjection
uint64_t g_startEpochNs = 0;   // wall clock, at InitializeInjection
pid_t g_pid = 0;
CUpti_SubscriberHandle g_subscriber = nullptr;
bool g_attached = false;
std::atomic<bool> g_stopping{false};  // set at exit: callbacks return at once
std::atomic<bool> g_final{false};     // the final record is written: late activity buffers are freed unread
std::atomic<uint64_t> g_storedSteps{0}, g_droppedSteps{0}, g_droppedRecords{0};
std::atomic<uint64_t> g_nvtxCallbacks{0};
std::atomic<int> g_nvtxInit{0};  // InitializeInjectionNvtx2: 0 not called, 1 forwarded to CUPTI, -1 CUPTI's not found, 2 host handlers
std::atomic<uint64_t> g_apiRecords{0}, g_graphRecords{0};
// Bumped each time collection is switched on or off: a call whose entry or exit fell on the other
// side of the switch would leave a thread's nesting depth wrong, so each thread resets it.
std::atomic<uint32_t> g_generation{0};
std::atomic<bool> g_collecting{false};
std::atomic<uint64_t> g_captureRanges{0};  // capture ranges started (cudaProfilerStart)

bool g_launchRt[kRtSize], g_launchDrv[kDrvSize], g_graphRt[kRtSize], g_graphDrv[kDrvSize];
bool g_stepRt[kRtSize], g_stepDrv[kDrvSize];
std::atomic<bool> g_backtraceRt[kRtSize], g_backtraceDrv[kDrvSize];  // debug: print the caller once

struct Registry {
  std::mutex mutex;                                    // thread registration and exit only
  std::vector<ThreadState*> live;                      // threads still running
  std::map<uint64_t, std::unique_ptr<Stat>> retiredApi;  // key: domain << 32 | cbid
  std::vector<StepRecord> retiredSteps;
  uint64_t retiredUnmatched = 0;
  uint64_t threads = 0;
};
Registry& g_reg = immortal<Registry>();

struct Activity {
  std::mutex mutex;  // activity buffers (CUPTI's worker thread, a launching thread, or a flush)
  std::unordered_map<const char*, DeviceStat> kernels;  // CUPTI shares one name pointer per kernel
  std::map<std::string, DeviceStat> copies;             // "[CUDA memcpy Host-to-Device]", "[CUDA memset]"
  std::map<uint32_t, DeviceStat> graphs;                // by graph id, with graph-level records
  std::atomic<uint64_t> buffers{0}, records{0};
  bool drained = false;  // drainRecords ran: API records of a late buffer are not counted
};
Activity& g_act = immortal<Activity>();

struct Notes {
  std::mutex mutex;
  std::vector<std::string> errors;
};
Notes& g_notes = immortal<Notes>();

// NVTX start/end ranges may end on another thread.
struct OpenRange {
  ThreadState* owner;
  Snapshot start;
  struct Mark* startMark = nullptr;  // API records
};
struct Ranges {
  std::mutex mutex;
  std::unordered_map<uint64_t, OpenRange> open;
  std::vector<OpenRange> pending;  // started with an id CUPTI did not report
  std::unordered_map<const void*, std::string> registeredStrings;
};
Ranges& g_rng = immortal<Ranges>();

void note(const std::string& e) {
  std::lock_guard<std::mutex> lock(g_notes.mutex);
  if (g_notes.errors.size() < 50) g_notes.errors.push_back(e);
}

std::string cuptiError(const char* call, CUptiResult r) {
  const char* s = nullptr;
  cuptiGetResultString(r, &s);
  return std::string(call) + ": " + (s ? s : "unknown CUPTI error");
}

// ---------------------------------------------------------------- threads

void retire(ThreadState* ts);

thread_local ThreadState* t_state = nullptr;
thread_local bool t_reaperGone = false;

struct Reaper {
  ~Reaper() {
    t_reaperGone = true;
    if (t_state) {
      retire(t_state);
      t_state = nullptr;
    }
  }
};

ThreadState* newState() {
  auto* ts = new ThreadState();
  ts->tid = static_cast<uint64_t>(syscall(SYS_gettid));
  {
    std::lock_guard<std::mutex> lock(g_reg.mutex);
    g_reg.live.push_back(ts);
    if (!g_config.apiRecords) ++g_reg.threads;  // with API records, threads are counted from them
  }
  if (!t_reaperGone) {
    thread_local Reaper reaper;
    (void)&reaper;
  }
  return ts;
}

inline ThreadState* state() {
  ThreadState* ts = t_state;
  if (__builtin_expect(ts == nullptr, 0)) ts = t_state = newState();
  return ts;
}

void mergeApi(std::map<uint64_t, std::unique_ptr<Stat>>& into, ThreadState* ts) {
  auto one = [&into](uint64_t key, const std::unique_ptr<Stat>& s) {
    if (!s) return;
    std::unique_ptr<Stat>& slot = into[key];
    if (!slot) slot.reset(new Stat());
    slot->merge(*s);
  };
  for (uint32_t i = 0; i < kRtSize; ++i) one((uint64_t{CUPTI_CB_DOMAIN_RUNTIME_API} << 32) | i, ts->rt[i]);
  for (uint32_t i = 0; i < kDrvSize; ++i) one((uint64_t{CUPTI_CB_DOMAIN_DRIVER_API} << 32) | i, ts->drv[i]);
}

// A thread that ends folds its figures into the process totals.
void retire(ThreadState* ts) {
  std::lock_guard<std::mutex> lock(g_reg.mutex);
  for (auto it = g_reg.live.begin(); it != g_reg.live.end(); ++it) {
    if (*it == ts) {
      g_reg.live.erase(it);
      break;
    }
  }
  mergeApi(g_reg.retiredApi, ts);
  g_reg.retiredSteps.insert(g_reg.retiredSteps.end(), ts->steps.begin(), ts->steps.end());
  g_reg.retiredUnmatched += ts->unmatchedExits;
  // The state itself stays, its totals frozen: an NVTX start/end range this thread opened may be
  // ended later on another thread, which reads them (and its id). Freeing it here was a
  // use-after-free that bench/trace_check.cu caught (issue 6). What was merged is freed.
  for (auto& slot : ts->rt) slot.reset();
  for (auto& slot : ts->drv) slot.reset();
  std::vector<StepRecord>().swap(ts->steps);
}

// ---------------------------------------------------------------- steps

bool switchedBetween(uint64_t after, uint64_t upTo);

void closeStep(ThreadState* owner, const Snapshot& start, const Snapshot& end, std::vector<StepRecord>& into) {
  // Counted at the call (callbacks, host tracer): with a capture range, a step that began or ended
  // outside a range, or spans a gap, did not have all its calls counted, so it is not a step.
  if (!g_config.apiRecords && g_config.captureProfiler &&
      (!g_collecting.load(std::memory_order_relaxed) || switchedBetween(start.t, end.t)))
    return;
  if (g_storedSteps.fetch_add(1, std::memory_order_relaxed) >= g_config.maxSteps) {
    g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  into.push_back(StepRecord{owner->tid, start.t - g_startNs, end.t - start.t, end.launches - start.launches,
                            end.graphLaunches - start.graphLaunches, end.apiCalls - start.apiCalls,
                            end.apiNs - start.apiNs});
}

// api:NAME - each call of NAME ends a step and starts the next; what comes before the first call
// (set-up, warm-up) is not a step.
void apiMarker(ThreadState* ts) {
  const Snapshot now = ts->snapshot(nowNs());
  if (ts->stepOpen) closeStep(ts, ts->stepStart, now, ts->steps);
  ts->stepStart = now;
  ts->stepOpen = true;
}

// Times collection was switched on or off (capture range). Its own lock, held only around the
// vector: never while calling CUPTI, which may deliver a buffer (and take g_act.mutex) meanwhile.
struct SwitchTimes {
  std::mutex mutex;
  std::vector<uint64_t> at;
};
SwitchTimes& g_switches = immortal<SwitchTimes>();

bool switchedBetween(uint64_t after, uint64_t upTo) {
  if (!g_config.captureProfiler) return false;
  std::lock_guard<std::mutex> lock(g_switches.mutex);
  for (uint64_t t : g_switches.at)
    if (t > after && t <= upTo) return true;
  return false;
}

// ---------------------------------------------------------------- API activity records
//
// With API records (the default) CUPTI writes one record per runtime or driver call into the
// calling thread's activity buffer, and this library reads them later on CUPTI's worker thread,
// so the calling thread runs none of our code. Nesting and step boundaries are worked out from the
// records after the fact (nesting.h says how); a step is a pair of marks, turned into a
// StepRecord at exit.

struct Mark {
  uint64_t t = 0;
  Snapshot snap;
  bool resolved = false;
};

struct MarkQueue {
  std::mutex mutex;               // the owning thread (NVTX) adds, the record reader fills
  std::deque<Mark> marks;         // per thread, in time order; a deque keeps references valid
  std::atomic<size_t> added{0};   // marks.size(), read without the lock
  size_t resolved = 0;            // record reader only
};

struct MarkBook {
  std::mutex mutex;
  std::unordered_map<uint64_t, MarkQueue*> byTid;
  std::vector<std::pair<uint64_t, std::pair<Mark*, Mark*>>> steps;  // tid, start, end
};
MarkBook& g_marks = immortal<MarkBook>();

MarkQueue* marksOf(uint64_t tid) {
  std::lock_guard<std::mutex> lock(g_marks.mutex);
  MarkQueue*& q = g_marks.byTid[tid];
  if (!q) q = new MarkQueue();
  return q;
}

// Past GRAPHPROF_TRACE_MAX_STEPS no mark is added (marks are never freed): steps are only counted.
bool stepsFull() { return g_storedSteps.load(std::memory_order_relaxed) >= g_config.maxSteps; }

// A mark at `t`, or, with t == 0, now: read under the queue's lock, so that marks added from two
// threads (an NVTX range ended on another thread) still queue in time order.
Mark* addMark(uint64_t tid, uint64_t t) {
  MarkQueue* q = marksOf(tid);
  std::lock_guard<std::mutex> lock(q->mutex);
  q->marks.push_back(Mark{t ? t : stampNs(), {}, false});
  q->added.store(q->marks.size(), std::memory_order_release);
  return &q->marks.back();
}

void deferStep(uint64_t tid, Mark* start, Mark* end) {
  if (g_storedSteps.fetch_add(1, std::memory_order_relaxed) >= g_config.maxSteps) {
    g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::lock_guard<std::mutex> lock(g_marks.mutex);
  g_marks.steps.push_back({tid, {start, end}});
}

constexpr size_t kMaxPending = 4096;
std::atomic<uint64_t> g_nestingUnresolved{0}, g_recordsOutOfOrder{0};

using graphprof_trace::Call;

struct RecordThread {
  ThreadState* ts = nullptr;           // statistics and totals, as a calling thread's with callbacks
  MarkQueue* marks = nullptr;
  graphprof_trace::Nesting nesting{kMaxPending};
  Mark* lastMarker = nullptr;          // api: steps
  bool markerFull = false;             // a marker was seen after the step cap was reached
};

// Record reader state, under g_act.mutex.
std::unordered_map<uint32_t, RecordThread*>& g_recordThreads = immortal<std::unordered_map<uint32_t, RecordThread*>>();

RecordThread& recordThread(uint32_t tid) {
  RecordThread*& rt = g_recordThreads[tid];
  if (!rt) {
    rt = new RecordThread();
    rt->ts = new ThreadState();
    rt->ts->tid = tid;
    rt->marks = marksOf(tid);
    std::lock_guard<std::mutex> lock(g_reg.mutex);
    g_reg.live.push_back(rt->ts);
    ++g_reg.threads;
  }
  return *rt;
}

// Fill the marks at or before t with the thread's totals so far.
void resolveMarks(RecordThread& rt, uint64_t t) {
  MarkQueue* q = rt.marks;
  if (q->added.load(std::memory_order_acquire) <= q->resolved) return;
  std::lock_guard<std::mutex> lock(q->mutex);
  graphprof_trace::resolveMarksUpTo(q->marks, q->resolved, t, [&rt](Mark& m) { m.snap = rt.ts->snapshot(m.t); });
}

const char* callbackName(CUpti_CallbackDomain domain, uint32_t cbid) {
  const char* name = nullptr;
  if (cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS) return nullptr;
  return name;
}

void countOutermost(RecordThread& rt, const Call& c) {
  resolveMarks(rt, c.start);
  const auto domain = static_cast<CUpti_CallbackDomain>(c.domain);
  const bool runtime = c.domain == CUPTI_CB_DOMAIN_RUNTIME_API;
  ThreadState* ts = rt.ts;
  Stat& s = ts->stat(domain, c.cbid);
  if (!s.name) s.name = callbackName(domain, c.cbid);
  const uint64_t ns = c.end > c.start ? c.end - c.start : 0;
  s.add(ns);
  Totals& t = ts->totals;
  t.bump(t.apiCalls, 1);
  t.bump(t.apiNs, ns);
  if (runtime ? g_launchRt[c.cbid] : g_launchDrv[c.cbid]) t.bump(t.launches, 1);
  if (runtime ? g_graphRt[c.cbid] : g_graphDrv[c.cbid]) t.bump(t.graphLaunches, 1);
}

void onApiRecord(const CUpti_ActivityAPI* a) {
  const CUpti_CallbackDomain domain = a->kind == CUPTI_ACTIVITY_KIND_RUNTIME ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API;
  if (a->cbid >= (domain == CUPTI_CB_DOMAIN_RUNTIME_API ? kRtSize : kDrvSize)) return;
  g_apiRecords.fetch_add(1, std::memory_order_relaxed);
  RecordThread& rt = recordThread(a->threadId);
  const Call call{a->start, a->end, a->cbid, static_cast<int>(domain)};
  const graphprof_trace::NestingFlags f = rt.nesting.add(
      call,
      [&rt](const Call& inner) {
        const auto d = static_cast<CUpti_CallbackDomain>(inner.domain);
        Stat& s = rt.ts->stat(d, inner.cbid);
        if (!s.name) s.name = callbackName(d, inner.cbid);
        ++s.nested;
      },
      [&rt](const Call& outer) { countOutermost(rt, outer); });
  if (f.outOfOrder) g_recordsOutOfOrder.fetch_add(1, std::memory_order_relaxed);
  if (f.unresolved) g_nestingUnresolved.fetch_add(1, std::memory_order_relaxed);
  // api:NAME - each call of NAME (outermost or nested) ends a step at its end and starts the next.
  if (g_config.stepMode == StepMode::Api && (domain == CUPTI_CB_DOMAIN_RUNTIME_API ? g_stepRt[a->cbid] : g_stepDrv[a->cbid])) {
    if (stepsFull()) {
      if (rt.lastMarker || rt.markerFull) g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
      rt.lastMarker = nullptr;
      rt.markerFull = true;
      return;
    }
    Mark* m = addMark(rt.ts->tid, call.end);
    // A step across a capture-range gap is not a step: its calls were not all collected.
    if (rt.lastMarker && !switchedBetween(rt.lastMarker->t, call.end)) deferStep(rt.ts->tid, rt.lastMarker, m);
    rt.lastMarker = m;
  }
}

// At exit, after the last buffer: what is still pending is outermost; every mark gets its figures.
void drainRecords() {
  std::lock_guard<std::mutex> lock(g_act.mutex);
  for (auto& kv : g_recordThreads) {
    RecordThread& rt = *kv.second;
    rt.nesting.drain([&rt](const Call& c) { countOutermost(rt, c); });
    resolveMarks(rt, UINT64_MAX);
  }
  g_act.drained = true;
  // Threads with marks but no API call at all: their steps hold nothing.
  std::lock_guard<std::mutex> book(g_marks.mutex);
  for (auto& kv : g_marks.byTid) {
    MarkQueue* q = kv.second;
    std::lock_guard<std::mutex> lockQ(q->mutex);
    for (; q->resolved < q->marks.size(); ++q->resolved) {
      Mark& m = q->marks[q->resolved];
      m.snap = Snapshot{};
      m.snap.t = m.t;
      m.resolved = true;
    }
  }
}

// Steps from pairs of marks whose figures are in (a mark on a thread that made no API call after
// it has none: such a step is left out).
void stepsFromMarks(std::vector<StepRecord>& into) {
  std::lock_guard<std::mutex> lock(g_marks.mutex);
  for (auto& st : g_marks.steps) {
    const Mark* a = st.second.first;
    const Mark* b = st.second.second;
    if (!a->resolved || !b->resolved) {
      // A thread that never made an API call after the mark: nothing was counted after it.
      continue;
    }
    into.push_back(StepRecord{st.first, a->t - g_stampStart, b->t - a->t, b->snap.launches - a->snap.launches,
                              b->snap.graphLaunches - a->snap.graphLaunches, b->snap.apiCalls - a->snap.apiCalls,
                              b->snap.apiNs - a->snap.apiNs});
  }
}

// ---------------------------------------------------------------- API callbacks

void printBacktrace(const char* what, int depth) {
  void* frames[48];
  const int n = backtrace(frames, 48);
  dprintf(2, "graphprof trace [debug]: pid %d tid %ld: %s entered at depth %d, called from:\n", static_cast<int>(getpid()),
          static_cast<long>(syscall(SYS_gettid)), what, depth);
  backtrace_symbols_fd(frames, n, 2);
}

// The thread's state for an API callback. Collection switched on or off since this thread's last
// callback (a capture range): calls in flight at the switch lost an entry or an exit, so the
// nesting depth starts again from zero, and an api: step open across the gap is not a step.
inline ThreadState* apiState() {
  ThreadState* ts = state();
  const uint32_t gen = g_generation.load(std::memory_order_relaxed);
  if (__builtin_expect(ts->generation != gen, 0)) {
    ts->generation = gen;
    ts->depth = 0;
    if (g_config.stepMode == StepMode::Api) ts->stepOpen = false;
  }
  return ts;
}

// A call's entry and exit, from CUPTI's callbacks or the host tracer's wrappers (host_hooks.cc).
void apiEnter(CUpti_CallbackDomain domain, uint32_t cbid, const char* name) {
  const bool runtime = domain == CUPTI_CB_DOMAIN_RUNTIME_API;
  ThreadState* ts = apiState();
  if (__builtin_expect(g_config.debug, 0)) {
    std::atomic<bool>& once = runtime ? g_backtraceRt[cbid] : g_backtraceDrv[cbid];
    if (once.exchange(false)) printBacktrace(name, ts->depth);
  }
  if (ts->depth++ == 0) {
    ts->outerDomain = domain;
    ts->outerCbid = cbid;
    ts->outerStart = nowNs();  // last, so our own bookkeeping is not timed
  } else {
    Stat& s = ts->stat(domain, cbid);
    if (!s.name) s.name = name;
    ++s.nested;
  }
}

void apiExit(CUpti_CallbackDomain domain, uint32_t cbid, const char* name) {
  const uint64_t end = nowNs();  // first, for the same reason
  const bool runtime = domain == CUPTI_CB_DOMAIN_RUNTIME_API;
  ThreadState* ts = apiState();
  if (ts->depth == 0) {  // the call began before counting did (cuInit itself, a capture range's edge)
    ++ts->unmatchedExits;
    return;
  }
  const bool marker = g_config.stepMode == StepMode::Api && (runtime ? g_stepRt[cbid] : g_stepDrv[cbid]);
  if (--ts->depth != 0) {
    if (marker) apiMarker(ts);
    return;
  }
  if (ts->outerDomain != static_cast<int>(domain) || ts->outerCbid != cbid) {
    ++ts->unmatchedExits;
    return;
  }
  const uint64_t ns = end - ts->outerStart;
  Stat& s = ts->stat(domain, cbid);
  if (!s.name) s.name = name;
  s.add(ns);
  Totals& t = ts->totals;
  t.bump(t.apiCalls, 1);
  t.bump(t.apiNs, ns);
  if (runtime ? g_launchRt[cbid] : g_launchDrv[cbid]) t.bump(t.launches, 1);
  if (runtime ? g_graphRt[cbid] : g_graphDrv[cbid]) t.bump(t.graphLaunches, 1);
  if (marker) apiMarker(ts);
}

void onApi(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData* cb) {
  if (cbid >= (domain == CUPTI_CB_DOMAIN_RUNTIME_API ? kRtSize : kDrvSize)) return;
  if (cb->callbackSite == CUPTI_API_ENTER) apiEnter(domain, cbid, cb->functionName);
  else apiExit(domain, cbid, cb->functionName);
}

// ---------------------------------------------------------------- NVTX callbacks (steps only)

std::string asciiOf(const nvtxEventAttributes_t* a) {
  if (!a) return {};
  switch (a->messageType) {
    case NVTX_MESSAGE_TYPE_ASCII:
      return a->message.ascii ? a->message.ascii : "";
    case NVTX_MESSAGE_TYPE_UNICODE: {
      std::string s;
      for (const wchar_t* w = a->message.unicode; w && *w; ++w) s.push_back(*w < 128 ? static_cast<char>(*w) : '?');
      return s;
    }
    case NVTX_MESSAGE_TYPE_REGISTERED: {
      std::lock_guard<std::mutex> lock(g_rng.mutex);
      auto it = g_rng.registeredStrings.find(static_cast<const void*>(a->message.registered));
      return it == g_rng.registeredStrings.end() ? std::string() : it->second;
    }
    default:
      return {};
  }
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
  if (!ts->stepOpen && name == g_config.stepName) {
    ts->stepOpen = true;
    ts->stepNvtxDepth = depth;
    ts->stepNvtxDomain = domain;
    if (g_config.apiRecords) ts->stepStartMark = stepsFull() ? nullptr : addMark(ts->tid, 0);
    else ts->stepStart = ts->snapshot(nowNs());
  }
}

void nvtxPop(const void* domain) {
  const uint64_t t = nowNs();
  ThreadState* ts = state();
  int& depth = nvtxDepthOf(ts, domain);
  if (depth == 0) return;  // pushed before tracing began
  if (ts->stepOpen && ts->stepNvtxDomain == domain && ts->stepNvtxDepth == depth) {
    if (g_config.apiRecords && !ts->stepStartMark) g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    else if (g_config.apiRecords) deferStep(ts->tid, ts->stepStartMark, addMark(ts->tid, 0));
    else closeStep(ts, ts->stepStart, ts->snapshot(t), ts->steps);
    ts->stepOpen = false;
  }
  --depth;
}

void nvtxStart(const std::string& name, const void* returnValue) {
  if (name != g_config.stepName) return;
  ThreadState* ts = state();
  const uint64_t t = g_config.apiRecords ? stampNs() : nowNs();
  OpenRange r{ts, g_config.apiRecords ? Snapshot{} : ts->snapshot(t), g_config.apiRecords && !stepsFull() ? addMark(ts->tid, 0) : nullptr};
  const uint64_t id = returnValue ? *static_cast<const nvtxRangeId_t*>(returnValue) : 0;
  std::lock_guard<std::mutex> lock(g_rng.mutex);
  if (id != 0) g_rng.open[id] = r;
  else g_rng.pending.push_back(r);
}

void nvtxEnd(uint64_t id) {
  const uint64_t t = nowNs();
  std::lock_guard<std::mutex> lock(g_rng.mutex);
  OpenRange r;
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
  // The range may end on another thread: its figures are those of the thread that started it.
  if (g_config.apiRecords) {
    if (r.startMark) deferStep(r.owner->tid, r.startMark, addMark(r.owner->tid, 0));
    else g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ThreadState* ts = state();
  closeStep(r.owner, r.start, r.owner->snapshot(t), ts->steps);
}

void onNvtx(CUpti_CallbackId cbid, const CUpti_NvtxData* d) {
  const void* p = d->functionParams;
  switch (cbid) {
    case CUPTI_CBID_NVTX_nvtxRangePushA: {
      auto* a = static_cast<const nvtxRangePushA_params*>(p);
      nvtxPush(nullptr, a->message ? a->message : "");
      break;
    }
    case CUPTI_CBID_NVTX_nvtxRangePushEx:
      nvtxPush(nullptr, asciiOf(static_cast<const nvtxRangePushEx_params*>(p)->eventAttrib));
      break;
    case CUPTI_CBID_NVTX_nvtxRangePushW: {
      nvtxEventAttributes_t a{};
      a.messageType = NVTX_MESSAGE_TYPE_UNICODE;
      a.message.unicode = static_cast<const nvtxRangePushW_params*>(p)->message;
      nvtxPush(nullptr, asciiOf(&a));
      break;
    }
    case CUPTI_CBID_NVTX_nvtxRangePop:
      nvtxPop(nullptr);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangePushEx: {
      auto* a = static_cast<const nvtxDomainRangePushEx_params*>(p);
      nvtxPush(a->domain, asciiOf(a->core.eventAttrib));
      break;
    }
    case CUPTI_CBID_NVTX_nvtxDomainRangePop:
      nvtxPop(static_cast<const nvtxDomainRangePop_params*>(p)->domain);
      break;
    case CUPTI_CBID_NVTX_nvtxRangeStartA: {
      auto* a = static_cast<const nvtxRangeStartA_params*>(p);
      nvtxStart(a->message ? a->message : "", d->functionReturnValue);
      break;
    }
    case CUPTI_CBID_NVTX_nvtxRangeStartEx:
      nvtxStart(asciiOf(static_cast<const nvtxRangeStartEx_params*>(p)->eventAttrib), d->functionReturnValue);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangeStartEx:
      nvtxStart(asciiOf(static_cast<const nvtxDomainRangeStartEx_params*>(p)->core.eventAttrib), d->functionReturnValue);
      break;
    case CUPTI_CBID_NVTX_nvtxRangeEnd:
      nvtxEnd(static_cast<const nvtxRangeEnd_params*>(p)->id);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangeEnd:
      nvtxEnd(static_cast<const nvtxDomainRangeEnd_params*>(p)->core.id);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRegisterStringA: {
      auto* a = static_cast<const nvtxDomainRegisterStringA_params*>(p);
      if (d->functionReturnValue && a->string) {
        const void* handle = *static_cast<const nvtxStringHandle_t*>(d->functionReturnValue);
        std::lock_guard<std::mutex> lock(g_rng.mutex);
        g_rng.registeredStrings[handle] = a->string;
      }
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------- collection on / off

std::vector<CUpti_CallbackDomain> apiDomains() {
  std::vector<CUpti_CallbackDomain> domains;
  if (g_config.apiRecords) return domains;
  if (g_config.callbacks > 0 && g_config.runtimeDomain) domains.push_back(CUPTI_CB_DOMAIN_RUNTIME_API);
  if (g_config.callbacks > 0 && g_config.driverDomain) domains.push_back(CUPTI_CB_DOMAIN_DRIVER_API);
  return domains;
}

bool isProfilerCall(CUpti_CallbackDomain domain, CUpti_CallbackId cbid) {
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API)
    return cbid == CUPTI_RUNTIME_TRACE_CBID_cudaProfilerStart_v4000 || cbid == CUPTI_RUNTIME_TRACE_CBID_cudaProfilerStop_v4000;
  if (domain == CUPTI_CB_DOMAIN_DRIVER_API)
    return cbid == CUPTI_DRIVER_TRACE_CBID_cuProfilerStart || cbid == CUPTI_DRIVER_TRACE_CBID_cuProfilerStop;
  return false;
}

// The API callbacks: every callback of the chosen domains but the excluded APIs. With a capture
// range, cudaProfilerStart/Stop (and the driver's) stay dispatched while the rest is off.
bool enableApiCallbacks(bool on) {
  for (CUpti_CallbackDomain d : apiDomains()) {
    const CUptiResult r = cuptiEnableDomain(on ? 1 : 0, g_subscriber, d);
    if (r != CUPTI_SUCCESS) {
      note(cuptiError("cuptiEnableDomain", r));
      return false;
    }
    const uint32_t size = d == CUPTI_CB_DOMAIN_RUNTIME_API ? kRtSize : kDrvSize;
    for (uint32_t i = 1; on && i < size && !g_config.exclude.empty(); ++i) {
      const char* name = nullptr;
      if (cuptiGetCallbackName(d, i, &name) != CUPTI_SUCCESS || !name) continue;
      if (g_config.exclude.count(baseName(name))) cuptiEnableCallback(0, g_subscriber, d, i);
    }
  }
  if (g_config.captureProfiler) {
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaProfilerStart_v4000);
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaProfilerStop_v4000);
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuProfilerStart);
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuProfilerStop);
  }
  return true;
}

std::vector<CUpti_ActivityKind> activityKinds() {
  std::vector<CUpti_ActivityKind> kinds;
  if (g_config.activity) {
    kinds.push_back(g_config.kernelKind ? CUPTI_ACTIVITY_KIND_KERNEL : CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    kinds.push_back(CUPTI_ACTIVITY_KIND_MEMCPY);
    kinds.push_back(CUPTI_ACTIVITY_KIND_MEMSET);
  }
  if (g_config.graphTrace) kinds.push_back(CUPTI_ACTIVITY_KIND_GRAPH_TRACE);
  if (g_config.apiRecords && g_config.callbacks > 0 && g_config.runtimeDomain) kinds.push_back(CUPTI_ACTIVITY_KIND_RUNTIME);
  if (g_config.apiRecords && g_config.callbacks > 0 && g_config.driverDomain) kinds.push_back(CUPTI_ACTIVITY_KIND_DRIVER);
  return kinds;
}

// GRAPHPROF_TRACE_DRIVER_APIS: driver records for these APIs only (base names), switched on one by
// one instead of the whole DRIVER kind.
void enableDriverList(bool on) {
  for (uint32_t i = 1; i < kDrvSize; ++i) {
    const char* name = callbackName(CUPTI_CB_DOMAIN_DRIVER_API, i);
    if (name && g_config.driverApis.count(baseName(name))) cuptiActivityEnableDriverApi(i, on ? 1 : 0);
  }
}

void enableActivityKinds(bool on) {
  for (CUpti_ActivityKind k : activityKinds()) {
    if (k == CUPTI_ACTIVITY_KIND_DRIVER && !g_config.driverApis.empty()) {
      enableDriverList(on);
      continue;
    }
    const CUptiResult r = on ? cuptiActivityEnable(k) : cuptiActivityDisable(k);
    if (r != CUPTI_SUCCESS) note(cuptiError(on ? "cuptiActivityEnable" : "cuptiActivityDisable", r) + " (kind " + std::to_string(static_cast<int>(k)) + ")");
    // The excluded APIs: enabling a kind turns all of its APIs on, so they are turned off after.
    const bool api = k == CUPTI_ACTIVITY_KIND_RUNTIME || k == CUPTI_ACTIVITY_KIND_DRIVER;
    if (!on || !api || g_config.exclude.empty()) continue;
    const CUpti_CallbackDomain d = k == CUPTI_ACTIVITY_KIND_RUNTIME ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API;
    const uint32_t size = d == CUPTI_CB_DOMAIN_RUNTIME_API ? kRtSize : kDrvSize;
    for (uint32_t i = 1; i < size; ++i) {
      const char* name = callbackName(d, i);
      if (!name || !g_config.exclude.count(baseName(name))) continue;
      if (d == CUPTI_CB_DOMAIN_RUNTIME_API) cuptiActivityEnableRuntimeApi(i, 0);
      else cuptiActivityEnableDriverApi(i, 0);
    }
  }
}

std::mutex& g_switchMutex = immortal<std::mutex>();

void setCollecting(bool on) {
  std::lock_guard<std::mutex> lock(g_switchMutex);
  if (g_collecting.load() == on) return;
  g_generation.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> times(g_switches.mutex);
    g_switches.at.push_back(stampNs());
  }
  if (!kHost) {
    enableApiCallbacks(on);
    enableActivityKinds(on);
  }
  g_collecting.store(on);
  if (on) g_captureRanges.fetch_add(1, std::memory_order_relaxed);
}

// Collection starts when cudaProfilerStart returns and stops when cudaProfilerStop is entered, so
// neither call is in the figures (the runtime's call and the driver's inside it both switch).
void onProfilerCall(CUpti_CallbackId cbid, const CUpti_CallbackData* cb) {
  const bool start = cbid == CUPTI_RUNTIME_TRACE_CBID_cudaProfilerStart_v4000 || cbid == CUPTI_DRIVER_TRACE_CBID_cuProfilerStart;
  if (start && cb->callbackSite == CUPTI_API_EXIT) setCollecting(true);
  if (!start && cb->callbackSite == CUPTI_API_ENTER) setCollecting(false);
}

void CUPTIAPI onCallback(void*, CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const void* data) {
  if (g_stopping.load(std::memory_order_relaxed)) return;
  if (g_config.captureProfiler && isProfilerCall(domain, cbid)) {
    onProfilerCall(cbid, static_cast<const CUpti_CallbackData*>(data));
    return;
  }
  if (g_config.callbacks == 1 && domain <= CUPTI_CB_DOMAIN_DRIVER_API) return;  // measurement: CUPTI's dispatch alone
  switch (domain) {
    case CUPTI_CB_DOMAIN_RUNTIME_API:
    case CUPTI_CB_DOMAIN_DRIVER_API:
      onApi(domain, cbid, static_cast<const CUpti_CallbackData*>(data));
      break;
    case CUPTI_CB_DOMAIN_NVTX:
      g_nvtxCallbacks.fetch_add(1, std::memory_order_relaxed);
      if (g_config.stepMode == StepMode::Nvtx) onNvtx(cbid, static_cast<const CUpti_NvtxData*>(data));
      break;
    case CUPTI_CB_DOMAIN_RESOURCE:
      // A context about to go away takes its unflushed activity records with it.
      if (cbid == CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING && g_config.activity) cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
      break;
    case CUPTI_CB_DOMAIN_STATE:
      if (cbid == CUPTI_CBID_STATE_FATAL_ERROR) {
        auto* s = static_cast<const CUpti_StateData*>(data);
        note(std::string("CUPTI fatal error (CUPTI detached itself): ") +
             (s->notification.message ? s->notification.message : cuptiError("state", s->notification.result)));
      }
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------- activity records

// Read buffers are kept for reuse: an 8 MiB allocation is a fresh mmap whose pages fault in one by
// one as CUPTI fills it, on the traced program's thread (GRAPHPROF_TRACE_BUFFER_POOL=0: no reuse).
struct BufferPool {
  std::mutex mutex;
  std::vector<uint8_t*> free;
};
BufferPool& g_pool = immortal<BufferPool>();
constexpr size_t kPoolMax = 16;

uint8_t* takeBuffer() {
  if (g_config.bufferPool) {
    std::lock_guard<std::mutex> lock(g_pool.mutex);
    if (!g_pool.free.empty()) {
      uint8_t* b = g_pool.free.back();
      g_pool.free.pop_back();
      return b;
    }
  }
  return static_cast<uint8_t*>(std::aligned_alloc(8, g_config.bufferBytes));
}

void giveBuffer(uint8_t* b) {
  if (g_config.bufferPool && !g_final.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(g_pool.mutex);
    if (g_pool.free.size() < kPoolMax) {
      g_pool.free.push_back(b);
      return;
    }
  }
  std::free(b);
}

void CUPTIAPI bufferRequested(uint8_t** buffer, size_t* size, size_t* maxNumRecords) {
  *buffer = takeBuffer();
  *size = *buffer ? g_config.bufferBytes : 0;
  *maxNumRecords = 0;
}

const char* copyName(uint8_t kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD: return "[CUDA memcpy Host-to-Device]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH: return "[CUDA memcpy Device-to-Host]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD: return "[CUDA memcpy Device-to-Device]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH: return "[CUDA memcpy Host-to-Host]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP: return "[CUDA memcpy Peer-to-Peer]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA: return "[CUDA memcpy Host-to-Array]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH: return "[CUDA memcpy Array-to-Host]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOA: return "[CUDA memcpy Array-to-Array]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOD: return "[CUDA memcpy Array-to-Device]";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOA: return "[CUDA memcpy Device-to-Array]";
    default: return "[CUDA memcpy Unknown]";
  }
}

inline uint64_t span(uint64_t start, uint64_t end) { return end > start ? end - start : 0; }

void CUPTIAPI bufferCompleted(CUcontext ctx, uint32_t streamId, uint8_t* buffer, size_t, size_t validSize) {
  if (g_final.load(std::memory_order_acquire)) {  // after the final record: nothing reads these
    giveBuffer(buffer);
    return;
  }
  g_act.buffers.fetch_add(1, std::memory_order_relaxed);
  if (validSize > 0) {
    std::lock_guard<std::mutex> lock(g_act.mutex);
    CUpti_Activity* record = nullptr;
    while (cuptiActivityGetNextRecord(buffer, validSize, &record) == CUPTI_SUCCESS) {
      switch (record->kind) {
        case CUPTI_ACTIVITY_KIND_KERNEL:
        case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
          auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
          DeviceStat& d = g_act.kernels[k->name];
          if (d.stat.calls == 0 && d.name.empty()) d.name = k->name ? k->name : "<unknown>";
          g_act.records.fetch_add(1, std::memory_order_relaxed);
          d.stat.add(span(k->start, k->end));
          if (k->graphId != 0) ++d.graphInstances;
          break;
        }
        case CUPTI_ACTIVITY_KIND_MEMCPY: {
          auto* m = reinterpret_cast<const CUpti_ActivityMemcpy6*>(record);
          DeviceStat& d = g_act.copies[copyName(m->copyKind)];
          d.stat.add(span(m->start, m->end));
          d.bytes += m->bytes;
          if (m->graphId != 0) ++d.graphInstances;
          break;
        }
        case CUPTI_ACTIVITY_KIND_GRAPH_TRACE: {
          auto* g = reinterpret_cast<const CUpti_ActivityGraphTrace2*>(record);
          g_graphRecords.fetch_add(1, std::memory_order_relaxed);
          DeviceStat& d = g_act.graphs[g->graphId];
          d.stat.add(span(g->start, g->end));
          ++d.graphInstances;
          break;
        }
        case CUPTI_ACTIVITY_KIND_RUNTIME:
        case CUPTI_ACTIVITY_KIND_DRIVER:
          // After the exit handler settled the records, the threads' figures are being merged.
          if (!g_act.drained) onApiRecord(reinterpret_cast<const CUpti_ActivityAPI*>(record));
          break;
        case CUPTI_ACTIVITY_KIND_MEMSET: {
          auto* m = reinterpret_cast<const CUpti_ActivityMemset4*>(record);
          DeviceStat& d = g_act.copies["[CUDA memset]"];
          d.stat.add(span(m->start, m->end));
          d.bytes += m->bytes;
          if (m->graphId != 0) ++d.graphInstances;
          break;
        }
        default:
          break;
      }
    }
  }
  size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(ctx, streamId, &dropped) == CUPTI_SUCCESS && dropped > 0) {
    g_droppedRecords.fetch_add(dropped, std::memory_order_relaxed);
  }
  giveBuffer(buffer);
}

// ---------------------------------------------------------------- the record

struct Json {
  std::string s;
  void raw(const std::string& t) { s += t; }
  void str(const std::string& t) {
    s.push_back('"');
    for (unsigned char c : t) {
      switch (c) {
        case '"': s += "\\\""; break;
        case '\\': s += "\\\\"; break;
        case '\n': s += "\\n"; break;
        case '\r': s += "\\r"; break;
        case '\t': s += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            s += buf;
          } else {
            s.push_back(static_cast<char>(c));
          }
      }
    }
    s.push_back('"');
  }
  void key(const char* k) {
    str(k);
    s.push_back(':');
  }
  void u64(uint64_t v) { s += std::to_string(v); }
  void num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    s += buf;
  }
};

std::string readFile(const char* path) {
  std::string out;
  FILE* f = std::fopen(path, "rb");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

void processInfo(Json& j) {
  j.key("pid"), j.u64(static_cast<uint64_t>(g_pid)), j.raw(",");
  j.key("ppid"), j.u64(static_cast<uint64_t>(getppid())), j.raw(",");
  char exe[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  j.key("exe"), j.str(n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string()), j.raw(",");
  j.key("argv"), j.raw("[");
  const std::string cmdline = readFile("/proc/self/cmdline");
  bool first = true;
  for (size_t at = 0; at < cmdline.size();) {
    const size_t end = cmdline.find('\0', at);
    const std::string arg = cmdline.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!first) j.raw(",");
    j.str(arg);
    first = false;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  j.raw("],");
  j.key("stepMarker");
  if (g_config.stepSpec.empty()) j.raw("null");
  else j.str(g_config.stepSpec);
  j.raw(",");
  j.key("startedAtEpochNs"), j.u64(g_startEpochNs), j.raw(",");
}

void writeAtomically(const std::string& text) {
  const std::string path = g_config.dir + "/trace-" + std::to_string(g_pid) + ".json";
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "graphprof trace: cannot write %s: %s\n", tmp.c_str(), std::strerror(errno));
    return;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    std::fprintf(stderr, "graphprof trace: cannot write %s\n", tmp.c_str());
    return;
  }
  std::rename(tmp.c_str(), path.c_str());
}

void statFields(Json& j, const Stat& s) {
  j.key("totalNs"), j.u64(s.totalNs), j.raw(",");
  j.key("minNs"), j.u64(s.calls ? s.minNs : 0), j.raw(",");
  j.key("maxNs"), j.u64(s.maxNs), j.raw(",");
  j.key("medNs"), j.num(s.median()), j.raw(",");
  j.key("sumSqNs2"), j.num(static_cast<double>(s.sumSqNs2)), j.raw(",");
  j.key("hist"), j.raw("[");
  bool first = true;
  if (s.buckets) {
    for (int i = 0; i < graphprof_trace::kBuckets; ++i) {
      if (!s.buckets[i]) continue;
      if (!first) j.raw(",");
      first = false;
      j.raw("["), j.u64(static_cast<uint64_t>(i)), j.raw(","), j.u64(s.buckets[i]), j.raw("]");
    }
  }
  j.raw("]");
}

std::string demangle(const char* name) {
  if (!name) return "<unknown>";
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = (status == 0 && d) ? d : name;
  std::free(d);
  return out;
}

int versionOf(const char* symbol, const char* library) {
  using Fn = int (*)(int*);
  auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
  // A runtime that dlopen()ed the driver privately (cudart_static does) hides it from RTLD_DEFAULT.
  if (!fn && library) {
    if (void* h = dlopen(library, RTLD_NOW | RTLD_NOLOAD)) fn = reinterpret_cast<Fn>(dlsym(h, symbol));
  }
  int v = 0;
  if (fn && fn(&v) == 0) return v;
  return 0;
}

struct Loaded {
  const char* part;
  std::vector<std::string> paths;
};

int collectLoaded(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<Loaded*>(data);
  if (info->dlpi_name && std::strstr(info->dlpi_name, out->part)) out->paths.push_back(info->dlpi_name);
  return 0;
}

void loadedList(Json& j, const char* key, const char* part) {
  Loaded loaded{part, {}};
  dl_iterate_phdr(collectLoaded, &loaded);
  j.key(key), j.raw("[");
  for (size_t i = 0; i < loaded.paths.size(); ++i) {
    if (i) j.raw(",");
    j.str(loaded.paths[i]);
  }
  j.raw("],");
}

void writeFinal() {
  // Merge every thread, the live ones included (a thread still inside a call at exit may be
  // mid-update: the record is a snapshot).
  std::map<uint64_t, std::unique_ptr<Stat>> api;
  std::vector<StepRecord> steps;
  uint64_t unmatched = 0, threads = 0;
  {
    std::lock_guard<std::mutex> lock(g_reg.mutex);
    for (auto& kv : g_reg.retiredApi) {
      std::unique_ptr<Stat>& slot = api[kv.first];
      slot.reset(new Stat());
      slot->merge(*kv.second);
    }
    steps = g_reg.retiredSteps;
    unmatched = g_reg.retiredUnmatched;
    for (ThreadState* ts : g_reg.live) {
      mergeApi(api, ts);
      steps.insert(steps.end(), ts->steps.begin(), ts->steps.end());
      unmatched += ts->unmatchedExits;
    }
    threads = g_reg.threads;
  }
  {
    std::lock_guard<std::mutex> lock(g_rng.mutex);
    // ranges closed on a thread whose state was freed are already in g_reg.retiredSteps
  }
  if (g_config.apiRecords) stepsFromMarks(steps);
  std::sort(steps.begin(), steps.end(), [](const StepRecord& a, const StepRecord& b) { return a.startNs < b.startNs; });

  Json j;
  j.raw("{");
  j.key("schema"), j.str("graphprof-trace-record/1"), j.raw(",");
  j.key("complete"), j.raw("true,");
  j.key("attached"), j.raw(g_attached ? "true," : "false,");
  processInfo(j);
  j.key("wallNs"), j.u64(nowNs() - g_startNs), j.raw(",");
  uint32_t cuptiVersion = 0;
  if (!kHost) cuptiGetVersion(&cuptiVersion);
#ifdef GRAPHPROF_HOST
  if (const int n = graphprof_trace::hostPassedThrough())
    note(std::to_string(n) + " driver entry points were handed out unwrapped (the program obtained the same API at two addresses, e.g. from two libcuda): calls through them are not counted");
#endif
  j.key("cuptiVersion"), j.u64(cuptiVersion), j.raw(",");
  j.key("driverVersion"), j.u64(static_cast<uint64_t>(versionOf("cuDriverGetVersion", "libcuda.so.1"))), j.raw(",");
  const int rt = versionOf("cudaRuntimeGetVersion", nullptr);
  j.key("runtimeVersion");
  if (rt) j.u64(static_cast<uint64_t>(rt));
  else j.raw("null");
  j.raw(",");
  loadedList(j, "runtimeLibraries", "libcudart");
  // More than one CUPTI in a process means NVTX or another tool loaded its own (docs/trace.md).
  loadedList(j, "cuptiLibraries", "libcupti");
  j.key("nvtxInjection"), j.str(g_nvtxInit.load() == 2 ? "host" : g_nvtxInit.load() == 1 ? "forwarded" : g_nvtxInit.load() == -1 ? "cupti-missing" : "not-called"), j.raw(",");
  j.key("nvtxCallbacks"), j.u64(g_nvtxCallbacks.load()), j.raw(",");
  j.key("activityBuffers"), j.u64(g_act.buffers.load()), j.raw(",");
  j.key("activityRecords"), j.u64(g_act.records.load()), j.raw(",");
  {
    const char* cb[] = {"none", "empty", "full"};
    j.key("collection"), j.raw("{");
    j.key("callbacks"), j.str(cb[g_config.callbacks]), j.raw(",");
    j.key("runtimeDomain"), j.raw(g_config.runtimeDomain ? "true," : "false,");
    j.key("driverDomain"), j.raw(g_config.driverDomain ? "true," : "false,");
    j.key("api"), j.str(kHost ? "host" : g_config.apiRecords ? "records" : "callbacks"), j.raw(",");
    j.key("clock"), j.str(g_cuptiClock ? "cupti" : "steady"), j.raw(",");
    j.key("apiRecords"), j.u64(g_apiRecords.load()), j.raw(",");
    j.key("graphRecords"), j.u64(g_graphRecords.load()), j.raw(",");
    j.key("recordsOutOfOrder"), j.u64(g_recordsOutOfOrder.load()), j.raw(",");
    j.key("nestingUnresolved"), j.u64(g_nestingUnresolved.load()), j.raw(",");
    j.key("captureRange"), j.str(g_config.captureProfiler ? "cudaProfilerApi" : "none"), j.raw(",");
    j.key("captureRanges"), j.u64(g_captureRanges.load()), j.raw(",");
    j.key("excluded"), j.raw("[");
    bool firstX = true;
    for (const std::string& x : g_config.exclude) {
      if (!firstX) j.raw(",");
      firstX = false;
      j.str(x);
    }
    j.raw("],");
    j.key("kernelKind"), j.str(g_config.kernelKind ? "KERNEL" : "CONCURRENT_KERNEL"), j.raw(",");
    j.key("perThreadBuffers"), j.raw(g_config.perThreadBuffers < 0 ? "null" : g_config.perThreadBuffers ? "true" : "false"), j.raw(",");
    j.key("bufferBytes"), j.u64(g_config.bufferBytes);
    j.raw("},");
  }
  j.key("histogram"), j.str("log2-32"), j.raw(",");
  j.key("activity"), j.raw(g_config.activity ? "true," : "false,");
  j.key("threads"), j.u64(threads), j.raw(",");

  j.key("api"), j.raw("[");
  bool first = true;
  for (auto& kv : api) {
    const Stat& s = *kv.second;
    if (s.calls == 0 && s.nested == 0) continue;
    const int domain = static_cast<int>(kv.first >> 32);
    const auto cbid = static_cast<CUpti_CallbackId>(kv.first & 0xffffffffu);
    const char* name = s.name;
    if (!name) cuptiGetCallbackName(static_cast<CUpti_CallbackDomain>(domain), cbid, &name);
    if (!first) j.raw(",");
    first = false;
    j.raw("{");
    j.key("name"), j.str(name ? name : "<unknown>"), j.raw(",");
    j.key("domain"), j.str(domain == CUPTI_CB_DOMAIN_RUNTIME_API ? "runtime" : "driver"), j.raw(",");
    j.key("cbid"), j.u64(cbid), j.raw(",");
    j.key("calls"), j.u64(s.calls), j.raw(",");
    j.key("nestedCalls"), j.u64(s.nested), j.raw(",");
    statFields(j, s);
    j.raw("}");
  }
  j.raw("],");

  {
    std::lock_guard<std::mutex> lock(g_act.mutex);
    // Kernels that demangle to the same name (one per module that loaded them) are one row.
    std::map<std::string, DeviceStat> kernels;
    for (auto& kv : g_act.kernels) {
      DeviceStat& d = kernels[demangle(kv.second.name.c_str())];
      d.stat.merge(kv.second.stat);
      d.graphInstances += kv.second.graphInstances;
    }
    // Graph-level records (--graph-trace graph): each graph's executions are one row, its time the
    // graph's from start to end on the GPU, as nsys --cuda-graph-trace=graph shows a graph.
    for (auto& kv : g_act.graphs) {
      DeviceStat& d = kernels["[CUDA graph " + std::to_string(kv.first) + "]"];
      d.stat.merge(kv.second.stat);
      d.graphInstances += kv.second.graphInstances;
    }
    auto device = [&j](const char* key, const std::map<std::string, DeviceStat>& rows, bool bytes) {
      j.key(key), j.raw("[");
      bool firstRow = true;
      for (auto& kv : rows) {
        if (!firstRow) j.raw(",");
        firstRow = false;
        j.raw("{");
        j.key("name"), j.str(kv.first), j.raw(",");
        j.key("instances"), j.u64(kv.second.stat.calls), j.raw(",");
        j.key("graphInstances"), j.u64(kv.second.graphInstances), j.raw(",");
        if (bytes) j.key("bytes"), j.u64(kv.second.bytes), j.raw(",");
        statFields(j, kv.second.stat);
        j.raw("}");
      }
      j.raw("],");
    };
    device("kernels", kernels, false);
    device("memcpy", g_act.copies, true);
  }

  j.key("steps"), j.raw("[");
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& r = steps[i];
    if (i) j.raw(",");
    j.raw("{");
    j.key("tid"), j.u64(r.tid), j.raw(",");
    j.key("startNs"), j.u64(r.startNs), j.raw(",");
    j.key("durationNs"), j.u64(r.durationNs), j.raw(",");
    j.key("launches"), j.u64(r.launches), j.raw(",");
    j.key("graphLaunches"), j.u64(r.graphLaunches), j.raw(",");
    j.key("apiCalls"), j.u64(r.apiCalls), j.raw(",");
    j.key("apiNs"), j.u64(r.apiNs);
    j.raw("}");
  }
  j.raw("],");
  j.key("stepsDropped"), j.u64(g_droppedSteps.load()), j.raw(",");
  j.key("droppedRecords"), j.u64(g_droppedRecords.load()), j.raw(",");
  j.key("unmatchedExits"), j.u64(unmatched), j.raw(",");
  j.key("errors"), j.raw("[");
  {
    std::lock_guard<std::mutex> lock(g_notes.mutex);
    for (size_t i = 0; i < g_notes.errors.size(); ++i) {
      if (i) j.raw(",");
      j.str(g_notes.errors[i]);
    }
  }
  j.raw("]}\n");
  writeAtomically(j.s);
}

/** Written at start-up, so that a process that dies before exit still shows it was traced. */
void writeStarted() {
  Json j;
  j.raw("{");
  j.key("schema"), j.str("graphprof-trace-record/1"), j.raw(",");
  j.key("complete"), j.raw("false,");
  j.key("attached"), j.raw(g_attached ? "true," : "false,");
  processInfo(j);
  j.key("errors"), j.raw("[");
  for (size_t i = 0; i < g_notes.errors.size(); ++i) {
    if (i) j.raw(",");
    j.str(g_notes.errors[i]);
  }
  j.raw("]}\n");
  writeAtomically(j.s);
}

std::once_flag g_finalOnce;

void finish() {
  // A forked child inherits this state but did not initialise CUDA itself: it writes nothing.
  if (getpid() != g_pid) return;
  std::call_once(g_finalOnce, [] {
    if (g_attached && !activityKinds().empty()) {
      const CUptiResult r = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
      if (r != CUPTI_SUCCESS) note(cuptiError("cuptiActivityFlushAll", r));
    }
    g_stopping.store(true);
    if (g_config.apiRecords) {
      drainRecords();
      if (const uint64_t n = g_recordsOutOfOrder.load())
        note(std::to_string(n) + " API records of a thread arrived out of order: nesting and step figures may be off by that many calls");
      if (const uint64_t n = g_nestingUnresolved.load())
        note(std::to_string(n) + " calls held more than " + std::to_string(kMaxPending) + " calls each: the calls inside them were counted as outermost calls");
    }
    writeFinal();
    g_final.store(true, std::memory_order_release);
  });
}

void atExit() { finish(); }

// ---------------------------------------------------------------- set-up

void readConfig() {
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DIR"); d && *d) g_config.dir = d;
  if (const char* s = std::getenv("GRAPHPROF_TRACE_STEP"); s && *s) {
    const std::string spec(s);
    g_config.stepSpec = spec;
    if (spec.rfind("api:", 0) == 0) {
      g_config.stepMode = StepMode::Api;
      g_config.stepName = baseName(spec.substr(4).c_str());
    } else if (spec.rfind("nvtx:", 0) == 0) {
      g_config.stepMode = StepMode::Nvtx;
      g_config.stepName = spec.substr(5);
    } else {
      note("GRAPHPROF_TRACE_STEP: expected api:NAME or nvtx:NAME, got \"" + spec + "\"; no steps recorded");
    }
  }
  if (const char* a = std::getenv("GRAPHPROF_TRACE_ACTIVITY"); a && std::strcmp(a, "0") == 0) g_config.activity = false;
  if (const char* m = std::getenv("GRAPHPROF_TRACE_MAX_STEPS"); m && *m) g_config.maxSteps = std::strtoull(m, nullptr, 10);
  if (const char* l = std::getenv("GRAPHPROF_TRACE_LAUNCH_APIS"); l && *l) g_config.launchApis = splitList(l);
  if (const char* g = std::getenv("GRAPHPROF_TRACE_GRAPH_APIS"); g && *g) g_config.graphApis = splitList(g);
  if (const char* c = std::getenv("GRAPHPROF_TRACE_CALLBACKS"); c && *c) {
    g_config.callbacks = std::strcmp(c, "none") == 0 ? 0 : std::strcmp(c, "empty") == 0 ? 1 : 2;
  }
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DRIVER"); d && std::strcmp(d, "0") == 0) g_config.driverDomain = false;
  if (const char* r = std::getenv("GRAPHPROF_TRACE_RUNTIME"); r && std::strcmp(r, "0") == 0) g_config.runtimeDomain = false;
  if (const char* a = std::getenv("GRAPHPROF_TRACE_API"); a && std::strcmp(a, "callbacks") == 0) g_config.apiRecords = false;
  if (const char* c = std::getenv("GRAPHPROF_TRACE_CLOCK"); c && std::strcmp(c, "cupti") == 0) g_cuptiClock = true;
  if (const char* v = std::getenv("GRAPHPROF_TRACE_SUBSCRIBE"); v && std::strcmp(v, "0") == 0) g_config.subscribe = false;
  if (const char* v = std::getenv("GRAPHPROF_TRACE_RESOURCE"); v && std::strcmp(v, "0") == 0) g_config.resourceCallbacks = false;
  if (const char* g = std::getenv("GRAPHPROF_TRACE_GRAPH_TRACE"); g && std::strcmp(g, "1") == 0) g_config.graphTrace = true;
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DRIVER_APIS"); d && *d) g_config.driverApis = splitList(d);
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BUFFER_POOL"); b && std::strcmp(b, "0") == 0) g_config.bufferPool = false;
  if (const char* f = std::getenv("GRAPHPROF_TRACE_FLUSH_MS"); f && *f) g_config.flushMs = static_cast<uint32_t>(std::strtoul(f, nullptr, 10));
  if (const char* c = std::getenv("GRAPHPROF_TRACE_CAPTURE"); c && *c) {
    if (std::strcmp(c, "cudaProfilerApi") == 0) g_config.captureProfiler = true;
    else note(std::string("GRAPHPROF_TRACE_CAPTURE: expected cudaProfilerApi, got \"") + c + "\"; the whole run is collected");
  }
  if (const char* x = std::getenv("GRAPHPROF_TRACE_EXCLUDE"); x) g_config.exclude = splitList(x);
  if (const char* k = std::getenv("GRAPHPROF_TRACE_KERNEL_KIND"); k && std::strcmp(k, "kernel") == 0) g_config.kernelKind = true;
  if (const char* t = std::getenv("GRAPHPROF_TRACE_PER_THREAD_BUFFERS"); t && *t) g_config.perThreadBuffers = std::atoi(t) ? 1 : 0;
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BUFFER_BYTES"); b && *b) {
    const unsigned long long v = std::strtoull(b, nullptr, 10);
    if (v >= (64u << 10)) g_config.bufferBytes = static_cast<size_t>((v + 7) & ~7ull);  // aligned_alloc: a multiple of 8
  }
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DEBUG"); d && std::strcmp(d, "1") == 0) g_config.debug = true;
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BACKTRACE"); b && *b) g_config.backtraceApis = splitList(b);
  if (kHost) {  // the wrappers count on the calling thread, like callbacks; no CUPTI, no device times
    g_cuptiClock = false;
    g_config.apiRecords = false;
    g_config.activity = false;
    g_config.graphTrace = false;
    g_config.subscribe = false;
    g_config.exclude.clear();
  }
}

void classifyHost() {
  for (int i = 0; i < graphprof_trace::hostApiCount(); ++i) {
    const graphprof_trace::HostApi a = graphprof_trace::hostApi(i);
    if (!a.name || a.cbid >= kDrvSize) continue;
    const std::string base = baseName(a.name);
    g_launchDrv[a.cbid] = g_config.launchApis.count(base) > 0;
    g_graphDrv[a.cbid] = g_config.graphApis.count(base) > 0;
    g_stepDrv[a.cbid] = g_config.stepMode == StepMode::Api && base == g_config.stepName;
    g_backtraceDrv[a.cbid] = g_config.debug && g_config.backtraceApis.count(base) > 0;
  }
}

void classify() {
  if (kHost) return classifyHost();
  for (uint32_t i = 1; i < kRtSize; ++i) {
    const char* name = nullptr;
    if (cuptiGetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API, i, &name) != CUPTI_SUCCESS || !name) continue;
    const std::string base = baseName(name);
    g_launchRt[i] = g_config.launchApis.count(base) > 0;
    g_graphRt[i] = g_config.graphApis.count(base) > 0;
    g_stepRt[i] = g_config.stepMode == StepMode::Api && base == g_config.stepName;
    g_backtraceRt[i] = g_config.debug && g_config.backtraceApis.count(base) > 0;
  }
  for (uint32_t i = 1; i < kDrvSize; ++i) {
    const char* name = nullptr;
    if (cuptiGetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, i, &name) != CUPTI_SUCCESS || !name) continue;
    const std::string base = baseName(name);
    g_launchDrv[i] = g_config.launchApis.count(base) > 0;
    g_graphDrv[i] = g_config.graphApis.count(base) > 0;
    g_stepDrv[i] = g_config.stepMode == StepMode::Api && base == g_config.stepName;
    g_backtraceDrv[i] = g_config.debug && g_config.backtraceApis.count(base) > 0;
  }
}

bool attach() {
  CUptiResult r = CUPTI_SUCCESS;
  if (g_config.subscribe) r = cuptiSubscribe(&g_subscriber, onCallback, nullptr);
  if (r != CUPTI_SUCCESS) {
    note(cuptiError("cuptiSubscribe", r) +
         (r == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED ? " (another profiler, e.g. nsys or a framework profiler, holds CUPTI)" : ""));
    return false;
  }
  // The activity set-up comes first: it settles whether API calls are counted from records or,
  // if CUPTI refuses records, from callbacks, before any callback can arrive.
  if (g_config.activity && g_config.perThreadBuffers >= 0) {
    uint8_t v = static_cast<uint8_t>(g_config.perThreadBuffers);
    size_t n = sizeof v;
    r = cuptiActivitySetAttribute(CUPTI_ACTIVITY_ATTR_PER_THREAD_ACTIVITY_BUFFER, &n, &v);
    if (r != CUPTI_SUCCESS) note(cuptiError("cuptiActivitySetAttribute(PER_THREAD_ACTIVITY_BUFFER)", r));
  }
  // One clock for everything: API records, NVTX step boundaries (read in callbacks) and the
  // record's wall time, so that a record can be placed against a step boundary.
  r = g_cuptiClock ? CUPTI_SUCCESS : cuptiActivityRegisterTimestampCallback(steadyTimestamp);
  g_stampStart = stampNs();
  if (r != CUPTI_SUCCESS && g_config.apiRecords) {
    note(cuptiError("cuptiActivityRegisterTimestampCallback", r) + "; API calls counted with callbacks instead of records");
    g_config.apiRecords = false;
  }
  if (g_config.apiRecords) {
    r = cuptiSetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);  // record threadId == gettid()
    if (r != CUPTI_SUCCESS) note(cuptiError("cuptiSetThreadIdType", r) + "; NVTX steps may find no API calls");
  }
  bool activityReady = false;
  if (!activityKinds().empty()) {
    if (g_config.flushMs) cuptiActivityFlushPeriod(g_config.flushMs);
    // Buffers touched now, at cuInit, rather than page by page while the program launches.
    for (size_t i = 0; g_config.bufferPool && i < 3; ++i) {
      if (auto* b = static_cast<uint8_t*>(std::aligned_alloc(8, g_config.bufferBytes))) {
        std::memset(b, 0, g_config.bufferBytes);
        giveBuffer(b);
      }
    }
    r = cuptiActivityRegisterCallbacks(bufferRequested, bufferCompleted);
    if (r != CUPTI_SUCCESS) {
      note(cuptiError("cuptiActivityRegisterCallbacks", r) + "; no device times" +
           (g_config.apiRecords ? "; API calls counted with callbacks instead of records" : ""));
      g_config.activity = false;
      g_config.apiRecords = false;
      g_config.graphTrace = false;
    } else {
      activityReady = true;
    }
  }
  // With a capture range nothing is collected until the program calls cudaProfilerStart.
  if (g_config.subscribe && !enableApiCallbacks(!g_config.captureProfiler)) return false;
  if (g_config.subscribe && g_config.stepMode == StepMode::Nvtx) {
    r = cuptiEnableDomain(1, g_subscriber, CUPTI_CB_DOMAIN_NVTX);
    if (r != CUPTI_SUCCESS) note(cuptiError("cuptiEnableDomain(NVTX)", r) + "; NVTX steps will be missing");
  }
  if (g_config.subscribe && g_config.resourceCallbacks) {
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING);
    cuptiEnableCallback(1, g_subscriber, CUPTI_CB_DOMAIN_STATE, CUPTI_CBID_STATE_FATAL_ERROR);
  }
  if (activityReady && !g_config.captureProfiler) enableActivityKinds(true);
  g_collecting.store(!g_config.captureProfiler);
  return true;
}

void onFatalSignal(int sig, siginfo_t* info, void*) {
  dprintf(2, "graphprof trace [debug]: signal %d (address %p) in pid %d tid %ld%s; backtrace:\n", sig, info ? info->si_addr : nullptr,
          static_cast<int>(getpid()), static_cast<long>(syscall(SYS_gettid)), g_stopping.load() ? ", after the exit handler began" : "");
  void* frames[64];
  backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
  signal(sig, SIG_DFL);
  raise(sig);
}

void initialize() {
  g_pid = getpid();
  g_startNs = nowNs();
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  g_startEpochNs = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
  readConfig();
  if (g_config.debug) {
    struct sigaction sa {};
    sa.sa_sigaction = onFatalSignal;
    sa.sa_flags = SA_SIGINFO;
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL}) sigaction(sig, &sa, nullptr);
  }
  classify();
  if (kHost) {
    g_attached = true;  // the wrappers are in place: host_hooks.cc handed them out
    g_collecting.store(!g_config.captureProfiler);
  } else {
    g_attached = attach();
  }
  writeStarted();
  std::atexit(atExit);
}

std::once_flag g_initOnce;

}  // namespace

#ifdef GRAPHPROF_HOST
// ---------------------------------------------------------------- host tracer: NVTX and entry points
//
// A preloaded library's static initialisers may run after another library's constructor has called
// cuInit (or NVTX): until ours have run, the globals above are not built. Start-up is then left to
// the initialiser at the end of this file (constant-initialised flags, no dynamic initialisation).
//
// With no CUPTI, this library is NVTX's tool itself (NVTX_INJECTION64_PATH): it fills NVTX's
// function tables with the handlers below, which do what CUPTI's NVTX callbacks do in the CUPTI
// build. Every range call of the program lands here; only the marker's name makes a step.
namespace {

std::atomic<uint64_t> g_nvtxNextId{1};

bool nvtxLive() {
  g_nvtxCallbacks.fetch_add(1, std::memory_order_relaxed);
  return g_pid == getpid() && !g_stopping.load(std::memory_order_relaxed) && g_config.stepMode == StepMode::Nvtx;
}
int depthAfter(const void* domain) { return nvtxDepthOf(state(), domain) - 1; }

int NVTX_API hostPushA(const char* m) {
  if (!nvtxLive()) return 0;
  nvtxPush(nullptr, m ? m : "");
  return depthAfter(nullptr);
}
int NVTX_API hostPushW(const wchar_t* m) {
  if (!nvtxLive()) return 0;
  nvtxEventAttributes_t a{};
  a.messageType = NVTX_MESSAGE_TYPE_UNICODE;
  a.message.unicode = m;
  nvtxPush(nullptr, asciiOf(&a));
  return depthAfter(nullptr);
}
int NVTX_API hostPushEx(const nvtxEventAttributes_t* a) {
  if (!nvtxLive()) return 0;
  nvtxPush(nullptr, asciiOf(a));
  return depthAfter(nullptr);
}
int NVTX_API hostPop() {
  if (!nvtxLive()) return -1;
  const int level = nvtxDepthOf(state(), nullptr) - 1;
  nvtxPop(nullptr);
  return level;
}
int NVTX_API hostDomainPushEx(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) {
  if (!nvtxLive()) return 0;
  nvtxPush(d, asciiOf(a));
  return depthAfter(d);
}
int NVTX_API hostDomainPop(nvtxDomainHandle_t d) {
  if (!nvtxLive()) return -1;
  const int level = nvtxDepthOf(state(), d) - 1;
  nvtxPop(d);
  return level;
}
nvtxRangeId_t startNamed(const std::string& name) {
  const nvtxRangeId_t id = g_nvtxNextId.fetch_add(1, std::memory_order_relaxed);
  if (nvtxLive()) nvtxStart(name, &id);
  return id;
}
nvtxRangeId_t NVTX_API hostStartA(const char* m) { return startNamed(m ? m : ""); }
nvtxRangeId_t NVTX_API hostStartW(const wchar_t* m) {
  nvtxEventAttributes_t a{};
  a.messageType = NVTX_MESSAGE_TYPE_UNICODE;
  a.message.unicode = m;
  return startNamed(asciiOf(&a));
}
nvtxRangeId_t NVTX_API hostStartEx(const nvtxEventAttributes_t* a) { return startNamed(asciiOf(a)); }
nvtxRangeId_t NVTX_API hostDomainStartEx(nvtxDomainHandle_t, const nvtxEventAttributes_t* a) { return startNamed(asciiOf(a)); }
void NVTX_API hostEnd(nvtxRangeId_t id) {
  if (nvtxLive()) nvtxEnd(id);
}
void NVTX_API hostDomainEnd(nvtxDomainHandle_t, nvtxRangeId_t id) { hostEnd(id); }
// Handles are our own, never freed: a registered string is its copy, a domain a unique address.
bool g_libReady = false;     // this file's initialisers have run
bool g_startPending = false;  // cuInit returned before they had

nvtxStringHandle_t NVTX_API hostRegisterStringA(nvtxDomainHandle_t, const char* text) {
  auto* copy = new std::string(text ? text : "");
  const void* handle = copy;
  if (!g_libReady) return reinterpret_cast<nvtxStringHandle_t>(const_cast<void*>(handle));
  std::lock_guard<std::mutex> lock(g_rng.mutex);
  g_rng.registeredStrings[handle] = *copy;
  return reinterpret_cast<nvtxStringHandle_t>(const_cast<void*>(handle));
}
nvtxStringHandle_t NVTX_API hostRegisterStringW(nvtxDomainHandle_t d, const wchar_t* text) {
  std::string s;
  for (const wchar_t* w = text; w && *w; ++w) s.push_back(*w < 128 ? static_cast<char>(*w) : '?');
  return hostRegisterStringA(d, s.c_str());
}
nvtxDomainHandle_t NVTX_API hostDomainCreateA(const char*) { return reinterpret_cast<nvtxDomainHandle_t>(new char(0)); }
nvtxDomainHandle_t NVTX_API hostDomainCreateW(const wchar_t*) { return reinterpret_cast<nvtxDomainHandle_t>(new char(0)); }

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
  if (!cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &core, &n)) return 0;
  setSlot(core, n, NVTX_CBID_CORE_RangePushA, fp(&hostPushA));
  setSlot(core, n, NVTX_CBID_CORE_RangePushW, fp(&hostPushW));
  setSlot(core, n, NVTX_CBID_CORE_RangePushEx, fp(&hostPushEx));
  setSlot(core, n, NVTX_CBID_CORE_RangePop, fp(&hostPop));
  setSlot(core, n, NVTX_CBID_CORE_RangeStartA, fp(&hostStartA));
  setSlot(core, n, NVTX_CBID_CORE_RangeStartW, fp(&hostStartW));
  setSlot(core, n, NVTX_CBID_CORE_RangeStartEx, fp(&hostStartEx));
  setSlot(core, n, NVTX_CBID_CORE_RangeEnd, fp(&hostEnd));
  if (cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &core2, &n2)) {
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRangePushEx, fp(&hostDomainPushEx));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRangePop, fp(&hostDomainPop));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRangeStartEx, fp(&hostDomainStartEx));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRangeEnd, fp(&hostDomainEnd));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRegisterStringA, fp(&hostRegisterStringA));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainRegisterStringW, fp(&hostRegisterStringW));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainCreateA, fp(&hostDomainCreateA));
    setSlot(core2, n2, NVTX_CBID_CORE2_DomainCreateW, fp(&hostDomainCreateW));
  }
  g_nvtxInit.store(2);
  return 1;
}

namespace graphprof_trace {
void hostStart() {
  if (!g_libReady) {
    g_startPending = true;
    return;
  }
  std::call_once(g_initOnce, initialize);
}
void hostApiEnter(uint32_t cbid, const char* name) {
  if (!g_collecting.load(std::memory_order_relaxed) || g_stopping.load(std::memory_order_relaxed)) return;
  apiEnter(CUPTI_CB_DOMAIN_DRIVER_API, cbid, name);
}
void hostApiExit(uint32_t cbid, const char* name) {
  if (!g_collecting.load(std::memory_order_relaxed) || g_stopping.load(std::memory_order_relaxed)) return;
  apiExit(CUPTI_CB_DOMAIN_DRIVER_API, cbid, name);
}
void hostProfiler(bool start) {
  if (g_config.captureProfiler && g_pid == getpid() && !g_stopping.load()) setCollecting(start);
}
}  // namespace graphprof_trace

namespace {
// Last in the file, so it runs after every initialiser above.
struct Ready {
  Ready() {
    g_libReady = true;
    if (g_startPending) graphprof_trace::hostStart();
  }
} g_ready;
}  // namespace

#else
// NVTX's tool hook. `graphprof trace --step-marker nvtx:...` points NVTX_INJECTION64_PATH at this
// library, not at a libcupti file: a process may already hold another libcupti.so.N (a PyTorch
// wheel's, loaded with libtorch), and the driver resolved this library's libcupti.so.N to that one.
// NVTX dlopen()ing a CUPTI by path would then load a second CUPTI, with no subscriber, and every
// NVTX range would vanish. Forwarding to the CUPTI this library is bound to keeps one CUPTI.
extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(const void* getExportTable) {
  using Fn = int (*)(const void*);
  Fn forward = nullptr;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuptiSubscribe), &info) && info.dli_fname) {
    if (void* cupti = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD)) forward = reinterpret_cast<Fn>(dlsym(cupti, "InitializeInjectionNvtx2"));
  }
  g_nvtxInit.store(forward ? 1 : -1);
  return forward ? forward(getExportTable) : 0;
}

#endif

extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  std::call_once(g_initOnce, initialize);
  // 1 even when CUPTI refused to attach: the program runs untraced, and the record says why.
  return 1;
}
