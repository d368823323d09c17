// One temporary folder per test run: every suite's mkdtemp (and every CLI the suites spawn) lands
// under it through TMPDIR, and it is removed at the end, so no run leaves folders in /tmp. Mode
// 1777 as /tmp itself: the suites that run the CLI as another user (setpriv) must still enter it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'graphprof-tests-'));
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
