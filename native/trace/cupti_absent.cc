// libgraphprof_host.so shares inject.cc with the CUPTI library but must not load CUPTI: loading
// and initialising it is what puts the driver in a tool's mode (graph launches node by node,
// docs/trace.md). The host build takes its CUPTI paths out at compile time (kHost); these stand-ins
// only satisfy the linker for the code that remains. They are hidden (the version script exports
// nothing of them), so a program's own CUPTI (PyTorch's profiler) never binds to them.
#include <cupti.h>

#define GP_ABSENT return CUPTI_ERROR_NOT_INITIALIZED;

CUptiResult CUPTIAPI cuptiActivityDisable(CUpti_ActivityKind) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityEnable(CUpti_ActivityKind) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityEnableDriverApi(CUpti_CallbackId, uint8_t) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityEnableRuntimeApi(CUpti_CallbackId, uint8_t) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityFlushAll(uint32_t) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityFlushPeriod(uint32_t) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityGetNextRecord(uint8_t*, size_t, CUpti_Activity**) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityGetNumDroppedRecords(CUcontext, uint32_t, size_t*) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityRegisterCallbacks(CUpti_BuffersCallbackRequestFunc, CUpti_BuffersCallbackCompleteFunc) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivityRegisterTimestampCallback(CUpti_TimestampCallbackFunc) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiActivitySetAttribute(CUpti_ActivityAttribute, size_t*, void*) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiEnableCallback(uint32_t, CUpti_SubscriberHandle, CUpti_CallbackDomain, CUpti_CallbackId) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiEnableDomain(uint32_t, CUpti_SubscriberHandle, CUpti_CallbackDomain) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiGetCallbackName(CUpti_CallbackDomain, uint32_t, const char** name) {
  if (name) *name = nullptr;
  GP_ABSENT
}
CUptiResult CUPTIAPI cuptiGetResultString(CUptiResult, const char** str) {
  if (str) *str = "CUPTI is not loaded (host tracer)";
  return CUPTI_SUCCESS;
}
CUptiResult CUPTIAPI cuptiGetTimestamp(uint64_t*) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiGetVersion(uint32_t*) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiSetThreadIdType(CUpti_ActivityThreadIdType) { GP_ABSENT }
CUptiResult CUPTIAPI cuptiSubscribe(CUpti_SubscriberHandle*, CUpti_CallbackFunc, void*) { GP_ABSENT }
