// The seam between the host tracer's hooks (host_hooks.cc: entry points the program obtains
// through dlsym and cuGetProcAddress, wrapped) and the host tracer (host.cc), which hands the calls
// to the shared counting, steps and record. docs/trace.md, "Host tracer".
#pragma once
#include <cstdint>

namespace graphprof_trace {

// host.cc (the host tracer)
void hostStart();                                    // the program's first successful cuInit returned
void hostApiEnter(uint32_t cbid, const char* name);  // a wrapped driver call begins (CUPTI driver cbid)
void hostApiExit(uint32_t cbid, const char* name);   // ... and ends
void hostProfiler(bool start);                       // cuProfilerStart returned / cuProfilerStop entered

// host_hooks.cc: the wrapped driver APIs, one entry per variant (legacy and per-thread stream).
struct HostApi {
  uint32_t cbid;
  const char* name;
};
int hostApiCount();
int hostPassedThrough();  // entry points handed out unwrapped (their slot wraps another function)
HostApi hostApi(int i);

}  // namespace graphprof_trace
