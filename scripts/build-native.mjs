// Builds the native addon (and, where CUPTI exists, the trace injection library) with cmake-js.
// Where cmake itself is missing the package still installs: `analyze`, `recommend`, `compare`
// work without the addon, and `graphprof run` / `doctor` then say the addon is missing (exit 3).
import { spawnSync } from 'node:child_process';

const cmake = spawnSync('cmake', ['--version'], { stdio: 'ignore' });
if (cmake.error || cmake.status !== 0) {
  console.warn('graphprof: cmake not found; skipping the native addon (install cmake, and nvcc for CUDA, then `npm run build:native`)');
  process.exit(0);
}
const r = spawnSync('cmake-js', [process.argv[2] ?? 'compile', '--log-level', 'warn', ...process.argv.slice(3)], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
