# Does recommend's expected step come true? Capture a pool of batch sizes as CUDA graphs (one
# shared memory pool, largest first, as vLLM and SGLang do), draw batch sizes from a distribution,
# pad each to the smallest captured size at or above it, replay that graph, and report the measured
# mean step beside the pool's own figures. The model is llama_decode.py's llama-like bf16 decode
# step with a KV cache (examples/llama_model.py, shared by both), with its buffers sized for the
# largest captured size and each graph working on the first `size` rows.
#
#   python examples/replay_pool.py --pool 1,2,4,8,...,256 --max-batch 256 --dist zipf:1.1
#       [--draws 2000] [--seed 1] [--layers 16] [--hidden 2048] [--context 512] [--vocab 32000]
#       [--warmup 5]
# --dist: uniform, zipf:S (p(n) ~ n^-S on 1..max batch, as graphprof recommend --dist), or a CSV
#   file of "batch,count" rows. Prints ONE JSON line on stdout: the pool, the draws (their batch
#   sizes as counts), the measured mean step (wall clock of replay + synchronize inside the NVTX
#   range "decode_step", as llama_decode.py --graph times a step and graphprof sweep sees it), the
#   mean per captured size, the capture time and the drop in free GPU memory across the captures.
import argparse, bisect, csv, json, random, statistics, sys, time

p = argparse.ArgumentParser(description="replay a capture pool on batch sizes drawn from a distribution")
p.add_argument("--pool", required=True, help="captured sizes, comma-separated")
p.add_argument("--max-batch", type=int, required=True)
p.add_argument("--dist", default="uniform")
p.add_argument("--draws", type=int, default=2000)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--layers", type=int, default=16)
p.add_argument("--hidden", type=int, default=2048)
p.add_argument("--heads", type=int, default=None)
p.add_argument("--kv-heads", type=int, default=None)
p.add_argument("--context", type=int, default=512)
p.add_argument("--vocab", type=int, default=32000)
p.add_argument("--warmup", type=int, default=5)
a = p.parse_args()

def fail(msg, code=2):
    print(f"replay_pool.py: {msg}", file=sys.stderr)
    sys.exit(code)

try:
    pool = sorted({int(x) for x in a.pool.split(",") if x.strip()})
except ValueError:
    fail(f"--pool: expected comma-separated positive integers, got {a.pool!r}")
if not pool or pool[0] < 1:
    fail(f"--pool: expected positive sizes, got {a.pool!r}")
B = a.max_batch
if B < 1 or a.draws < 1:
    fail("--max-batch and --draws must be positive")
if pool[-1] < B:
    fail(f"--pool: the largest size {pool[-1]} is below --max-batch {B}: batches above it would run eager, which this check does not time")

def weights():
    if a.dist == "uniform":
        return {n: 1.0 for n in range(1, B + 1)}
    if a.dist.startswith("zipf:"):
        s = float(a.dist[5:])
        return {n: n ** -s for n in range(1, B + 1)}
    w = {}
    with open(a.dist) as f:
        for row in csv.reader(line for line in f if line.strip() and not line.startswith("#")):
            if not row[0].strip().isdigit():
                continue  # a header
            n, c = int(row[0]), float(row[1]) if len(row) > 1 else 1.0
            if 1 <= n <= B:
                w[n] = w.get(n, 0.0) + c
    if not w:
        fail(f"--dist {a.dist}: no batch sizes from 1 to {B}")
    return w

w = weights()
rng = random.Random(a.seed)
sizes = list(w)
draws = rng.choices(sizes, weights=[w[n] for n in sizes], k=a.draws)

import torch  # after the checks: a bad flag fails fast, without CUDA

from llama_model import LlamaDecode, default_heads  # beside this script: llama_decode.py's model

if not torch.cuda.is_available():
    fail("no CUDA device", 3)
heads, kv_heads = default_heads(a.hidden, a.heads, a.kv_heads)
H, BM, C = a.hidden, pool[-1], a.context
model = LlamaDecode(a.layers, a.hidden, heads, kv_heads, a.context, a.vocab, BM)
step = model.step

with torch.no_grad():
    for b in (BM, pool[0]):
        for _ in range(a.warmup):
            step(b)
    torch.cuda.synchronize()
    graphs, capture_ns = {}, {}
    mempool = torch.cuda.graph_pool_handle()
    free0 = torch.cuda.mem_get_info()[0]
    t_all = time.perf_counter_ns()
    for b in reversed(pool):  # largest first: the smaller graphs reuse its pool memory
        t = time.perf_counter_ns()
        st = torch.cuda.Stream()
        st.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(st):
            for _ in range(2):
                step(b)
        torch.cuda.current_stream().wait_stream(st)
        torch.cuda.synchronize()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g, pool=mempool):
            step(b)
        torch.cuda.synchronize()
        graphs[b] = g
        capture_ns[b] = time.perf_counter_ns() - t
    capture_total = time.perf_counter_ns() - t_all
    capture_mem = free0 - torch.cuda.mem_get_info()[0]
    for b in pool:
        for _ in range(a.warmup):
            graphs[b].replay()
    torch.cuda.synchronize()
    for n in rng.choices(sizes, weights=[w[n] for n in sizes], k=100):  # warm-up in the drawn mix
        graphs[pool[bisect.bisect_left(pool, n)]].replay()
    torch.cuda.synchronize()
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    wall, used = [], []
    for n in draws:
        s = pool[bisect.bisect_left(pool, n)]
        t = time.perf_counter_ns()
        with torch.cuda.nvtx.range("decode_step"):
            e0.record()
            graphs[s].replay()
            e1.record()
            torch.cuda.synchronize()
        wall.append(time.perf_counter_ns() - t)
        used.append(s)

per = {}
for s, ns in zip(used, wall):
    per.setdefault(s, []).append(ns)
counts = {}
for n in draws:
    counts[n] = counts.get(n, 0) + 1
print(json.dumps({
    "mode": "replay", "pool": pool, "maxBatch": B, "dist": a.dist, "seed": a.seed, "draws": a.draws,
    "drawnBatchCounts": {str(k): v for k, v in sorted(counts.items())},
    "meanStepNs": statistics.fmean(wall), "medianStepNs": statistics.median(wall),
    "perSize": {str(s): {"count": len(v), "medianNs": statistics.median(v), "meanNs": statistics.fmean(v)} for s, v in sorted(per.items())},
    "captureNs": capture_total, "capturePerSizeNs": {str(b): v for b, v in sorted(capture_ns.items())},
    "captureMemoryBytes": capture_mem,
    "shape": {"layers": a.layers, "hidden": H, "heads": heads, "kvHeads": kv_heads, "context": C, "vocab": a.vocab, "dtype": "bf16"},
    "torch": torch.__version__, "gpu": torch.cuda.get_device_name(0),
}))
