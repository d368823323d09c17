# What a graph node of a real PyTorch kernel costs in a replay, against the kernel's eager CUPTI
# duration: the PyTorch side of bench/replay_cost.cu. Each variant is a short sequence of PyTorch
# ops (one kernel each, mostly), repeated to about 600 kernels, captured as one CUDA graph:
#   1. replay p50 by CUDA events, before any profiler is attached (a clean replay);
#   2. then, in the same process, the same sequence eagerly under torch.profiler: each kernel's
#      CUPTI duration d, its grid, block, shared memory and registers (the Chrome trace's args).
# One JSON line per variant: replay per node, mean d, replay per node - d, and the kernels' features.
#   python3 bench/replay_cost_torch.py [--only NAME,...]
# Run by bench/gpu-replay-cost.sh on the GPU (no graphprof needed).
import argparse, json, statistics, sys, tempfile

import torch

p = argparse.ArgumentParser()
p.add_argument("--only", default="")
p.add_argument("--kernels", type=int, default=600)
a = p.parse_args()
dev, dt = "cuda", torch.bfloat16
torch.manual_seed(0)
x = torch.randn(4096, device=dev, dtype=dt)
y = torch.randn(4096, device=dev, dtype=dt)
big = torch.randn(1 << 22, device=dev, dtype=dt)  # 8 MiB: an elementwise kernel with a full grid
v = torch.randn(1, 2048, device=dev, dtype=dt)
W = torch.randn(2048, 2048, device=dev, dtype=dt) / 45
o = torch.empty(1, 2048, device=dev, dtype=dt)
v32 = torch.randn(32, 2048, device=dev, dtype=dt)
o32 = torch.empty(32, 2048, device=dev, dtype=dt)
s = torch.randn(16, 512, device=dev, dtype=torch.float32)
kc = torch.zeros(1, 4, 512, 128, device=dev, dtype=dt)  # a KV cache slice, as examples/llama_decode.py writes it
kv = torch.randn(1, 4, 1, 128, device=dev, dtype=dt)
pos = torch.zeros(1, dtype=torch.long, device=dev)

# name -> list of ops, each launching (mostly) one kernel
variants = {
    "add (small)": [lambda: x.add_(1.0)],
    "add, mul (small, alternated)": [lambda: x.add_(1.0), lambda: y.mul_(1.0)],
    "add (8 MiB, full grid)": [lambda: big.add_(1.0)],
    "mm 1x2048x2048 (gemv)": [lambda: torch.mm(v, W, out=o)],
    "mm 32x2048x2048": [lambda: torch.mm(v32, W, out=o32)],
    "softmax 16x512": [lambda: torch.softmax(s, -1)],
    "mm + add alternated": [lambda: torch.mm(v, W, out=o), lambda: x.add_(1.0)],
    "softmax + add alternated": [lambda: torch.softmax(s, -1), lambda: x.add_(1.0)],
    "mm + softmax + add + mul": [lambda: torch.mm(v, W, out=o), lambda: torch.softmax(s, -1), lambda: x.add_(1.0), lambda: y.mul_(1.0)],
    "mm32 + add alternated": [lambda: torch.mm(v32, W, out=o32), lambda: x.add_(1.0)],
    "copy_ 8 KiB (D2D memcpy) + add": [lambda: y.copy_(x), lambda: x.add_(1.0)],
    "index_copy_ (KV-cache write) + add": [lambda: kc.index_copy_(2, pos, kv), lambda: x.add_(1.0)],
}
only = [n for n in a.only.split(",") if n]


def run(ops, reps):
    for _ in range(reps):
        for op in ops:
            op()


with torch.no_grad():
    rows = []
    # 1. clean replays first: no profiler has been attached to this process yet
    for name, ops in variants.items():
        if only and name not in only:
            continue
        run(ops, 3)
        torch.cuda.synchronize()
        st = torch.cuda.Stream()
        st.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(st):
            run(ops, 3)
        torch.cuda.current_stream().wait_stream(st)
        torch.cuda.synchronize()
        reps = max(1, a.kernels // len(ops))
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            run(ops, reps)
        for _ in range(3):
            g.replay()
        torch.cuda.synchronize()
        ts = []
        for _ in range(30):
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record(); g.replay(); e1.record(); e1.synchronize()
            ts.append(e0.elapsed_time(e1) * 1e6)
        rows.append((name, ops, reps, statistics.median(ts), g))
    # 2. eager kernels under the profiler (CUPTI attached from here on)
    from torch.profiler import ProfilerActivity, profile
    for name, ops, reps, replay_ns, g in rows:
        n_graph = reps * len(ops)  # ops in the graph; kernels per op may be more than one
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            run(ops, 20)
            torch.cuda.synchronize()
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            prof.export_chrome_trace(f.name)
            ev = [e for e in json.load(open(f.name)).get("traceEvents", []) if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset")]
        kernels_per_pass = len(ev) / 20
        d = statistics.mean(e["dur"] * 1e3 for e in ev) if ev else float("nan")
        nodes = round(kernels_per_pass * reps)
        per_node = (replay_ns) / nodes if nodes else float("nan")
        feats = {}
        for e in ev[: max(1, round(kernels_per_pass))]:
            arg = e.get("args") or {}
            feats[e["name"][:60]] = {"cat": e.get("cat"), "durNs": round(e["dur"] * 1e3),"grid": arg.get("grid"), "block": arg.get("block"), "smem": arg.get("shared memory"), "regs": arg.get("registers per thread")}
        print(json.dumps({"variant": name, "nodes": nodes, "kernelsPerOp": kernels_per_pass / len(ops), "replayP50Ns": round(replay_ns),
                          "perNodeNs": round(per_node, 1), "eagerMeanDNs": round(d, 1), "nodeMinusDNs": round(per_node - d, 1),
                          "kernels": feats, "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__}), flush=True)
