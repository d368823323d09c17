// `graphprof recommend`: the capture-size pool with the lowest expected step time within the
// memory and capture-time budgets, compared with the engines' default lists. Phases: parse the
// options once -> read the distribution and --from -> optimise (src/core) -> render.
import { distributionShares, meanBatch, observedDistribution, uniformDistribution, zipfDistribution } from '../core/recommend/distribution.js';
import type { BatchDistribution } from '../core/recommend/pool.js';
import { fitFromRun, recommend, resolveModel, type DistributionInfo, type Engine, type RecommendResult } from '../core/recommend/recommend.js';
import { FAKE_RUN_PROBLEM } from '../core/run/check.js';
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
  const { model, sources } = resolveModel(options.modelFlags, fitted?.values ?? null);

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

export function selectedEngines(choice: EngineChoice): Engine[] {
  return choice === 'all' ? ['vllm', 'sglang', 'trtllm'] : [choice];
}
