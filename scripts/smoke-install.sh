#!/usr/bin/env bash
# Pack-and-install smoke test: what a user gets from `npm install -g graphprof`, checked from the
# installed copy, never from this checkout. Run alone (`bash scripts/smoke-install.sh`, after
# `npm ci`) or from .ci/run. Needs cmake, nvcc and CUPTI (packing builds the prebuilt binaries)
# and the npm registry (or npm's cache) for graphprof's dependencies; no GPU.
#
#   1. packing with no working cmake fails loudly (no package without native files)
#   2. npm pack; npm install -g --prefix EMPTY the tarball
#   3. from the installed copy: --version, doctor --json, trace -- true, analyze of a fixture,
#      bare `graphprof` (usage, exit 2)
#   4. `npm run build:native` inside the installed package (a build from source, origin "source"),
#      and a build from source at install (GRAPHPROF_BUILD_FROM_SOURCE=1)
#   5. a prebuilt that does not fit (glibc) is passed over for the CPU-only stub, and doctor and
#      run say so
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH="/usr/local/cuda/bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/graphprof-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() { # check NAME CONDITION-EXIT-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1${3:+: $3}"; fi
}
# field FILE EXPR: a value from a JSON file, by a JS expression over `j`
field() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=eval(process.argv[2]); process.stdout.write(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }

version=$(node -p 'require("./package.json").version')

# 1. No cmake: `npm pack` must fail and say why. A stand-in cmake that fails hides the real one.
mkdir -p "$work/nocmake"
printf '#!/bin/sh\nexit 127\n' >"$work/nocmake/cmake"
chmod +x "$work/nocmake/cmake"
PATH="$work/nocmake:$PATH" npm pack --pack-destination "$work" >"$work/nocmake.out" 2>&1
code=$?
check "npm pack without cmake fails" "$([ $code -ne 0 ] && echo 0 || echo 1)" "exit $code"
grep -q 'cmake not found' "$work/nocmake.out"; check "npm pack without cmake says cmake not found" $? "$(tail -3 "$work/nocmake.out")"
check "npm pack without cmake leaves no tarball" "$([ ! -e "$work/graphprof-$version.tgz" ] && echo 0 || echo 1)"

# 2. Pack and install into an empty prefix.
npm pack --pack-destination "$work" >"$work/pack.out" 2>&1 || { tail -30 "$work/pack.out"; echo "FAIL npm pack"; exit 1; }
tarball="$work/graphprof-$version.tgz"
tar tzf "$tarball" >"$work/files.txt"
for f in build/Release/graphprof.node build/Release/libgraphprof_host.so build/Release/libgraphprof_inject.so build/Release/graphprof_inject.json \
  build/Release/graphprof-build.json build-stub/Release/graphprof.node LICENSE docs/usage.md README.md dist/cli.js scripts/install.mjs; do
  grep -qx "package/$f" "$work/files.txt"; check "tarball holds $f" $?
done
prefix="$work/prefix"
npm install -g --prefix "$prefix" --prefer-offline --no-audit --no-fund --foreground-scripts "$tarball" >"$work/install.out" 2>&1 ||
  { tail -30 "$work/install.out"; echo "FAIL npm install"; exit 1; }
gp="$prefix/bin/graphprof"
pkg="$prefix/lib/node_modules/graphprof"
grep -q 'graphprof: using the prebuilt binary' "$work/install.out"; check "install keeps the prebuilt binary" $? "$(grep graphprof: "$work/install.out" | head -3)"

# 3. From the installed copy, in a folder that is not this checkout.
cd "$work"
out=$("$gp" --version); check "--version prints $version" "$([ "$out" = "$version" ] && echo 0 || echo 1)" "got $out"

"$gp" doctor --json >doctor.json 2>doctor.err; code=$?
if [ -e /proc/driver/nvidia/version ]; then want_doctor=0; else want_doctor=3; fi
check "doctor --json exits $want_doctor" "$([ $code -eq $want_doctor ] && echo 0 || echo 1)" "exit $code: $(cat doctor.err)"
check "doctor: the addon in use is the prebuilt one" "$([ "$(field doctor.json j.addon.origin)" = prebuilt ] && echo 0 || echo 1)" "$(field doctor.json j.addon.why)"
check "doctor: the addon is the installed copy's" "$([ "$(field doctor.json j.addon.path)" = "$pkg/build/Release/graphprof.node" ] && echo 0 || echo 1)"
check "doctor: host tracer ready" "$([ "$(field doctor.json j.trace.host.ready)" = true ] && echo 0 || echo 1)" "$(field doctor.json j.trace.host.problem)"
check "doctor: CUPTI tracer ready" "$([ "$(field doctor.json j.trace.cupti.ready)" = true ] && echo 0 || echo 1)" "$(field doctor.json j.trace.cupti.problem)"
if [ $want_doctor -eq 3 ]; then
  field doctor.json j.reason | grep -q '^no NVIDIA driver found'; check "doctor: the reason is the missing driver" $? "$(field doctor.json j.reason)"
fi

"$gp" trace -- true >trace.out 2>trace.err; code=$?
if [ $want_doctor -eq 3 ]; then
  check "trace -- true exits 3" "$([ $code -eq 3 ] && echo 0 || echo 1)" "exit $code"
  grep -q 'no process of the command initialised CUDA' trace.err; check "trace -- true: no process initialised CUDA" $? "$(cat trace.err)"
fi
grep -q 'library was not found' trace.err && nf=1 || nf=0; check "trace -- true: no 'library was not found'" $nf "$(cat trace.err)"

"$gp" analyze "$repo/fixtures/nsys/decode-token-published_cuda_api_sum.csv" --target-latency 30ms --json >analyze.json 2>analyze.err; code=$?
check "analyze of a fixture exits 0" "$([ $code -eq 0 ] && echo 0 || echo 1)" "exit $code: $(cat analyze.err)"
check "analyze: 847 launches per step" "$([ "$(field analyze.json j.profiles[0].perStep.launchCalls)" = 847 ] && echo 0 || echo 1)"
check "analyze: launch overhead 12,690,000 ns per step" "$([ "$(field analyze.json j.profiles[0].perStep.launchNs)" = 12690000 ] && echo 0 || echo 1)"

"$gp" >bare.out 2>bare.err; code=$?
check "bare graphprof exits 2" "$([ $code -eq 2 ] && echo 0 || echo 1)" "exit $code"
check "bare graphprof: usage on stderr, nothing on stdout" "$(grep -q '^Usage: graphprof' bare.err && [ ! -s bare.out ] && echo 0 || echo 1)"

# 4. A build from source inside the installed package (cmake-js and node-addon-api are dependencies).
(cd "$pkg" && npm run build:native >"$work/build.out" 2>&1); code=$?
check "npm run build:native in the installed package" $code "$(tail -5 "$work/build.out")"
"$gp" doctor --json >doctor2.json 2>/dev/null || true
check "doctor: after build:native the addon is built from source" "$([ "$(field doctor2.json j.addon.origin)" = source ] && echo 0 || echo 1)" "$(field doctor2.json j.addon.why)"

# 4b. A build from source at install, as asked (the path taken where the prebuilt does not fit).
prefix2="$work/prefix2"
GRAPHPROF_BUILD_FROM_SOURCE=1 npm install -g --prefix "$prefix2" --prefer-offline --no-audit --no-fund --foreground-scripts "$tarball" >"$work/install2.out" 2>&1
check "install with GRAPHPROF_BUILD_FROM_SOURCE=1" $? "$(tail -5 "$work/install2.out")"
grep -q 'graphprof: a build from source was asked for; building from source with ' "$work/install2.out"; check "install says it builds from source" $? "$(grep graphprof: "$work/install2.out" | head -3)"
"$prefix2/bin/graphprof" doctor --json >doctor4.json 2>/dev/null
check "doctor: after a build at install the addon is built from source, with CUDA" "$([ "$(field doctor4.json j.addon.origin)/$(field doctor4.json j.addon.cuda)" = source/true ] && echo 0 || echo 1)" "$(field doctor4.json j.addon.why)"

# 5. A build that needs a newer glibc than this one is passed over for the stub.
node -e 'const f=process.argv[1]; const m=JSON.parse(require("fs").readFileSync(f,"utf8")); m.glibc="99.0"; require("fs").writeFileSync(f, JSON.stringify(m))' "$pkg/build/Release/graphprof-build.json"
"$gp" doctor --json >doctor3.json 2>/dev/null || true
check "doctor: a build needing glibc 99.0 gives way to the CPU-only stub" "$([ "$(field doctor3.json j.addon.origin)" = stub ] && echo 0 || echo 1)" "$(field doctor3.json j.addon.why)"
field doctor3.json 'j.addon.passedOver.join(" ")' | grep -q 'needs glibc 99.0'; check "doctor: says the build was passed over for glibc" $? "$(field doctor3.json j.addon.passedOver)"
"$gp" run --batch-sizes 1 >run.out 2>run.err; code=$?
check "run with the stub exits 3" "$([ $code -eq 3 ] && echo 0 || echo 1)" "exit $code"
grep -q 'CPU-only stub' run.err; check "run with the stub says so" $? "$(cat run.err)"

echo "smoke-install: $passed passed, $failed failed"
[ $failed -eq 0 ]
