#!/usr/bin/env bash
# The open GPU acceptance runs of issues 12, 14 and 15 in one device call of about 9 minutes, most
# important first, each part under its own time guard so that the summary still comes back:
#   1. bench/gpu-harness-predict.sh    trace --predict -- graphprof run (spin, empty, copy)   ~15 s
#   2. bench/gpu-model-check.sh        trace --predict of the 7 llama shapes + clean replays  ~190 s
#   3. bench/gpu-timeline.sh           the README's step timeline                             ~10 s
#   4. bench/gpu-sweep.sh              the 36-size curve, recommend, replays                  ~260 s
#   5. bench/gpu-sweep-overhead.sh     sweep overhead, alternated rounds                      ~60 s
# Run from the repository root with the bundle carried (bash ../shared/gpu/bundle.sh, carry .gpu):
#   bash bench/gpu-acceptance.sh          # files under $OUT: summary.txt, gpu.txt, times.txt,
#                                         # acceptance.tgz (every part), timeline-trace.json
# SKIP="sweep overhead" leaves parts out; BUDGET_S (default 540) is the whole call's guard;
# OVERHEAD_ROUNDS (default 3) alternated rounds for part 5 (about 20 s a round; SKIP="sweep" frees
# the time for 10).
set -u
export PYTHONUNBUFFERED=1
out=${OUT:-/tmp/acceptance}
budget=${BUDGET_S:-540}
skip=" ${SKIP:-} "
P=$out/parts
mkdir -p "$P"
# the bench scripts call ./run.sh beside examples/ and bench/: point it at the bundle
[ -f run.sh ] || echo "exec bash $PWD/.gpu/run.sh \"\$@\"" > run.sh
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/gpu.txt" 2>&1
left() { echo $((budget - SECONDS)); }
part() {  # part NAME SECONDS COMMAND...: run unless skipped or out of time, and log how long it took
  local name=$1 want=$2; shift 2
  if [[ "$skip" == *" $name "* ]]; then echo "$name: skipped (SKIP)" >> "$out/times.txt"; return; fi
  if [ "$(left)" -lt "$want" ]; then echo "$name: skipped, $(left) s left of $budget" >> "$out/times.txt"; return; fi
  local t=$SECONDS
  "$@" > "$P/$name.log" 2>&1
  echo "$name: exit $? in $((SECONDS - t)) s" >> "$out/times.txt"
}
part harness 20 env OUT="$P/hp" LIMIT_S=40 bash bench/gpu-harness-predict.sh
part model 60 env OUT="$P/mc" LIMIT_S=$(($(left) > 200 ? 200 : $(left) - 20)) bash bench/gpu-model-check.sh
part timeline 15 env OUT="$P/tl" timeout 60 bash bench/gpu-timeline.sh
part sweep 200 env OUT="$P/sw" LIMIT_S=$(($(left) - 80)) SWEEP_S=$(($(left) - 150)) OVERHEAD_SIZES="1 256" bash bench/gpu-sweep.sh
part overhead 40 env OUT="$P/so" LIMIT_S=$(($(left) - 10)) SIZES="1 256" ROUNDS=${OVERHEAD_ROUNDS:-3} bash bench/gpu-sweep-overhead.sh
cp "$P/tl/trace.json" "$out/timeline-trace.json" 2>/dev/null
cat "$P/hp/harness-predict.txt" "$P/mc/summary.txt" "$P/tl/summary.txt" "$P/sw/summary.txt" "$P/so/sweep-overhead.txt" > "$out/summary.txt" 2>/dev/null
tar czf "$out/acceptance.tgz" -C "$out" parts && rm -rf "$P"
cat "$out/gpu.txt" "$out/times.txt" "$out/summary.txt"
