// Builds the native pieces with cmake-js and writes graphprof-build.json beside them, which says how
// the build was made and what it needs (platform, glibc, CUDA version); the loader, `doctor` and the
// install script read it (src/harness/build-manifest.ts).
//
//   node scripts/build-native.mjs compile|rebuild [cmake-js flags]   a build from source (build/Release)
//   node scripts/build-native.mjs stub                                the CPU-only stub (build-stub/Release)
//   node scripts/build-native.mjs pack                                what `npm pack` ships: the CUDA
//       addon and both tracer libraries (marked prebuilt) and the stub; fails when any is missing
//   node scripts/build-native.mjs prepare                             npm's prepare: `pack` under
//       `npm pack` / `npm publish`, else a build from source that may be skipped (no cmake)
//
// --optional: where cmake is missing, warn and exit 0 instead of failing (a build that starts and
// fails always fails). Only a development checkout's `npm ci` (prepare) is optional: there `analyze`,
// `recommend` and `compare` work without the addon. Everything a user runs by hand fails loudly.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const RELEASE = join(root, 'build', 'Release');
const STUB = join(root, 'build-stub', 'Release');
const MANIFEST = 'graphprof-build.json';

let [mode = 'compile', ...rest] = process.argv.slice(2);
let optional = rest.includes('--optional');
const flags = rest.filter((a) => a !== '--optional');

function fail(message, skippable = false) {
  if (optional && skippable) {
    console.warn(`graphprof: ${message}; continuing without it (\`npm run build:native\` builds it later)`);
    process.exit(0);
  }
  console.error(`graphprof: ${message}`);
  process.exit(1);
}

function cmakeJs() {
  let pkg;
  try {
    pkg = require.resolve('cmake-js/package.json');
  } catch {
    fail('cmake-js is not installed (it is a dependency of graphprof: run `npm install` in the package folder)');
  }
  const bin = JSON.parse(readFileSync(pkg, 'utf8')).bin;
  return join(dirname(pkg), typeof bin === 'string' ? bin : bin['cmake-js']);
}

function haveCmake() {
  const r = spawnSync('cmake', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function runCmakeJs(args, env = {}) {
  const r = spawnSync(process.execPath, [cmakeJs(), ...args, '--log-level', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

/** The newest GLIBC_x.y symbol version the files need (objdump -T), else this machine's glibc. */
function glibcNeeded(files) {
  let newest = null;
  for (const f of files) {
    const r = spawnSync('objdump', ['-T', f], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error || r.status !== 0) return process.report?.getReport().header.glibcVersionRuntime ?? null;
    for (const m of r.stdout.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)) {
      if (newest === null || cmp(m[1], newest) > 0) newest = m[1];
    }
  }
  return newest;
}

function cmp(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** What the addon in `dir` says about itself, asked of a child process (the addon stays out of this one). */
function buildInfoOf(dir) {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(require(process.argv[1]).buildInfo()))', join(dir, 'graphprof.node')], { encoding: 'utf8' });
  if (r.status !== 0) fail(`the addon just built does not load: ${(r.stderr || '').split('\n').find((l) => l.trim()) ?? `exit ${r.status}`}`);
  return JSON.parse(r.stdout);
}

function writeManifest(dir, origin) {
  const info = buildInfoOf(dir);
  const host = existsSync(join(dir, 'libgraphprof_host.so'));
  const cupti = existsSync(join(dir, 'libgraphprof_inject.so')) && existsSync(join(dir, 'graphprof_inject.json'));
  const files = ['graphprof.node', ...(host ? ['libgraphprof_host.so'] : []), ...(cupti ? ['libgraphprof_inject.so'] : [])].map((f) => join(dir, f));
  const m = /^(\d+)\.(\d+)/.exec(info.toolkit ?? '');
  const manifest = {
    origin,
    platform: process.platform,
    arch: process.arch,
    glibc: process.platform === 'linux' ? glibcNeeded(files) : null,
    cuda: info.cuda === true,
    toolkit: info.cuda ? info.toolkit : null,
    cudaVersion: info.cuda && m ? Number(m[1]) * 1000 + Number(m[2]) * 10 : null,
    tracers: { host, cupti },
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function buildFromSource(cmd, origin, env = {}) {
  if (!haveCmake()) fail('cmake not found: install cmake (and the CUDA toolkit for nvcc), then run `npm run build:native`', true);
  if (!runCmakeJs([cmd, ...flags], env)) fail(`the native build failed (cmake-js ${cmd}; the lines above say why)`);
  const manifest = writeManifest(RELEASE, origin);
  console.log(`graphprof: native build ${manifest.cuda ? `with CUDA ${manifest.toolkit}` : 'WITHOUT CUDA (no nvcc found)'}, tracers: host ${manifest.tracers.host ? 'yes' : 'no'}, CUPTI ${manifest.tracers.cupti ? 'yes' : 'no'} -> ${RELEASE}`);
  return manifest;
}

function buildStub() {
  if (!haveCmake()) fail('cmake not found: the CPU-only stub cannot be built');
  // The stub is built without CUDA on purpose: CI's GRAPHPROF_REQUIRE_CUDA=1 is not for it.
  const ok = runCmakeJs(['compile', '--out', 'build-stub', '--CDGRAPHPROF_CUDA=OFF', '--CDGRAPHPROF_TRACE=OFF'], { GRAPHPROF_REQUIRE_CUDA: '0' });
  if (!ok || !existsSync(join(STUB, 'graphprof.node'))) fail('the CPU-only stub build failed (the lines above say why)');
  const manifest = writeManifest(STUB, 'stub');
  if (manifest.cuda) fail('the stub build came out with CUDA; it must not');
}

/** The package's native files, all of them, or a loud failure naming what is missing. */
function buildForPack() {
  optional = false;
  const manifest = buildFromSource('compile', 'prebuilt', { GRAPHPROF_REQUIRE_CUDA: '1' });
  const missing = ['graphprof.node', 'libgraphprof_host.so', 'libgraphprof_inject.so', 'graphprof_inject.json'].filter((f) => !existsSync(join(RELEASE, f)));
  if (!manifest.cuda) missing.push('graphprof.node with CUDA');
  if (missing.length > 0) {
    fail(`npm pack: the package would ship without ${missing.join(', ')} (in ${RELEASE}); packing needs cmake, the CUDA toolkit (nvcc) and its CUPTI`);
  }
  buildStub();
  console.log(`graphprof: packing the prebuilt binaries (CUDA ${manifest.toolkit}, ${manifest.platform}-${manifest.arch}, glibc >= ${manifest.glibc}) and the CPU-only stub`);
}

switch (mode) {
  case 'compile':
  case 'rebuild':
    buildFromSource(mode, 'source');
    break;
  case 'stub':
    buildStub();
    break;
  case 'pack':
    buildForPack();
    break;
  case 'prepare':
    if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') buildForPack();
    else {
      optional = optional || process.env.GRAPHPROF_REQUIRE_CUDA !== '1';
      buildFromSource('compile', 'source');
    }
    break;
  default:
    console.error(`graphprof: build-native.mjs: unknown mode "${mode}" (compile, rebuild, stub, pack, prepare)`);
    process.exit(2);
}
