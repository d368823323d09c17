// The record each traced process writes at exit ($GRAPHPROF_TRACE_DIR/trace-<pid>.json, schema
// graphprof-trace-record/2, docs/trace.md "The record"): the threads merged, device records credited
// to the steps that launched them, the timeline; and the tracers' common start-up and exit.
#include <cxxabi.h>
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <execinfo.h>

#include "state.h"

namespace graphprof_trace {

namespace {

struct Json {
  std::string s;
  void raw(const std::string& t) { s += t; }
  void str(const std::string& t) {
    s.push_back('"');
    for (unsigned char c : t) {
      switch (c) {
        case '"': s += "\\\""; break;
        case '\\': s += "\\\\"; break;
        case '\n': s += "\\n"; break;
        case '\r': s += "\\r"; break;
        case '\t': s += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            s += buf;
          } else {
            s.push_back(static_cast<char>(c));
          }
      }
    }
    s.push_back('"');
  }
  void key(const char* k) {
    str(k);
    s.push_back(':');
  }
  void u64(uint64_t v) { s += std::to_string(v); }
  void num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    s += buf;
  }
};

std::string readFile(const char* path) {
  std::string out;
  FILE* f = std::fopen(path, "rb");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

void processInfo(Json& j) {
  j.key("pid"), j.u64(static_cast<uint64_t>(g_pid)), j.raw(",");
  j.key("ppid"), j.u64(static_cast<uint64_t>(getppid())), j.raw(",");
  char exe[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  j.key("exe"), j.str(n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string()), j.raw(",");
  j.key("argv"), j.raw("[");
  const std::string cmdline = readFile("/proc/self/cmdline");
  bool first = true;
  for (size_t at = 0; at < cmdline.size();) {
    const size_t end = cmdline.find('\0', at);
    const std::string arg = cmdline.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!first) j.raw(",");
    j.str(arg);
    first = false;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  j.raw("],");
  j.key("stepMarker");
  if (g_config.stepSpec.empty()) j.raw("null");
  else j.str(g_config.stepSpec);
  j.raw(",");
  j.key("startedAtEpochNs"), j.u64(g_startEpochNs), j.raw(",");
}

/** The record's first fields, the same in the start-up and the final record: schema, whether it is final, the process. */
void openRecord(Json& j, bool complete) {
  j.raw("{");
  j.key("schema"), j.str("graphprof-trace-record/2"), j.raw(",");
  j.key("complete"), j.raw(complete ? "true," : "false,");
  j.key("attached"), j.raw(g_attached ? "true," : "false,");
  processInfo(j);
}

void writeAtomically(const std::string& text) {
  const std::string path = g_config.dir + "/trace-" + std::to_string(g_pid) + ".json";
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "graphprof trace: cannot write %s: %s\n", tmp.c_str(), std::strerror(errno));
    return;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    std::fprintf(stderr, "graphprof trace: cannot write %s\n", tmp.c_str());
    return;
  }
  std::rename(tmp.c_str(), path.c_str());
}

/** The record's last field, the notes so far as `errors`; closes the object and writes the file. */
void closeWithErrors(Json& j) {
  j.key("errors"), j.raw("[");
  const std::vector<std::string> errors = notes();
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) j.raw(",");
    j.str(errors[i]);
  }
  j.raw("]}\n");
  writeAtomically(j.s);
}

void statFields(Json& j, const Stat& s) {
  j.key("totalNs"), j.u64(s.totalNs), j.raw(",");
  j.key("minNs"), j.u64(s.calls ? s.minNs : 0), j.raw(",");
  j.key("maxNs"), j.u64(s.maxNs), j.raw(",");
  j.key("medNs"), j.num(s.median()), j.raw(",");
  j.key("sumSqNs2"), j.num(static_cast<double>(s.sumSqNs2)), j.raw(",");
  j.key("hist"), j.raw("[");
  bool first = true;
  if (s.buckets) {
    for (int i = 0; i < kBuckets; ++i) {
      if (!s.buckets[i]) continue;
      if (!first) j.raw(",");
      first = false;
      j.raw("["), j.u64(static_cast<uint64_t>(i)), j.raw(","), j.u64(s.buckets[i]), j.raw("]");
    }
  }
  j.raw("]");
}

std::string demangle(const std::string& name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  std::string out = (status == 0 && d) ? d : name;
  std::free(d);
  return out;
}

int versionOf(const char* symbol, const char* library) {
  using Fn = int (*)(int*);
  auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
  // A runtime that dlopen()ed the driver privately (cudart_static does) hides it from RTLD_DEFAULT.
  if (!fn && library) {
    if (void* h = dlopen(library, RTLD_NOW | RTLD_NOLOAD)) fn = reinterpret_cast<Fn>(dlsym(h, symbol));
  }
  int v = 0;
  if (fn && fn(&v) == 0) return v;
  return 0;
}

struct Loaded {
  const char* part;
  std::vector<std::string> paths;
};

int collectLoaded(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<Loaded*>(data);
  if (info->dlpi_name && std::strstr(info->dlpi_name, out->part)) out->paths.push_back(info->dlpi_name);
  return 0;
}

void loadedList(Json& j, const char* key, const char* part) {
  Loaded loaded{part, {}};
  dl_iterate_phdr(collectLoaded, &loaded);
  j.key(key), j.raw("[");
  for (size_t i = 0; i < loaded.paths.size(); ++i) {
    if (i) j.raw(",");
    j.str(loaded.paths[i]);
  }
  j.raw("],");
}

using ApiStats = std::map<uint32_t, std::unique_ptr<Stat>>;

const char* apiNameOf(uint32_t slot, const ApiStats& whole) {
  auto it = whole.find(slot);
  if (it != whole.end() && it->second->name) return it->second->name;
  const char* n = tracerApiName(domainOf(slot), cbidOf(slot));
  return n ? n : "<unknown>";
}

void apiRows(Json& j, const ApiStats& rows, const ApiStats& whole) {
  j.key("api"), j.raw("[");
  bool first = true;
  for (auto& kv : rows) {
    const Stat& s = *kv.second;
    if (s.calls == 0 && s.nested == 0) continue;
    if (!first) j.raw(",");
    first = false;
    j.raw("{");
    j.key("name"), j.str(apiNameOf(kv.first, whole)), j.raw(",");
    j.key("domain"), j.str(domainOf(kv.first) == kRuntime ? "runtime" : "driver"), j.raw(",");
    j.key("cbid"), j.u64(cbidOf(kv.first)), j.raw(",");
    j.key("calls"), j.u64(s.calls), j.raw(",");
    j.key("nestedCalls"), j.u64(s.nested), j.raw(",");
    statFields(j, s);
    j.raw("}");
  }
  j.raw("]");
}

using DeviceRows = std::map<std::string, DeviceStat>;

void deviceRows(Json& j, const char* key, const DeviceRows& rows, bool bytes) {
  j.key(key), j.raw("[");
  bool first = true;
  for (auto& kv : rows) {
    if (!first) j.raw(",");
    first = false;
    j.raw("{");
    j.key("name"), j.str(kv.first), j.raw(",");
    j.key("instances"), j.u64(kv.second.stat.calls), j.raw(",");
    j.key("graphInstances"), j.u64(kv.second.graphInstances), j.raw(",");
    if (bytes) j.key("bytes"), j.u64(kv.second.bytes), j.raw(",");
    statFields(j, kv.second.stat);
    j.raw("}");
  }
  j.raw("]");
}

/** Device rows of one scope, by the name the whole-run rows print. */
struct DeviceScope {
  DeviceRows kernels, memcpy, memset;
  void add(const StoredDevice& d, const std::string& name) {
    DeviceRows& rows = d.kind == DeviceKind::Kernel ? kernels : d.kind == DeviceKind::Memcpy ? memcpy : memset;
    DeviceStat& row = rows[name];
    row.stat.add(d.endNs > d.startNs ? d.endNs - d.startNs : 0);
    row.bytes += d.bytes;
    if (d.graph) ++row.graphInstances;
  }
};

/** A step's device figures, from the records credited to it. */
struct StepDevice {
  uint64_t gpuNs = 0, records = 0;
  std::vector<std::pair<uint64_t, uint64_t>> spans;
};

struct TimelineOut {
  size_t index;
  const KeptTimeline* kept;
  std::vector<const StoredDevice*> device;
};

const char* kindName(DeviceKind k) { return k == DeviceKind::Kernel ? "kernel" : k == DeviceKind::Memcpy ? "memcpy" : "memset"; }

void scopeRows(Json& j, const ApiStats& api, const ApiStats& whole, const DeviceScope& dev) {
  j.raw("{");
  apiRows(j, api, whole);
  j.raw(",");
  deviceRows(j, "kernels", dev.kernels, false);
  j.raw(",");
  deviceRows(j, "memcpy", dev.memcpy, true);
  j.raw(",");
  deviceRows(j, "memset", dev.memset, true);
  j.raw("}");
}

void mergeInto(ApiStats& into, const ApiStats& from) {
  for (auto& kv : from) {
    std::unique_ptr<Stat>& slot = into[kv.first];
    if (!slot) slot.reset(new Stat());
    slot->merge(*kv.second);
  }
}

}  // namespace

void writeFinal() {
  // Merge every thread, the live ones included (a thread still inside a call at exit may be
  // mid-update: the record is a snapshot). Calls of a step still open are outside.
  ApiStats api, in, out;
  std::vector<StepRecord> steps;
  std::vector<Link> links;
  uint64_t unmatched = 0, threads = 0;
  {
    std::lock_guard<std::mutex> lock(g_reg.mutex);
    mergeInto(api, g_reg.retiredApi);
    mergeInto(in, g_reg.retiredIn);
    mergeInto(out, g_reg.retiredOut);
    steps = g_reg.retiredSteps;
    links = g_reg.retiredLinks;
    unmatched = g_reg.retiredUnmatched;
    for (ThreadState* ts : g_reg.live) {
      if (ts->scoped) settlePending(ts, ts->remoteClose.load() == 1);
      mergeStats(api, ts->all);
      if (ts->scoped) {
        mergeStats(in, ts->scoped->in);
        mergeStats(out, ts->scoped->out);
      }
      steps.insert(steps.end(), ts->steps.begin(), ts->steps.end());
      links.insert(links.end(), ts->links.begin(), ts->links.end());
      unmatched += ts->unmatchedExits;
    }
    threads = g_reg.threads;
  }
  if (g_config.apiRecords) stepsFromMarks(steps);
  std::sort(steps.begin(), steps.end(), [](const StepRecord& a, const StepRecord& b) { return a.startNs < b.startNs || (a.startNs == b.startNs && a.tid < b.tid); });

  // The timeline's steps, by their place in `steps`.
  std::vector<TimelineOut> timeline;
  {
    std::lock_guard<std::mutex> lock(g_timeline.mutex);
    for (const KeptTimeline& k : g_timeline.kept) {
      if (!k.used) continue;
      const uint64_t start = k.startNs - originNs();
      for (size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].tid == k.tid && steps[i].startNs == start) {
          timeline.push_back(TimelineOut{i, &k, {}});
          break;
        }
      }
    }
    std::sort(timeline.begin(), timeline.end(), [](const TimelineOut& a, const TimelineOut& b) { return a.index < b.index; });
  }

  Json j;
  openRecord(j, true);
  j.key("wallNs"), j.u64(nowNs() - g_startNs), j.raw(",");
  j.key("cuptiVersion"), j.u64(tracerVersion()), j.raw(",");
  j.key("driverVersion"), j.u64(static_cast<uint64_t>(versionOf("cuDriverGetVersion", "libcuda.so.1"))), j.raw(",");
  const int rt = versionOf("cudaRuntimeGetVersion", nullptr);
  j.key("runtimeVersion");
  if (rt) j.u64(static_cast<uint64_t>(rt));
  else j.raw("null");
  j.raw(",");
  loadedList(j, "runtimeLibraries", "libcudart");
  // More than one CUPTI in a process means NVTX or another tool loaded its own (docs/trace.md).
  loadedList(j, "cuptiLibraries", "libcupti");
  const int nvtx = g_nvtxInit.load();
  j.key("nvtxInjection"), j.str(nvtx == 2 ? "host" : nvtx == 1 ? "forwarded" : nvtx == -1 ? "cupti-missing" : "not-called"), j.raw(",");
  j.key("nvtxCallbacks"), j.u64(g_nvtxCallbacks.load()), j.raw(",");
  j.key("activityBuffers"), j.u64(g_act.buffers.load()), j.raw(",");
  j.key("activityRecords"), j.u64(g_act.records.load()), j.raw(",");
  {
    const char* cb[] = {"none", "empty", "full"};
    j.key("collection"), j.raw("{");
    j.key("callbacks"), j.str(cb[g_config.callbacks]), j.raw(",");
    j.key("runtimeDomain"), j.raw(g_config.runtimeDomain ? "true," : "false,");
    j.key("driverDomain"), j.raw(g_config.driverDomain ? "true," : "false,");
    j.key("api"), j.str(tracerApiMode()), j.raw(",");
    j.key("clock"), j.str(g_config.cuptiClock ? "cupti" : "steady"), j.raw(",");
    j.key("apiRecords"), j.u64(g_apiRecords.load()), j.raw(",");
    j.key("graphRecords"), j.u64(g_graphRecords.load()), j.raw(",");
    j.key("recordsOutOfOrder"), j.u64(g_recordsOutOfOrder.load()), j.raw(",");
    j.key("nestingUnresolved"), j.u64(g_nestingUnresolved.load()), j.raw(",");
    j.key("captureRange"), j.str(g_config.captureProfiler ? "cudaProfilerApi" : "none"), j.raw(",");
    j.key("captureRanges"), j.u64(g_captureRanges.load()), j.raw(",");
    j.key("excluded"), j.raw("[");
    bool firstX = true;
    for (const std::string& x : g_config.exclude) {
      if (!firstX) j.raw(",");
      firstX = false;
      j.str(x);
    }
    j.raw("],");
    j.key("kernelKind"), j.str(g_config.kernelKind ? "KERNEL" : "CONCURRENT_KERNEL"), j.raw(",");
    j.key("perThreadBuffers"), j.raw(g_config.perThreadBuffers < 0 ? "null" : g_config.perThreadBuffers ? "true" : "false"), j.raw(",");
    j.key("bufferBytes"), j.u64(g_config.bufferBytes);
    j.raw("},");
  }
  j.key("histogram"), j.str("log2-32"), j.raw(",");
  j.key("activity"), j.raw(g_config.activity ? "true," : "false,");
  j.key("threads"), j.u64(threads), j.raw(",");
  apiRows(j, api, api);
  j.raw(",");

  std::vector<StepDevice> stepDevice(steps.size());
  uint64_t unattributed = 0;
  {
    std::lock_guard<std::mutex> lock(g_act.mutex);
    // Kernels that demangle to the same name (one per module that loaded them) are one row.
    std::unordered_map<const DeviceStat*, std::string> names;
    DeviceRows kernels;
    for (auto& kv : g_act.kernels) {
      const std::string name = demangle(kv.second.name);
      names[&kv.second] = name;
      DeviceStat& d = kernels[name];
      d.stat.merge(kv.second.stat);
      d.graphInstances += kv.second.graphInstances;
    }
    // Graph-level records (--graph-trace graph): each graph's executions are one row, its time the
    // graph's from start to end on the GPU, as nsys --cuda-graph-trace=graph shows a graph.
    for (auto& kv : g_act.graphs) {
      DeviceStat& d = kernels[kv.second.name];
      names[&kv.second] = kv.second.name;
      d.stat.merge(kv.second.stat);
      d.graphInstances += kv.second.graphInstances;
    }
    for (auto& kv : g_act.copies) names[&kv.second] = kv.first;
    for (auto& kv : g_act.memsets) names[&kv.second] = kv.first;
    deviceRows(j, "kernels", kernels, false);
    j.raw(",");
    deviceRows(j, "memcpy", g_act.copies, true);
    j.raw(",");
    deviceRows(j, "memset", g_act.memsets, true);
    j.raw(",");

    if (g_scoping) {
      // Device records credited by correlation id to the step whose window launched them.
      DeviceScope inDev, outDev;
      std::vector<StepWindow> windows;
      windows.reserve(steps.size());
      for (size_t i = 0; i < steps.size(); ++i) windows.push_back(StepWindow{steps[i].tid, steps[i].startNs, steps[i].startNs + steps[i].durationNs, i});
      const Attribution attribution(std::move(windows), links, originNs());
      std::vector<long> timelineOf(steps.size(), -1);
      for (size_t t = 0; t < timeline.size(); ++t) timelineOf[timeline[t].index] = static_cast<long>(t);
      for (const StoredDevice& d : g_act.stored) {
        const long step = attribution.stepOf(d.correlationId);
        const std::string& name = names[d.row];
        if (step < 0) {
          outDev.add(d, name);
          continue;
        }
        inDev.add(d, name);
        StepDevice& sd = stepDevice[static_cast<size_t>(step)];
        sd.gpuNs += d.endNs > d.startNs ? d.endNs - d.startNs : 0;
        ++sd.records;
        sd.spans.emplace_back(d.startNs, d.endNs);
        if (timelineOf[static_cast<size_t>(step)] >= 0) timeline[static_cast<size_t>(timelineOf[static_cast<size_t>(step)])].device.push_back(&d);
      }
      unattributed = g_act.unattributed;
      j.key("inSteps"), scopeRows(j, in, api, inDev), j.raw(",");
      j.key("outsideSteps"), scopeRows(j, out, api, outDev), j.raw(",");

      j.key("timeline");
      if (g_config.timelineSteps == 0) {
        j.raw("null,");
      } else {
        const uint64_t o = originNs();
        j.raw("{"), j.key("steps"), j.raw("[");
        for (size_t t = 0; t < timeline.size(); ++t) {
          const TimelineOut& tl = timeline[t];
          const StepRecord& s = steps[tl.index];
          if (t) j.raw(",");
          j.raw("{");
          j.key("index"), j.u64(tl.index), j.raw(",");
          j.key("tid"), j.u64(s.tid), j.raw(",");
          j.key("startNs"), j.u64(s.startNs), j.raw(",");
          j.key("endNs"), j.u64(s.startNs + s.durationNs), j.raw(",");
          j.key("host"), j.raw("[");
          for (size_t e = 0; e < tl.kept->host.size(); ++e) {
            const HostEvent& h = tl.kept->host[e];
            if (e) j.raw(",");
            j.raw("{");
            j.key("tid"), j.u64(s.tid), j.raw(",");
            j.key("name"), j.str(apiNameOf(h.slot, api)), j.raw(",");
            j.key("startNs"), j.u64(h.startNs > o ? h.startNs - o : 0), j.raw(",");
            j.key("durationNs"), j.u64(h.durationNs), j.raw(",");
            j.key("correlationId"), j.u64(h.correlationId);
            j.raw("}");
          }
          j.raw("],");
          j.key("device"), j.raw("[");
          for (size_t e = 0; e < tl.device.size(); ++e) {
            const StoredDevice& d = *tl.device[e];
            if (e) j.raw(",");
            j.raw("{");
            j.key("stream"), j.u64(d.stream), j.raw(",");
            j.key("kind"), j.str(kindName(d.kind)), j.raw(",");
            j.key("name"), j.str(names[d.row]), j.raw(",");
            j.key("startNs"), j.u64(d.startNs > o ? d.startNs - o : 0), j.raw(",");
            j.key("durationNs"), j.u64(d.endNs > d.startNs ? d.endNs - d.startNs : 0), j.raw(",");
            j.key("correlationId"), j.u64(d.correlationId), j.raw(",");
            j.key("graph"), j.raw(d.graph ? "true" : "false");
            j.raw("}");
          }
          j.raw("]}");
        }
        j.raw("]},");
      }
    } else {
      j.key("inSteps"), j.raw("null,");
      j.key("outsideSteps"), j.raw("null,");
      j.key("timeline"), j.raw("null,");
    }
  }

  j.key("steps"), j.raw("[");
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& r = steps[i];
    if (i) j.raw(",");
    j.raw("{");
    j.key("tid"), j.u64(r.tid), j.raw(",");
    j.key("startNs"), j.u64(r.startNs), j.raw(",");
    j.key("durationNs"), j.u64(r.durationNs), j.raw(",");
    j.key("launches"), j.u64(r.launches), j.raw(",");
    j.key("graphLaunches"), j.u64(r.graphLaunches), j.raw(",");
    j.key("syncs"), j.u64(r.syncs), j.raw(",");
    j.key("allocations"), j.u64(r.allocations), j.raw(",");
    j.key("copies"), j.u64(r.copies), j.raw(",");
    j.key("memsets"), j.u64(r.memsets), j.raw(",");
    j.key("apiCalls"), j.u64(r.apiCalls), j.raw(",");
    j.key("apiNs"), j.u64(r.apiNs), j.raw(",");
    StepDevice& sd = stepDevice[i];
    if (g_linking) {
      j.key("gpuNs"), j.u64(sd.gpuNs), j.raw(",");
      j.key("gpuBusyNs"), j.u64(unionLength(sd.spans)), j.raw(",");
    } else {
      j.key("gpuNs"), j.raw("null,");
      j.key("gpuBusyNs"), j.raw("null,");
    }
    j.key("deviceRecords"), j.u64(sd.records);
    j.raw("}");
  }
  j.raw("],");
  j.key("stepsDropped"), j.u64(g_droppedSteps.load()), j.raw(",");
  {
    const std::string captures = tracerCaptures();
    j.key("graphCaptures"), j.raw(captures.empty() ? "null" : captures), j.raw(",");
  }
  j.key("deviceRecordsUnattributed"), j.u64(unattributed), j.raw(",");
  j.key("droppedRecords"), j.u64(g_droppedRecords.load()), j.raw(",");
  j.key("unmatchedExits"), j.u64(unmatched), j.raw(",");
  closeWithErrors(j);
}

/** Written at start-up, so that a process that dies before exit still shows it was traced. */
void writeStarted() {
  Json j;
  openRecord(j, false);
  closeWithErrors(j);
}

namespace {
std::once_flag g_finalOnce;

void atExit() { finish(); }

void onFatalSignal(int sig, siginfo_t* info, void*) {
  dprintf(2, "graphprof trace [debug]: signal %d (address %p) in pid %d tid %ld%s; backtrace:\n", sig, info ? info->si_addr : nullptr,
          static_cast<int>(getpid()), static_cast<long>(syscall(SYS_gettid)), g_stopping.load() ? ", after the exit handler began" : "");
  void* frames[64];
  backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
  signal(sig, SIG_DFL);
  raise(sig);
}
}  // namespace

void finish() {
  // A forked child inherits this state but did not initialise CUDA itself: it writes nothing.
  if (getpid() != g_pid) return;
  std::call_once(g_finalOnce, [] {
    tracerFlush();
    g_stopping.store(true);
    if (g_config.apiRecords) {
      drainRecords();
      if (const uint64_t n = g_recordsOutOfOrder.load())
        note(std::to_string(n) + " API records of a thread arrived out of order: nesting and step figures may be off by that many calls");
      if (const uint64_t n = g_nestingUnresolved.load())
        note(std::to_string(n) + " calls held more than " + std::to_string(kMaxPending) + " calls each: the calls inside them were counted as outermost calls");
    }
    writeFinal();
    g_final.store(true, std::memory_order_release);
  });
}

void initialize() {
  g_pid = getpid();
  g_startNs = nowNs();
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  g_startEpochNs = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
  readConfig();
  g_scoping = g_config.stepMode != StepMode::None;
  g_linking = g_scoping && g_config.activity;
  if (g_scoping && g_config.timelineSteps > 0) {
    std::lock_guard<std::mutex> lock(g_timeline.mutex);
    g_timeline.reservoir = Reservoir(g_config.timelineSteps);
    g_timeline.kept.assign(g_config.timelineSteps, KeptTimeline{});
  } else {
    g_config.timelineSteps = 0;
  }
  if (g_config.debug) {
    struct sigaction sa {};
    sa.sa_sigaction = onFatalSignal;
    sa.sa_flags = SA_SIGINFO;
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL}) sigaction(sig, &sa, nullptr);
  }
  classify();
  g_attached = tracerAttach();
  g_linking = g_scoping && g_config.activity;  // the tracer may have found no device records
  writeStarted();
  std::atexit(atExit);
}

}  // namespace graphprof_trace
