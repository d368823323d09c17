// API calls from CUPTI's activity records (the CUPTI tracer's default): CUPTI writes one record per
// runtime or driver call into the calling thread's activity buffer, and cupti.cc hands them here on
// CUPTI's worker thread, so the calling thread runs none of our code. Nesting and step boundaries
// are worked out after the fact (nesting.h says how): a step is a pair of marks, turned into a
// StepRecord at exit; a call is in a step when it started between the step's marks on its thread.
// No CUPTI types here: cupti.cc converts its records to ApiRecord.
#include "state.h"

namespace graphprof_trace {

namespace {

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

struct RecordThread {
  ThreadState* ts = nullptr;           // statistics and totals, as a calling thread's with callbacks
  MarkQueue* marks = nullptr;
  Nesting nesting{kMaxPending};
  Mark* lastMarker = nullptr;          // api: steps
  bool markerFull = false;             // a marker was seen after the step cap was reached
  bool inStep = false;                 // the marks resolved so far leave this thread inside a step
};

// Record reader state, under g_act.mutex.
std::unordered_map<uint64_t, RecordThread*>& g_recordThreads = immortal<std::unordered_map<uint64_t, RecordThread*>>();

RecordThread& recordThread(uint64_t tid) {
  RecordThread*& rt = g_recordThreads[tid];
  if (!rt) {
    rt = new RecordThread();
    rt->ts = new ThreadState();
    rt->ts->tid = tid;
    if (g_scoping) rt->ts->scoped.reset(new ScopedStats());
    rt->marks = marksOf(tid);
    std::lock_guard<std::mutex> lock(g_reg.mutex);
    g_reg.live.push_back(rt->ts);
    ++g_reg.threads;
  }
  return *rt;
}

// A mark reached by the counting: the calls since the previous one are the step's (a closing mark)
// or outside (any other), and the thread is inside a step after an opening mark.
void passMark(RecordThread& rt, Mark& m) {
  ThreadState* ts = rt.ts;
  m.snap = ts->snapshot(m.t);
  if (rt.inStep) {
    const bool closes = (m.role & Mark::kCloses) != 0;
    settlePending(ts, closes);
    if (closes && ts->timeline) keepTimeline(std::move(ts->timeline));
    ts->timeline.reset();
  }
  rt.inStep = (m.role & Mark::kOpens) != 0;
  ts->stepOpen.store(rt.inStep, std::memory_order_relaxed);
  if (rt.inStep && g_scoping) ts->timeline = offerTimeline(ts->tid, m.t);
}

// Fill the marks at or before t with the thread's totals so far.
void resolveMarks(RecordThread& rt, uint64_t t) {
  MarkQueue* q = rt.marks;
  if (q->added.load(std::memory_order_acquire) <= q->resolved) return;
  std::lock_guard<std::mutex> lock(q->mutex);
  resolveMarksUpTo(q->marks, q->resolved, t, [&rt](Mark& m) { passMark(rt, m); });
}

void countOutermost(RecordThread& rt, const Call& c) {
  resolveMarks(rt, c.start);
  const uint32_t slot = slotOf(c.domain, c.cbid);
  countCall(rt.ts, slot, c.start, c.end > c.start ? c.end - c.start : 0, c.correlationId, nullptr);  // named once, lazily
}

}  // namespace

// Past GRAPHPROF_TRACE_MAX_STEPS no mark is added (marks are never freed): steps are only counted.
// A mark at `t`, or, with t == 0, now: read under the queue's lock, so that marks added from two
// threads (an NVTX range ended on another thread) still queue in time order.
Mark* addMark(uint64_t tid, uint64_t t, uint8_t role) {
  MarkQueue* q = marksOf(tid);
  std::lock_guard<std::mutex> lock(q->mutex);
  Mark m;
  m.t = t ? t : stampNs();
  m.role = role;
  q->marks.push_back(m);
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

void onApiRecord(const ApiRecord& a) {
  if (a.cbid >= (a.domain == kRuntime ? kRtSize : kDrvSize)) return;
  g_apiRecords.fetch_add(1, std::memory_order_relaxed);
  RecordThread& rt = recordThread(a.tid);
  const uint32_t slot = slotOf(a.domain, a.cbid);
  linkCall(rt.ts, slot, a.correlationId, a.start);
  Call call;
  call.start = a.start;
  call.end = a.end;
  call.cbid = a.cbid;
  call.domain = a.domain;
  call.correlationId = a.correlationId;
  const NestingFlags f = rt.nesting.add(
      call, [&rt](const Call& inner) { countNested(rt.ts, slotOf(inner.domain, inner.cbid), nullptr); },
      [&rt](const Call& outer) { countOutermost(rt, outer); });
  if (f.outOfOrder) g_recordsOutOfOrder.fetch_add(1, std::memory_order_relaxed);
  if (f.unresolved) g_nestingUnresolved.fetch_add(1, std::memory_order_relaxed);
  // api:NAME - each call of NAME (outermost or nested) ends a step at its end and starts the next.
  if (g_config.stepMode == StepMode::Api && g_stepApi[slot]) {
    if (stepsFull()) {
      if (rt.lastMarker || rt.markerFull) g_droppedSteps.fetch_add(1, std::memory_order_relaxed);
      rt.lastMarker = nullptr;
      rt.markerFull = true;
      return;
    }
    // A step across a capture-range gap is not a step: its calls were not all collected.
    const bool closes = rt.lastMarker && !switchedBetween(rt.lastMarker->t, call.end);
    Mark* m = addMark(rt.ts->tid, call.end, static_cast<uint8_t>(Mark::kOpens | (closes ? Mark::kCloses : 0)));
    if (closes) deferStep(rt.ts->tid, rt.lastMarker, m);
    rt.lastMarker = m;
  }
}

// At exit, after the last buffer: what is still pending is outermost; every mark gets its figures;
// calls of a step that never closed are outside.
void drainRecords() {
  std::lock_guard<std::mutex> lock(g_act.mutex);
  for (auto& kv : g_recordThreads) {
    RecordThread& rt = *kv.second;
    rt.nesting.drain([&rt](const Call& c) { countOutermost(rt, c); });
    resolveMarks(rt, UINT64_MAX);
    settlePending(rt.ts, false);
    rt.ts->timeline.reset();
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
    if (!a->resolved || !b->resolved) continue;
    into.push_back(StepRecord{st.first, a->t - originNs(), b->t - a->t, b->snap.launches - a->snap.launches,
                              b->snap.graphLaunches - a->snap.graphLaunches, b->snap.syncs - a->snap.syncs,
                              b->snap.allocations - a->snap.allocations, b->snap.copies - a->snap.copies,
                              b->snap.memsets - a->snap.memsets, b->snap.apiCalls - a->snap.apiCalls, b->snap.apiNs - a->snap.apiNs});
  }
}

}  // namespace graphprof_trace
