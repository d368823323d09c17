// `--html FILE` on run, analyze, trace, recommend and compare: the path is checked when the flags are
// parsed (before any measurement), and the page is written atomically once the result is whole. The
// renderer is imported only when asked for, so the other commands do not load it.
import type { ReportableResult } from '../report/html/index.js';
import { checkDistinct, checkWritable, writeAtomically } from './output-file.js';

/**
 * The --html path, checked writable and apart from the command's other output files (`others`:
 * -o, --junit, --perfetto ..., each already checked writable by its command; null where a flag is
 * absent), which then must not be the same file; null when the flag is absent.
 */
export function htmlPath(raw: { html?: string }, others: readonly ({ flag: string; path: string } | null)[] = []): string | null {
  if (raw.html === undefined) return null;
  checkWritable('--html', raw.html);
  checkDistinct([...others.filter((o): o is { flag: string; path: string } => o !== null), { flag: '--html', path: raw.html }]);
  return raw.html;
}

export async function writeHtmlReport(path: string | null, result: ReportableResult): Promise<void> {
  if (path === null) return;
  const { renderHtml } = await import('../report/html/index.js');
  writeAtomically('--html', path, renderHtml([{ result, source: null }]));
}
