// The CUPTI tracer (libgraphprof_inject.so): `graphprof trace --tracer cupti` (or --device-time)
// puts this library's path in CUDA_INJECTION64_PATH, and the CUDA driver loads it into every process
// that initialises CUDA and calls InitializeInjection from cuInit. It counts and times every
// runtime and driver API call (from CUPTI's activity records, records.cc, or its callbacks,
// counting.cc), collects kernel, memcpy and memset device time through the activity API, and keeps
// the device records of marked runs to credit them to the steps that launched them (record.cc).
// docs/trace.md describes what is counted and how.
#include <cupti.h>
#include <generated_nvtx_meta.h>

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "names.h"
#include "state.h"

namespace graphprof_trace {

static_assert(static_cast<int>(CUPTI_CB_DOMAIN_DRIVER_API) == kDriver && static_cast<int>(CUPTI_CB_DOMAIN_RUNTIME_API) == kRuntime,
              "state.h's Domain must hold CUPTI's values");

namespace {

CUpti_SubscriberHandle g_subscriber = nullptr;

std::string cuptiError(const char* call, CUptiResult r) {
  const char* s = nullptr;
  cuptiGetResultString(r, &s);
  return std::string(call) + ": " + (s ? s : "unknown CUPTI error");
}

const char* callbackName(CUpti_CallbackDomain domain, uint32_t cbid) {
  const char* name = nullptr;
  if (cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS) return nullptr;
  return name;
}

uint64_t CUPTIAPI steadyTimestamp() { return nowNs(); }

// ---------------------------------------------------------------- callbacks

void onApi(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData* cb) {
  if (cbid >= (domain == CUPTI_CB_DOMAIN_RUNTIME_API ? kRtSize : kDrvSize)) return;
  if (cb->callbackSite == CUPTI_API_ENTER) apiEnter(domain, cbid, cb->functionName, cb->correlationId);
  else apiExit(domain, cbid, cb->functionName, cb->correlationId);
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
      nvtxPush(nullptr, asciiOfAttributes(static_cast<const nvtxRangePushEx_params*>(p)->eventAttrib));
      break;
    case CUPTI_CBID_NVTX_nvtxRangePushW:
      nvtxPush(nullptr, asciiOfWide(static_cast<const nvtxRangePushW_params*>(p)->message));
      break;
    case CUPTI_CBID_NVTX_nvtxRangePop:
      nvtxPop(nullptr);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangePushEx: {
      auto* a = static_cast<const nvtxDomainRangePushEx_params*>(p);
      nvtxPush(a->domain, asciiOfAttributes(a->core.eventAttrib));
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
      nvtxStart(asciiOfAttributes(static_cast<const nvtxRangeStartEx_params*>(p)->eventAttrib), d->functionReturnValue);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangeStartEx:
      nvtxStart(asciiOfAttributes(static_cast<const nvtxDomainRangeStartEx_params*>(p)->core.eventAttrib), d->functionReturnValue);
      break;
    case CUPTI_CBID_NVTX_nvtxRangeEnd:
      nvtxEnd(static_cast<const nvtxRangeEnd_params*>(p)->id);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRangeEnd:
      nvtxEnd(static_cast<const nvtxDomainRangeEnd_params*>(p)->core.id);
      break;
    case CUPTI_CBID_NVTX_nvtxDomainRegisterStringA: {
      auto* a = static_cast<const nvtxDomainRegisterStringA_params*>(p);
      if (d->functionReturnValue && a->string) nvtxRegisterString(*static_cast<const nvtxStringHandle_t*>(d->functionReturnValue), a->string);
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
      const char* name = callbackName(d, i);
      if (name && g_config.exclude.count(baseName(name))) cuptiEnableCallback(0, g_subscriber, d, i);
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

/** With a step marker, keep the record (under g_act.mutex) to credit it to a step at exit. */
void store(DeviceStat& row, DeviceKind kind, uint64_t start, uint64_t end, uint32_t correlationId, uint32_t stream, uint64_t bytes, bool graph) {
  if (!g_linking) return;
  if (g_act.stored.size() >= g_config.maxDeviceRecords) {
    ++g_act.unattributed;
    return;
  }
  g_act.stored.push_back(StoredDevice{start, end, correlationId, stream, &row, bytes, kind, graph});
}

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
          store(d, DeviceKind::Kernel, k->start, k->end, k->correlationId, k->streamId, 0, k->graphId != 0);
          break;
        }
        case CUPTI_ACTIVITY_KIND_MEMCPY: {
          auto* m = reinterpret_cast<const CUpti_ActivityMemcpy6*>(record);
          DeviceStat& d = g_act.copies[copyName(m->copyKind)];
          d.stat.add(span(m->start, m->end));
          d.bytes += m->bytes;
          if (m->graphId != 0) ++d.graphInstances;
          store(d, DeviceKind::Memcpy, m->start, m->end, m->correlationId, m->streamId, m->bytes, m->graphId != 0);
          break;
        }
        case CUPTI_ACTIVITY_KIND_MEMSET: {
          auto* m = reinterpret_cast<const CUpti_ActivityMemset4*>(record);
          DeviceStat& d = g_act.memsets["[CUDA memset]"];
          d.stat.add(span(m->start, m->end));
          d.bytes += m->bytes;
          if (m->graphId != 0) ++d.graphInstances;
          store(d, DeviceKind::Memset, m->start, m->end, m->correlationId, m->streamId, m->bytes, m->graphId != 0);
          break;
        }
        case CUPTI_ACTIVITY_KIND_GRAPH_TRACE: {
          auto* g = reinterpret_cast<const CUpti_ActivityGraphTrace2*>(record);
          g_graphRecords.fetch_add(1, std::memory_order_relaxed);
          DeviceStat& d = g_act.graphs[g->graphId];
          if (d.name.empty()) d.name = "[CUDA graph " + std::to_string(g->graphId) + "]";
          d.stat.add(span(g->start, g->end));
          ++d.graphInstances;
          store(d, DeviceKind::Kernel, g->start, g->end, g->correlationId, g->streamId, 0, true);
          break;
        }
        case CUPTI_ACTIVITY_KIND_RUNTIME:
        case CUPTI_ACTIVITY_KIND_DRIVER:
          // After the exit handler settled the records, the threads' figures are being merged.
          if (!g_act.drained) {
            auto* a = reinterpret_cast<const CUpti_ActivityAPI*>(record);
            onApiRecord(ApiRecord{a->threadId, a->start, a->end, a->cbid, a->correlationId,
                                  a->kind == CUPTI_ACTIVITY_KIND_RUNTIME ? kRuntime : kDriver});
          }
          break;
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

}  // namespace

// ---------------------------------------------------------------- tracer hooks (state.h)

const char* tracerApiMode() { return g_config.apiRecords ? "records" : "callbacks"; }

const char* tracerApiName(int domain, uint32_t cbid) { return callbackName(static_cast<CUpti_CallbackDomain>(domain), cbid); }

void tracerForEachApi(void (*fn)(int domain, uint32_t cbid, const char* name)) {
  for (uint32_t i = 1; i < kRtSize; ++i) fn(kRuntime, i, callbackName(CUPTI_CB_DOMAIN_RUNTIME_API, i));
  for (uint32_t i = 1; i < kDrvSize; ++i) fn(kDriver, i, callbackName(CUPTI_CB_DOMAIN_DRIVER_API, i));
}

void tracerAdjustConfig(Config&) {}

uint64_t tracerTimestamp() {
  uint64_t t = 0;
  cuptiGetTimestamp(&t);
  return t;
}

std::string tracerCaptures() { return ""; }  // graph captures: the host tracer only

uint32_t tracerVersion() {
  uint32_t v = 0;
  cuptiGetVersion(&v);
  return v;
}

void tracerSwitch(bool on) {
  enableApiCallbacks(on);
  enableActivityKinds(on);
}

void tracerFlush() {
  if (g_attached && !activityKinds().empty()) {
    const CUptiResult r = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    if (r != CUPTI_SUCCESS) note(cuptiError("cuptiActivityFlushAll", r));
  }
}

bool tracerAttach() {
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
  // One clock for everything: API records, device records, NVTX step boundaries (read in
  // callbacks) and the record's wall time, so that a record can be placed against a step boundary.
  r = g_config.cuptiClock ? CUPTI_SUCCESS : cuptiActivityRegisterTimestampCallback(steadyTimestamp);
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

}  // namespace graphprof_trace

namespace {
std::once_flag g_initOnce;
}

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
  graphprof_trace::g_nvtxInit.store(forward ? 1 : -1);
  return forward ? forward(getExportTable) : 0;
}

extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  std::call_once(g_initOnce, graphprof_trace::initialize);
  // 1 even when CUPTI refused to attach: the program runs untraced, and the record says why.
  return 1;
}
