#!/usr/bin/env bash
# CI gating on a GPU host, end to end: three baseline runs, then an unchanged run and a run with
# 120 more kernel launches per step, each gated with `compare` against one baseline and against
# all three. Shows what a pipeline would see. Output: $OUT/gate.txt (and the JSON results).
set -uo pipefail
out=${OUT:-bench/out}; mkdir -p "$out/gate"
gp() { bash .gpu/run.sh "$@"; }
g=$out/gate
args=(--kernels 847 --batch-sizes 1,8,32 --iterations 100)
for i in 1 2 3; do gp run "${args[@]}" --json > "$g/base-$i.json" 2>> "$g/err.txt"; done
gp run "${args[@]}" --json > "$g/current.json" 2>> "$g/err.txt"
gp run --kernels 967 --batch-sizes 1,8,32 --iterations 100 --json > "$g/more-launches.json" 2>> "$g/err.txt"
{
  echo "== unchanged run against ONE baseline (default 5%)"
  gp compare "$g/base-1.json" "$g/current.json" 2>&1 | tail -4; echo "exit ${PIPESTATUS[0]}"
  echo "== unchanged run against THREE baselines (default 5%)"
  gp compare "$g/base-1.json" "$g/base-2.json" "$g/base-3.json" "$g/current.json" 2>&1 | tail -4; echo "exit ${PIPESTATUS[0]}"
  echo "== 120 more launches per step against three baselines"
  gp compare "$g/base-1.json" "$g/base-2.json" "$g/base-3.json" "$g/more-launches.json" 2>&1 | tail -4; echo "exit ${PIPESTATUS[0]}"
  echo "== run --baseline (three) in one step, unchanged workload"
  gp run "${args[@]}" --baseline "$g/base-1.json" --baseline "$g/base-2.json" --baseline "$g/base-3.json" > /dev/null 2> "$g/run-baseline.err"; echo "exit $?"; tail -3 "$g/run-baseline.err"
} > "$out/gate.txt" 2>&1
cat "$out/gate.txt"
