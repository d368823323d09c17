// The HTML report in a real browser: Debian's chromium, driven by playwright-core through the system
// binary (playwright's own browser downloads cannot work offline). Each kind of report, made by the
// CLI from fixtures, must load with no console error and no network request, with scripts off, and
// show each chart with its labelled values. Screenshots go to GRAPHPROF_SCREENSHOTS (docs/img via
// `npm run screenshots`), else to a temporary folder. Without chromium the suite skips, saying so,
// unless GRAPHPROF_REQUIRE_BROWSER=1 (.ci/run sets it after installing the browser).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { graphprof, root } from '../e2e/cli.js';

const browserPath = process.env.GRAPHPROF_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const required = process.env.GRAPHPROF_REQUIRE_BROWSER === '1';
const shots = process.env.GRAPHPROF_SCREENSHOTS ? resolve(root, process.env.GRAPHPROF_SCREENSHOTS) : null;

if (!browserPath && !required) console.warn('test/browser: skipped: no chromium at /usr/bin/chromium (apt-get install -y chromium, or set GRAPHPROF_CHROMIUM)');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const REPORTS = {
  run: ['fixtures/compare/real/h200-run-a.json'],
  analyze: ['fixtures/report/analyze.json'],
  trace: ['fixtures/report/trace.json'],
  recommend: ['fixtures/report/recommend.json'],
  compare: ['fixtures/report/compare.json'],
} as const;
type Kind = keyof typeof REPORTS;

describe.skipIf(!browserPath && !required)('the HTML report in headless chromium', () => {
  let dir: string;
  let context: BrowserContext;
  const pages = new Map<Kind, { page: Page; consoleErrors: string[]; requests: string[]; url: string }>();

  beforeAll(async () => {
    if (!browserPath) throw new Error('GRAPHPROF_REQUIRE_BROWSER=1 but no chromium at /usr/bin/chromium: apt-get install -y chromium');
    dir = mkdtempSync(join(tmpdir(), 'graphprof-browser-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: browserPath,
      headless: true,
      args: FLAGS,
      // readable with scripts off: the page has none, and must not need any
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 1,
      colorScheme: 'light',
      offline: true,
    });
    for (const kind of Object.keys(REPORTS) as Kind[]) {
      const out = join(dir, `${kind}.html`);
      const r = graphprof(['report', ...REPORTS[kind], '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      page.on('request', (q) => requests.push(q.url()));
      const url = pathToFileURL(out).href;
      await page.goto(url, { waitUntil: 'load' });
      pages.set(kind, { page, consoleErrors, requests, url });
    }
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const texts = async (page: Page, sel: string) => page.locator(sel).allTextContents();

  it('every report loads with no console error and no request but its own file', async () => {
    for (const [kind, p] of pages) {
      expect(p.consoleErrors, kind).toEqual([]);
      expect(p.requests, kind).toEqual([p.url]);
    }
  });

  it('run: step time (eager and graph, with bands), launch cost boxes, capture and memory', async () => {
    const { page } = pages.get('run')!;
    const step = page.locator('[data-chart="run-step-time"]');
    expect(await step.locator('circle[data-series="eager step"]').count()).toBe(6);
    expect(await step.locator('circle[data-series="graph step"]').count()).toBe(6);
    expect(await step.locator('path.band').count()).toBe(2);
    expect(await texts(page, '[data-chart="run-step-time"] .axis-label')).toEqual(['step time (ms)', 'batch size']);
    const labels = await texts(page, '[data-chart="run-step-time"] text.value');
    expect(labels).toContain('3.75 ms');
    expect(labels.filter((l) => l === '2.37 ms')).toHaveLength(6);
    expect(await page.locator('[data-chart="run-launch-cost"] [data-box]').count()).toBe(6);
    expect(await texts(page, '[data-chart="run-launch-cost"] text.value')).toContain('3.75 µs');
    expect(await texts(page, '[data-chart="run-capture-memory"] .axis-label')).toEqual(['time, once per size (ms)', 'batch size', 'graph memory (MiB)', 'batch size']);
    expect(await texts(page, '[data-chart="run-capture-memory"] text.value')).toContain('4 MiB');
    expect(await page.locator('[data-chart="run-step-time"] .method').textContent()).toContain('median of 100 timed steps');
  });

  it('analyze: one stacked bar group per profile beside the predicted graph step', async () => {
    const { page } = pages.get('analyze')!;
    const fig = page.locator('[data-chart="step-breakdown"]');
    expect(await fig.locator('rect[data-segment="inside launch calls"]').count()).toBe(2);
    // profile 1 has kernel times (no timestamps: G is their sum), profile 2 none: no GPU bar, no prediction
    expect(await fig.locator('rect[data-segment="GPU time (sum over streams)"]').count()).toBe(1);
    expect(await fig.locator('rect[data-segment="replay cost of the nodes"]').count()).toBe(1);
    expect(await fig.locator('rect[data-segment="graph launch"]').count()).toBe(1);
    const values = await texts(page, '[data-chart="step-breakdown"] text.value');
    expect(values).toEqual(['W 5.55 ms estimated', 'G 3.96 ms measured (sum)', 'P 4.03 ms estimated', 'W 1.06 ms estimated']);
    expect(await texts(page, '[data-chart="step-breakdown"] .note')).toHaveLength(2);
    expect(await texts(page, '[data-chart="step-breakdown"] .axis-label')).toContain('time per step (ms)');
    expect(await page.locator('[data-chart="step-timeline"] .empty').textContent()).toContain('nsys stats summaries hold no per-step events');
  });

  it('trace: measured step bar, step series with the warm-up clipped and labelled, the step timeline', async () => {
    const { page } = pages.get('trace')!;
    const trace = JSON.parse(readFileSync(join(root, 'fixtures', 'report', 'trace.json'), 'utf8')) as { timeline: { pid: number; steps: { index: number; host: unknown[]; device: unknown[] }[] }[] };
    expect((await texts(page, '[data-chart="step-breakdown"] text.value'))[0]).toBe('W 1.26 ms measured');
    const series = page.locator('[data-chart="step-series"]');
    expect(await series.locator('[data-clipped]').count()).toBe(1);
    expect(await texts(page, '[data-chart="step-series"] text.value')).toEqual(['21 ms ↑']);
    expect(await texts(page, '[data-chart="step-series"] .axis-label')).toEqual(['step duration (ms)', 'step (in the order the steps ran)']);
    const tl = page.locator('[data-chart="step-timeline"]');
    // the median-duration step of the three kept: 100 (1.246 ms), 101 (1.260), 102 (1.235)
    expect(await tl.locator('h3').textContent()).toBe('Timeline of a representative step (step 100, 1.25 ms)');
    const drawn = trace.timeline[0]!.steps.find((s) => s.index === 100)!;
    expect(await tl.locator('rect.evt').count()).toBe(drawn.host.length + drawn.device.length);
    expect(await tl.locator('rect[data-gap]').count()).toBeGreaterThan(10);
    expect(await texts(page, '[data-chart="step-timeline"] text.lane')).toEqual(['host thread 7001 (step)', 'host thread 7002', 'GPU stream 7']);
    expect(await texts(page, '[data-chart="step-timeline"] .axis-label')).toEqual(['time since the step began (ms)']);
  });

  it('recommend: the curve with measured points and captured sizes, padding per pool, the distribution', async () => {
    const { page } = pages.get('recommend')!;
    const r = JSON.parse(readFileSync(join(root, 'fixtures', 'report', 'recommend.json'), 'utf8')) as { sizes: number[] };
    const curve = page.locator('[data-chart="recommend-curve"]');
    expect(await curve.locator('line[data-mark]').count()).toBe(r.sizes.length);
    expect(await curve.locator('circle[data-series="graph step, measured p50"]').count()).toBe(4);
    expect(await curve.locator('circle[data-series="eager step, measured p50"]').count()).toBe(4);
    expect(await texts(page, '[data-chart="recommend-curve"] .axis-label')).toEqual(['step time (ms)', 'batch size']);
    expect(await page.locator('[data-chart="recommend-padding"] path.ln').count()).toBe(4);
    expect((await texts(page, '[data-chart="recommend-padding"] .legend li'))[0]).toMatch(/^recommended: 12 graphs, total \d/);
    expect(await page.locator('[data-chart="recommend-distribution"] rect.bar').count()).toBe(256);
    expect(await texts(page, '[data-chart="recommend-distribution"] .axis-label')).toEqual(['share of steps (%)', 'batch size']);
  });

  it('compare: one row per gated metric, regressions marked, with the gate and the noise interval', async () => {
    const { page } = pages.get('compare')!;
    const c = JSON.parse(readFileSync(join(root, 'fixtures', 'report', 'compare.json'), 'utf8')) as { metrics: unknown[]; summary: { regressed: number } };
    const fig = page.locator('[data-chart="compare-metrics"]');
    expect(await fig.locator('circle[data-change]').count()).toBe(c.metrics.length);
    expect(await fig.locator('circle.k-bad').count()).toBe(c.summary.regressed);
    expect(await fig.locator('line[data-gate]').count()).toBe(c.metrics.length);
    expect(await texts(page, '[data-chart="compare-metrics"] text.value')).toContain('+10.0%');
  });

  it('saves a screenshot of each report, and of one in dark mode', async () => {
    const to = shots ?? join(dir, 'shots');
    mkdirSync(to, { recursive: true });
    for (const [kind, p] of pages) {
      await p.page.screenshot({ path: join(to, `report-${kind}.png`), fullPage: true });
      expect(existsSync(join(to, `report-${kind}.png`))).toBe(true);
    }
    const trace = pages.get('trace')!.page;
    await trace.emulateMedia({ colorScheme: 'dark' });
    const bg = await trace.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor).catch(() => null);
    if (bg !== null) expect(bg).toBe('rgb(22, 24, 29)');
    await trace.locator('[data-chart="step-timeline"]').screenshot({ path: join(to, 'report-trace-timeline-dark.png') });
    await trace.emulateMedia({ colorScheme: 'light' });
    await trace.locator('[data-chart="step-timeline"]').screenshot({ path: join(to, 'report-trace-timeline.png') });
  }, 60_000);
});
