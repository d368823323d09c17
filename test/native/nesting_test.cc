// Checks native/trace/nesting.h (run by test/native/nesting.test.ts, which compiles it with the
// host C++ compiler). Each case prints "ok NAME" or "FAIL NAME: why"; the exit code is the number
// of failures.
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "check.h"
#include "nesting.h"

using graphprof_trace::Call;
using graphprof_trace::Nesting;
using graphprof_trace::NestingFlags;

namespace {

// Feeds calls (already in end order) and returns "o:<cbid>" / "n:<cbid>" events in the order seen.
struct Run {
  std::vector<std::string> events;
  int outOfOrder = 0, unresolved = 0;
};

Run feed(const std::vector<Call>& calls, size_t window) {
  Run r;
  Nesting n(window);
  for (const Call& c : calls) {
    NestingFlags f = n.add(
        c, [&r](const Call& x) { r.events.push_back("n:" + std::to_string(x.cbid)); },
        [&r](const Call& x) { r.events.push_back("o:" + std::to_string(x.cbid)); });
    r.outOfOrder += f.outOfOrder;
    r.unresolved += f.unresolved;
  }
  n.drain([&r](const Call& x) { r.events.push_back("o:" + std::to_string(x.cbid)); });
  return r;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : " ") + e;
  return s;
}

Call call(uint64_t start, uint64_t end, uint32_t id) { return Call{start, end, id, 0}; }

}  // namespace

int main() {
  {  // cudaLaunchKernel (1) calls cuLaunchKernel (2): the driver call ends first, then the runtime's
    Run r = feed({call(10, 18, 2), call(5, 20, 1)}, 16);
    check("runtime launch with its driver launch inside", join(r.events) == "n:2 o:1", join(r.events));
  }
  {  // three calls one after another: all outermost, in start order
    Run r = feed({call(0, 5, 1), call(6, 9, 2), call(10, 12, 3)}, 16);
    check("sequential calls", join(r.events) == "o:1 o:2 o:3" && r.outOfOrder == 0 && r.unresolved == 0, join(r.events));
  }
  {  // 1 holds 2 and 4; 4 holds 3: end order 2, 3, 4, 1
    Run r = feed({call(2, 3, 2), call(5, 6, 3), call(4, 8, 4), call(1, 10, 1)}, 16);
    check("two levels of nesting", join(r.events) == "n:3 n:4 n:2 o:1", join(r.events));
  }
  {  // a driver call made directly (Triton) between runtime calls is outermost
    Run r = feed({call(2, 4, 2), call(1, 5, 1), call(6, 8, 7), call(10, 12, 3), call(9, 14, 1)}, 16);
    check("direct driver call between runtime calls", join(r.events) == "n:2 n:3 o:1 o:7 o:1", join(r.events));
  }
  {  // equal start (a clock too coarse to tell them apart): the earlier-ended one is nested
    Run r = feed({call(5, 7, 2), call(5, 9, 1)}, 16);
    check("equal starts", join(r.events) == "n:2 o:1", join(r.events));
  }
  {  // window of 2: the oldest outermost calls are counted as soon as a third is pending, in order
    Nesting n(2);
    std::vector<std::string> ev;
    auto nested = [&ev](const Call& x) { ev.push_back("n:" + std::to_string(x.cbid)); };
    auto outer = [&ev](const Call& x) { ev.push_back("o:" + std::to_string(x.cbid)); };
    n.add(call(0, 1, 1), nested, outer);
    n.add(call(2, 3, 2), nested, outer);
    const bool none = ev.empty();
    n.add(call(4, 5, 3), nested, outer);
    check("window: counted when it overflows", none && join(ev) == "o:1" && n.pending() == 2, join(ev));
    // a call that began before call 1 and holds everything: call 1 was counted too early
    NestingFlags f = n.add(call(0, 9, 9), nested, outer);
    check("window: a parent of a counted call is flagged", f.unresolved && join(ev) == "o:1 n:3 n:2", join(ev));
  }
  {  // a record that ended before the previous one breaks the premise: flagged
    Run r = feed({call(0, 10, 1), call(11, 12, 2), call(3, 5, 3)}, 16);
    check("out of order", r.outOfOrder == 1, std::to_string(r.outOfOrder));
  }
  {  // marks take the totals once every outermost call that started before them is counted
    struct Mark {
      uint64_t t;
      int calls = -1;
      bool resolved = false;
    };
    std::deque<Mark> marks{{15}, {25}, {25}, {40}};
    size_t resolved = 0;
    int counted = 0;
    Nesting n(16);
    auto outer = [&](const Call& c) {
      graphprof_trace::resolveMarksUpTo(marks, resolved, c.start, [&counted](Mark& m) { m.calls = counted; });
      ++counted;
    };
    for (const Call& c : {call(10, 12, 1), call(20, 22, 2), call(25, 27, 3), call(30, 33, 4)}) n.add(c, [](const Call&) {}, outer);
    n.drain(outer);
    graphprof_trace::resolveMarksUpTo(marks, resolved, UINT64_MAX, [&counted](Mark& m) { m.calls = counted; });
    const bool ok = marks[0].calls == 1 && marks[1].calls == 2 && marks[2].calls == 2 && marks[3].calls == 4 && resolved == 4;
    check("marks", ok,
          std::to_string(marks[0].calls) + " " + std::to_string(marks[1].calls) + " " + std::to_string(marks[2].calls) + " " +
              std::to_string(marks[3].calls));
  }
  return failures;
}
