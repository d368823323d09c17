#!/usr/bin/env bash
# Issue-2 checks on a GPU host, in one call: the raw CUDA baseline (bench/launch_baseline.cu)
# against graphprof run through the bundle (.gpu/, made by ../shared/gpu/bundle.sh), the GPU
# tests, and a CUDA error mid-run. Host launch cost drifts between processes on shared hosts, so
# harness and baseline run alternately, several times each, and their medians are compared.
#   bash bench/gpu-checks.sh && /tmp/graphprof-node/node bench/gpu-summary.mjs "$OUT"
set -uo pipefail
out=${OUT:-bench/out}; mkdir -p "$out/logs"
gp() { bash .gpu/run.sh "$@"; }
logs=$out/logs

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv > "$logs/nvidia-smi.txt" 2>&1
nvcc -O2 -std=c++17 -arch=sm_90 -Inative bench/launch_baseline.cu -o /tmp/launch_baseline || exit 1
gp doctor > "$logs/doctor.txt" 2>&1; echo "doctor exit $?" >> "$logs/doctor.txt"

# 1./2. alternate baseline and harness processes, spin and empty kernels
: > "$out/alternation.jsonl"
for round in 1 2 3 4 5; do
  for kind in spin empty; do
    echo "{\"round\": $round, \"kind\": \"$kind\", \"baseline\": $(/tmp/launch_baseline --kernels 847 --kernel "$kind")}" >> "$out/alternation.jsonl"
    gp run --kernels 847 --kernel "$kind" --batch-sizes 1 --json > "$logs/alt-$kind-$round.json" 2>> "$logs/alt.err"
    /tmp/graphprof-node/node -e "const r=require('$logs/alt-$kind-$round.json').results[0]; console.log(JSON.stringify({round:$round,kind:'$kind',harness:{eagerHostPerLaunchNs:r.eager.launchNs.p50Ns,graphDevicePerNodeNs:r.graph.devicePerNodeNs,eagerStepP50Ns:r.eager.stepNs.p50Ns,graphStepP50Ns:r.graph.stepNs.p50Ns}}))" >> "$out/alternation.jsonl"
  done
done

# 4. default pool, start to end; 3. the same run again
s=$(date +%s%N); gp run --kernels 847 --json -o "$out/run1.json" > /dev/null 2> "$logs/run1.err"; rc=$?
e=$(date +%s%N); echo "{\"wallNs\": $((e - s)), \"exit\": $rc}" > "$out/run1-wall.json"
gp run --kernels 847 --json > "$out/run2.json" 2> "$logs/run2.err"
# 5. the classic decode profile
gp run --kernels 847 --memcpys 212 --syncs 424 --host-overhead-us 12 --kernel empty --json > "$out/classic.json" 2> "$logs/classic.err"
gp run --kernels 847 --kernel copy > "$logs/copy-table.txt" 2>&1

# A CUDA error mid-run: hold all but ~6 GiB of the card, then ask for 8 GiB at the last batch size.
python3 - <<'PY' &
import torch, time
free, total = torch.cuda.mem_get_info()
hold = torch.empty(free - 6 * 2**30, dtype=torch.uint8, device='cuda')
open('/tmp/held', 'w').write(str(hold.numel()))
time.sleep(60)
PY
holder=$!
for i in $(seq 60); do [ -s /tmp/held ] && break; sleep 1; done
gp run --kernel copy --bytes-per-seq 64MiB --batch-sizes 1,8,64 --iterations 10 -o "$logs/oom.json" > "$logs/oom.txt" 2> "$logs/oom.err"
echo "exit $?" >> "$logs/oom.err"
kill $holder 2>/dev/null; wait $holder 2>/dev/null

GRAPHPROF_BIN=.gpu/app/bin/graphprof.js /tmp/graphprof-node/node --test test/gpu/ > "$logs/gpu-tests.txt" 2>&1; echo "gpu tests exit $?" >> "$logs/gpu-tests.txt"
tar -czf "$out/logs.tar.gz" -C "$out" logs && rm -rf "$logs"
