#!/usr/bin/env bash
# Does tracing leave a cost behind once collection stops? bench/trace_overhead.cu --sticky N in
# ROUNDS processes per mode: N blocks before any collection, N collecting, N after (capture range).
set -uo pipefail
out=${OUT:-bench/out/trace-sticky}; mkdir -p "$out"
lib=$(ls "$PWD"/build/Release/libgraphprof_inject.so "$PWD"/.gpu/app/build/Release/libgraphprof_inject.so 2>/dev/null | head -n 1)
nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o /tmp/trace_overhead || exit 2
cupti=/usr/local/cuda/extras/CUPTI/lib64:/usr/local/cuda/lib64
: > "$out/sticky.jsonl"
for r in $(seq 1 "${ROUNDS:-4}"); do
  for mode in default nodev; do
    extra=""; [ $mode = nodev ] && extra="GRAPHPROF_TRACE_ACTIVITY=0"
    line=$(env CUDA_INJECTION64_PATH="$lib" LD_LIBRARY_PATH="$cupti:${LD_LIBRARY_PATH:-}" GRAPHPROF_TRACE_DIR=/tmp GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi $extra \
      /tmp/trace_overhead --sticky "${STICKY:-15}" ${ARGS:-} 2>> "$out/err.txt")
    echo "{\"round\":$r,\"mode\":\"$mode\",\"result\":${line:-null}}" >> "$out/sticky.jsonl"
  done
done
python3 - "$out/sticky.jsonl" <<'PY' | tee "$out/table.txt"
import json, sys
print("before / during / after collection (ns per launch, median block), one process per line")
for l in open(sys.argv[1]):
    r = json.loads(l); x = r["result"]
    if not x: print(r["mode"], "FAILED"); continue
    print(f"  {r['mode']:8} {x['beforeNs']:6.0f} {x['duringNs']:6.0f} {x['afterNs']:6.0f}   during-before {x['duringNs']-x['beforeNs']:+5.0f}  after-before {x['afterNs']-x['beforeNs']:+5.0f}")
PY
