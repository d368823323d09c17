#!/usr/bin/env bash
# Where `graphprof trace`'s cost per launch goes, measured inside one process (bench/trace_overhead.cu:
# blocks with collection off and on alternate, switched by cudaProfilerStart/Stop under the library's
# capture range). Each configuration is one process; all run ROUNDS times, interleaved, pinned to the
# same CPUs. This reads low (docs/trace.md, Overhead): whole processes are bench/gpu-trace-processes.sh.
# Needs nvcc and the injection library in build/Release (carry it, or the .gpu bundle).
#   bash bench/gpu-trace-overhead.sh        # table on stdout; per-run JSON lines and records under $OUT
# Configurations: name|environment|arguments (docs/trace.md, Overhead, lists the knobs).
set -uo pipefail
out=${OUT:-bench/out/trace-overhead}
mkdir -p "$out/records"
lib=$(ls "$PWD"/build/Release/libgraphprof_inject.so "$PWD"/.gpu/app/build/Release/libgraphprof_inject.so 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "gpu-trace-overhead: libgraphprof_inject.so not found (build/Release or .gpu/app/build/Release)"; exit 2; }
nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o /tmp/trace_overhead || exit 2
rounds=${ROUNDS:-3}
blocks=${BLOCKS:-40}
pin=(); command -v taskset > /dev/null && pin=(taskset -c "${CPUS:-2-5}")
cupti=/usr/local/cuda/extras/CUPTI/lib64:/usr/local/cuda/lib64
nodev="GRAPHPROF_TRACE_ACTIVITY=0"
configs=(
  "control: no library||"
  "library, nothing enabled|GRAPHPROF_TRACE_CALLBACKS=none $nodev|"
  "default (API records + device times)||"
  "API records, no device times|$nodev|"
  "runtime API records only|GRAPHPROF_TRACE_DRIVER=0 $nodev|"
  "device-time records only|GRAPHPROF_TRACE_CALLBACKS=none|"
  "callbacks + device times|GRAPHPROF_TRACE_API=callbacks|"
  "callbacks, no device times|GRAPHPROF_TRACE_API=callbacks $nodev|"
  "default, worker thread||--thread worker"
  "API records, no device times, worker|$nodev|--thread worker"
  "default, cudaLaunchKernel||--launch runtime"
  "default, cuLaunchKernel||--launch driver"
  "API records, no device times, cuLaunchKernel|$nodev|--launch driver"
)
# SET=load: does it matter whether collection was on when the kernel was loaded (lazily, at its
# first launch), and is graphprof run's kernel (a read-modify-write, two arguments) costlier to trace?
if [ "${SET:-}" = load ]; then
  configs=(
    "control: no library||"
    "default, first block off||"
    "default, first block on||--first-on"
    "default, rmw kernel||--kernel rmw"
    "default, rmw kernel, first block on||--kernel rmw --first-on"
    "API records, no device times, rmw, first on|$nodev|--kernel rmw --first-on"
    "device-time records only, first on|GRAPHPROF_TRACE_CALLBACKS=none|--first-on"
    "device-time records only, rmw, first on|GRAPHPROF_TRACE_CALLBACKS=none|--kernel rmw --first-on"
    "default, CUPTI clock, rmw, first on|GRAPHPROF_TRACE_CLOCK=cupti|--kernel rmw --first-on"
    "API records, no device, CUPTI clock, rmw, first on|GRAPHPROF_TRACE_CLOCK=cupti $nodev|--kernel rmw --first-on"
  )
fi
# SET=host: the host tracer (libgraphprof_host.so, LD_PRELOAD; no CUPTI). Nothing of it stays once
# a capture range closes (a flag is cleared), so in-process blocks read it without the bias CUPTI has.
hostlib=$(ls "$PWD"/build/Release/libgraphprof_host.so "$PWD"/.gpu/app/build/Release/libgraphprof_host.so 2>/dev/null | head -n 1)
if [ "${SET:-}" = host ]; then
  configs=(
    "control: no library||"
    "host tracer|HOST=1|"
    "host tracer, rmw kernel|HOST=1|--kernel rmw"
    "host tracer, cuLaunchKernel|HOST=1|--launch driver"
    "host tracer, api: steps (in-step rows, timeline)|HOST=1 GRAPHPROF_TRACE_STEP=api:cuStreamSynchronize GRAPHPROF_TRACE_TIMELINE_STEPS=3|"
  )
fi
: > "$out/runs.jsonl"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$out/gpu.txt" 2>&1
for r in $(seq 1 "$rounds"); do
  for i in "${!configs[@]}"; do
    IFS='|' read -r name envs args <<< "${configs[$i]}"
    dir=$out/records/r$r-c$i
    mkdir -p "$dir"
    if [ "$i" -eq 0 ]; then
      line=$("${pin[@]}" /tmp/trace_overhead --blocks "$blocks" $args 2> "$dir/stderr")
    elif [ "${envs%% *}" = HOST=1 ]; then
      # the rest of envs, if any, goes to the library (GRAPHPROF_TRACE_API_CLASSES from the caller, as graphprof sets it)
      line=$(env LD_PRELOAD="$hostlib" GRAPHPROF_TRACE_DIR="$dir" GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi ${envs#HOST=1} \
        "${pin[@]}" /tmp/trace_overhead --blocks "$blocks" $args 2> "$dir/stderr")
    else
      line=$(env CUDA_INJECTION64_PATH="$lib" LD_LIBRARY_PATH="$cupti:${LD_LIBRARY_PATH:-}" GRAPHPROF_TRACE_DIR="$dir" \
        GRAPHPROF_TRACE_CAPTURE=cudaProfilerApi $envs "${pin[@]}" /tmp/trace_overhead --blocks "$blocks" $args 2> "$dir/stderr")
    fi
    echo "{\"round\":$r,\"config\":$i,\"name\":\"$name\",\"result\":${line:-null}}" >> "$out/runs.jsonl"
  done
done
tar czf "$out/records.tgz" -C "$out" records && rm -rf "$out/records"
python3 - "$out/runs.jsonl" "$(cat "$out/gpu.txt")" <<'EOF' | tee "$out/table.txt"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = []
for r in rows:
    if r["name"] not in names: names.append(r["name"])
print(f"trace overhead inside one process, {sys.argv[2]}: ns per launch added (median of paired blocks [95% bootstrap]) per round")
print(f"{'configuration':42} {'untraced ns':>11}  added ns per launch, each round")
for n in names:
    rs = [r["result"] for r in rows if r["name"] == n]
    if any(x is None for x in rs):
        print(f"{n:42} FAILED (see records)"); continue
    cells = "  ".join(f"{x['addedNs']:+6.0f} [{x['addedLoNs']:+.0f},{x['addedHiNs']:+.0f}]" for x in rs)
    print(f"{n:42} {sum(x['offNs'] for x in rs)/len(rs):11.0f}  {cells}")
EOF
