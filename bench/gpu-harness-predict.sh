#!/usr/bin/env bash
# Issue 12's harness check: `graphprof trace --predict -- graphprof run ...` on three workloads
# (spin 2 us, copy, empty; 847 kernels, batch 1), the predicted graph step against what `run`
# itself measured in clean processes before and after the traced one (alternated). The harness
# marks each timed step with the NVTX range graphprof_eager_step. One device call, about 40 s.
# Run from the bundle folder (run.sh beside bench/):
#   OUT=/path bash bench/gpu-harness-predict.sh       # DRY=1 prints the commands only
# Files under $OUT: harness-predict.txt (the table), harness-predict.tgz (every JSON and log).
set -uo pipefail
out=${OUT:-/tmp/harness-predict}
limit=${LIMIT_S:-120}
. "$(dirname "$0")/device-call.sh"
RUN=(run --kernels 847 --batch-sizes 1 --warmup 10 --iterations 60 --json)
kinds=${KINDS:-spin empty copy}
for k in $kinds; do
  x bash ./run.sh "${RUN[@]}" --kernel "$k" -o "$work/run-$k-1.json" > /dev/null 2> "$work/run-$k-1.err"
  x bash ./run.sh trace --predict --step-marker nvtx:graphprof_eager_step --out "$work/out-$k" -o "$work/trace-$k.json" -- \
    bash ./run.sh "${RUN[@]}" --kernel "$k" > "$work/trace-$k.out" 2> "$work/trace-$k.err"
  x bash ./run.sh "${RUN[@]}" --kernel "$k" -o "$work/run-$k-2.json" > /dev/null 2> "$work/run-$k-2.err"
done
[ "$dry" = 1 ] && exit 0
python3 - "$work" $kinds <<'EOF' | tee "$out/harness-predict.txt"
import json, sys
w, kinds = sys.argv[1], sys.argv[2:]
print(open(f"{w}/gpu.txt").read().strip())
load = lambda p: json.load(open(p))
us = lambda ns: f"{ns / 1e3:.1f} us" if ns is not None else "n/a"
for k in kinds:
    try:
        t = load(f"{w}/trace-{k}.json")
    except Exception:
        print(f"{k}: trace failed: " + open(f"{w}/trace-{k}.err").read()[-300:].replace("\n", " | ")); continue
    runs = []
    for i in (1, 2):
        try: runs.append(load(f"{w}/run-{k}-{i}.json")["results"][0])
        except Exception: pass
    a = t["analysis"]; m = a["model"]; st = t.get("steps") or {}
    P = a["prediction"]["graphStepNs"]
    dev = [r["graph"]["deviceNs"]["p50Ns"] for r in runs]
    step = [r["graph"]["stepNs"]["p50Ns"] for r in runs]
    eager = [r["eager"]["stepNs"]["p50Ns"] for r in runs]
    R = sum(dev) / len(dev) if dev else None
    print(f"{k}: launches/step {st.get('launches', {}).get('p50')} over {st.get('count')} steps; predict {t.get('predict')}")
    print(f"  W {us(m['eagerStepNs']['value'])} ({m['eagerStepNs']['basis']}); run's eager step p50 {' / '.join(us(e) for e in eager)}")
    print(f"  G {us(m['gpuStepNs']['value'])} ({m['gpuStepNs']['kind']}); P {us(P)}; run's graph GPU p50 {' / '.join(us(d) for d in dev)}, graph step (host) p50 {' / '.join(us(s) for s in step)}")
    print(f"  P / run's graph GPU p50 - 1 = {((P / R - 1) * 100 if P and R else float('nan')):+.1f}%  {'PASS' if P and R and abs(P / R - 1) <= 0.10 else 'FAIL'}")
EOF
tar czf "$out/harness-predict.tgz" -C "$out" work
