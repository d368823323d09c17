// node-addon-api binding only: JS objects <-> the plain structs of harness.h, one conversion each
// way (toConfig in, OnOK out). Measurement runs in
// an AsyncWorker so the event loop stays free; every timed loop is inside the harness, never here.
#include <napi.h>

#include <cinttypes>
#include <cstdio>

#include "harness.h"

namespace {

using graphprof::BatchResult;
using graphprof::WorkloadConfig;

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

Napi::Float64Array samples(Napi::Env env, const std::vector<double>& v) {
  auto a = Napi::Float64Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = v[i];
  return a;
}

// JS has validated the object (src/commands/run-options.ts); a missing field or an unknown kernel
// kind is a bug on the JS side, refused here rather than replaced by a made-up value.
bool toConfig(const Napi::Object& o, WorkloadConfig& c, std::string& error) {
  auto num = [&](const char* key, double& out) {
    Napi::Value v = o.Get(key);
    if (!v.IsNumber()) {
      if (error.empty()) error = std::string("runBatch: config.") + key + " must be a number";
      return false;
    }
    out = v.As<Napi::Number>().DoubleValue();
    return true;
  };
  double device, kernels, memcpys, syncs, kernelNs, bytesPerSeq, memcpyBytes, hostOverheadNs, warmup, iterations;
  const bool numbers = num("device", device) & num("kernels", kernels) & num("memcpys", memcpys) & num("syncs", syncs) &
                       num("kernelNs", kernelNs) & num("bytesPerSeq", bytesPerSeq) & num("memcpyBytes", memcpyBytes) &
                       num("hostOverheadNs", hostOverheadNs) & num("warmup", warmup) & num("iterations", iterations);
  if (!numbers) return false;
  Napi::Value kind = o.Get("kernel");
  const std::string k = kind.IsString() ? kind.As<Napi::String>().Utf8Value() : std::string();
  if (k == "spin") c.kernel = graphprof::KernelKind::Spin;
  else if (k == "copy") c.kernel = graphprof::KernelKind::Copy;
  else if (k == "empty") c.kernel = graphprof::KernelKind::Empty;
  else {
    error = "runBatch: config.kernel must be spin, copy or empty, got \"" + k + "\"";
    return false;
  }
  c.device = static_cast<int>(device);
  c.kernels = static_cast<int>(kernels);
  c.memcpys = static_cast<int>(memcpys);
  c.syncs = static_cast<int>(syncs);
  c.kernelNs = static_cast<int64_t>(kernelNs);
  c.bytesPerSeq = static_cast<int64_t>(bytesPerSeq);
  c.memcpyBytes = static_cast<int64_t>(memcpyBytes);
  c.hostOverheadNs = static_cast<int64_t>(hostOverheadNs);
  c.warmup = static_cast<int>(warmup);
  c.iterations = static_cast<int>(iterations);
  return true;
}

class RunBatchWorker : public Napi::AsyncWorker {
 public:
  RunBatchWorker(Napi::Env env, WorkloadConfig config, int batch)
      : Napi::AsyncWorker(env), config_(config), batch_(batch), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      result_ = graphprof::runBatch(config_, batch_);
    } catch (const graphprof::HarnessError& e) {
      cudaName_ = e.cudaName;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(std::string("harness: ") + e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("batch", batch_);
    Napi::Object eager = Napi::Object::New(env);
    eager.Set("stepNs", samples(env, result_.eager.stepNs));
    eager.Set("enqueueNs", samples(env, result_.eager.enqueueNs));
    eager.Set("launchNs", samples(env, result_.eager.launchNs));
    eager.Set("hostOverheadNs", samples(env, result_.eager.hostOverheadNs));
    eager.Set("deviceNs", samples(env, result_.eager.deviceNs));
    r.Set("eager", eager);
    Napi::Object graph = Napi::Object::New(env);
    graph.Set("captureNs", result_.graph.captureNs);
    graph.Set("instantiateNs", result_.graph.instantiateNs);
    graph.Set("uploadNs", result_.graph.uploadNs);
    graph.Set("memoryBytes", static_cast<double>(result_.graph.memoryBytes));
    graph.Set("nodes", static_cast<double>(result_.graph.nodes));
    graph.Set("launchNs", samples(env, result_.graph.launchNs));
    graph.Set("stepNs", samples(env, result_.graph.stepNs));
    graph.Set("deviceNs", samples(env, result_.graph.deviceNs));
    r.Set("graph", graph);
    Napi::Object checksum = Napi::Object::New(env);
    checksum.Set("expected", hex64(result_.expectedChecksum));
    checksum.Set("eager", hex64(result_.eagerChecksum));
    checksum.Set("graph", hex64(result_.graphChecksum));
    r.Set("checksum", checksum);
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override {
    Napi::Error err = Napi::Error::New(Env(), e.Message());
    err.Set("cudaError", Napi::String::New(Env(), cudaName_));
    deferred_.Reject(err.Value());
  }

 private:
  WorkloadConfig config_;
  int batch_;
  BatchResult result_;
  std::string cudaName_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value RunBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "runBatch(config, batch)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  WorkloadConfig config;
  std::string error;
  if (!toConfig(info[0].As<Napi::Object>(), config, error)) {
    Napi::TypeError::New(env, error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* worker = new RunBatchWorker(env, config, info[1].As<Napi::Number>().Int32Value());
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const graphprof::BuildInfo b = graphprof::buildInfo();
  Napi::Object o = Napi::Object::New(env);
  o.Set("cuda", b.cuda);
  o.Set("architectures", b.architectures);
  o.Set("toolkit", b.toolkit);
  o.Set("napiVersion", NAPI_VERSION);
  return o;
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const graphprof::ProbeResult p = graphprof::probe();
  Napi::Object o = Napi::Object::New(env);
  o.Set("runtimeVersion", p.runtimeVersion);
  o.Set("driverVersion", p.driverVersion);
  o.Set("errorName", p.errorName);
  o.Set("errorMessage", p.errorMessage);
  Napi::Array devices = Napi::Array::New(env, p.devices.size());
  for (size_t i = 0; i < p.devices.size(); ++i) {
    const auto& d = p.devices[i];
    Napi::Object dev = Napi::Object::New(env);
    dev.Set("index", d.index);
    dev.Set("name", d.name);
    dev.Set("computeCapability", std::to_string(d.ccMajor) + "." + std::to_string(d.ccMinor));
    dev.Set("multiprocessors", d.multiprocessors);
    dev.Set("totalMemoryBytes", static_cast<double>(d.totalMemoryBytes));
    dev.Set("pciBusId", d.pciBusId);
    devices[i] = dev;
  }
  o.Set("devices", devices);
  return o;
}

Napi::Value ExpectedChecksum(const Napi::CallbackInfo& info) {
  const int kernels = info[0].As<Napi::Number>().Int32Value();
  const int64_t steps = info[1].As<Napi::Number>().Int64Value();
  return Napi::String::New(info.Env(), hex64(graphprof::expectedChecksum(kernels, steps)));
}

Napi::Value ReleaseGraphs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), graphprof::releaseGraphs());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("releaseGraphs", Napi::Function::New(env, ReleaseGraphs));
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo));
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("runBatch", Napi::Function::New(env, RunBatch));
  exports.Set("expectedChecksum", Napi::Function::New(env, ExpectedChecksum));
  return exports;
}

}  // namespace

NODE_API_MODULE(graphprof, Init)
