#!/usr/bin/env bash
# Issue-12 (part A) checks of `graphprof trace` step scoping on a GPU host, in one call, most
# important first (each part has its own time limit; what ran comes back even if a later part
# does not). Run from the repository root with the bundle in .gpu/ (../shared/gpu/bundle.sh).
#   S. graphprof run --kernels 847 --iterations 20 traced with --device-time and
#      --step-marker api:cudaStreamSynchronize, API calls from CUPTI records and from callbacks,
#      and under the host tracer: per step launches, device records credited by correlation id,
#      GPU time and busy time against run's own eager device time; in-step and outside rows.
#   T. the same on bench/trace_overhead.cu (a plain CUDA program: 847 empty kernels then a sync).
#   C. bench/gpu-trace.sh checks 1h and 6 (C_CHECKS: step counts under both tracers, threads and ranges).
#   O. bench/gpu-trace-overhead.sh SET=host, with an api: step marker (the in-step path).
# Files that come back: table.txt (last lines printed too), scope.jsonl, logs.tgz.
set -uo pipefail
out=${OUT:-bench/out/trace-scope}
work=${WORK:-$out/work}  # WORK elsewhere: only table.txt, scope.jsonl and logs.tgz land in $out
mkdir -p "$work"
gp() { bash .gpu/run.sh "$@"; }
py=python3
: > "$out/scope.jsonl"
: > "$work/status.txt"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$work/gpu.txt" 2>&1 || echo "no nvidia-smi" > "$work/gpu.txt"
gpu=$(head -n 1 "$work/gpu.txt")
[ -f .gpu/run.sh ] || { echo "gpu-trace-scope: no .gpu bundle" | tee "$out/table.txt"; exit 2; }
gp doctor > "$work/doctor.txt" 2>&1
# analyze's API table as graphprof hands it to the tracers, for runs of the library without graphprof (O)
GRAPHPROF_TRACE_API_CLASSES=$(/tmp/graphprof-node/node -e "import('$PWD/.gpu/app/dist/harness/tracer/setup.js').then((m) => console.log(m.apiClassesSpec()))")
export GRAPHPROF_TRACE_API_CLASSES
K=${K:-847}
# DRY=PROGRAM: a dry run of part S on a machine without a GPU: PROGRAM stands in for graphprof run
# (e.g. test/native/host_program against the stand-in libcuda, K=9) and the fake harness writes run.json.

# One traced run: $1 label, $2 env (space-separated VAR=VALUE or -), then trace options, --, command.
traced() {
  local label=$1 envs=$2; shift 2
  local -a e=(); [ "$envs" != - ] && read -r -a e <<< "$envs"
  GRAPHPROF_TRACE_KEEP=1 timeout 60 env "${e[@]}" bash .gpu/run.sh trace "$@" > "$work/$label.stdout" 2> "$work/$label.stderr"
  local rc=$?
  local kept; kept=$(sed -n 's/^trace: records kept in //p' "$work/$label.stderr" | tail -n 1)
  mkdir -p "$work/$label-records"; [ -n "$kept" ] && cp "$kept"/trace-*.json "$work/$label-records/" 2>/dev/null
  echo "$rc"
}

# ---------------------------------------------------------------- S. graphprof run
partS() {
  for mode in records callbacks host; do
    local envs=- tr=(--device-time)
    [ $mode = callbacks ] && envs=GRAPHPROF_TRACE_API=callbacks
    [ $mode = host ] && tr=()
    local runargs=(--kernels $K --kernel spin --kernel-us 2 --iterations 20 --warmup 5 --batch-sizes 1 --json -o "$work/S-$mode-run.json")
    local program=(bash .gpu/run.sh run "${runargs[@]}")
    if [ -n "${DRY:-}" ]; then
      program=("$DRY")
      GRAPHPROF_FAKE_HARNESS=1 bash .gpu/run.sh run "${runargs[@]}" --iterations 4 --warmup 0 > /dev/null 2>&1
    fi
    local rc; rc=$(traced "S-$mode" "$envs" "${tr[@]}" --step-marker api:cudaStreamSynchronize --timeline-steps 2 -o "$work/S-$mode.json" -- "${program[@]}")
    $py - "$mode" "$rc" "$work/S-$mode.json" "$work/S-$mode-run.json" "$work/S-$mode-records" "$K" "$gpu" <<'PY' >> "$work/status.txt"
import json, sys, glob, statistics as st
mode, rc, tpath, rpath, rdir, K, gpu = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7]
try:
    t = json.load(open(tpath)); r = json.load(open(rpath))
except Exception as e:
    print(f"S {mode}\tFAIL\ttrace exit {rc}: {e}"); sys.exit()
w = r["workload"]; T = w["warmup"] + w["iterations"]
steps = [s for f in glob.glob(rdir + "/trace-*.json") for s in json.load(open(f)).get("steps", [])]
# With device records, eager steps are those whose K launches ran (K records); the capture step
# launches K into the graph and runs nothing. Without (host), the two cannot be told apart: T + 1.
eager = [s for s in steps if s["launches"] == K and (s["deviceRecords"] == K or mode == "host")]
capture = [s for s in steps if s["launches"] == K and s not in eager]
expected = T + 1 if mode == "host" else T
ins = {a["name"]: a["count"] for a in (t["inSteps"] or {}).get("api", [])}
outs = {a["name"]: a["count"] for a in (t["outsideSteps"] or {}).get("api", [])}
whole = {a["name"]: a["count"] for a in t["api"]}
split_ok = all(ins.get(n, 0) + outs.get(n, 0) == c for n, c in whole.items())
kin = sum(k["count"] for k in (t["inSteps"] or {}).get("kernels", []))
kout = sum(k["count"] for k in (t["outsideSteps"] or {}).get("kernels", []))
kall = sum(k["count"] for k in t["kernels"])
ok = rc == 0 and len(eager) == expected and split_ok and (mode == "host" or kin + kout == kall)
row = {"check": "S", "mode": mode, "gpu": gpu, "steps": len(steps), "eagerSteps": len(eager), "expectedEager": T, "splitOk": split_ok,
       "kernelsIn": kin, "kernelsOut": kout, "kernelsAll": kall, "perStep": t["perStep"], "outside": t["outside"],
       "runEagerDeviceP50Ns": r["results"][0]["eager"]["deviceNs"]["p50Ns"], "runEagerStepP50Ns": r["results"][0]["eager"]["stepNs"]["p50Ns"]}
detail = f"{len(steps)} steps, {len(eager)} " + ("eager and capture steps" if mode == "host" else "eager") + f" with {K} launches" + ("" if mode == "host" else f" and {K} device records each") + f" (expected {expected}); in/out API rows sum to whole: {split_ok}"
if mode != "host" and eager:
    g = [s["gpuNs"] for s in eager]; b = [s["gpuBusyNs"] for s in eager]
    row.update({"eagerGpuNsP50": st.median(g), "eagerBusyNsP50": st.median(b), "captureDeviceRecords": [s["deviceRecords"] for s in capture],
                "replayDeviceRecords": sorted({s["deviceRecords"] for s in steps if s["launches"] == 0})})
    detail += (f"; eager step GPU time {st.median(g)/1e3:.0f} us, busy {st.median(b)/1e3:.0f} us (median), run's own eager device time p50 "
               f"{row['runEagerDeviceP50Ns']/1e3:.0f} us; kernels in steps {kin}, outside {kout}, whole {kall}; capture step device records {row['captureDeviceRecords']}")
tl = t.get("timeline") or []
row["timelineSteps"] = [(x["index"], len(x["host"]), len(x["device"])) for p in tl for x in p["steps"]]
detail += f"; timeline (index, host, device events) {row['timelineSteps']}"
print(json.dumps(row), file=open(sys.argv[3] + ".row", "w"))
print(f"S {mode}\t{'PASS' if ok else 'FAIL'}\t{detail}")
PY
    cat "$work/S-$mode.json.row" >> "$out/scope.jsonl" 2>/dev/null
  done
}

# ---------------------------------------------------------------- T. a plain CUDA program
partT() {
  nvcc -O2 -std=c++17 -arch=sm_90 bench/trace_overhead.cu -o "$work/trace_overhead" > "$work/T-nvcc.txt" 2>&1 || { echo "T	FAIL	nvcc" >> "$work/status.txt"; return; }
  local rc; rc=$(traced T - --device-time --step-marker api:cudaStreamSynchronize -o "$work/T.json" -- "$work/trace_overhead" --blocks 2 --steps 10 --kernels $K)
  $py - "$rc" "$work/T.json" "$work/T-records" "$K" <<'PY' >> "$work/status.txt"
import json, sys, glob, statistics as st
rc, t, rdir, K = int(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3], int(sys.argv[4])
steps = [s for f in glob.glob(rdir + "/trace-*.json") for s in json.load(open(f)).get("steps", [])]
full = [s for s in steps if s["launches"] == K and s["deviceRecords"] == K]
g = [s["gpuNs"] for s in full]; b = [s["gpuBusyNs"] for s in full]
ok = rc == 0 and len(full) >= len(steps) - 2 and len(full) > 0 and all(x <= y for x, y in zip(b, g))
print(f"T plain program\t{'PASS' if ok else 'FAIL'}\t{len(steps)} steps, {len(full)} with {K} launches and {K} device records; GPU time {st.median(g)/1e3 if g else 0:.1f} us, busy {st.median(b)/1e3 if b else 0:.1f} us per step (median); per step {t['perStep']['launchCalls']:.0f} launches")
PY
}

partO() {
  SET=host ROUNDS=${ROUNDS:-1} BLOCKS=${BLOCKS:-10} OUT="$work/O" timeout ${O_LIMIT:-40} bash bench/gpu-trace-overhead.sh > "$work/O.stdout" 2> "$work/O.stderr"
  sed 's/^/O  /' "$work/O/table.txt" >> "$work/status.txt" 2>/dev/null || echo "O	FAIL	no table: $(tail -n 2 "$work/O.stderr" | tr '\n' ' ')" >> "$work/status.txt"
}

partC() {
  OUT="$work/C" CHECKS="${C_CHECKS:-1h 6}" timeout ${C_LIMIT:-60} bash bench/gpu-trace.sh > "$work/C.stdout" 2> "$work/C.stderr"
  sed 's/^/C  /' "$work/C/summary.txt" >> "$work/status.txt" 2>/dev/null || echo "C	FAIL	no summary: $(tail -n 2 "$work/C.stderr" | tr '\n' ' ')" >> "$work/status.txt"
}

# After each part, so that what ran comes back if the call's time runs out.
for part in ${PARTS:-S T C O}; do
  SECONDS=0
  "part$part"
  echo "(part $part: ${SECONDS} s)" >> "$work/status.txt"
  { echo "graphprof trace step scoping, $gpu, $(date -u +%FT%TZ)"; cat "$work/status.txt"; } > "$out/table.txt"
  tar czf "$out/logs.tgz" -C "$work" --exclude='*.tgz' . 2>/dev/null
done
cat "$out/table.txt"
