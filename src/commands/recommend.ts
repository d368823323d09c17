// `graphprof recommend`: the capture-size pool with the lowest expected step time within the
// memory and capture-time budgets, compared with the engines' default lists. Phases: parse the
// options once -> read the distribution and --from -> optimise (src/core) -> render.
import { distributionShares, meanBatch, observedDistribution, uniformDistribution, zipfDistribution } from '../core/recommend/distribution.js';
import { engineLogConstants, summarizeEngineLog, type EngineLogSummary } from '../core/recommend/engine-log.js';
import type { BatchDistribution, PoolCostModel } from '../core/recommend/pool.js';
import { curveConstants, fitFromRun, recommend, resolveModel, type DistributionInfo, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { curveStepModel, mergeCurves, type CurveStepModel } from '../core/recommend/step-curve.js';
import { FAKE_RUN_PROBLEM } from '../core/run/check.js';
import { readCurveFile } from '../ingest/curve.js';
import { readEngineLog } from '../ingest/engine-log.js';
import { SCHEMA_VERSION } from '../core/schema.js';
import { EXIT, InputError, UsageError, ValueError } from '../errors.js';
import { readObservedBatches } from '../ingest/distribution.js';
import { readRunResult } from '../ingest/result-json.js';
import type { Io } from '../io.js';
import { renderJson } from '../report/json.js';
import { renderRecommendCsv } from '../report/recommend-csv.js';
import { renderRecommendMarkdown } from '../report/recommend-markdown.js';
import { recommendNotes, renderRecommendTable } from '../report/recommend-table.js';
import type { OutputFormat } from './format-option.js';
import { toolInfo } from '../version.js';
import { htmlPath, writeHtmlReport } from './html-output.js';
import { parseRecommendOptions, type EngineChoice, type RawRecommendOptions, type RecommendOptions } from './recommend-options.js';

function loadDistribution(o: RecommendOptions): { distribution: BatchDistribution; info: DistributionInfo } {
  const B = o.maxBatch;
  let distribution: BatchDistribution;
  let info: Omit<DistributionInfo, 'meanBatch' | 'aboveMaxShare' | 'shares'>;
  if (o.dist.kind === 'uniform') {
    distribution = uniformDistribution(B);
    info = { kind: 'uniform', exponent: null, file: null, samples: null };
  } else if (o.dist.kind === 'zipf') {
    distribution = zipfDistribution(B, o.dist.exponent);
    info = { kind: 'zipf', exponent: o.dist.exponent, file: null, samples: null };
  } else {
    const observed = readObservedBatches(o.dist.path);
    try {
      distribution = observedDistribution(B, observed.counts);
    } catch (err) {
      if (err instanceof ValueError) throw new InputError(o.dist.path, undefined, err.message);
      throw err;
    }
    info = { kind: 'observed', exponent: null, file: o.dist.path, samples: observed.samples };
  }
  return { distribution, info: { ...info, aboveMaxShare: distribution.aboveProbability, meanBatch: meanBatch(distribution), shares: distributionShares(distribution) } };
}

export async function execute(raw: RawRecommendOptions & { html?: string }, io: Io): Promise<number> {
  const options = parseRecommendOptions(raw);
  const html = htmlPath(raw);
  const { distribution, info } = loadDistribution(options);

  const fallback = resolveModel(options.modelFlags, null).model;
  let fitted: ReturnType<typeof fitFromRun> | null = null;
  if (options.fromPath) {
    try {
      // the one reader of run.json: command, schema major, batch list; a fake run measures nothing
      const { run, fake } = readRunResult(options.fromPath, '--from');
      if (fake) throw new InputError(options.fromPath, undefined, FAKE_RUN_PROBLEM);
      fitted = fitFromRun(run, fallback);
    } catch (err) {
      if (err instanceof ValueError) throw new InputError(options.fromPath, undefined, err.message);
      throw err;
    }
  }
  const curve = options.curvePaths.length ? loadCurves(options.curvePaths, options.maxBatch) : null;
  const logs = options.engineLogPaths.length ? loadEngineLogs(options.engineLogPaths) : null;
  const measured: { source: 'curve' | 'engine-log'; values: Partial<PoolCostModel> }[] = [];
  if (curve) measured.push({ source: 'curve', values: curve.values });
  if (logs) measured.push({ source: 'engine-log', values: logs.values });
  const { model, sources } = resolveModel(options.modelFlags, fitted?.values ?? null, measured);

  const outcome = recommend({
    distribution,
    distributionInfo: info,
    model,
    sources,
    fromFile: options.fromPath,
    fitNotes: fitted?.notes ?? [],
    measured: fitted?.measured ?? [],
    budgets: { memoryBytes: options.memBudgetBytes, captureNs: options.captureBudgetNs, maxGraphs: options.maxGraphs },
    sharedPool: options.sharedPool,
    allowEagerTail: options.allowEagerTail,
    within: options.within,
    curve: curve ? { model: curve.model, files: [...options.curvePaths], notes: curve.notes } : null,
    fitRawStepSlopeNs: fitted?.rawStepSlopeNs ?? null,
    engineLogs: logs ? { summaries: logs.summaries, notes: logs.notes } : null,
  });
  if (!outcome.ok) throw new UsageError(outcome.message);

  const result: RecommendResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: toolInfo(),
    argv: io.argv,
    createdAt: new Date().toISOString(),
    ...outcome.result,
  };
  await writeHtmlReport(html, result);
  const engines = selectedEngines(options.engine);
  const format: OutputFormat = options.format;
  io.out(
    format === 'json'
      ? renderJson(result)
      : format === 'markdown'
        ? renderRecommendMarkdown(result, engines)
        : format === 'csv'
          ? renderRecommendCsv(result, engines)
          : renderRecommendTable(result, engines, io.color),
  );
  // Notes are not the result: stderr (JSON holds them).
  if (format !== 'json') for (const line of recommendNotes(result)) io.err(line);
  return EXIT.ok;
}

/** --curve files: read, merged (medians), made monotone and interpolated (src/core/step-curve.ts). */
function loadCurves(paths: readonly string[], maxBatch: number): { model: CurveStepModel; values: Partial<PoolCostModel>; notes: string[] } {
  const files = paths.map(readCurveFile);
  const notes: string[] = [];
  for (const f of files) {
    if (!f.complete) notes.push(`${f.file}: the sweep did not finish (complete: false); its measured sizes are used`);
    for (const x of f.failed) notes.push(`${f.file}: batch ${x.batch} failed in the sweep (exit ${x.exitCode}${x.error ? `: ${x.error}` : ''}) and is not used`);
  }
  const steps = mergeCurves(files.map((f) => f.points));
  if (steps.every((s) => s.graphLaunchesPerStep === 0)) {
    notes.push('the curve\'s program launched no CUDA graph in its steps: T(s) is its eager step time, above what a graph replay takes');
  }
  const model = curveStepModel(steps, maxBatch);
  const fitted = curveConstants(model, steps);
  return { model, values: fitted.values, notes: [...notes, ...fitted.notes] };
}

/** --engine-log files: what each says about capture, and the per-graph constants they give. */
function loadEngineLogs(paths: readonly string[]): { summaries: EngineLogSummary[]; values: Partial<PoolCostModel>; notes: string[] } {
  const summaries = paths.map((p) => summarizeEngineLog(readEngineLog(p)));
  const notes: string[] = [];
  for (const s of summaries) {
    const what = `${s.engine ?? 'engine'}${s.version ? ` ${s.version}` : ''}`;
    if (s.unread.length) notes.push(`${s.file} (${what}): could not read ${s.unread.join('; ')}`);
  }
  const fitted = engineLogConstants(summaries);
  return { summaries, values: fitted.values, notes: [...notes, ...fitted.notes] };
}

export function selectedEngines(choice: EngineChoice): Engine[] {
  return choice === 'all' ? ['vllm', 'sglang', 'trtllm'] : [choice];
}
