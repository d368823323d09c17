// The tracers' configuration, read once from the environment `graphprof trace` sets
// (src/harness/tracer/setup.ts; docs/trace.md, Environment variables).
#include <cstdlib>
#include <cstring>
#include <string>

#include "names.h"
#include "state.h"

namespace graphprof_trace {

Config& g_config = immortal<Config>();

void readConfig() {
  Config& c = g_config;
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DIR"); d && *d) c.dir = d;
  if (const char* s = std::getenv("GRAPHPROF_TRACE_STEP"); s && *s) {
    const std::string spec(s);
    c.stepSpec = spec;
    if (spec.rfind("api:", 0) == 0) {
      c.stepMode = StepMode::Api;
      c.stepName = baseName(spec.substr(4).c_str());
    } else if (spec.rfind("nvtx:", 0) == 0) {
      c.stepMode = StepMode::Nvtx;
      c.stepName = spec.substr(5);
    } else {
      note("GRAPHPROF_TRACE_STEP: expected api:NAME or nvtx:NAME, got \"" + spec + "\"; no steps recorded");
    }
  }
  if (const char* k = std::getenv("GRAPHPROF_TRACE_API_CLASSES"); k && *k) {
    if (!c.classes.parse(k)) note("GRAPHPROF_TRACE_API_CLASSES: malformed; launches, syncs, copies and allocations are not counted per step");
  } else {
    note("GRAPHPROF_TRACE_API_CLASSES is not set (graphprof trace sets it): launches, syncs, copies and allocations are not counted per step");
  }
  if (const char* a = std::getenv("GRAPHPROF_TRACE_ACTIVITY"); a && std::strcmp(a, "0") == 0) c.activity = false;
  if (const char* m = std::getenv("GRAPHPROF_TRACE_MAX_STEPS"); m && *m) c.maxSteps = std::strtoull(m, nullptr, 10);
  if (const char* t = std::getenv("GRAPHPROF_TRACE_TIMELINE_STEPS"); t && *t) c.timelineSteps = static_cast<size_t>(std::strtoull(t, nullptr, 10));
  if (const char* m = std::getenv("GRAPHPROF_TRACE_MAX_DEVICE_RECORDS"); m && *m) c.maxDeviceRecords = std::strtoull(m, nullptr, 10);
  if (const char* v = std::getenv("GRAPHPROF_TRACE_CALLBACKS"); v && *v) {
    c.callbacks = std::strcmp(v, "none") == 0 ? 0 : std::strcmp(v, "empty") == 0 ? 1 : 2;
  }
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DRIVER"); d && std::strcmp(d, "0") == 0) c.driverDomain = false;
  if (const char* r = std::getenv("GRAPHPROF_TRACE_RUNTIME"); r && std::strcmp(r, "0") == 0) c.runtimeDomain = false;
  if (const char* a = std::getenv("GRAPHPROF_TRACE_API"); a && std::strcmp(a, "callbacks") == 0) c.apiRecords = false;
  if (const char* v = std::getenv("GRAPHPROF_TRACE_CLOCK"); v && std::strcmp(v, "cupti") == 0) c.cuptiClock = true;
  if (const char* v = std::getenv("GRAPHPROF_TRACE_SUBSCRIBE"); v && std::strcmp(v, "0") == 0) c.subscribe = false;
  if (const char* v = std::getenv("GRAPHPROF_TRACE_RESOURCE"); v && std::strcmp(v, "0") == 0) c.resourceCallbacks = false;
  if (const char* g = std::getenv("GRAPHPROF_TRACE_GRAPH_TRACE"); g && std::strcmp(g, "1") == 0) c.graphTrace = true;
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DRIVER_APIS"); d && *d) c.driverApis = splitList(d);
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BUFFER_POOL"); b && std::strcmp(b, "0") == 0) c.bufferPool = false;
  if (const char* f = std::getenv("GRAPHPROF_TRACE_FLUSH_MS"); f && *f) c.flushMs = static_cast<uint32_t>(std::strtoul(f, nullptr, 10));
  if (const char* v = std::getenv("GRAPHPROF_TRACE_CAPTURE"); v && *v) {
    if (std::strcmp(v, "cudaProfilerApi") == 0) c.captureProfiler = true;
    else note(std::string("GRAPHPROF_TRACE_CAPTURE: expected cudaProfilerApi, got \"") + v + "\"; the whole run is collected");
  }
  if (const char* x = std::getenv("GRAPHPROF_TRACE_EXCLUDE"); x) c.exclude = splitList(x);
  if (const char* k = std::getenv("GRAPHPROF_TRACE_KERNEL_KIND"); k && std::strcmp(k, "kernel") == 0) c.kernelKind = true;
  if (const char* t = std::getenv("GRAPHPROF_TRACE_PER_THREAD_BUFFERS"); t && *t) c.perThreadBuffers = std::atoi(t) ? 1 : 0;
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BUFFER_BYTES"); b && *b) {
    const unsigned long long v = std::strtoull(b, nullptr, 10);
    if (v >= (64u << 10)) c.bufferBytes = static_cast<size_t>((v + 7) & ~7ull);  // aligned_alloc: a multiple of 8
  }
  if (const char* d = std::getenv("GRAPHPROF_TRACE_DEBUG"); d && std::strcmp(d, "1") == 0) c.debug = true;
  if (const char* b = std::getenv("GRAPHPROF_TRACE_BACKTRACE"); b && *b) c.backtraceApis = splitList(b);
  tracerAdjustConfig(c);
}

}  // namespace graphprof_trace
