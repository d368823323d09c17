// The command-line program: declarations only. Each action imports its src/commands/<name>.ts on
// demand, so --help and the file-only commands never load the native addon. This is the one exit
// point: commands throw GraphprofError, and only here is one line printed and the code chosen.
import { Command, CommanderError, Option } from 'commander';

import { EXIT, GraphprofError } from './errors.js';
import { printable } from './report/printable.js';
import { clearProgress, watchClosedStreams } from './terminal.js';
import type { Io } from './io.js';
import { ANALYZE_DEFAULTS } from './commands/analyze-options.js';
import { DOCTOR_DEFAULTS } from './commands/doctor-options.js';
import { RECOMMEND_DEFAULTS, modelFlagDefaults } from './commands/recommend-options.js';
import { RUN_DEFAULTS } from './commands/run-options.js';
import { toolVersion } from './version.js';

type Action = (options: Record<string, unknown>, io: Io, args: string[]) => Promise<number>;

/** A repeatable option's values, in order (`--max-regression a --max-regression b`). */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--baseline` and its threshold options, the same on `run` and `analyze` (docs/ci.md). */
function withGateOptions(cmd: Command, name: 'run' | 'analyze'): Command {
  return cmd
    .option('--baseline <file>', `compare the result with this earlier \`${name} --json\` result (as \`graphprof compare\` does, printed on stderr); exit 1 when a gate failed; repeat it for several baseline runs`, collect)
    .option('--max-regression <spec>', 'thresholds for --baseline, as in `graphprof compare` (default: 5%)', collect)
    .option('--config <file>', 'thresholds for --baseline from FILE (default: ./graphprof.config.json when present)')
    .option('--level <confidence>', 'confidence level of the noise test for --baseline (default: 95%)')
    .option('--strict-env', 'with --baseline: exit 2 when the results come from a different GPU, driver, CUDA runtime or host CPU');
}

function withDefault(text: string, value: string): string {
  return `${text} (default: ${value})`;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('graphprof')
    .description('Measure and explain CUDA kernel-launch overhead in LLM inference, and pick CUDA-graph capture sizes.')
    .version(toolVersion(), '-V, --version')
    .option('--no-color', 'no colour in the output (NO_COLOR is honoured too; FORCE_COLOR=1 colours output that is not a terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const act = (load: () => Promise<{ execute: Action }>) =>
    async function (this: Command, ...params: unknown[]) {
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2).flat() as string[];
      const globals = program.opts<{ color: boolean }>();
      const [{ processIo }, { execute }] = await Promise.all([import('./io.js'), load()]);
      const io = processIo(globals.color === false);
      setExit(await execute(cmd.opts(), io, args));
    };

  const d = RUN_DEFAULTS;
  const run = program
    .command('run')
    .description('run the synthetic decode workload through the native CUDA harness, eager and as a CUDA graph, per batch size')
    .option('--kernels <n>', withDefault('kernel launches per decode step', d.kernels))
    .option('--memcpys <n>', withDefault('device-to-device copies per step', d.memcpys))
    .option('--syncs <n>', withDefault('cudaStreamSynchronize calls per step, eager only (a sync cannot be captured)', d.syncs))
    .addOption(new Option('--kernel <kind>', withDefault('kernel kind: spin waits --kernel-us, copy moves batch x --bytes-per-seq, empty does nothing', d.kernel)).choices(['spin', 'copy', 'empty']))
    .option('--kernel-us <us>', withDefault('GPU time of each spin kernel, in microseconds', d.kernelUs))
    .option('--bytes-per-seq <size>', withDefault('bytes each copy kernel reads and writes per sequence', d.bytesPerSeq))
    .option('--memcpy-bytes <size>', withDefault('bytes moved by each device-to-device copy', d.memcpyBytes))
    .option('--host-overhead-us <us>', withDefault("host busy-wait before each kernel launch, modelling a framework's dispatch (PyTorch eager: about 10)", d.hostOverheadUs))
    .option('--batch-sizes <list>', withDefault('batch sizes to capture and measure', d.batchSizes))
    .option('--iterations <n>', withDefault('timed iterations per mode and batch size', d.iterations))
    .option('--warmup <n>', withDefault('untimed warm-up iterations before them', d.warmup))
    .option('--device <index>', withDefault('CUDA device index', d.device))
    .addOption(new Option('--format <format>', 'output on stdout: table, markdown (GitHub tables), csv (base units: ns, bytes, 0..1 shares; docs/usage.md) or json (default: table)').choices(['table', 'markdown', 'csv', 'json']))
    .option('--json', 'alias of --format json (schema: docs/json.md)')
    .option('-o, --output <file>', 'also write the JSON result to FILE, rewritten after each batch size')
    .option('--html <file>', 'also write a self-contained HTML report of the result to FILE (docs/report.md)');
  withGateOptions(run, 'run').action(act(() => import('./commands/run.js') as Promise<{ execute: Action }>));

  program
    .command('doctor')
    .description('what this installation can do: addon, CUDA runtime, driver, devices, and whether `run` works here')
    .option('--device <index>', withDefault('the device `run` would use', DOCTOR_DEFAULTS.device))
    .option('--json', 'print the report as JSON')
    .action(act(() => import('./commands/doctor.js') as Promise<{ execute: Action }>));

  const analyze = program
    .command('analyze')
    .description('read nsys stats reports (CSV, column text, logs, a folder) and say what kernel-launch overhead costs per step and what CUDA graphs would save')
    .argument('<reports...>', 'nsys stats output files or directories')
    .option('--steps <n>', withDefault('decode steps (tokens) the profile covers; figures are divided by it (with --step-range: the range\'s instances)', ANALYZE_DEFAULTS.steps))
    .option('--step-range <name>', 'the NVTX range around each step (nvtx_sum or nvtx_pushpop_trace report): its median duration is the measured eager step, its instances the step count')
    .option('--step-time <duration>', 'the eager step\'s wall time as you measured it, e.g. 18ms (default: --step-range, else estimated and labelled so)')
    .addOption(new Option('--target-latency <duration>', 'old name of --step-time').hideHelp())
    .option('--calibration <run.json>', 'replay model from `graphprof run --json` results: --kernel empty gives the per-node floor, --kernel spin the gap; repeatable (default: measured on an H200)', collect, [] as string[])
    .option('--fail-above <share>', 'exit 1 when the launch overhead share of any profile is above SHARE, e.g. 30%')
    .addOption(new Option('--format <format>', 'output on stdout: table, markdown (GitHub tables), csv (base units: ns, bytes, 0..1 shares; docs/usage.md) or json (default: table)').choices(['table', 'markdown', 'csv', 'json']))
    .option('--json', 'alias of --format json (fields: docs/analyze.md)')
    .option('--html <file>', 'also write a self-contained HTML report of the result to FILE (docs/report.md)');
  withGateOptions(analyze, 'analyze').action(act(() => import('./commands/analyze.js') as Promise<{ execute: Action }>));

  const rd = RECOMMEND_DEFAULTS;
  const md = modelFlagDefaults();
  program
    .command('recommend')
    .description('the CUDA-graph capture sizes with the lowest expected step time within memory and capture-time budgets, beside the engines\' default lists (docs/recommend.md)')
    .option('--max-batch <n>', withDefault('largest batch size served (vLLM max_num_seqs, SGLang cuda_graph_max_bs)', rd.maxBatch))
    .option('--mem-budget <size>', 'graph memory budget, e.g. 500MB, 2GiB (default: no limit)')
    .option('--capture-budget <time>', 'capture time budget, e.g. 20s, 1500ms (default: no limit)')
    .option('--max-graphs <n>', 'capture at most N sizes (default: no limit)')
    .option('--within <pct>', 'take the fewest sizes whose expected step is within PCT of the optimum, e.g. 1% (default: the optimum)')
    .option('--dist <spec>', withDefault('batch-size distribution: uniform, zipf:S, or a file of observed batch sizes (CSV or JSON)', rd.dist))
    .option('--from <run.json>', 'fit the model constants from a `graphprof run --json` result')
    .option('--step-base <time>', withDefault('graph step time at batch 0 (assumed)', md.stepBase))
    .option('--step-per-seq <time>', withDefault('graph step time per sequence (assumed)', md.stepPerSeq))
    .option('--eager-penalty <time>', withDefault('extra time of an eager step over a graph replay (assumed)', md.eagerPenalty))
    .option('--graph-mem <size>', withDefault('memory per captured graph (assumed)', md.graphMem))
    .option('--pool-per-seq <size>', withDefault('graph pool memory per sequence of the largest size (assumed)', md.poolPerSeq))
    .option('--capture-time <time>', withDefault('capture time per graph (assumed)', md.captureTime))
    .option('--capture-per-seq <time>', withDefault('capture time per sequence of each graph', md.capturePerSeq))
    .option('--no-shared-pool', 'each graph has its own memory pool (memory = sum of perGraph + poolPerSeq x size)')
    .option('--allow-eager-tail', 'the largest size may stop short of --max-batch; larger batches run eager')
    .addOption(new Option('--engine <name>', withDefault('which engine snippet to print', rd.engine)).choices(['all', 'vllm', 'sglang', 'trtllm']))
    .addOption(new Option('--format <format>', 'output on stdout: table, markdown (GitHub tables), csv (base units: ns, bytes, 0..1 shares; docs/usage.md) or json (default: table)').choices(['table', 'markdown', 'csv', 'json']))
    .option('--json', 'alias of --format json (fields: docs/recommend.md)')
    .option('--html <file>', 'also write a self-contained HTML report of the result to FILE (docs/report.md)')
    .action(act(() => import('./commands/recommend.js') as Promise<{ execute: Action }>));

  program
    .command('compare')
    .description('compare JSON results of `run` or `analyze` (one or more baseline runs, then the current one) metric by metric against noise-aware thresholds; exit 1 when a gate failed (docs/ci.md)')
    .usage('[options] <baseline>... <current>')
    .argument('<baseline>', 'the baseline result (JSON of `graphprof run --json` or `graphprof analyze --json`)')
    .argument('<current...>', 'the current result, of the same command, always the last file; files between the first and the last are more baseline runs')
    .option('--max-regression <spec>', 'thresholds: a default (5%) and/or NAME=VALUE overrides in %, a unit (2us, 1MB), a count (0) or pp for shares; repeatable or comma-separated (default: 5%)', collect)
    .option('--config <file>', 'read thresholds from FILE (default: ./graphprof.config.json when present)')
    .addOption(new Option('--format <format>', 'output on stdout (default: table)').choices(['table', 'markdown', 'json']))
    .option('--json', 'alias of --format json')
    .option('--junit <file>', 'also write JUnit XML to FILE: one test case per gate')
    .option('--html <file>', 'also write a self-contained HTML report of the result to FILE (docs/report.md)')
    .option('--strict-env', 'exit 2 when the results come from a different GPU, driver, CUDA runtime or host CPU, or from the fake harness')
    .option('--update-baseline', 'when the gate passes, write the current result over the baseline file')
    .option('--level <confidence>', 'confidence level of the noise test for timings (default: 95%)')
    .action(act(() => import('./commands/compare.js') as Promise<{ execute: Action }>));

  program
    .command('trace')
    .description("run any CUDA program under graphprof's tracer and report its kernel launches and API host time (and, with --device-time, GPU time), per step and in total (the report goes to stderr; the program's output passes through)")
    .argument('<command...>', 'the command to trace, after --')
    .usage('[options] -- <command...>')
    .option('--steps <n>', 'divide the totals by N decode steps (default: the step-marker count, else 1)')
    .option('--step-marker <marker>', 'cut the run into steps: nvtx:NAME (each NVTX range NAME) or api:NAME (each call of a CUDA API, e.g. api:cudaStreamSynchronize)')
    .option('--out <prefix>', 'write nsys-compatible CSV reports: with --step-marker the profile inside the steps (PREFIX_cuda_api_sum.csv, PREFIX_cuda_gpu_kern_sum.csv, PREFIX_cuda_gpu_mem_time_sum.csv, as nsys stats --filter-nvtx), the steps in PREFIX_nvtx_sum.csv and the whole run as PREFIX_whole_*; without a marker the whole run as PREFIX_*')
    .option('--json', 'print the report as JSON on stderr instead of the table (among the command\'s own stderr: scripts use -o - or --json-fd)')
    .option('-o, --output <file>', 'also write the JSON result to FILE; - writes it on stdout after the command has exited (docs/trace.md, "Where the output goes")')
    .option('--json-fd <n>', 'also write the JSON result to open file descriptor N, e.g. --json-fd 3 3>report.json (a channel the command cannot write into)')
    .option('--html <file>', 'also write a self-contained HTML report of the result to FILE (docs/report.md)')
    .option('--perfetto <file>', 'write the steps kept by --timeline-steps as Chrome trace-event JSON to FILE (open in ui.perfetto.dev or chrome://tracing; docs/report.md)')
    .option('--cupti <path>', 'libcupti.so, or the folder that holds it (default: the CUDA toolkit, then python3 nvidia/cuda_cupti)')
    .option('--tracer <tracer>', 'host: wrap the driver calls the program makes, no CUPTI (the default: least overhead, API calls and steps only); cupti: CUPTI records, with kernel and memcpy device times')
    .option('--device-time', 'kernel and memcpy device times from CUPTI activity records (implies --tracer cupti; costs about 1.0-1.7 us per launch on an H200)')
    .option('--no-device-time', 'with --tracer cupti: API calls only, no device times')
    .option('--graph-trace <level>', 'with CUPTI: graph: a graph launch is one record, its GPU time one row (the default: less overhead per graph launch); node: one kernel record per graph node')
    .option('--capture-range <range>', 'collect only between cudaProfilerStart and cudaProfilerStop (as nsys --capture-range=cudaProfilerApi): cudaProfilerApi')
    .option('--predict', 'run the command twice, under the host tracer (step wall time at its low overhead) and under CUPTI (GPU time and kernel durations), check that launches per step agree, and predict the graph step (needs --step-marker)')
    .option('--calibration <run.json>', 'replay model from `graphprof run --json` results (--kernel empty: floor; --kernel spin: gap); repeatable (default: measured on an H200)', collect, [] as string[])
    .option('--timeline-steps <n>', 'with a step marker: keep every event of N marked steps per process (a uniform sample), for the report\'s timeline; 0: none (default: 3)')
    .action(act(() => import('./commands/trace.js') as Promise<{ execute: Action }>));

  program
    .command('report')
    .description('one self-contained HTML page of pictures from JSON results saved earlier (run, analyze, trace, recommend, compare; docs/report.md)')
    .argument('<results...>', 'JSON results written by --json or -o')
    .option('-o, --output <file>', 'write the HTML to FILE (default: stdout)')
    .action(act(() => import('./commands/report.js') as Promise<{ execute: Action }>));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  watchClosedStreams();
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  // Bare `graphprof` is a usage error like any other: usage on stderr, exit 2 (stdout stays empty).
  if (argv.length <= 2) {
    process.stderr.write(program.helpInformation());
    return EXIT.badInput;
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    return handleError(err);
  }
}

const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ESPIPE: 'cannot seek in this input (a pipe or FIFO)',
  EROFS: 'read-only file system',
};

function handleError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return EXIT.badInput;
  }
  const debug = process.env.GRAPHPROF_DEBUG === '1';
  // never on the end of a progress line; one line, whatever a file name or cell holds
  clearProgress();
  if (err instanceof GraphprofError) {
    process.stderr.write(`graphprof: ${printable(err.message, true)}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  // A bug, not bad input: still one line, with the way to see more.
  const e = err as NodeJS.ErrnoException;
  // a file-system error that escaped a reader is still about a file the user named: exit 2
  if (typeof e?.code === 'string' && typeof e.path === 'string' && FILE_ERRORS[e.code]) {
    process.stderr.write(`graphprof: ${printable(e.path, true)}: ${FILE_ERRORS[e.code]}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(`graphprof: internal error: ${printable(e?.message ?? String(err), true)} (GRAPHPROF_DEBUG=1 shows the stack)\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 70;
}
