// npm's install step for an installed package: keep the prebuilt binary where it fits this machine,
// else build from source with the user's CUDA toolkit, else leave the CPU-only stub to be loaded.
// The same checks as the loader and `doctor` (dist/harness/build-manifest.js). Never fails the
// install: `analyze`, `recommend` and `compare` need no addon, and `graphprof doctor` says what the
// addon situation is and what to do.
//
// GRAPHPROF_BUILD_FROM_SOURCE=1 (or npm's --build-from-source) builds from source even where the
// prebuilt fits; GRAPHPROF_SKIP_BUILD=1 never builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const release = join(root, 'build', 'Release');
const say = (text) => console.warn(`graphprof: ${text}`);

let manifest = null;
try {
  manifest = JSON.parse(readFileSync(join(release, 'graphprof-build.json'), 'utf8'));
} catch {
  // no prebuilt binary: a development checkout (npm's prepare builds there) or a package packed by hand
}
if (manifest?.origin !== 'prebuilt') process.exit(0);

const { driverMismatch, hostPlatform, platformMismatch } = await import('../dist/harness/build-manifest.js');

function driverCudaVersion() {
  // The prebuilt addon loads without a driver; its probe asks the driver for its CUDA version.
  try {
    return createRequire(import.meta.url)(join(release, 'graphprof.node')).probe().driverVersion;
  } catch {
    return 0;
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

function toolkit() {
  const nvcc =
    findOnPath('nvcc') ??
    [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter(Boolean).map((r) => join(r, 'bin', 'nvcc')).find((p) => existsSync(p)) ??
    null;
  const cmake = findOnPath('cmake');
  return { nvcc, cmake };
}

const force = process.env.GRAPHPROF_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';
const platform = platformMismatch(manifest, hostPlatform());
const driver = platform === null ? driverMismatch(manifest, driverCudaVersion()) : null;
if (!force && platform === null && driver === null) {
  say(`using the prebuilt binary (CUDA ${manifest.toolkit}, ${manifest.platform}-${manifest.arch}, glibc >= ${manifest.glibc})`);
  process.exit(0);
}

const why = force ? 'a build from source was asked for' : `the prebuilt binary does not fit: ${platform ?? driver}`;
const { nvcc, cmake } = toolkit();
if (process.env.GRAPHPROF_SKIP_BUILD === '1' || !nvcc || !cmake) {
  const missing = process.env.GRAPHPROF_SKIP_BUILD === '1' ? 'GRAPHPROF_SKIP_BUILD=1' : [!cmake && 'cmake', !nvcc && 'nvcc (the CUDA toolkit)'].filter(Boolean).join(' and ') + ' not found';
  // What the loader will then use: it passes over a build for another platform or glibc (the stub
  // is loaded), not one that only the driver refuses (run then names the driver and the fix).
  const outcome =
    platform !== null
      ? 'the CPU-only stub will be used: `graphprof run` cannot measure; analyze, recommend and compare work'
      : driver !== null
        ? '`graphprof run` will exit 3 until the driver is upgraded or graphprof is built with a matching toolkit'
        : 'the prebuilt binary stays in use';
  say(`${why}; no build from source (${missing}), so ${outcome}. \`graphprof doctor\` says more; \`npm run build:native\` in ${root} builds later.`);
  process.exit(0);
}

say(`${why}; building from source with ${nvcc} (a few minutes)`);
const env = { ...process.env, PATH: [dirname(nvcc), process.env.PATH].filter(Boolean).join(delimiter), GRAPHPROF_REQUIRE_CUDA: '1' };
const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), 'rebuild'], { cwd: root, stdio: 'inherit', env });
if (r.status !== 0) {
  say(`the build from source failed (the lines above say why); \`graphprof doctor\` says which addon is in use; \`npm run build:native\` in ${root} retries`);
}
process.exit(0);
