#!/usr/bin/env bash
# Issue 14's sweep-overhead check with alternation: at each size, ROUNDS rounds of (the program
# untraced, then `graphprof sweep` of the same size under the host tracer), each a fresh process,
# and the median over rounds of each side compared. One process against one other is not enough on
# the lent VMs: replays differ by up to 2% between processes (bench/results/*sweep*: batch 1 ran
# 2.2% FASTER traced than untraced). Run from the bundle folder (run.sh beside examples/, bench/):
#   OUT=/path SIZES="1 256" ROUNDS=3 bash bench/gpu-sweep-overhead.sh      # DRY=1: commands only
# Files under $OUT: sweep-overhead.txt (the table), sweep-overhead.tgz (every JSON and log).
set -uo pipefail
out=${OUT:-/tmp/sweep-overhead}
limit=${LIMIT_S:-150}
. "$(dirname "$0")/device-call.sh"
sizes=${SIZES:-1 256}
rounds=${ROUNDS:-3}
decode=($py examples/llama_decode.py --graph --steps 30 --warmup 5)
for r in $(seq 1 "$rounds"); do
  for b in $sizes; do
    x "${decode[@]}" --batch "$b" > "$work/untraced-$b-$r.json" 2> "$work/untraced-$b-$r.err"
    x bash ./run.sh sweep --batch-sizes "$b" --step-marker nvtx:decode_step -o "$work/traced-$b-$r.json" -- "${decode[@]}" --batch '{batch}' > /dev/null 2> "$work/traced-$b-$r.err"
  done
done
[ "$dry" = 1 ] && exit 0
python3 - "$work" "$rounds" $sizes <<'EOF' | tee "$out/sweep-overhead.txt"
import json, statistics, sys
w, rounds, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(open(f"{w}/gpu.txt").read().strip())
def untraced(b, r):
    try: return json.loads(open(f"{w}/untraced-{b}-{r}.json").read().strip().splitlines()[-1])["replayWall"]["p50Us"] * 1e3
    except Exception: return None
def traced(b, r):
    try:
        c = json.load(open(f"{w}/traced-{b}-{r}.json"))
        p = [p for p in c["points"] if p.get("status", "ok") == "ok"][0]
        return p["stepNs"]["medianNs"]
    except Exception: return None
for b in sizes:
    u = [x for x in (untraced(b, r) for r in range(1, rounds + 1)) if x]
    t = [x for x in (traced(b, r) for r in range(1, rounds + 1)) if x]
    if not u or not t:
        print(f"batch {b}: missing runs (untraced {len(u)}, traced {len(t)})"); continue
    mu, mt = statistics.median(u), statistics.median(t)
    ch = mt / mu - 1
    print(f"batch {b}: untraced replay wall p50 per process {', '.join(f'{x / 1e6:.4f}' for x in u)} ms (median {mu / 1e6:.4f}); "
          f"under sweep {', '.join(f'{x / 1e6:.4f}' for x in t)} ms (median {mt / 1e6:.4f}): {ch:+.2%} {'within 2%' if abs(ch) <= 0.02 else 'NOT within 2%'}")
EOF
tar czf "$out/sweep-overhead.tgz" -C "$out" work
