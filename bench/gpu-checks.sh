#!/usr/bin/env bash
# Issue-2 benchmarks on a GPU host, in one call: the raw CUDA baseline, then graphprof run through
# the bundle (.gpu/, made by ../shared/gpu/bundle.sh). Logs and JSON go to $OUT (or bench/out).
#   bash bench/gpu-checks.sh            # on the GPU host, from the repository root
set -uo pipefail
out=${OUT:-bench/out}; mkdir -p "$out"
gp() { bash .gpu/run.sh "$@"; }
log() { echo "== $*" | tee -a "$out/log.txt"; }

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv | tee "$out/nvidia-smi.txt"
nvcc -O2 -std=c++17 -arch=sm_90 -Inative bench/launch_baseline.cu -o /tmp/launch_baseline || exit 1

log doctor; gp doctor > "$out/doctor.txt" 2>&1; echo "doctor exit $?" | tee -a "$out/log.txt"; cat "$out/doctor.txt"

log baseline; /tmp/launch_baseline --kernels 847 --kernel spin > "$out/baseline-spin.json"; /tmp/launch_baseline --kernels 847 --kernel empty > "$out/baseline-empty.json"

# 4. default pool, start to end
log run1; s=$(date +%s%N); gp run --kernels 847 --json -o "$out/run1.json" > /dev/null 2> "$out/run1.err"; rc=$?
e=$(date +%s%N); echo "{\"wallNs\": $((e - s)), \"exit\": $rc}" > "$out/run1-wall.json"
# 3. the same run again
log run2; gp run --kernels 847 --json > "$out/run2.json" 2> "$out/run2.err"
# 1./2. against the baseline with empty kernels too
log run-empty; gp run --kernels 847 --kernel empty --batch-sizes 1 --json > "$out/run-empty.json" 2> "$out/run-empty.err"
# 5. the classic decode profile
log classic; gp run --kernels 847 --memcpys 212 --syncs 424 --host-overhead-us 12 --kernel empty --json > "$out/classic.json" 2> "$out/classic.err"
log copy; gp run --kernels 847 --kernel copy --json > "$out/copy.json" 2> "$out/copy.err"
gp run --kernels 847 --memcpys 212 --syncs 424 --host-overhead-us 12 --kernel empty | tee "$out/classic-table.txt"
