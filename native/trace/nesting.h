// Nesting and step marks for API calls read from CUPTI's activity records, after the fact.
//
// With callbacks a thread's depth counter says at once whether a call is outermost. Records come
// later, one per call, in the order the calls ended (a thread writes a call's record when it
// returns). So the calls nested in a call X are exactly the records already read whose start is
// not before X's: they are what sits on top of a per-thread stack of not-yet-outermost calls when
// X arrives. Calls left on the stack are disjoint and in start order; one is taken as outermost
// once `window` later outermost calls have arrived (or at drain), so memory stays bounded, and a
// call that arrives holding one already taken is flagged (`unresolved`). A record that ended
// before the one read just before it breaks the premise and is flagged (`outOfOrder`).
//
// Step marks: a boundary at a time on a thread (an NVTX push or pop, a marker call's end) takes the
// thread's totals once every outermost call that started before it is counted. Outermost calls are
// counted in start order, so the marks in time order are filled as the counting passes them.
// Pure logic, no CUPTI: test/native/nesting_test.cc checks it on any machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace graphprof_trace {

struct Call {
  uint64_t start = 0, end = 0;
  uint32_t cbid = 0;
  int domain = 0;
  uint32_t correlationId = 0;
};

struct NestingFlags {
  bool outOfOrder = false;   // this record ended before the previous one of its thread
  bool unresolved = false;   // this call holds a call already counted as outermost
};

class Nesting {
 public:
  explicit Nesting(size_t window) : window_(window) {}

  // `nested(call)` for each call found inside this one; `outermost(call)` for calls known to be
  // outermost, in start order.
  template <typename Nested, typename Outermost>
  NestingFlags add(const Call& call, Nested&& nested, Outermost&& outermost) {
    NestingFlags f;
    if (!pending_.empty() && call.end < pending_.back().end) f.outOfOrder = true;
    while (!pending_.empty() && pending_.back().start >= call.start) {
      nested(pending_.back());
      pending_.pop_back();
    }
    if (countedAny_ && call.start <= lastCounted_) f.unresolved = true;
    pending_.push_back(call);
    if (pending_.size() > window_) {
      count(pending_.front(), outermost);
      pending_.pop_front();
    }
    return f;
  }

  // End of the records: what is pending is outermost.
  template <typename Outermost>
  void drain(Outermost&& outermost) {
    for (const Call& c : pending_) count(c, outermost);
    pending_.clear();
  }

  size_t pending() const { return pending_.size(); }

 private:
  template <typename Outermost>
  void count(const Call& c, Outermost& outermost) {
    lastCounted_ = c.start;
    countedAny_ = true;
    outermost(c);
  }

  size_t window_;
  std::deque<Call> pending_;
  uint64_t lastCounted_ = 0;
  bool countedAny_ = false;
};

// Fill, in order, the marks (each with a time `t` and a `resolved` flag) at or before `t`:
// `fill(mark)` gives a mark the thread's current totals. `resolved` counts the marks filled.
template <typename Marks, typename Fill>
void resolveMarksUpTo(Marks& marks, size_t& resolved, uint64_t t, Fill&& fill) {
  while (resolved < marks.size() && marks[resolved].t <= t) {
    auto& m = marks[resolved++];
    fill(m);
    m.resolved = true;
  }
}

}  // namespace graphprof_trace
