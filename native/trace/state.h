// The tracers' shared state and the seams between their pieces. Both libraries are built from
// the shared sources (config.cc, counting.cc, nvtx.cc, record.cc) and one source of their own:
// libgraphprof_inject.so adds cupti.cc and records.cc (CUPTI: callbacks or activity records),
// libgraphprof_host.so adds host.cc and host_hooks.cc (LD_PRELOAD: wrapped driver entry points).
// What a tracer must provide is declared at the end (tracer hooks). docs/architecture.md, Trace.
//
// Hot path: one thread-local pointer, two clock reads per outermost API call, array-indexed
// statistics per API slot. No lock is taken on an API call; threads are merged at exit.
// Nesting: only the outermost API call of a thread is counted and timed; a driver call made inside
// a runtime call (cudaLaunchKernel -> cuLaunchKernel) is counted as "nested", never as a call.
#pragma once

#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "api_classes.h"
#include "histogram.h"
#include "nesting.h"
#include "scope.h"

namespace graphprof_trace {

// ---------------------------------------------------------------- API slots

/** CUPTI's callback domains (CUpti_CallbackDomain's values; cupti.cc checks they match). */
enum Domain : int { kDriver = 1, kRuntime = 2 };
constexpr uint32_t kRtSize = CUPTI_RUNTIME_TRACE_CBID_SIZE;
constexpr uint32_t kDrvSize = CUPTI_DRIVER_TRACE_CBID_SIZE;
/** One index space for runtime and driver APIs: runtime cbids first, then driver cbids. */
constexpr uint32_t kSlots = kRtSize + kDrvSize;
inline uint32_t slotOf(int domain, uint32_t cbid) { return domain == kRuntime ? cbid : kRtSize + cbid; }
inline int domainOf(uint32_t slot) { return slot < kRtSize ? kRuntime : kDriver; }
inline uint32_t cbidOf(uint32_t slot) { return slot < kRtSize ? slot : slot - kRtSize; }

// Everything a callback or a thread's exit can touch lives on the heap and is never freed:
// CUPTI's worker thread, the driver's and cudart's own exit handlers and late thread exits can run
// after this library's static destructors, and a destroyed map or mutex there crashed the traced
// program at exit (issue 6). Plain atomics and arrays of bool have no destructor and stay global.
template <typename T>
T& immortal() {
  static T* p = new T();
  return *p;
}

// ---------------------------------------------------------------- configuration (config.cc)

enum class StepMode { None, Api, Nvtx };

struct Config {
  std::string dir = ".";
  StepMode stepMode = StepMode::None;
  std::string stepName;
  std::string stepSpec;  // as given, e.g. "nvtx:decode_step"
  ApiClasses classes;    // GRAPHPROF_TRACE_API_CLASSES (analyze's table, from TypeScript)
  bool activity = true;
  uint64_t maxSteps = 200000;
  size_t timelineSteps = 0;          // GRAPHPROF_TRACE_TIMELINE_STEPS
  uint64_t maxDeviceRecords = 1u << 22;  // device records kept for attribution to steps
  // Measurement knobs (docs/trace.md, Overhead): how much of the cost is CUPTI's dispatch, ours,
  // or the activity records. callbacks: 2 full, 1 empty callback (counts nothing), 0 no API domain.
  int callbacks = 2;
  bool runtimeDomain = true;
  bool driverDomain = true;
  // Where API calls are counted and timed: CUPTI's activity records (CUPTI_ACTIVITY_KIND_RUNTIME
  // and DRIVER, written by CUPTI and read on its worker thread; the default, since they cost the
  // program about a third of what a callback pair does, measured with bench/trace_overhead.cu), or
  // callbacks on the calling thread (GRAPHPROF_TRACE_API=callbacks). The host tracer counts at the
  // call, as callbacks do.
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
  bool cuptiClock = false;        // GRAPHPROF_TRACE_CLOCK=cupti: CUPTI's own timestamps (measurement knob)
  bool debug = false;             // GRAPHPROF_TRACE_DEBUG=1: backtrace on SIGSEGV/SIGABRT, and on the
  std::set<std::string> backtraceApis;  // first call of each API in GRAPHPROF_TRACE_BACKTRACE
};

extern Config& g_config;
void readConfig();

// ---------------------------------------------------------------- clocks

uint64_t nowNs();  // steady_clock
/** The clock of API records and of the step marks placed against them. */
uint64_t stampNs();
/** What steps' and the timeline's startNs are measured from. */
uint64_t originNs();

// ---------------------------------------------------------------- process-wide state

struct StepRecord {
  uint64_t tid, startNs, durationNs, launches, graphLaunches, syncs, allocations, copies, memsets, apiCalls, apiNs;
};

struct Totals {
  // Written only by the owning thread (load + store, no read-modify-write, so no lock prefix);
  // atomics so that an NVTX start/end range closed on another thread can read them race-free.
  std::atomic<uint64_t> launches{0}, graphLaunches{0}, syncs{0}, allocations{0}, copies{0}, memsets{0}, apiCalls{0}, apiNs{0};
  static void bump(std::atomic<uint64_t>& a, uint64_t by) { a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed); }
};

struct Snapshot {
  uint64_t t = 0, launches = 0, graphLaunches = 0, syncs = 0, allocations = 0, copies = 0, memsets = 0, apiCalls = 0, apiNs = 0;
};

/** One outermost call of a timeline step (the name is resolved from the slot at exit). */
struct HostEvent {
  uint32_t slot;
  uint32_t correlationId;
  uint64_t startNs, durationNs;  // absolute, on stampNs's clock
};

/** A step chosen for the timeline while it is open: its calls are kept until it closes. */
struct TimelineCandidate {
  long slot = -1;  // its slot in the reservoir
  uint64_t tid = 0, startNs = 0;
  std::vector<HostEvent> host;
};

/** In-step and outside-step statistics of a thread (allocated only with a step marker). */
struct ScopedStats {
  std::unique_ptr<Stat> in[kSlots], out[kSlots];
  static Stat& of(std::unique_ptr<Stat>& slot) {
    if (!slot) slot.reset(new Stat());
    return *slot;
  }
};

struct Mark;

struct ThreadState {
  uint64_t tid = 0;
  std::unique_ptr<Stat> all[kSlots];
  std::unique_ptr<ScopedStats> scoped;
  int depth = 0;
  uint32_t generation = 0;  // g_generation when depth was last valid (collection toggled since: reset)
  uint64_t outerStart = 0;
  uint32_t outerSlot = 0;
  uint32_t outerCorrelation = 0;
  uint64_t unmatchedExits = 0;
  Totals totals;
  // steps
  std::atomic<bool> stepOpen{false};
  // an NVTX start/end range of this thread ended on another thread: its calls, pending, are the
  // step's (1) or outside (2); settled by this thread at its next call, or at exit
  std::atomic<int> remoteClose{0};
  Snapshot stepStart;
  Mark* stepStartMark = nullptr;  // API records: the step's start, filled in when its records are in
  std::vector<std::pair<const void*, int>> nvtxDepth;  // per NVTX domain (nullptr = default)
  int stepNvtxDepth = 0;
  const void* stepNvtxDomain = nullptr;
  std::vector<StepRecord> steps;
  // calls of the open step: in the step if it closes as one, else outside (api: steps never
  // closed by a last marker, a capture-range gap)
  std::vector<std::pair<uint32_t, uint64_t>> pending;
  std::unique_ptr<TimelineCandidate> timeline;
  std::vector<Link> links;

  Stat& stat(uint32_t slot) {
    if (!all[slot]) all[slot].reset(new Stat());
    return *all[slot];
  }
  Snapshot snapshot(uint64_t t) const;
};

struct DeviceStat {
  std::string name;  // copied when first seen: CUPTI's string may be gone by exit
  Stat stat;
  uint64_t graphInstances = 0;
  uint64_t bytes = 0;
};

enum class DeviceKind : uint8_t { Kernel, Memcpy, Memset };

/** A device record kept until exit, to be credited to a step by its correlation id. */
struct StoredDevice {
  uint64_t startNs, endNs;
  uint32_t correlationId, stream;
  DeviceStat* row;  // its whole-run row (name)
  uint64_t bytes;
  DeviceKind kind;
  bool graph;
};

extern uint64_t g_startNs;       // monotonic, at initialisation
extern uint64_t g_stampStart;    // stampNs() at attach
extern uint64_t g_startEpochNs;  // wall clock, at initialisation
extern int g_pid;
extern bool g_attached;
extern std::atomic<bool> g_stopping;  // set at exit: callbacks return at once
extern std::atomic<bool> g_final;     // the final record is written: late activity buffers are freed unread
extern std::atomic<uint64_t> g_storedSteps, g_droppedSteps, g_droppedRecords;
extern std::atomic<uint64_t> g_nvtxCallbacks;
extern std::atomic<int> g_nvtxInit;  // 0 not called, 1 forwarded to CUPTI, -1 CUPTI's not found, 2 host handlers
extern std::atomic<uint64_t> g_apiRecords, g_graphRecords;
extern std::atomic<uint32_t> g_generation;  // bumped at each collection switch (capture range)
extern std::atomic<bool> g_collecting;
extern std::atomic<uint64_t> g_captureRanges;
extern std::atomic<uint64_t> g_nestingUnresolved, g_recordsOutOfOrder;
extern bool g_scoping;  // a step marker is set: in-step and outside-step rows are kept
extern bool g_linking;  // ... and device records too: device-work calls are linked by correlation id

extern uint8_t g_class[kSlots];   // ApiClassBits of each API
extern bool g_stepApi[kSlots];    // api: marker
extern std::atomic<bool> g_backtrace[kSlots];

struct Registry {
  std::mutex mutex;                                    // thread registration and exit only
  std::vector<ThreadState*> live;                      // threads still running
  std::map<uint32_t, std::unique_ptr<Stat>> retiredApi, retiredIn, retiredOut;  // by slot
  std::vector<StepRecord> retiredSteps;
  std::vector<Link> retiredLinks;
  uint64_t retiredUnmatched = 0;
  uint64_t threads = 0;
};
extern Registry& g_reg;

struct Activity {
  std::mutex mutex;  // activity buffers (CUPTI's worker thread, a launching thread, or a flush)
  std::unordered_map<const char*, DeviceStat> kernels;  // CUPTI shares one name pointer per kernel
  std::map<std::string, DeviceStat> copies;             // "[CUDA memcpy Host-to-Device]", ...
  std::map<std::string, DeviceStat> memsets;            // "[CUDA memset]"
  std::map<uint32_t, DeviceStat> graphs;                // by graph id, with graph-level records
  std::vector<StoredDevice> stored;                     // with a step marker, up to the cap
  uint64_t unattributed = 0;                            // past the cap
  std::atomic<uint64_t> buffers{0}, records{0};
  bool drained = false;  // drainRecords ran: API records of a late buffer are not counted
};
extern Activity& g_act;

void note(const std::string& e);
std::vector<std::string> notes();

// ---------------------------------------------------------------- counting (counting.cc)

ThreadState* state();      // the calling thread's
ThreadState* apiState();   // ... reset after a collection switch
void retire(ThreadState* ts);
void mergeStats(std::map<uint32_t, std::unique_ptr<Stat>>& into, std::unique_ptr<Stat>* from);
void classify();
/** A counted (outermost) call: whole-run, scoped and per-class figures, timeline. `name` null: asked of the tracer once. */
void countCall(ThreadState* ts, uint32_t slot, uint64_t start, uint64_t ns, uint32_t correlationId, const char* name);
/** A call made inside another: counted as nested only. */
void countNested(ThreadState* ts, uint32_t slot, const char* name);
/** A device-work call (any depth) whose device records the step it was made in is credited with. */
void linkCall(ThreadState* ts, uint32_t slot, uint32_t correlationId, uint64_t t);
void apiEnter(int domain, uint32_t cbid, const char* name, uint32_t correlationId);
void apiExit(int domain, uint32_t cbid, const char* name, uint32_t correlationId);
void setCollecting(bool on);
bool switchedBetween(uint64_t after, uint64_t upTo);
bool stepsFull();

// steps in calling-thread counting (callbacks, host tracer)
enum class StepEnd { Recorded, OverCap, NotAStep };
void openStep(ThreadState* ts, const Snapshot& at);
/** Close ts's open step (from `start` to `end`, figures of `owner`); settles its pending calls. */
StepEnd closeStep(ThreadState* owner, const Snapshot& start, const Snapshot& end, std::vector<StepRecord>& into);
void settlePending(ThreadState* ts, bool inStep);
/** ts's open step has ended: its pending calls go in (Recorded, OverCap) or out, its timeline is kept or not. */
void endStepOf(ThreadState* ts, StepEnd how);
/** A timeline candidate for a step that opens now, or null. */
std::unique_ptr<TimelineCandidate> offerTimeline(uint64_t tid, uint64_t startNs);
void keepTimeline(std::unique_ptr<TimelineCandidate> c);

struct KeptTimeline {
  uint64_t tid = 0, startNs = 0;
  std::vector<HostEvent> host;
  bool used = false;
};
struct TimelineBook {
  std::mutex mutex;
  Reservoir reservoir{0};
  std::vector<KeptTimeline> kept;
};
extern TimelineBook& g_timeline;

// ---------------------------------------------------------------- NVTX steps (nvtx.cc)

std::string asciiOfAttributes(const void* nvtxEventAttributes);
std::string asciiOfWide(const wchar_t* text);
int& nvtxDepthOf(ThreadState* ts, const void* domain);
void nvtxPush(const void* domain, const std::string& name);
void nvtxPop(const void* domain);
void nvtxStart(const std::string& name, const void* rangeIdPtr);
void nvtxEnd(uint64_t id);
void nvtxRegisterString(const void* handle, const std::string& text);

// ---------------------------------------------------------------- API activity records (records.cc, CUPTI only)

struct Mark {
  enum Role : uint8_t { kOpens = 1, kCloses = 2 };
  uint64_t t = 0;
  Snapshot snap;
  bool resolved = false;
  uint8_t role = 0;
};
Mark* addMark(uint64_t tid, uint64_t t, uint8_t role);
void deferStep(uint64_t tid, Mark* start, Mark* end);
struct ApiRecord {
  uint64_t tid, start, end;
  uint32_t cbid, correlationId;
  int domain;
};
void onApiRecord(const ApiRecord& a);
void drainRecords();
void stepsFromMarks(std::vector<StepRecord>& into);
constexpr size_t kMaxPending = 4096;

// ---------------------------------------------------------------- the record (record.cc)

void initialize();
void finish();
void writeStarted();

// ---------------------------------------------------------------- tracer hooks (cupti.cc or host.cc)

/** "records", "callbacks" or "host": how API calls were collected. */
const char* tracerApiMode();
/** The name of an API (CUPTI's callback name, or the wrapped driver symbol). */
const char* tracerApiName(int domain, uint32_t cbid);
/** Every API the tracer can see, for classification. */
void tracerForEachApi(void (*fn)(int domain, uint32_t cbid, const char* name));
/** Settle the configuration for this tracer (the host tracer has no records, no device times). */
void tracerAdjustConfig(Config& c);
/** Attach (CUPTI: subscribe, activity); false if it refused. */
bool tracerAttach();
/** Switch collection on or off (capture range). */
void tracerSwitch(bool on);
/** Before the final record: flush what is buffered, add notes. */
void tracerFlush();
uint32_t tracerVersion();
/** CUPTI's timestamp (GRAPHPROF_TRACE_CLOCK=cupti); 0 where there is none. */
uint64_t tracerTimestamp();
/** The record's "graphCaptures" object as JSON, or "" where the tracer keeps none (CUPTI). */
std::string tracerCaptures();

}  // namespace graphprof_trace
