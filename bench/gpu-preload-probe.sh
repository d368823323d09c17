#!/usr/bin/env bash
# bench/preload_probe.cc on the GPU: which entry points graphprof run (static cudart) and PyTorch
# (shared cudart) obtain, whether every launch passes a wrapper, and what wrapping costs over
# whole processes (graphprof run untraced / probe timing / probe not timing, alternated ROUNDS times).
set -uo pipefail
out=${OUT:-bench/out/preload-probe}; mkdir -p "$out/runs"
probe=/tmp/graphprof-probe.so
g++ -O2 -std=c++17 -shared -fPIC -I/usr/local/cuda/include bench/preload_probe.cc -o "$probe" -ldl || exit 1
pin=(); command -v taskset > /dev/null && pin=(taskset -c "${CPUS:-2-5}")
args=(--kernels 847 --kernel empty --iterations "${ITERATIONS:-100}" --warmup 20 --batch-sizes 1 --json)
echo "== graphprof run, probe log (iterations ${ITERATIONS:-100}, warmup 20)" | tee "$out/log.txt"
LD_PRELOAD=$probe PROBE_LOG=1 bash .gpu/run.sh run "${args[@]}" -o "$out/run-probe.json" > /dev/null 2>> "$out/log.txt"
grep -v "^\[probe [0-9]*\] wrapped calls:$" "$out/log.txt" | grep -v "0 entry points obtained" | tail -30
if python3 -c "import torch" 2> /dev/null; then
  echo "== torch decode (64 steps + 3 warm-up), probe"
  LD_PRELOAD=$probe PROBE_LOG=1 python3 examples/torch_decode.py --steps 64 2> "$out/torch.txt"; grep -v "entry points obtained" "$out/torch.txt" | tail -20
  grep "entry points obtained" "$out/torch.txt" | cut -c1-3000
  echo "== torch decode --graph, probe"
  LD_PRELOAD=$probe python3 examples/torch_decode.py --steps 64 --graph 2>&1 | tail -8
  python3 examples/torch_decode.py --steps 64 --graph
  python3 examples/torch_decode.py --steps 64
fi
variants=(untraced probe probe-nocount)
for r in $(seq 1 "${ROUNDS:-12}"); do
  for v in "${variants[@]}"; do
    f=$out/runs/$v-r$r.json
    case $v in
      untraced) "${pin[@]}" bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt" ;;
      probe) LD_PRELOAD=$probe "${pin[@]}" bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt" ;;
      probe-nocount) LD_PRELOAD=$probe PROBE_COUNT=0 "${pin[@]}" bash .gpu/run.sh run "${args[@]}" -o "$f" > /dev/null 2>> "$out/err.txt" ;;
    esac
  done
done
python3 - "$out/runs" "${ROUNDS:-12}" "${variants[@]}" <<'PY'
import json, sys, statistics as st, random
d, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("graphprof run, host ns per launch (eager p50), whole processes alternated:")
base = None
for name in names:
    v, gl = [], []
    for r in range(1, rounds + 1):
        try:
            res = json.load(open(f"{d}/{name}-r{r}.json"))["results"][0]
            v.append(res["eager"]["launchNs"]["p50Ns"]); gl.append(res["graph"]["launchNs"]["p50Ns"])
        except Exception: pass
    if not v: print(f"  {name:16} FAILED"); continue
    m = st.median(v)
    if base is None: base = v
    ci = ""
    if v is not base:
        rng = random.Random(1); ds = sorted(st.median(rng.choices(v, k=len(v))) - st.median(rng.choices(base, k=len(base))) for _ in range(4000))
        ci = f"  (+{m - st.median(base):.0f} ns, 95% {ds[100]:+.0f}..{ds[3899]:+.0f})"
    print(f"  {name:16} " + " ".join(f"{x:5.0f}" for x in v) + f"  median {m:.0f}{ci} | graph launch p50 {st.median(gl)/1e3:.1f} us")
PY
