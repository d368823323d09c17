#!/usr/bin/env bash
# Issue 12, device call 2: the acceptance checks of the step model on examples/llama_decode.py, in
# one call. Per shape, alternated in this order, each a fresh process:
#   1. eager, untraced (the script's own p50 and spread)
#   2. graphprof trace --predict --step-marker nvtx:decode_step --out (host tracer, then CUPTI)
#   3. graph replay, untraced (CUDA events p50: the clean-process replay)
#   4. eager, untraced again
# Checks: (a) launches per step (trace) = torch.profiler's kernels per step (from --count, run
# once per shape in call 1: bench/results/*-model-calib*); (b) predicted graph step within 10% of
# step 3; (c) W = median of the marked steps with spread, beside steps 1 and 4; (d) findings per
# step. Run from the bundle folder (run.sh beside examples/ and bench/):
#   bash bench/gpu-model-check.sh          # DRY=1 prints the commands only
# Files under $OUT: summary.txt, check.tgz (every JSON, log and the --out CSVs).
set -uo pipefail
out=${OUT:-/tmp/model-check}
limit=${LIMIT_S:-200}  # past this many seconds the remaining runs are skipped (the summary still comes)
. "$(dirname "$0")/device-call.sh"
STEPS=(--steps 20 --warmup 3)
shapes=("default-b1:--batch 1" "default-b8:--batch 8" "default-b32:--batch 32" "oos-a:--layers 24 --hidden 1024 --batch 4" "oos-b:--layers 8 --hidden 4096 --batch 16" "short-b1:--layers 48 --hidden 512 --batch 1" "long-b1:--layers 4 --hidden 8192 --batch 1")
only=${SHAPES:-}  # e.g. SHAPES="default-b1 short-b1": only those shapes
for s in "${shapes[@]}"; do
  name=${s%%:*}; args=${s#*:}
  [ -n "$only" ] && [[ " $only " != *" $name "* ]] && continue
  x $py examples/llama_decode.py $args "${STEPS[@]}" > "$work/$name-eager1.json" 2> "$work/$name-eager1.err"
  x bash ./run.sh trace --predict --step-marker nvtx:decode_step --out "$work/out-$name" -o "$work/$name-trace.json" -- \
    $py examples/llama_decode.py $args "${STEPS[@]}" > "$work/$name-trace.out" 2> "$work/$name-trace.err"
  x $py examples/llama_decode.py $args "${STEPS[@]}" --graph > "$work/$name-graph.json" 2> "$work/$name-graph.err"
  x $py examples/llama_decode.py $args "${STEPS[@]}" > "$work/$name-eager2.json" 2> "$work/$name-eager2.err"
done
[ "$dry" = 1 ] && exit 0
$py - "$work" <<'EOF' | tee "$out/summary.txt"
import json, os, sys
w = sys.argv[1]
print(open(f"{w}/gpu.txt").read().strip())
def last(p):
    try: return json.loads(open(p).read().strip().splitlines()[-1])
    except Exception: return None
def load(p):
    try: return json.load(open(p))
    except Exception: return None
us = lambda ns: f"{ns/1e3:.1f} us" if ns is not None else "n/a"
for name in ["default-b1", "default-b8", "default-b32", "short-b1", "long-b1", "oos-a", "oos-b"]:
    if not os.path.exists(f"{w}/{name}-eager1.json"): continue
    t = load(f"{w}/{name}-trace.json"); g = last(f"{w}/{name}-graph.json")
    e1 = last(f"{w}/{name}-eager1.json"); e2 = last(f"{w}/{name}-eager2.json")
    if not t:
        err = open(f"{w}/{name}-trace.err").read()[-400:].replace("\n", " | ") if os.path.exists(f"{w}/{name}-trace.err") else "not run"
        print(f"{name}: trace failed: {err}"); continue
    a = t["analysis"]; m = a["model"]; st = t["steps"] or {}
    P = a["prediction"]["graphStepNs"]; R = g["replayEvents"]["p50Us"] * 1e3 if g else None
    wall = m["eagerStepNs"]["wall"] or {}
    print(f"{name}: launches/step {st.get('launches', {}).get('p50')} (min {st.get('launches', {}).get('min')}, max {st.get('launches', {}).get('max')}), steps {st.get('count')}, "
          f"predict {t.get('predict')}")
    print(f"  W {us(m['eagerStepNs']['value'])} ({m['eagerStepNs']['basis']}; min {us(wall.get('minNs'))}, p90 {us(wall.get('p90Ns'))}, max {us(wall.get('maxNs'))}); untraced eager p50 before {e1['step']['p50Us'] if e1 else 'n/a'} us, after {e2['step']['p50Us'] if e2 else 'n/a'} us")
    print(f"  G {us(m['gpuStepNs']['value'])} ({m['gpuStepNs']['kind']}); P {us(P)}; clean replay p50 {us(R)}; P/replay - 1 = {((P / R - 1) * 100 if P and R else float('nan')):+.1f}%  {'PASS' if P and R and abs(P / R - 1) <= 0.10 else 'FAIL'}")
    print(f"  share {a['overheadShare']}, launch calls {us(m['launchCallNs']['value'])}, between {us(m['betweenLaunchesNs']['value'])}, verdict {a['verdict']} ({a['verdictBasis']})")
    print("  findings: " + "; ".join(f"{f['id']} {f['count']:.2f}/step" for f in a["findings"]))
    o = t.get("outside") or {}
    print(f"  outside steps: launches {o.get('launchCalls')}, api calls {o.get('apiCalls')}")
EOF
tar czf "$out/check.tgz" -C "$out" work
