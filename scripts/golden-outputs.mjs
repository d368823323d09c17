#!/usr/bin/env node
// Runs run (fake harness), analyze, recommend and compare on the fixtures, as a user does, and
// writes each case's exit code, stdout and stderr to one file per case in the folder given
// (default: golden/). Timestamps and temporary paths are masked, so two trees that behave alike
// give identical folders: `node scripts/golden-outputs.mjs /tmp/a && <change> && node
// scripts/golden-outputs.mjs /tmp/b && diff -r /tmp/a /tmp/b` shows what a refactor changed.
// Needs the built CLI (npm run build:ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? 'golden');
const tmp = mkdtempSync(join(tmpdir(), 'graphprof-golden-'));
const fake = { GRAPHPROF_FAKE_HARNESS: '1' };
const nsys = (f) => `fixtures/nsys/${f}`;
const cmp = (f) => `fixtures/compare/${f}`;
const real = (f) => `fixtures/compare/real/${f}.json`;

/** [name, argv, env]; a case named *.file also records the file its -o wrote. */
const cases = [
  // run, fake harness
  ['run-default-json', ['run', '--json'], fake],
  ['run-default-table', ['run'], fake],
  ['run-memcpys-json', ['run', '--kernels', '100', '--memcpys', '10', '--batch-sizes', '2,4', '--iterations', '30', '--json'], fake],
  ['run-syncs-empty-table', ['run', '--kernels', '100', '--kernel', 'empty', '--syncs', '4', '--batch-sizes', '1,8', '--iterations', '20'], fake],
  ['run-copy-json', ['run', '--kernel', 'copy', '--bytes-per-seq', '1GiB', '--batch-sizes', '1,64', '--json'], fake],
  ['run-overhead-json', ['run', '--kernels', '50', '--host-overhead-us', '10', '--batch-sizes', '1,4', '--iterations', '10', '--json'], fake],
  ['run-fail-at.file', ['run', '--kernels', '50', '--batch-sizes', '1,2,4,8', '--iterations', '10', '-o', '@TMP/fail.json'], { ...fake, GRAPHPROF_FAKE_FAIL_AT: '4' }],
  ['run-bad-checksum-json', ['run', '--kernels', '20', '--batch-sizes', '1,2,4', '--iterations', '5', '--json'], { ...fake, GRAPHPROF_FAKE_BAD_CHECKSUM: '2' }],
  ['run-bad-kernel', ['run', '--kernel', 'gemm'], fake],
  ['run-baseline-same-json', ['run', '--kernels', '100', '--batch-sizes', '1,8', '--iterations', '20', '--json', '--baseline', '@TMP/base.json'], fake, ['run', '--kernels', '100', '--batch-sizes', '1,8', '--iterations', '20', '-o', '@TMP/base.json']],
  ['run-baseline-more-table', ['run', '--kernels', '120', '--batch-sizes', '1,8', '--iterations', '20', '--baseline', '@TMP/base.json', '--max-regression', '5%,graph.capture=50%'], fake],
  // analyze
  ['analyze-decode-column-json', ['analyze', nsys('decode-token-published_column.txt'), '--steps', '1', '--target-latency', '30ms', '--json']],
  ['analyze-decode-csv-json', ['analyze', nsys('decode-token-published_cuda_api_sum.csv'), '--steps', '1', '--target-latency', '30ms', '--json']],
  ['analyze-decode-table', ['analyze', nsys('decode-token-published_column.txt'), '--target-latency', '30ms']],
  ['analyze-fail-above', ['analyze', nsys('decode-token-published_cuda_api_sum.csv'), '--target-latency', '30ms', '--fail-above', '30%']],
  ['analyze-cs336-json', ['analyze', nsys('cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt'), '--json']],
  ['analyze-cs336-table', ['analyze', nsys('cs336-lm2.7b-eager_stdout_nsys2024.6.2.txt')]],
  ['analyze-cupy-json', ['analyze', nsys('cupy-jacobi_cudaapisum-gpukernsum_nsys2022.4.2.txt'), '--json']],
  ['analyze-cutlass-json', ['analyze', nsys('cutlass-gemm_profile-stats_progressbars.log'), '--json']],
  ['analyze-paddle-json', ['analyze', nsys('paddle-gcn_legacy-qdrep-era_stats.txt'), '--json']],
  ['analyze-bonsai-json', ['analyze', nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'), nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'), '--steps', '512', '--json']],
  ['analyze-bonsai-table', ['analyze', nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_api_sum.csv'), nsys('bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv'), '--steps', '512']],
  ['analyze-minivllm-json', ['analyze', nsys('mini-vllm-cpp-gpt2-eager_cuda_api_sum.csv'), '--json']],
  ['analyze-zisk-json', ['analyze', nsys('zisk-zorch-prover-trimmed_cuda_api_trace.csv'), nsys('zisk-zorch-prover-trimmed_cuda_gpu_trace.csv'), nsys('zisk-zorch-prover-trimmed_nvtx_pushpop_trace.csv'), '--json']],
  ['analyze-zisk-table', ['analyze', nsys('zisk-zorch-prover-trimmed_cuda_api_trace.csv'), nsys('zisk-zorch-prover-trimmed_cuda_gpu_trace.csv'), nsys('zisk-zorch-prover-trimmed_nvtx_pushpop_trace.csv')]],
  ['analyze-zisk-parallel-json', ['analyze', nsys('zisk-zorch-prover-trimmed_cuda_api_trace.csv'), nsys('zisk-zorch-prover-trimmed_cuda_gpu_trace.csv'), '--json'], { GRAPHPROF_PARALLEL_MIN_BYTES: '1' }],
  ['analyze-vectoradd-json', ['analyze', nsys('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md'), '--json']],
  ['analyze-vectoradd-table', ['analyze', nsys('nsight-deep-dive-vectoradd_readme-two-runs_nsys2024.md')]],
  ['analyze-folder-json', ['analyze', 'fixtures/nsys', '--json']],
  ['analyze-calibration-json', ['analyze', nsys('decode-token-published_cuda_api_sum.csv'), '--target-latency', '30ms', '--calibration', real('h200-run-a'), '--json']],
  ['analyze-baseline-json', ['analyze', 'fixtures/compare/nsys/base_cuda_api_sum.csv', '--steps', '1', '--target-latency', '30ms', '--json', '--baseline', cmp('analyze-baseline.json')]],
  ['analyze-baseline-more-table', ['analyze', 'fixtures/compare/nsys/more-launches_cuda_api_sum.csv', '--steps', '1', '--target-latency', '30ms', '--baseline', cmp('analyze-baseline.json'), '--max-regression', '20%,launches.perStep=0']],
  ['analyze-baseline-run', ['analyze', 'fixtures/compare/nsys/base_cuda_api_sum.csv', '--baseline', cmp('run-baseline.json')]],
  ['analyze-bad-nonnumeric', ['analyze', 'fixtures/bad/non-numeric_cuda_api_sum.csv']],
  ['analyze-bad-truncated', ['analyze', 'fixtures/bad/truncated-row_cuda_api_sum.csv']],
  ['analyze-bad-negative', ['analyze', 'fixtures/bad/negative_cuda_api_sum.csv']],
  ['analyze-bad-empty', ['analyze', 'fixtures/bad/empty.csv']],
  ['analyze-bad-sqlite', ['analyze', 'fixtures/bad/binary.sqlite']],
  ['analyze-bad-nothing', ['analyze', 'fixtures/bad/nothing-usable']],
  ['analyze-bad-osrt', ['analyze', 'fixtures/bad/osrt-only_osrt_sum.csv']],
  ['analyze-trace-records-json', ['analyze', 'fixtures/trace/processes', '--json']],
  // recommend
  ['recommend-default-json', ['recommend', '--json']],
  ['recommend-256-table', ['recommend', '--max-batch', '256', '--mem-budget', '500MB']],
  ['recommend-zipf-json', ['recommend', '--max-batch', '512', '--mem-budget', '1GB', '--dist', 'zipf:1.2', '--engine', 'vllm', '--json']],
  ['recommend-from-json', ['recommend', '--max-batch', '64', '--mem-budget', '60MiB', '--capture-budget', '3s', '--from', 'fixtures/recommend/run-linear.json', '--eager-penalty', '2ms', '--json']],
  ['recommend-from-table', ['recommend', '--max-batch', '64', '--mem-budget', '60MiB', '--capture-budget', '3s', '--from', 'fixtures/recommend/run-linear.json', '--eager-penalty', '2ms']],
  ['recommend-dist-csv-json', ['recommend', '--max-batch', '16', '--dist', 'fixtures/recommend/batches.csv', '--mem-budget', '1GB', '--json']],
  ['recommend-dist-counts-json', ['recommend', '--max-batch', '16', '--dist', 'fixtures/recommend/batch-counts.csv', '--json']],
  ['recommend-dist-json-json', ['recommend', '--max-batch', '16', '--dist', 'fixtures/recommend/batches.json', '--json']],
  ['recommend-max-graphs-json', ['recommend', '--max-batch', '256', '--max-graphs', '5', '--json']],
  ['recommend-within-json', ['recommend', '--max-batch', '256', '--mem-budget', '500MB', '--within', '2%', '--json']],
  ['recommend-tail-json', ['recommend', '--max-batch', '256', '--mem-budget', '150MB', '--dist', 'zipf:1.5', '--allow-eager-tail', '--json']],
  ['recommend-own-pool-json', ['recommend', '--max-batch', '64', '--mem-budget', '500MB', '--no-shared-pool', '--json']],
  ['recommend-8192-json', ['recommend', '--max-batch', '8192', '--mem-budget', '9GiB', '--json']],
  ['recommend-real-from-json', ['recommend', '--max-batch', '32', '--from', real('h200-run-a'), '--json']],
  ['recommend-real-from-table', ['recommend', '--max-batch', '32', '--from', real('h200-run-a')]],
  ['recommend-from-fake-table', ['recommend', '--max-batch', '16', '--from', cmp('run-fake.json')]],
  ['recommend-from-incomplete', ['recommend', '--max-batch', '16', '--from', cmp('run-incomplete.json')]],
  ['recommend-from-schema2', ['recommend', '--max-batch', '16', '--from', cmp('run-schema-2.json')]],
  ['recommend-from-analyze', ['recommend', '--max-batch', '16', '--from', cmp('analyze-baseline.json')]],
  ['recommend-bad-within', ['recommend', '--within', 'abc']],
  ['recommend-bad-max-graphs', ['recommend', '--max-graphs', '0']],
  // compare
  ['compare-equal-json', ['compare', cmp('run-baseline.json'), cmp('run-equal.json'), '--json']],
  ['compare-equal-table', ['compare', cmp('run-baseline.json'), cmp('run-equal.json')]],
  ['compare-slower-json', ['compare', cmp('run-baseline.json'), cmp('run-slower.json'), '--max-regression', '5%', '--json']],
  ['compare-slower-table', ['compare', cmp('run-baseline.json'), cmp('run-slower.json'), '--max-regression', '5%']],
  ['compare-slower-md', ['compare', cmp('run-baseline.json'), cmp('run-slower.json'), '--format', 'markdown']],
  ['compare-slower-junit.file', ['compare', cmp('run-baseline.json'), cmp('run-slower.json'), '--junit', '@TMP/junit.xml']],
  ['compare-faster-json', ['compare', cmp('run-baseline.json'), cmp('run-faster.json'), '--json']],
  ['compare-analyze-json', ['compare', cmp('analyze-baseline.json'), cmp('analyze-more-launches.json'), '--json', '--max-regression', 'launches.perStep=0']],
  ['compare-analyze-pp-table', ['compare', cmp('analyze-baseline.json'), cmp('analyze-more-launches.json'), '--max-regression', '50%,launches.perStep=200,overheadShare=2pp']],
  ['compare-analyze-pp-json', ['compare', cmp('analyze-baseline.json'), cmp('analyze-more-launches.json'), '--max-regression', '50%,launches.perStep=200,overheadShare=2pp', '--json']],
  ['compare-incomplete-json', ['compare', cmp('run-baseline.json'), cmp('run-incomplete.json'), '--json']],
  ['compare-memory-json', ['compare', cmp('run-baseline.json'), cmp('run-memory.json'), '--max-regression', 'graph.memory@b32=4MiB', '--json']],
  ['compare-other-gpu-json', ['compare', cmp('run-baseline.json'), cmp('run-other-gpu.json'), '--json']],
  ['compare-other-gpu-strict', ['compare', cmp('run-baseline.json'), cmp('run-other-gpu.json'), '--strict-env']],
  ['compare-fake-json', ['compare', cmp('run-fake.json'), cmp('run-baseline.json'), '--json']],
  ['compare-fake-strict', ['compare', cmp('run-baseline.json'), cmp('run-fake.json'), '--strict-env']],
  ['compare-level-json', ['compare', cmp('run-baseline.json'), cmp('run-equal.json'), '--level', '99%', '--json']],
  ['compare-schema2', ['compare', cmp('run-baseline.json'), cmp('run-schema-2.json')]],
  ['compare-broken', ['compare', cmp('run-baseline.json'), cmp('broken.json')]],
  ['compare-mixed', ['compare', cmp('run-baseline.json'), cmp('analyze-baseline.json'), cmp('run-equal.json')]],
  ['compare-json-markdown-clash', ['compare', cmp('analyze-baseline.json'), cmp('analyze-more-launches.json'), '--json', '--format', 'markdown']],
  ['compare-real-table', ['compare', real('h200-run-a'), real('h200-run-b')]],
  ['compare-real-json', ['compare', real('h200-run-a'), real('h200-run-b'), '--json']],
  ['compare-real-five-json', ['compare', real('h200-run-a'), real('h200-sim-1'), real('h200-sim-2'), real('h200-sim-3'), real('h200-sim-4'), real('h200-run-b-graph-slower'), '--json']],
  ['compare-real-five-table', ['compare', real('h200-run-a'), real('h200-sim-1'), real('h200-sim-2'), real('h200-sim-3'), real('h200-sim-4'), real('h200-run-b')]],
  ['compare-real-md-junit.file', ['compare', real('h200-run-a'), real('h200-sim-1'), real('h200-sim-2'), real('h200-run-b'), '--format', 'markdown', '--junit', '@TMP/junit.xml']],
  ['compare-bad-flag', ['compare', cmp('run-baseline.json'), cmp('run-equal.json'), '--max-regression', 'nonsense=5%']],
  ['compare-one-file', ['compare', cmp('run-baseline.json')]],
  ['compare-update-baseline.file', ['compare', '@TMP/upd.json', cmp('run-faster.json'), '--update-baseline'], {}, null, () => writeFileSync(join(tmp, 'upd.json'), readFileSync(join(root, cmp('run-baseline.json'))))],
  // doctor: plumbing only (no GPU here), so only its exit and stderr are stable
  ['doctor-no-addon', ['doctor'], { GRAPHPROF_ADDON: '/nonexistent/graphprof.node' }],
];

function mask(text) {
  return text
    .replaceAll(tmp, '@TMP')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '@TIME')
    .replace(/"node": "v[\d.]+"/g, '"node": "@NODE"')
    .replace(/node v[\d.]+/g, 'node @NODE');
}

const sub = (args) => args.map((a) => a.replaceAll('@TMP', tmp));
function cli(args, env) {
  return spawnSync(process.execPath, [join(root, 'bin', 'graphprof.js'), ...sub(args)], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', GRAPHPROF_FAKE_HARNESS: undefined, GRAPHPROF_DEBUG: undefined, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, args, env = {}, before, setup] of cases) {
  setup?.();
  if (before) cli(before, env);
  const r = cli(args, env);
  let text = `$ graphprof ${args.join(' ')}\nexit: ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  if (name.endsWith('.file')) {
    const path = args[args.indexOf(args.find((a) => a.startsWith('@TMP/')))].replace('@TMP', tmp);
    let body;
    try { body = readFileSync(path, 'utf8'); } catch (e) { body = `(not written: ${e.code})`; }
    text += `\n--- ${args.find((a) => a.startsWith('@TMP/'))}\n${body}`;
  }
  writeFileSync(join(out, `${name}.txt`), mask(text));
}
rmSync(tmp, { recursive: true, force: true });
process.stderr.write(`${cases.length} cases written to ${out}\n`);
