# Sourced by bench/gpu-model-calib.sh and bench/gpu-model-check.sh, the one-call device scripts:
# their shared start. The caller sets `out` (where summary and archive go) and `limit` (seconds
# after which the remaining runs are skipped, so the summary still comes back within the call).
# Sets work, py, dry and x (echo a command on stderr, then run it unless DRY=1 or past the limit),
# and writes the GPU's name, driver and the UTC time to $work/gpu.txt.
work=$out/work
mkdir -p "$work"
py=python3
dry=${DRY:-0}
x() { echo "+ $*" >&2; [ "$dry" = 1 ] && return 0; [ "$SECONDS" -lt "$limit" ] || { echo "skipped: past ${limit}s" >&2; return 0; }; "$@"; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$work/gpu.txt" 2>&1
date -u +%FT%TZ >> "$work/gpu.txt"
