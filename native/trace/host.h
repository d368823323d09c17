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

// Graph captures and the allocations around them (docs/trace.md, "Graph captures"). Handles are
// only compared, never used; times are hostNowNs() read by the wrapper around the real call, and
// only successful calls are reported.
uint64_t hostNowNs();
void hostCaptureBegin(const void* stream, uint64_t startNs);              // cuStreamBeginCapture entered
void hostCaptureEnd(const void* stream, const void* graph, uint64_t endNs);  // cuStreamEndCapture returned
void hostInstantiated(const void* graph, const void* exec, uint64_t endNs);  // cuGraphInstantiate* returned
void hostUploaded(const void* exec, uint64_t endNs);                       // cuGraphUpload returned
void hostAllocated(uint64_t bytes, uint64_t startNs);                      // an allocation API succeeded
void hostFreeMemory(uint64_t freeBytes, uint64_t endNs);                   // cuMemGetInfo returned

// host_hooks.cc: the wrapped driver APIs, one entry per variant (legacy and per-thread stream).
struct HostApi {
  uint32_t cbid;
  const char* name;
};
int hostApiCount();
int hostPassedThrough();  // entry points handed out unwrapped (their slot wraps another function)
HostApi hostApi(int i);
bool hostWatchedListed();  // the watched APIs' places in the list are the ones observe() expects

}  // namespace graphprof_trace
