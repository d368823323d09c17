#!/usr/bin/env bash
# Whole-process cost of `graphprof trace` for bench/trace_overhead.cu (no capture range: collection
# on from cuInit to exit), each mode a fresh process, modes alternated ROUNDS times. Switching
# collection on and off inside one process (bench/gpu-trace-overhead.sh) misses what stays once
# CUPTI has been enabled, so this is the figure that counts.
#   MODES='name|env|cpus;...' ROUNDS=5 ARGS='--kernel rmw' bash bench/gpu-trace-processes.sh
# env: variables for the traced process ("-" = untraced); cpus: taskset list ("-" = not pinned).
set -uo pipefail
out=${OUT:-bench/out/trace-processes}; mkdir -p "$out"
lib=$(ls "$PWD"/build/Release/libgraphprof_inject.so "$PWD"/.gpu/app/build/Release/libgraphprof_inject.so 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "gpu-trace-processes: libgraphprof_inject.so not found"; exit 2; }
[ -x /tmp/trace_overhead ] || nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o /tmp/trace_overhead || exit 2
cupti=/usr/local/cuda/extras/CUPTI/lib64:/usr/local/cuda/lib64
IFS=';' read -r -a modes <<< "${MODES:-untraced|-|-;traced|GRAPHPROF_TRACE_DIR=/tmp|-;no device times|GRAPHPROF_TRACE_DIR=/tmp GRAPHPROF_TRACE_ACTIVITY=0|-}"
: > "$out/processes.jsonl"
for r in $(seq 1 "${ROUNDS:-5}"); do
  for i in "${!modes[@]}"; do
    IFS='|' read -r name envs cpus <<< "${modes[$i]}"
    pin=(); [ "$cpus" != "-" ] && pin=(taskset -c "$cpus")
    if [ "$envs" = "-" ]; then line=$("${pin[@]}" /tmp/trace_overhead --no-toggle --blocks "${BLOCKS:-40}" ${ARGS:-} 2>> "$out/err.txt")
    else line=$(env CUDA_INJECTION64_PATH="$lib" LD_LIBRARY_PATH="$cupti:${LD_LIBRARY_PATH:-}" $envs "${pin[@]}" /tmp/trace_overhead --no-toggle --blocks "${BLOCKS:-40}" ${ARGS:-} 2>> "$out/err.txt"); fi
    echo "{\"round\":$r,\"mode\":$i,\"name\":\"$name\",\"result\":${line:-null}}" >> "$out/processes.jsonl"
  done
done
python3 - "$out/processes.jsonl" <<'PY' | tee "$out/table.txt"
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = []
for r in rows:
    if r["name"] not in names: names.append(r["name"])
print("bench/trace_overhead.cu, whole processes alternated: host ns per launch (median block of each process)")
for n in names:
    v = [0.5 * (r["result"]["offNs"] + r["result"]["onNs"]) for r in rows if r["name"] == n and r["result"]]
    print(f"  {n:40} " + " ".join(f"{x:6.0f}" for x in v) + (f"   median {st.median(v):6.0f}" if v else "  FAILED"))
PY
