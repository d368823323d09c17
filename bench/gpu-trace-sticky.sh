#!/usr/bin/env bash
# Does tracing leave a cost behind once collection stops, and what does each part cost while on?
# bench/trace_overhead.cu --sticky N, one process per mode and round: N blocks before any
# collection, N collecting (capture range), N after. "During - before" is the cost of collection
# measured inside one process against blocks that never saw it; "after - before" what remains.
#   MODES='name|env;...' ROUNDS=4 STICKY=15 ARGS='--kernel rmw' bash bench/gpu-trace-sticky.sh
set -uo pipefail
out=${OUT:-bench/out/trace-sticky}; mkdir -p "$out/records"
lib=$(ls "$PWD"/build/Release/libgraphprof_inject.so "$PWD"/.gpu/app/build/Release/libgraphprof_inject.so 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "gpu-trace-sticky: libgraphprof_inject.so not found"; exit 2; }
nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o /tmp/trace_overhead || exit 2
cupti=/usr/local/cuda/extras/CUPTI/lib64:/usr/local/cuda/lib64
IFS=';' read -r -a modes <<< "${MODES:-default|-;no device times|GRAPHPROF_TRACE_ACTIVITY=0}"
: > "$out/sticky.jsonl"
for r in $(seq 1 "${ROUNDS:-4}"); do
  for i in "${!modes[@]}"; do
    IFS='|' read -r name envs <<< "${modes[$i]}"
    [ "$envs" = "-" ] && envs=""
    dir=$out/records/m$i-r$r; mkdir -p "$dir"
    line=$(env CUDA_INJECTION64_PATH="$lib" LD_LIBRARY_PATH="$cupti:${LD_LIBRARY_PATH:-}" GRAPHPROF_TRACE_DIR="$dir" \
      GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi $envs /tmp/trace_overhead --sticky "${STICKY:-15}" ${ARGS:-} 2>> "$out/err.txt")
    echo "{\"round\":$r,\"mode\":$i,\"name\":\"$name\",\"result\":${line:-null}}" >> "$out/sticky.jsonl"
  done
done
python3 - "$out/sticky.jsonl" <<'PY' | tee "$out/table.txt"
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = []
for r in rows:
    if r["name"] not in names: names.append(r["name"])
print("ns per launch added while collecting (during - before) and left after (after - before), one figure per process")
for n in names:
    xs = [r["result"] for r in rows if r["name"] == n and r["result"]]
    d = [x["duringNs"] - x["beforeNs"] for x in xs]; a = [x["afterNs"] - x["beforeNs"] for x in xs]
    if not xs: print(f"  {n:44} FAILED"); continue
    print(f"  {n:44} during " + " ".join(f"{v:+5.0f}" for v in d) + f"  median {st.median(d):+5.0f} | after " + " ".join(f"{v:+5.0f}" for v in a) + f"  median {st.median(a):+5.0f}")
PY
tar czf "$out/records.tgz" -C "$out" records && rm -rf "$out/records"
