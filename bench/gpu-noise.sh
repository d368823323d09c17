#!/usr/bin/env bash
# Where does run-to-run noise come from on this host? Clock cost, the raw baseline repeated,
# graphprof repeated, each unpinned and pinned to one CPU (taskset). Output: $OUT/noise.jsonl.
set -uo pipefail
out=${OUT:-bench/out}; mkdir -p "$out"; f="$out/noise.jsonl"; : > "$f"
cat /sys/devices/system/clocksource/clocksource0/current_clocksource
g++ -O2 bench/clock_cost.cc -o /tmp/clock_cost && /tmp/clock_cost
nvcc -O2 -std=c++17 -arch=sm_90 -Inative bench/launch_baseline.cu -o /tmp/launch_baseline || exit 1
for pin in "" "taskset -c 5"; do
  for i in 1 2 3 4; do
    echo "{\"pin\": \"$pin\", \"what\": \"baseline\", \"r\": $($pin /tmp/launch_baseline --kernels 847 --kernel spin)}" >> "$f"
  done
  for i in 1 2 3; do
    r=$($pin bash .gpu/run.sh run --kernels 847 --batch-sizes 1,8 --json 2>/dev/null | /tmp/graphprof-node/node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);console.log(JSON.stringify(r.results.map(b=>({batch:b.batch,launch:b.eager.launchNs.p50Ns,eager:b.eager.stepNs.p50Ns,graph:b.graph.stepNs.p50Ns}))))})")
    echo "{\"pin\": \"$pin\", \"what\": \"graphprof\", \"r\": $r}" >> "$f"
  done
done
cat "$f"
