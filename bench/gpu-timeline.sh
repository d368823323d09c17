#!/usr/bin/env bash
# The README's step timeline: a real PyTorch decode (examples/llama_decode.py, NVTX range
# decode_step) traced on the GPU with device times, every event of 3 steps kept, then drawn by
# graphprof's HTML report and exported for Perfetto. One device call, about a minute.
# Run from a folder that holds the bundle's run.sh (made by ../shared/gpu/bundle.sh; .gpu/run.sh
# also works), examples/ and bench/:
#   OUT=/path bash bench/gpu-timeline.sh        # DRY=1 prints the commands instead
# Env: LAYERS (16), HIDDEN (2048), BATCH (8), STEPS (30), WARMUP (5): llama_decode.py's shape.
# Files under $OUT: trace.json (the result), report.html (--html), report-from-json.html (graphprof
# report of trace.json), perfetto.json, summary.txt, log.txt, gpu.txt.
set -uo pipefail
out=${OUT:-bench/out/timeline}
mkdir -p "$out"
if [ -f run.sh ]; then gp=(bash run.sh); elif [ -f .gpu/run.sh ]; then gp=(bash .gpu/run.sh); else
  echo "gpu-timeline: no run.sh here (run ../shared/gpu/bundle.sh and carry the bundle)" | tee "$out/summary.txt"; exit 2
fi
[ -f examples/llama_decode.py ] || { echo "gpu-timeline: examples/llama_decode.py is missing (branch trace-model)" | tee "$out/summary.txt"; exit 2; }
shape=(--layers "${LAYERS:-16}" --hidden "${HIDDEN:-2048}" --batch "${BATCH:-8}" --steps "${STEPS:-30}" --warmup "${WARMUP:-5}")
trace=("${gp[@]}" trace --device-time --step-marker nvtx:decode_step --timeline-steps 3 --json -o "$out/trace.json" --html "$out/report.html" --perfetto "$out/perfetto.json" -- python3 examples/llama_decode.py "${shape[@]}")
report=("${gp[@]}" report "$out/trace.json" -o "$out/report-from-json.html")
if [ "${DRY:-0}" = 1 ]; then printf '%q ' "${trace[@]}"; echo; printf '%q ' "${report[@]}"; echo; exit 0; fi

nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$out/gpu.txt" 2>&1 || echo "no nvidia-smi" > "$out/gpu.txt"
# The trace's report (JSON, with --json) goes to stderr, the program's one JSON line to stdout.
"${trace[@]}" > "$out/program.json" 2> "$out/log.txt"; code=$?
"${report[@]}" >> "$out/log.txt" 2>&1; rcode=$?
{
  echo "gpu: $(cat "$out/gpu.txt")"
  echo "trace exit $code; report exit $rcode"
  # A few figures from the result, read with python3 (the GPU host has no jq).
  python3 - "$out/trace.json" <<'PY' || echo "trace.json: unreadable"
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get("steps") or {}
tl = [st for p in r.get("timeline") or [] for st in p["steps"]]
print(f"steps: {s.get('count')} at {s.get('marker')}; step p50 {s.get('durationNs', {}).get('p50', float('nan')) / 1e3:.1f} us")
print(f"timeline: {len(tl)} steps kept, events per step: " + ", ".join(f"{len(t['host'])} host / {len(t['device'])} device" for t in tl))
print(f"launches per step: {r['perStep']['launchCalls']:.1f}; GPU kernel time per step {r['perStep']['kernelNs'] / 1e3:.1f} us")
PY
  ls -la "$out"
} > "$out/summary.txt" 2>&1
cat "$out/summary.txt"
exit $code
