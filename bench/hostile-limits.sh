#!/usr/bin/env bash
# Hostile inputs of issue 13 that are about size: wall time, peak RSS and exit code of
# `graphprof analyze` (CPU only). The 2 GB tails and the 100 MB line are streamed on standard
# input from a generator, so nothing is written to disk; graphprof must stop early.
#   bench/hostile-limits.sh [graphprof-root]     (default: this checkout)
# Figures of record: bench/results/hostile-limits.txt.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
g="node $root/bin/graphprof.js"
dir=${TMPDIR:-/tmp}/graphprof-limits-bench
mkdir -p "$dir"
H='Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name'
R='1.0,1000,10,100,100,90,110,5,cudaLaunchKernel'

measure() { # name, then the command (reads stdin from the caller)
  local name=$1; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$dir/time.txt"
  local rc=$?
  local wall rss err
  wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | sed 's/.*: //')
  rss=$(grep 'Maximum resident set size' "$dir/time.txt" | sed 's/.*: //')
  err=$(grep '^graphprof:' "$dir/time.txt" | head -1 | cut -c1-110)
  echo "$name: exit $rc, wall $wall, peak RSS $((rss / 1024)) MiB${err:+, \"$err\"}"
}

# a valid report, then 2 GB of more rows of the same table
{ echo "$H"; yes "$R" | head -c 2000000000; } | measure "report + 2 GB tail of rows (stdin)" $g analyze -
# a valid report, a blank line, then 2 GB of log text
{ echo "$H"; echo "$R"; echo; yes 'a line of program output, not a table' | head -c 2000000000; } | measure "report + 2 GB tail of text (stdin)" $g analyze -
# one 100 MB line
{ head -c 100000000 /dev/zero | tr '\0' 'x'; echo; } | measure "one 100 MB line (stdin)" $g analyze -
# a cuda_api_sum of 130,000 rows
if [ ! -s "$dir/many_cuda_api_sum.csv" ]; then
  { echo "$H"; echo "$R"; seq 1 129999 | sed 's/^/0.0,1000,10,100,100,90,110,5,cudaApi/'; } > "$dir/many_cuda_api_sum.csv"
fi
measure "cuda_api_sum of 130,000 rows" $g analyze "$dir/many_cuda_api_sum.csv" --json
# a column-text table of 20,004 columns and 40 rows
if [ ! -s "$dir/wide.txt" ]; then
  node -e '
    const extra = 19995, heads = ["Time (%)", "Total Time (ns)", "Num Calls", "Avg (ns)", "Med (ns)", "Min (ns)", "Max (ns)", "StdDev (ns)"];
    for (let i = 0; i < extra; i++) heads.push("X" + i);
    heads.push("Name");
    const w = heads.map((h) => Math.max(h.length, 3)), line = (c) => c.map((x, i) => String(x).padStart(w[i])).join(" ");
    const out = [line(heads), w.map((k) => "-".repeat(k)).join(" ")];
    for (let r = 0; r < 40; r++) { const c = [2.5, 1000 + r, 10, 100, 100, 90, 110, 5]; for (let i = 0; i < extra; i++) c.push(i % 10); c.push(r ? "cudaFoo" + r : "cudaLaunchKernel"); out.push(line(c)); }
    process.stdout.write(out.join("\n") + "\n");' > "$dir/wide.txt"
fi
echo "($(du -h "$dir/wide.txt" | cut -f1) column text)"
measure "20,004 columns x 40 rows" timeout 120 $g analyze "$dir/wide.txt"
