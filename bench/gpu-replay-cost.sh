#!/usr/bin/env bash
# What a graph node costs in a replay against its kernel's eager CUPTI duration, per variant of
# bench/replay_cost.cu (parameter size, distinct kernels cycled, grid, global write, duration).
# One device call, about 40 s. Per variant: the eager kernels under `graphprof trace --device-time`
# (mean CUPTI duration d), and the graph replay p50 in clean processes (two, before and after the
# traced ones: the alternation). Prints replay per node - d per variant, and the current model's
# error. Run from the bundle folder (run.sh beside bench/):
#   OUT=/path bash bench/gpu-replay-cost.sh        # DRY=1 prints the commands only
# Files under $OUT: replay-cost.txt (the table), replay-cost.tgz (every JSON and log).
set -uo pipefail
out=${OUT:-/tmp/replay-cost}
limit=${LIMIT_S:-120}
. "$(dirname "$0")/device-call.sh"
bin=/tmp/replay_cost
x nvcc -O2 -std=c++17 -arch=sm_90 "$(dirname "$0")/replay_cost.cu" -o "$bin" || { echo "replay_cost: build failed" | tee "$out/replay-cost.txt"; exit 1; }
x "$bin" --list > "$work/variants.jsonl"
x "$bin" --mode graph > "$work/graph-1.jsonl" 2> "$work/graph-1.err"
n=$(wc -l < "$work/variants.jsonl" 2>/dev/null || echo 0)
for v in $(seq 0 $((n - 1))); do
  x bash ./run.sh trace --device-time -o "$work/eager-$v.json" -- "$bin" --mode eager --variant "$v" > "$work/eager-$v.out" 2> "$work/eager-$v.err"
done
x "$bin" --mode graph > "$work/graph-2.jsonl" 2> "$work/graph-2.err"
# the same question for real PyTorch kernels (its own clean replays, then torch.profiler)
x python3 "$(dirname "$0")/replay_cost_torch.py" > "$work/torch.jsonl" 2> "$work/torch.err"
[ "$dry" = 1 ] && exit 0
python3 - "$work" <<'EOF' | tee "$out/replay-cost.txt"
import json, sys
w = sys.argv[1]
print(open(f"{w}/gpu.txt").read().strip())
rows = lambda p: [json.loads(l) for l in open(p) if l.strip()]
variants = rows(f"{w}/variants.jsonl")
g1 = {r["variant"]: r for r in rows(f"{w}/graph-1.jsonl")}
g2 = {r["variant"]: r for r in rows(f"{w}/graph-2.jsonl")}
print(f"{'variant':44s} {'d (CUPTI eager)':>15s} {'replay/node':>12s} {'(2nd)':>8s} {'node - d':>9s} {'model':>7s}")
for v in variants:
    i = v["variant"]
    try:
        t = json.load(open(f"{w}/eager-{i}.json"))
        ks = [k for k in t["kernels"] if "CUDA graph" not in k["name"]]
        d = sum(k["totalNs"] for k in ks) / sum(k["count"] for k in ks)
    except Exception as e:
        d = None
    a, b = g1.get(i, {}).get("perNodeNs"), g2.get(i, {}).get("perNodeNs")
    node = (a + b) / 2 if a and b else a or b
    model = (max(d, 1400) + 170) if d else None
    fmt = lambda x, f="{:.0f}": f.format(x) if x is not None else "n/a"
    print(f"{v['name'][:44]:44s} {fmt(d):>15s} {fmt(a):>12s} {fmt(b):>8s} {fmt(node - d if node and d else None, '{:+.0f}'):>9s} {fmt(model / node - 1 if model and node else None, '{:+.1%}'):>7s}")
print("PyTorch kernels (bench/replay_cost_torch.py):")
for l in open(f"{w}/torch.jsonl"):
    r = json.loads(l)
    print(f"{r['variant'][:44]:44s} {r['eagerMeanDNs']:15.0f} {r['perNodeNs']:12.0f} {'':>8s} {r['nodeMinusDNs']:+9.0f} {(max(r['eagerMeanDNs'], 1400) + 170) / r['perNodeNs'] - 1:+7.1%}")
EOF
tar czf "$out/replay-cost.tgz" -C "$out" work
