// Screenshot of a graphprof HTML report (or of one figure of it) in Debian's headless chromium,
// through playwright-core and the system binary, with the same flags as the browser test. For
// docs: e.g. README's step timeline from a trace measured on a GPU host:
//   node scripts/screenshot-report.mjs RESULT.json... OUT.png [--figure step-timeline] [--dark]
// The report is made by `graphprof report` from the JSON results (build first: npm run build:ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) return null;
  const [, value] = args.splice(i, 2);
  return value;
};
const figure = take('--figure');
const dark = args.includes('--dark') ? (args.splice(args.indexOf('--dark'), 1), true) : false;
if (args.length < 2) {
  console.error('usage: node scripts/screenshot-report.mjs RESULT.json... OUT.png [--figure ID] [--dark]');
  process.exit(2);
}
const out = resolve(args.pop());
const browser = process.env.GRAPHPROF_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!browser) {
  console.error('screenshot-report: no chromium at /usr/bin/chromium (apt-get install -y chromium, or set GRAPHPROF_CHROMIUM)');
  process.exit(3);
}
const dir = mkdtempSync(join(tmpdir(), 'graphprof-shot-'));
try {
  const html = join(dir, 'report.html');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'graphprof.js'), 'report', ...args, '-o', html], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: browser,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    javaScriptEnabled: false,
    offline: true,
    viewport: { width: 1200, height: 900 },
    colorScheme: dark ? 'dark' : 'light',
  });
  const page = await context.newPage();
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  if (figure) {
    const el = page.locator(`[data-chart="${figure}"]`).first();
    if ((await el.count()) === 0) throw new Error(`no figure "${figure}" in the report`);
    await el.screenshot({ path: out });
  } else {
    await page.screenshot({ path: out, fullPage: true });
  }
  await context.close();
  console.error(`screenshot-report: wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
