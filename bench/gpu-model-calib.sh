#!/usr/bin/env bash
# Issue 12, device call 1: the data the graph-step model is fitted on, in one call.
#   A. `graphprof run` (untraced, clean processes) at spin kernels of 1..50 us, empty and copy
#      kernels (847 kernels, batch 1): graph GPU time per node at known kernel durations.
#   B. the same workloads under `graphprof trace --device-time` (CUPTI): each kernel's eager
#      duration as the tracer measures it (what G is built from).
#   C. examples/llama_decode.py, untraced, clean processes, for five shapes: eager, graph replay,
#      torch.profiler count (kernel durations of one step), then eager again (alternated).
#   D. examples/llama_decode.py under the host tracer (nvtx:decode_step): launches per step.
# Run from the bundle folder (the bundle's run.sh beside examples/ and bench/):
#   bash bench/gpu-model-calib.sh        # DRY=1 prints the commands only
# Files under $OUT: summary.txt (one line per run), calib.tgz (every JSON and log).
set -uo pipefail
out=${OUT:-/tmp/model-calib}
limit=${LIMIT_S:-380}  # past this many seconds the remaining runs are skipped (the summary still comes)
. "$(dirname "$0")/device-call.sh"
gp() { x bash ./run.sh "$@"; }
: > "$out/summary.txt"
RUNARGS=(--kernels 847 --batch-sizes 1 --warmup 10 --iterations 60 --json)

# A: clean replays at known kernel durations
for k in spin:1 spin:2 spin:5 spin:10 spin:20 spin:50 empty:0 copy:0; do
  kind=${k%%:*}; us=${k##*:}
  gp run --kernel "$kind" --kernel-us "$us" "${RUNARGS[@]}" -o "$work/run-$kind-$us.json" > /dev/null 2> "$work/run-$kind-$us.err"
done
# B: the same under CUPTI with device times (eager kernel durations as the tracer sees them)
for k in spin:1 spin:2 spin:5 spin:10 spin:20 spin:50 empty:0 copy:0; do
  kind=${k%%:*}; us=${k##*:}
  gp trace --device-time -o "$work/trace-$kind-$us.json" -- bash ./run.sh run --kernel "$kind" --kernel-us "$us" --kernels 847 --batch-sizes 1 --warmup 5 --iterations 20 --json > /dev/null 2> "$work/trace-$kind-$us.err"
done

# C: the PyTorch decode step, five shapes, clean processes, alternated eager / graph / count / eager
shapes=("default-b1:--batch 1" "default-b8:--batch 8" "default-b32:--batch 32" "short-b1:--layers 48 --hidden 512 --batch 1" "long-b1:--layers 4 --hidden 8192 --batch 1")
for s in "${shapes[@]}"; do
  name=${s%%:*}; args=${s#*:}
  for m in eager graph count eager2; do
    flag=""; [ "$m" = graph ] && flag=--graph; [ "$m" = count ] && flag=--count
    x $py examples/llama_decode.py $args $flag --steps 30 --warmup 5 > "$work/py-$name-$m.json" 2> "$work/py-$name-$m.err"
  done
done
# D: launches per step under the host tracer (today's trace), default shape batch 1
gp trace --step-marker nvtx:decode_step -o "$work/host-default-b1.json" -- $py examples/llama_decode.py --batch 1 --steps 30 --warmup 5 > "$work/host-default-b1.out" 2> "$work/host-default-b1.err"

[ "$dry" = 1 ] && exit 0
$py - "$work" <<'EOF' | tee "$out/summary.txt"
import glob, json, os, sys
w = sys.argv[1]
print(open(f"{w}/gpu.txt").read().strip())
def load(p):
    try: return json.load(open(p))
    except Exception as e: return None
for p in sorted(glob.glob(f"{w}/run-*.json")):
    r = load(p); tag = os.path.basename(p)[4:-5]
    if not r: print(tag, "run failed:", open(p[:-5] + ".err").read()[-300:]); continue
    b = r["results"][0]; g = b["graph"]; e = b["eager"]
    t = load(f"{w}/trace-{tag}.json")
    km = ""
    if t:
        ks = [k for k in t["kernels"] if k["count"] > 0]
        km = " traced-kernels " + ", ".join(f"{k['name'][:30]} n={k['count']} med={k['medNs']:.0f} avg={k['avgNs']:.0f} min={k['minNs']:.0f}" for k in ks[:2])
    print(f"run {tag}: graph device p50 {g['deviceNs']['p50Ns']/1e3:.1f} us, per node {g['devicePerNodeNs']:.1f} ns, graph launch p50 {g['launchNs']['p50Ns']:.0f} ns, eager step p50 {e['stepNs']['p50Ns']/1e3:.1f} us, eager device p50 {e['deviceNs']['p50Ns']/1e3:.1f} us, launch p50 {e['launchNs']['p50Ns']:.0f} ns{km}")
for p in sorted(glob.glob(f"{w}/py-*.json")):
    tag = os.path.basename(p)[3:-5]
    try: r = json.loads(open(p).read().strip().splitlines()[-1])
    except Exception: print(tag, "failed:", open(p[:-5] + ".err").read()[-300:].replace("\n", " | ")); continue
    if r["mode"] == "count":
        d = sorted(r["kernelDurationsNs"]); n = len(d)
        print(f"py {tag}: kernels/step {r['kernelsPerStep']} launchApi/step {r['launchApiCallsPerStep']} memOps/step {r['memOpsPerStep']} syncs {r['syncCallsPerStep']} memcpy {r['memcpyCallsPerStep']} G {r['gpuKernelNsPerStep']/1e3:.1f} us busy {r['gpuBusyNsPerStep']/1e3:.1f} us memop {r['gpuMemOpNsPerStep']/1e3:.1f} us; dur p10 {d[n//10]} p50 {d[n//2]} p90 {d[9*n//10]} ns")
    elif r["mode"] == "graph":
        print(f"py {tag}: replay events p50 {r['replayEvents']['p50Us']} us [{r['replayEvents']['minUs']}..{r['replayEvents']['maxUs']}] wall p50 {r['replayWall']['p50Us']} us")
    else:
        print(f"py {tag}: eager p50 {r['step']['p50Us']} us p10..p90 {r['step']['p10Us']}..{r['step']['p90Us']} min..max {r['step']['minUs']}..{r['step']['maxUs']}")
t = load(f"{w}/host-default-b1.json")
if t:
    st = t.get("steps") or {}
    print("host trace default-b1: launches/step", (st.get("launches") or {}).get("p50"), "min", (st.get("launches") or {}).get("min"), "max", (st.get("launches") or {}).get("max"), "steps", st.get("count"), "step p50 ns", (st.get("durationNs") or {}).get("p50"))
else:
    print("host trace failed:", open(f"{w}/host-default-b1.err").read()[-400:])
EOF
tar czf "$out/calib.tgz" -C "$out" work
