// Counting on the calling thread (CUPTI callbacks, the host tracer's wrappers) and what every
// tracer shares: threads and their figures, the API classes, steps cut at a marker and the calls
// inside and outside them, the timeline's reservoir, and switching collection (capture range).
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <execinfo.h>

#include "names.h"
#include "state.h"

namespace graphprof_trace {

uint64_t g_startNs = 0;
uint64_t g_stampStart = 0;
uint64_t g_startEpochNs = 0;
int g_pid = 0;
bool g_attached = false;
std::atomic<bool> g_stopping{false};
std::atomic<bool> g_final{false};
std::atomic<uint64_t> g_storedSteps{0}, g_droppedSteps{0}, g_droppedRecords{0};
std::atomic<uint64_t> g_nvtxCallbacks{0};
std::atomic<int> g_nvtxInit{0};
std::atomic<uint64_t> g_apiRecords{0}, g_graphRecords{0};
std::atomic<uint32_t> g_generation{0};
std::atomic<bool> g_collecting{false};
std::atomic<uint64_t> g_captureRanges{0};
std::atomic<uint64_t> g_nestingUnresolved{0}, g_recordsOutOfOrder{0};
bool g_scoping = false;
bool g_linking = false;
uint8_t g_class[kSlots];
bool g_stepApi[kSlots];
std::atomic<bool> g_backtrace[kSlots];
Registry& g_reg = immortal<Registry>();
Activity& g_act = immortal<Activity>();
TimelineBook& g_timeline = immortal<TimelineBook>();

namespace {
struct Notes {
  std::mutex mutex;
  std::vector<std::string> errors;
};
Notes& g_notes = immortal<Notes>();
}  // namespace

void note(const std::string& e) {
  std::lock_guard<std::mutex> lock(g_notes.mutex);
  if (g_notes.errors.size() < 50) g_notes.errors.push_back(e);
}

std::vector<std::string> notes() {
  std::lock_guard<std::mutex> lock(g_notes.mutex);
  return g_notes.errors;
}

uint64_t nowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

uint64_t stampNs() { return __builtin_expect(g_config.cuptiClock, 0) ? tracerTimestamp() : nowNs(); }

uint64_t originNs() { return g_config.cuptiClock ? g_stampStart : g_startNs; }

Snapshot ThreadState::snapshot(uint64_t t) const {
  Snapshot s;
  s.t = t;
  s.launches = totals.launches.load(std::memory_order_relaxed);
  s.graphLaunches = totals.graphLaunches.load(std::memory_order_relaxed);
  s.syncs = totals.syncs.load(std::memory_order_relaxed);
  s.allocations = totals.allocations.load(std::memory_order_relaxed);
  s.copies = totals.copies.load(std::memory_order_relaxed);
  s.memsets = totals.memsets.load(std::memory_order_relaxed);
  s.apiCalls = totals.apiCalls.load(std::memory_order_relaxed);
  s.apiNs = totals.apiNs.load(std::memory_order_relaxed);
  return s;
}

// ---------------------------------------------------------------- threads

namespace {
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
  if (g_scoping) ts->scoped.reset(new ScopedStats());
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
}  // namespace

ThreadState* state() {
  ThreadState* ts = t_state;
  if (__builtin_expect(ts == nullptr, 0)) ts = t_state = newState();
  return ts;
}

void mergeStats(std::map<uint32_t, std::unique_ptr<Stat>>& into, std::unique_ptr<Stat>* from) {
  for (uint32_t i = 0; i < kSlots; ++i) {
    if (!from[i]) continue;
    std::unique_ptr<Stat>& slot = into[i];
    if (!slot) slot.reset(new Stat());
    slot->merge(*from[i]);
  }
}

// A thread that ends folds its figures into the process totals; a step still open is outside.
void retire(ThreadState* ts) {
  std::lock_guard<std::mutex> lock(g_reg.mutex);
  for (auto it = g_reg.live.begin(); it != g_reg.live.end(); ++it) {
    if (*it == ts) {
      g_reg.live.erase(it);
      break;
    }
  }
  if (ts->scoped) settlePending(ts, ts->remoteClose.load() == 1);
  mergeStats(g_reg.retiredApi, ts->all);
  if (ts->scoped) {
    mergeStats(g_reg.retiredIn, ts->scoped->in);
    mergeStats(g_reg.retiredOut, ts->scoped->out);
  }
  g_reg.retiredSteps.insert(g_reg.retiredSteps.end(), ts->steps.begin(), ts->steps.end());
  g_reg.retiredLinks.insert(g_reg.retiredLinks.end(), ts->links.begin(), ts->links.end());
  g_reg.retiredUnmatched += ts->unmatchedExits;
  // The state itself stays, its totals frozen: an NVTX start/end range this thread opened may be
  // ended later on another thread, which reads them (and its id). Freeing it here was a
  // use-after-free that bench/trace_check.cu caught (issue 6). What was merged is freed.
  for (auto& slot : ts->all) slot.reset();
  ts->scoped.reset();
  std::vector<StepRecord>().swap(ts->steps);
  std::vector<Link>().swap(ts->links);
}

// ---------------------------------------------------------------- classes

void classify() {
  tracerForEachApi([](int domain, uint32_t cbid, const char* name) {
    const uint32_t slot = slotOf(domain, cbid);
    if (!name || slot >= kSlots) return;
    const std::string base = baseName(name);
    g_class[slot] = g_config.classes.of(base);
    g_stepApi[slot] = g_config.stepMode == StepMode::Api && base == g_config.stepName;
    g_backtrace[slot] = g_config.debug && g_config.backtraceApis.count(base) > 0;
  });
}

// ---------------------------------------------------------------- counting

namespace {
std::atomic<uint64_t> g_links{0};
}

void linkCall(ThreadState* ts, uint32_t slot, uint32_t correlationId, uint64_t t) {
  if (!g_linking || correlationId == 0 || !(g_class[slot] & kClassDeviceWork)) return;
  if (g_links.fetch_add(1, std::memory_order_relaxed) >= g_config.maxDeviceRecords) return;
  ts->links.push_back(Link{correlationId, ts->tid, t});
}

void countCall(ThreadState* ts, uint32_t slot, uint64_t start, uint64_t ns, uint32_t correlationId, const char* name) {
  Stat& s = ts->stat(slot);
  if (!s.name) s.name = name ? name : tracerApiName(domainOf(slot), cbidOf(slot));
  s.add(ns);
  Totals& t = ts->totals;
  Totals::bump(t.apiCalls, 1);
  Totals::bump(t.apiNs, ns);
  if (const uint8_t c = g_class[slot]) {
    if (c & kClassLaunch) Totals::bump(t.launches, 1);
    if (c & kClassGraph) Totals::bump(t.graphLaunches, 1);
    if (c & kClassSync) Totals::bump(t.syncs, 1);
    if (c & kClassAlloc) Totals::bump(t.allocations, 1);
    if (c & kClassCopy) Totals::bump(t.copies, 1);
    if (c & kClassMemset) Totals::bump(t.memsets, 1);
  }
  if (!ts->scoped) return;
  if (ts->stepOpen.load(std::memory_order_relaxed)) ts->pending.emplace_back(slot, ns);
  else ScopedStats::of(ts->scoped->out[slot]).add(ns);
  if (ts->timeline) ts->timeline->host.push_back(HostEvent{slot, correlationId, start, ns});
}

void countNested(ThreadState* ts, uint32_t slot, const char* name) {
  Stat& s = ts->stat(slot);
  if (!s.name) s.name = name ? name : tracerApiName(domainOf(slot), cbidOf(slot));
  ++s.nested;
  if (ts->scoped) ++ScopedStats::of(ts->stepOpen.load(std::memory_order_relaxed) ? ts->scoped->in[slot] : ts->scoped->out[slot]).nested;
}

void settlePending(ThreadState* ts, bool inStep) {
  if (!ts->scoped) return;
  for (const auto& p : ts->pending) ScopedStats::of(inStep ? ts->scoped->in[p.first] : ts->scoped->out[p.first]).add(p.second);
  ts->pending.clear();
}

// ---------------------------------------------------------------- timeline

std::unique_ptr<TimelineCandidate> offerTimeline(uint64_t tid, uint64_t startNs) {
  if (g_config.timelineSteps == 0) return nullptr;
  std::lock_guard<std::mutex> lock(g_timeline.mutex);
  const long slot = g_timeline.reservoir.offer();
  if (slot < 0) return nullptr;
  std::unique_ptr<TimelineCandidate> c(new TimelineCandidate());
  c->slot = slot;
  c->tid = tid;
  c->startNs = startNs;
  return c;
}

void keepTimeline(std::unique_ptr<TimelineCandidate> c) {
  if (!c) return;
  std::lock_guard<std::mutex> lock(g_timeline.mutex);
  KeptTimeline& k = g_timeline.kept[static_cast<size_t>(c->slot)];
  k.tid = c->tid;
  k.startNs = c->startNs;
  k.host = std::move(c->host);
  k.used = true;
}

// ---------------------------------------------------------------- steps (calling-thread counting)

bool stepsFull() { return g_storedSteps.load(std::memory_order_relaxed) >= g_config.maxSteps; }

void openStep(ThreadState* ts, const Snapshot& at) {
  ts->stepStart = at;
  ts->stepOpen.store(true, std::memory_order_relaxed);
  ts->timeline = offerTimeline(ts->tid, at.t);
}

StepEnd closeStep(ThreadState* owner, const Snapshot& start, const Snapshot& end, std::vector<StepRecord>& into) {
  // With a capture range, a step that began or ended outside a range, or spans a gap, did not
  // have all its calls counted, so it is not a step.
  if (g_config.captureProfiler && (!g_collecting.load(std::memory_order_relaxed) || switchedBetween(start.t, end.t))) return StepEnd::NotAStep;
  if (g_storedSteps.fetch_add(1, std::memory_order_relaxed) >= g_config.maxSteps) {
    g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
    return StepEnd::OverCap;
  }
  into.push_back(StepRecord{owner->tid, start.t - originNs(), end.t - start.t, end.launches - start.launches,
                            end.graphLaunches - start.graphLaunches, end.syncs - start.syncs, end.allocations - start.allocations,
                            end.copies - start.copies, end.memsets - start.memsets, end.apiCalls - start.apiCalls, end.apiNs - start.apiNs});
  return StepEnd::Recorded;
}

namespace {
/** The thread's open step has ended (as `how`): its calls go in or out, its timeline is kept or not. */
void endStep(ThreadState* ts, StepEnd how) {
  settlePending(ts, how != StepEnd::NotAStep);
  if (how == StepEnd::Recorded) keepTimeline(std::move(ts->timeline));
  ts->timeline.reset();
  ts->stepOpen.store(false, std::memory_order_relaxed);
}

// api:NAME - each call of NAME ends a step and starts the next; what comes before the first call
// (set-up, warm-up) is not a step, nor what comes after the last.
void apiMarker(ThreadState* ts) {
  const Snapshot now = ts->snapshot(nowNs());
  if (ts->stepOpen.load(std::memory_order_relaxed)) endStep(ts, closeStep(ts, ts->stepStart, now, ts->steps));
  openStep(ts, now);
}

// An NVTX start/end range of this thread that another thread ended: settled here, at this thread's
// next call, so that only this thread touches its pending calls.
inline void settleRemote(ThreadState* ts) {
  const int r = ts->remoteClose.exchange(0, std::memory_order_acquire);
  if (r == 0) return;
  settlePending(ts, r == 1);
  ts->timeline.reset();
}
}  // namespace

void endStepOf(ThreadState* ts, StepEnd how) { endStep(ts, how); }

// ---------------------------------------------------------------- calls on the calling thread

namespace {
void printBacktrace(const char* what, int depth) {
  void* frames[48];
  const int n = backtrace(frames, 48);
  dprintf(2, "graphprof trace [debug]: pid %d tid %ld: %s entered at depth %d, called from:\n", static_cast<int>(getpid()),
          static_cast<long>(syscall(SYS_gettid)), what, depth);
  backtrace_symbols_fd(frames, n, 2);
}
}  // namespace

// The thread's state for an API call. Collection switched on or off since this thread's last call
// (a capture range): calls in flight at the switch lost an entry or an exit, so the nesting depth
// starts again from zero, and an api: step open across the gap is not a step.
ThreadState* apiState() {
  ThreadState* ts = state();
  const uint32_t gen = g_generation.load(std::memory_order_relaxed);
  if (__builtin_expect(ts->generation != gen, 0)) {
    ts->generation = gen;
    ts->depth = 0;
    if (g_config.stepMode == StepMode::Api && ts->stepOpen.load(std::memory_order_relaxed)) endStep(ts, StepEnd::NotAStep);
  }
  return ts;
}

// A call's entry and exit, from CUPTI's callbacks or the host tracer's wrappers.
void apiEnter(int domain, uint32_t cbid, const char* name, uint32_t correlationId) {
  const uint32_t slot = slotOf(domain, cbid);
  ThreadState* ts = apiState();
  if (__builtin_expect(g_config.debug, 0) && g_backtrace[slot].exchange(false)) printBacktrace(name, ts->depth);
  if (ts->depth++ == 0) {
    ts->outerSlot = slot;
    ts->outerCorrelation = correlationId;
    ts->outerStart = nowNs();  // last, so our own bookkeeping is not timed
  } else {
    countNested(ts, slot, name);
  }
}

void apiExit(int domain, uint32_t cbid, const char* name, uint32_t correlationId) {
  const uint64_t end = nowNs();  // first, for the same reason
  const uint32_t slot = slotOf(domain, cbid);
  ThreadState* ts = apiState();
  if (ts->depth == 0) {  // the call began before counting did (cuInit itself, a capture range's edge)
    ++ts->unmatchedExits;
    return;
  }
  if (__builtin_expect(ts->remoteClose.load(std::memory_order_relaxed) != 0, 0)) settleRemote(ts);
  linkCall(ts, slot, correlationId, ts->outerStart);
  const bool marker = g_config.stepMode == StepMode::Api && g_stepApi[slot];
  if (--ts->depth != 0) {
    if (marker) apiMarker(ts);
    return;
  }
  if (ts->outerSlot != slot) {
    ++ts->unmatchedExits;
    return;
  }
  countCall(ts, slot, ts->outerStart, end - ts->outerStart, ts->outerCorrelation, name);
  if (marker) apiMarker(ts);
}

// ---------------------------------------------------------------- collection on / off

namespace {
// Times collection was switched on or off (capture range). Its own lock, held only around the
// vector: never while calling CUPTI, which may deliver a buffer (and take g_act.mutex) meanwhile.
struct SwitchTimes {
  std::mutex mutex;
  std::vector<uint64_t> at;
};
SwitchTimes& g_switches = immortal<SwitchTimes>();
std::mutex& g_switchMutex = immortal<std::mutex>();
}  // namespace

bool switchedBetween(uint64_t after, uint64_t upTo) {
  if (!g_config.captureProfiler) return false;
  std::lock_guard<std::mutex> lock(g_switches.mutex);
  for (uint64_t t : g_switches.at)
    if (t > after && t <= upTo) return true;
  return false;
}

void setCollecting(bool on) {
  std::lock_guard<std::mutex> lock(g_switchMutex);
  if (g_collecting.load() == on) return;
  g_generation.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> times(g_switches.mutex);
    g_switches.at.push_back(stampNs());
  }
  tracerSwitch(on);
  g_collecting.store(on);
  if (on) g_captureRanges.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace graphprof_trace
