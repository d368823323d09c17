#!/usr/bin/env bash
# Issue 14's acceptance on the GPU, in one device call (most important first; each part's files
# are kept as they come):
#   1. graphprof sweep of examples/llama_decode.py --graph (graph replay at each size) over a grid
#      up to 256, under the host tracer: the measured curve.
#   2. graphprof recommend --curve, 500 MB budget, a heavy-tailed distribution (zipf:1.1).
#   3. examples/replay_pool.py: 2,000 draws from that distribution through the recommended pool,
#      then through vLLM's default list (its sizes up to 256: larger ones never serve a batch <= 256).
#   4. untraced llama_decode.py --graph at a few sizes, between two traced passes (sweep overhead).
#   5. bench/sweep-check.mjs: the table (measured vs expected, gains, overhead).
# Run from the bundle folder (run.sh beside examples/ and bench/):  bash bench/gpu-sweep.sh
# DRY=1 runs against the stand-in programs given in DRY_* (see test/e2e/sweep.test.ts); GRID,
# STEPS, DRAWS, OVERHEAD_SIZES and LIMIT_S shorten it.
set -uo pipefail
out=${OUT:-/tmp/gpu-sweep}
mkdir -p "$out/work"
w=$out/work
py=${PY:-python3}
limit=${LIMIT_S:-330}
# the default grid (--max-batch 256: powers of two and the vLLM and SGLang default sizes, 36 sizes)
# measures every size of the engines' lists, so their expected steps rest on measured times
sizes_flag=(--max-batch 256); [ -n "${GRID:-}" ] && sizes_flag=(--batch-sizes "$GRID")
steps=${STEPS:-30}
draws=${DRAWS:-2000}
dist=${DIST:-zipf:1.1}
osizes=${OVERHEAD_SIZES:-1 32 128 256}
gp() { bash ./run.sh "$@"; }
late() { [ "$SECONDS" -ge "$limit" ] && { echo "skipped past ${limit}s: $*" >&2; return 0; }; return 1; }
decode=(${DECODE:-$py examples/llama_decode.py --graph --steps $steps --warmup 5})
replay=(${REPLAY:-$py examples/replay_pool.py --max-batch 256 --dist $dist --draws $draws})
{ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"; date -u +%FT%TZ; } > "$w/gpu.txt"

# 1. the curve (CURVE=FILE: reuse one measured by an earlier call)
t=$SECONDS
if [ -n "${CURVE:-}" ]; then
  cp "$CURVE" "$out/curve.json"
else
  timeout -k 5 "${SWEEP_S:-250}" bash ./run.sh sweep "${sizes_flag[@]}" --step-marker nvtx:decode_step -o "$out/curve.json" -- "${decode[@]}" --batch '{batch}' > "$w/sweep.txt" 2> "$w/sweep.stderr"
fi
echo "sweep: exit $? in $((SECONDS - t)) s" | tee -a "$w/times.txt"

# 2. the recommendation under the measured curve
gp recommend --curve "$out/curve.json" --max-batch 256 --mem-budget 500MB --dist "$dist" --json > "$out/recommend.json" 2> "$w/recommend.stderr"
gp recommend --curve "$out/curve.json" --max-batch 256 --mem-budget 500MB --dist "$dist" > "$w/recommend.txt" 2>&1
pool=$(/tmp/graphprof-node/node -e 'console.log(require(process.argv[1]).sizes.join(","))' "$out/recommend.json")
vllm=$(/tmp/graphprof-node/node -e 'const j=require(process.argv[1]); console.log(j.baselines.find(b=>b.engine==="vllm").sizes.filter(s=>s<=j.maxBatch).join(","))' "$out/recommend.json")
echo "pool: $pool" >> "$w/times.txt"; echo "vllm: $vllm" >> "$w/times.txt"

# 3. the replays (always: they are the check)
for name in recommended vllm; do
  sizes=$pool; [ $name = vllm ] && sizes=$vllm
  t=$SECONDS
  "${replay[@]}" --pool "$sizes" > "$out/replay-$name.json" 2> "$w/replay-$name.stderr"
  echo "replay $name: exit $? in $((SECONDS - t)) s" | tee -a "$w/times.txt"
done

# 4. overhead: traced (the curve) | untraced | traced again, same sizes
for b in $osizes; do
  late "untraced $b" && continue
  "${decode[@]}" --batch "$b" > "$w/untraced-$b.json" 2> "$w/untraced-$b.stderr"
done
if ! late "second traced pass"; then
  gp sweep --batch-sizes "$(echo $osizes | tr ' ' ,)" --step-marker nvtx:decode_step -o "$out/curve-again.json" -- "${decode[@]}" --batch '{batch}' > /dev/null 2> "$w/sweep-again.stderr"
fi
echo "total: $SECONDS s" >> "$w/times.txt"

# 5. the table
/tmp/graphprof-node/node bench/sweep-check.mjs "$out" $osizes > "$out/summary.txt" 2>&1
tar -C "$out" -czf "$out/work.tgz" work && rm -rf "$w"
cat "$out/summary.txt"
