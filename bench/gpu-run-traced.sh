#!/usr/bin/env bash
# graphprof run untraced and traced (default, and with each environment in TRACE_VARIANTS), whole
# processes alternated ROUNDS times on the same CPUs; prints host ns per launch (p50) per process.
#   TRACE_VARIANTS="GRAPHPROF_TRACE_CLOCK=cupti;GRAPHPROF_TRACE_ACTIVITY=0" bash bench/gpu-run-traced.sh
set -uo pipefail
out=${OUT:-bench/out/run-traced}; mkdir -p "$out/runs"
pin=(); command -v taskset > /dev/null && pin=(taskset -c "${CPUS:-2-5}")
args=(--kernels 847 --kernel empty --iterations "${ITERATIONS:-200}" --warmup 20 --batch-sizes 1 --json)
IFS=';' read -r -a variants <<< "${TRACE_VARIANTS:-}"
variants=("untraced" "default" "${variants[@]}")
for r in $(seq 1 "${ROUNDS:-3}"); do
  for i in "${!variants[@]}"; do
    v=${variants[$i]}; f=$out/runs/v$i-r$r.json
    if [ "$v" = untraced ]; then "${pin[@]}" bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt"
    elif [ "$v" = default ]; then "${pin[@]}" bash .gpu/run.sh trace -o "$f.trace" -- bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt"
    else env $v "${pin[@]}" bash .gpu/run.sh trace -o "$f.trace" -- bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt"; fi
  done
done
python3 - "$out/runs" "${#variants[@]}" "${ROUNDS:-3}" "${variants[@]}" <<'PY'
import json, sys, statistics as st
d, n, rounds, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
print("graphprof run, host ns per launch (eager p50), whole processes alternated:")
base = None
for i, name in enumerate(names):
    v, gl, gn = [], [], []
    for r in range(1, rounds + 1):
        try:
            res = json.load(open(f"{d}/v{i}-r{r}.json"))["results"][0]
            v.append(res["eager"]["launchNs"]["p50Ns"])
            gl.append(res["graph"]["launchNs"]["p50Ns"]); gn.append(res["graph"]["deviceNs"]["p50Ns"] / res["graph"]["nodes"])
        except Exception: pass
    m = st.median(v) if v else None
    if i == 0: base = m
    extra = f"  (+{m - base:.0f} ns)" if m is not None and base is not None and i else ""
    graph = f"  | graph launch p50 {st.median(gl) / 1e3:.1f} us, GPU {st.median(gn):.0f} ns/node" if gl else ""
    print(f"  {name:45} " + " ".join(f"{x:6.0f}" for x in v) + (f"   median {m:.0f}{extra}{graph}" if v else "  FAILED"))
PY
