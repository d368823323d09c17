# A llama-like decode step in PyTorch, the real-model workload for `graphprof trace` and its model.
#
# Stable CLI (other tools and bench scripts call it; add flags, do not rename them):
#   python examples/llama_decode.py [--layers 16] [--hidden 2048] [--heads H] [--kv-heads K]
#       [--batch B] [--context 512] [--vocab 32000] [--steps 30] [--warmup 5]
#       [--graph | --count] [--count-steps 5]
#   --batch: when not given, read from the environment variable GRAPHPROF_BATCH, else 1.
#   --heads: default hidden / 128 (head size 128); --kv-heads: default heads / 4 (GQA), at least 1.
# Modes (each prints ONE JSON line of results on stdout; nothing else goes to stdout):
#   default  eager: runs --warmup steps, then --steps steps, each inside the NVTX range
#            "decode_step" and ending with torch.cuda.synchronize(); prints the wall-time p50 and
#            spread of the steps as the script measured them itself (perf_counter, untraced unless
#            the caller attaches a tracer).
#   --graph  captures one step with torch.cuda.graph (after warm-up on a side stream, as PyTorch's
#            docs do), then replays it --steps times, each replay inside "decode_step"; prints the
#            replay p50 measured with CUDA events (GPU time from before the replay to after it)
#            and with the wall clock (replay + synchronize).
#   --count  torch.profiler over --count-steps steps: kernels, launch API calls, copies, memsets,
#            syncs and allocations per step, and the kernels' device durations (for the model fit:
#            G, the busy time, the duration histogram). torch.profiler holds CUPTI: never run
#            --count under graphprof's CUPTI tracer.
# The model (bf16, KV cache; examples/llama_model.py, shared with replay_pool.py) is described there.
import argparse, json, os, statistics, sys, time

import torch

from llama_model import LlamaDecode, default_heads  # beside this script: the model replay_pool.py replays too

p = argparse.ArgumentParser(description="llama-like decode step (bf16, KV cache) for graphprof")
p.add_argument("--layers", type=int, default=16)
p.add_argument("--hidden", type=int, default=2048)
p.add_argument("--heads", type=int, default=None)
p.add_argument("--kv-heads", type=int, default=None)
p.add_argument("--batch", type=int, default=None)
p.add_argument("--context", type=int, default=512)
p.add_argument("--vocab", type=int, default=32000)
p.add_argument("--steps", type=int, default=30)
p.add_argument("--warmup", type=int, default=5)
p.add_argument("--count-steps", type=int, default=5)
mode = p.add_mutually_exclusive_group()
mode.add_argument("--graph", action="store_true", help="capture the step as a CUDA graph and replay it")
mode.add_argument("--count", action="store_true", help="count one step's kernels and API calls with torch.profiler")
a = p.parse_args()

def fail(msg):
    print(f"llama_decode.py: {msg}", file=sys.stderr)
    sys.exit(2)

if a.batch is None:
    env = os.environ.get("GRAPHPROF_BATCH", "1")
    if not env.isdigit() or int(env) < 1:
        fail(f"GRAPHPROF_BATCH: expected a positive integer, got {env!r}")
    a.batch = int(env)
heads, kv_heads = default_heads(a.hidden, a.heads, a.kv_heads)
for name, v in (("layers", a.layers), ("hidden", a.hidden), ("batch", a.batch), ("context", a.context), ("vocab", a.vocab), ("steps", a.steps), ("count-steps", a.count_steps)):
    if v < 1:
        fail(f"--{name}: expected a positive integer, got {v}")
if a.warmup < 1:
    fail(f"--warmup: expected at least 1 (the first step loads cuBLAS and fills the allocator), got {a.warmup}")
if a.hidden % heads or heads % kv_heads:
    fail(f"--hidden {a.hidden} must divide by --heads {heads}, and --heads by --kv-heads {kv_heads}")
if not torch.cuda.is_available():
    print("llama_decode.py: no CUDA device", file=sys.stderr)
    sys.exit(3)

model = LlamaDecode(a.layers, a.hidden, heads, kv_heads, a.context, a.vocab, a.batch)
step = model.step
H, B, C, inter = a.hidden, a.batch, a.context, model.intermediate

def spread(values_ns):
    v = sorted(values_ns)
    q = lambda f: v[min(len(v) - 1, int(f * len(v)))]
    med = statistics.median(v)
    return {"p50Us": round(med / 1e3, 2), "p10Us": round(q(0.1) / 1e3, 2), "p90Us": round(q(0.9) / 1e3, 2),
            "minUs": round(v[0] / 1e3, 2), "maxUs": round(v[-1] / 1e3, 2),
            "madUs": round(statistics.median(abs(x - med) for x in v) / 1e3, 2), "samples": len(v)}

shape = {"layers": a.layers, "hidden": H, "heads": heads, "kvHeads": kv_heads, "batch": B, "context": C,
         "vocab": a.vocab, "intermediate": inter, "dtype": "bf16"}
meta = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0)}

with torch.no_grad():
    for _ in range(a.warmup):  # cuBLAS handles, the caching allocator, lazy module loading
        step()
    torch.cuda.synchronize()

    if a.graph:
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(s)
        torch.cuda.synchronize()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            step()
        for _ in range(a.warmup):
            g.replay()
        torch.cuda.synchronize()
        ev = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(a.steps)]
        wall = []
        for e0, e1 in ev:
            t = time.perf_counter_ns()
            with torch.cuda.nvtx.range("decode_step"):
                e0.record()
                g.replay()
                e1.record()
                torch.cuda.synchronize()
            wall.append(time.perf_counter_ns() - t)
        gpu = [e0.elapsed_time(e1) * 1e6 for e0, e1 in ev]
        print(json.dumps({"mode": "graph", "shape": shape, "replayEvents": spread(gpu), "replayWall": spread(wall), **meta}))
    elif a.count:
        from torch.profiler import ProfilerActivity, profile
        n = a.count_steps
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            for _ in range(n):
                step()
            torch.cuda.synchronize()
        ev = prof.events()
        gpu = [e for e in ev if e.device_type == torch.autograd.DeviceType.CUDA]
        mem = [e for e in gpu if e.name.startswith(("Memcpy", "Memset"))]
        kern = sorted((e for e in gpu if not e.name.startswith(("Memcpy", "Memset"))), key=lambda e: e.time_range.start)
        base = lambda e: e.name.split("_v")[0]
        launch_names = ("cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx", "cudaLaunchCooperativeKernel")
        cpu = [e for e in ev if e.device_type != torch.autograd.DeviceType.CUDA]
        count = lambda pred: sum(1 for e in cpu if pred(base(e))) / n
        # kernel intervals (ns): durations for the model fit, union for the busy time
        iv = sorted((e.time_range.start * 1e3, e.time_range.end * 1e3) for e in kern + mem)
        busy, end = 0.0, float("-inf")
        for s0, s1 in iv:
            if s1 > end:
                busy += s1 - max(s0, end)
                end = s1
        durs = [round((e.time_range.end - e.time_range.start) * 1e3) for e in kern]
        # each kernel's name and grid (blocks) in launch order, from the Chrome trace torch.profiler
        # exports (the replay-cost features bench/replay_cost.cu probes: kernel switches, grid)
        import tempfile
        try:
            with tempfile.NamedTemporaryFile(suffix=".json") as f:
                prof.export_chrome_trace(f.name)
                trace_events = json.load(open(f.name)).get("traceEvents", [])
        except Exception as e:  # the counts above stand without it
            print(f"llama_decode: no Chrome trace ({e}): kernel names and grids left out", file=sys.stderr)
            trace_events = []
        kev = sorted((e for e in trace_events if e.get("cat") == "kernel"), key=lambda e: e.get("ts", 0))
        kev = kev[: len(kev) // n]
        names = list(dict.fromkeys(e.get("name", "") for e in kev))
        grids = [(e.get("args") or {}).get("grid") or [0, 0, 0] for e in kev]
        print(json.dumps({
            "mode": "count", "shape": shape, "profiledSteps": n,
            "kernelsPerStep": len(kern) / n, "memOpsPerStep": len(mem) / n,
            "launchApiCallsPerStep": count(lambda b: b in launch_names),
            "memcpyCallsPerStep": count(lambda b: b.startswith(("cudaMemcpy", "cuMemcpy"))),
            "syncCallsPerStep": count(lambda b: b in ("cudaStreamSynchronize", "cudaDeviceSynchronize", "cudaEventSynchronize", "cuStreamSynchronize", "cuCtxSynchronize")),
            "allocCallsPerStep": count(lambda b: b in ("cudaMalloc", "cudaFree", "cuMemAlloc", "cuMemFree", "cudaMallocHost", "cudaFreeHost")),
            "gpuKernelNsPerStep": round(sum(durs) / n), "gpuMemOpNsPerStep": round(sum((e.time_range.end - e.time_range.start) * 1e3 for e in mem) / n),
            "gpuBusyNsPerStep": round(busy / n),
            "kernelDurationsNs": durs[: len(durs) // n],  # the first step's kernels, in launch order
            "kernelNames": names,  # the first step's distinct kernel names, in order of first launch
            "kernelNameIndex": [names.index(e.get("name", "")) for e in kev],  # each kernel, in launch order
            "kernelBlocks": [g[0] * g[1] * g[2] for g in grids],  # each kernel's grid size, in launch order
            "kernelSharedMemory": [(e.get("args") or {}).get("shared memory") for e in kev],  # bytes per block
            "kernelRegisters": [(e.get("args") or {}).get("registers per thread") for e in kev],
            **meta}))
    else:
        wall = []
        for i in range(a.steps):
            t = time.perf_counter_ns()
            with torch.cuda.nvtx.range("decode_step"):
                step()
                torch.cuda.synchronize()
            wall.append(time.perf_counter_ns() - t)
        print(json.dumps({"mode": "eager", "shape": shape, "step": spread(wall), **meta}))
