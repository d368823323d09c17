#!/usr/bin/env bash
# recommend --dist with 10 million rows: wall time and peak RSS (/usr/bin/time -v), for the file of
# one batch size per row and the file of "batch,count" rows. Usage:
#   bench/dist-stream.sh [graphprof-root]   (default: this checkout; give another to compare)
# Figures of record: bench/results/dist-stream.txt (CPU only, no GPU involved).
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
rows=${ROWS:-10000000}
dir=${TMPDIR:-/tmp}/graphprof-dist-bench
mkdir -p "$dir"
# deterministic contents: a linear congruential generator over batch sizes 1..512
if [ ! -s "$dir/batches-$rows.csv" ]; then
  awk -v n="$rows" 'BEGIN { x = 12345; print "batch"; for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; print 1 + int(x / 2147483648 * 512) } }' > "$dir/batches-$rows.csv"
fi
if [ ! -s "$dir/counts-$rows.csv" ]; then
  awk -v n="$rows" 'BEGIN { x = 777; print "batch,count"; for (i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; print 1 + (i % 512) "," int(x / 2147483648 * 1000) } }' > "$dir/counts-$rows.csv"
fi
for f in "$dir/batches-$rows.csv" "$dir/counts-$rows.csv"; do
  /usr/bin/time -v node "$root/bin/graphprof.js" recommend --max-batch 512 --dist "$f" --json > "$dir/out.json" 2> "$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
  wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | sed 's/.*: //')
  rss=$(grep 'Maximum resident set size' "$dir/time.txt" | sed 's/.*: //')
  samples=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.distribution.samples)' "$dir/out.json")
  echo "$(basename "$f") $(du -h "$f" | cut -f1): wall ${wall}, peak RSS $((rss / 1024)) MiB, samples ${samples}"
done
