# A small PyTorch decode loop (batch 1), the reference for `graphprof trace --step-marker nvtx:decode_step`.
# `--graph`: capture the step into a CUDA graph (torch.cuda.graph) and replay it instead.
# `--count`: torch.profiler counts one step's kernels and prints JSON. Run it apart from the trace:
# torch.profiler and graphprof both use CUPTI, and a process has one CUPTI client.
import argparse, json, time, torch
from torch.profiler import ProfilerActivity, profile

p = argparse.ArgumentParser()
for flag, default in (("--steps", 64), ("--layers", 4), ("--hidden", 512)): p.add_argument(flag, type=int, default=default)
p.add_argument("--count", action="store_true", help="count one step with torch.profiler instead of tracing")
p.add_argument("--graph", action="store_true", help="capture the step into a CUDA graph and replay it")
a = p.parse_args()
h, dev = a.hidden, "cuda"
W = [[torch.randn(i, o, device=dev) / i**0.5 for i, o in ((h, 3 * h), (h, h), (h, 4 * h), (4 * h, h))] for _ in range(a.layers)]

def step(x):
    for wqkv, wo, w1, w2 in W:
        q, k, v = (torch.layer_norm(x, (h,)) @ wqkv).chunk(3, dim=-1)
        x = x + (torch.softmax(q * k * h**-0.5, dim=-1) * v) @ wo
        x = x + torch.nn.functional.gelu(torch.layer_norm(x, (h,)) @ w1) @ w2
    return x

x = torch.randn(1, h, device=dev)
for _ in range(3):  # warm-up: cuBLAS handles, caching allocator, lazy module loading
    step(x)
torch.cuda.synchronize()
if a.graph:  # static input, captured once (side stream warm-up, as torch.cuda.graph's docs do)
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        step(x)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        y = step(x)
    step = lambda _x: (g.replay(), y)[1]
    torch.cuda.synchronize()
if a.count:
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        step(x); torch.cuda.synchronize()
    ev = prof.events()
    gpu = [e for e in ev if e.device_type == torch.autograd.DeviceType.CUDA]
    kernels = [e for e in gpu if not e.name.startswith(("Memcpy", "Memset"))]
    launch_api = [e for e in ev if e.name.split("_v")[0] in ("cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx", "__cudaLaunchKernel")]
    print(json.dumps({"kernelsPerStep": len(kernels), "launchApiCallsPerStep": len(launch_api), "memOpsPerStep": len(gpu) - len(kernels), "torch": torch.__version__}))
else:
    times = []
    for _ in range(a.steps):
        t = time.perf_counter()
        with torch.cuda.nvtx.range("decode_step"):
            out = step(x)
            if not a.graph: x = out
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    print(json.dumps({"steps": a.steps, "graph": a.graph, "stepMedianUs": round(sorted(times)[len(times) // 2] * 1e6, 1)}))
