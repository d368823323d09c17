// Hostile input (issue 13, reproductions 1-11): every case ends with the documented exit code and
// one line on stderr, or works; nothing hangs, crashes, or replaces or leaves a file. The CLI is
// spawned as a user runs it. Cases that need a non-root user (EACCES) run through setpriv as
// nobody; the device-node target is made in a private mount namespace (unshare -m + tmpfs).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { bin, graphprof, root } from './cli.js';

const API = join(root, 'fixtures', 'nsys', 'decode-token-published_cuda_api_sum.csv');
const KERN = join(root, 'fixtures', 'nsys', 'bonsai-llamacpp-ptq1-decode512-graphs_cuda_gpu_kern_sum.csv');
const RUN_A = join(root, 'fixtures', 'compare', 'run-baseline.json');
const RUN_B = join(root, 'fixtures', 'compare', 'run-equal.json');
const HEADER = 'Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name';

const work = mkdtempSync(join(tmpdir(), 'graphprof-hostile-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = join(work, `case-${n++}`);
  mkdirSync(d);
  chmodSync(d, 0o755);
  return d;
};

/** One error line, prefixed, and nothing that looks like a stack trace. */
function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^graphprof: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** Spawn with text on standard input. */
function withStdin(args: string[], input: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sh = (script: string, env: Record<string, string> = {}) =>
  spawnSync('/bin/sh', ['-c', script], { cwd: root, env: { ...process.env, NO_COLOR: '1', G: `${process.execPath} ${bin}`, ...env }, encoding: 'utf8', timeout: 60_000 });

const isRoot = process.getuid?.() === 0;
const canDropToNobody = isRoot && spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;
/** Permission checks need a user they apply to: nobody (through setpriv) under root, else ourselves. */
const canTestEacces = canDropToNobody || !isRoot;
const asUser = isRoot ? 'setpriv --reuid=nobody --regid=nogroup --clear-groups ' : '';
const canUnshare = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
const hostLib = existsSync(join(root, 'build', 'Release', 'libgraphprof_host.so'));

describe('1. output files', () => {
  it('writes through a symbolic link: the link stays, its target gets the content', () => {
    const d = fresh();
    writeFileSync(join(d, 'real.xml'), 'old');
    symlinkSync('real.xml', join(d, 'link.xml'));
    const r = graphprof(['compare', RUN_A, RUN_B, '--junit', join(d, 'link.xml')]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(d, 'link.xml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'link.xml'))).toBe('real.xml');
    expect(readFileSync(join(d, 'real.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(readdirSync(d).sort()).toEqual(['link.xml', 'real.xml']);
  });

  it.runIf(canUnshare)('writes through to a device node (a private /dev/null in a mount namespace), never replaces it', () => {
    const d = fresh();
    const r = sh(`unshare -m sh -c 'mount -t tmpfs none "$1" && mknod "$1/null" c 1 3 && chmod 666 "$1/null" && $G compare "$2" "$3" --junit "$1/null" >/dev/null && stat -c %F "$1/null" && ls -A "$1"' sh ${d} ${RUN_A} ${RUN_B}`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('character special file\nnull\n');
  });

  it.runIf(canUnshare)('a write that fails (ENOSPC) leaves the old file and no temporary file', () => {
    const d = fresh();
    const big = JSON.stringify({ ...JSON.parse(readFileSync(RUN_B, 'utf8')), pad: 'x'.repeat(200_000) });
    writeFileSync(join(d, 'current.json'), big);
    mkdirSync(join(d, 'fs'));
    const r2 = sh(`unshare -m sh -c 'mount -t tmpfs -o size=64k none "$1/fs" && cp "$2" "$1/fs/base.json" && $G compare "$1/fs/base.json" "$1/current.json" --update-baseline >/dev/null; echo "rc=$?"; ls -A "$1/fs"; cmp -s "$2" "$1/fs/base.json" && echo same' sh ${d} ${RUN_A}`);
    expect(r2.stdout).toBe('rc=2\nbase.json\nsame\n');
    expect(r2.stderr.trim()).toMatch(/^graphprof: --update-baseline: cannot write \S+base\.json \(no space left on the device\)$/);
  });

  it.runIf(canTestEacces)('an unwritable -o fails before the run measures anything (exit 2, nothing on stdout)', () => {
    const d = fresh();
    chmodSync(d, isRoot ? 0o755 : 0o555); // a folder the user cannot create files in
    const r = sh(`${asUser}$G run --batch-sizes 1 -o "${d}/out.json"`, { GRAPHPROF_FAKE_HARNESS: '1' });
    chmodSync(d, 0o755);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr, /^graphprof: -o: cannot write \S+out\.json \(permission denied\)$/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('trace checks --out and -o together before the program runs', () => {
    const d = fresh();
    mkdirSync(join(d, 'p_cuda_api_sum.csv'));
    const marker = join(d, 'ran');
    const r = graphprof(['trace', '--out', join(d, 'p'), '--', 'sh', '-c', `touch ${marker}`]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^graphprof: --out: "\S+p_cuda_api_sum\.csv" is a folder, expected a file path$/);
    const clash = graphprof(['trace', '--out', join(d, 'q'), '-o', join(d, 'q_cuda_api_sum.csv'), '--', 'sh', '-c', `touch ${marker}`]);
    expect(clash.code).toBe(2);
    oneLine(clash.stderr, /^graphprof: -o: \S+q_cuda_api_sum\.csv is also written by --out /);
    // with marked steps --out also writes PREFIX_nvtx_sum.csv and PREFIX_whole_*: checked too
    for (const name of ['s_nvtx_sum.csv', 's_whole_cuda_api_sum.csv']) {
      const e = fresh();
      mkdirSync(join(e, name));
      const r2 = graphprof(['trace', '--out', join(e, 's'), '--step-marker', 'nvtx:decode_step', '--', 'sh', '-c', `touch ${marker}`]);
      expect(r2.code, name).toBe(2);
      oneLine(r2.stderr, new RegExp(`^graphprof: --out: "\\S+${name.replace('.', '\\.')}" is a folder, expected a file path$`));
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses two output flags naming one file (run -o and --html, trace -o and --perfetto or --html, compare --junit and --html) before any work', () => {
    const d = fresh();
    const f = join(d, 'out.json');
    const marker = join(d, 'ran');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['run', '-o', f, '--html', f, '--batch-sizes', '1', '--iterations', '5'], { GRAPHPROF_FAKE_HARNESS: '1' }, /^graphprof: --html: \S+out\.json is also written by -o \S+out\.json; give them different files$/],
      [['trace', '-o', f, '--perfetto', f, '--', 'sh', '-c', `touch ${marker}`], {}, /^graphprof: --perfetto: \S+out\.json is also written by -o /],
      [['trace', '--perfetto', f, '--html', f, '--', 'sh', '-c', `touch ${marker}`], {}, /^graphprof: --html: \S+out\.json is also written by --perfetto /],
      [['compare', RUN_A, RUN_B, '--junit', f, '--html', f], {}, /^graphprof: --html: \S+out\.json is also written by --junit /],
      // an --out report against --perfetto or --html
      [['trace', '--out', join(d, 'p'), '--perfetto', join(d, 'p_cuda_api_sum.csv'), '--', 'sh', '-c', `touch ${marker}`], {}, /^graphprof: --perfetto: \S+p_cuda_api_sum\.csv is also written by --out /],
      [['trace', '--out', join(d, 'p'), '--html', join(d, 'p_nvtx_sum.csv'), '--', 'sh', '-c', `touch ${marker}`], {}, /^graphprof: --html: \S+p_nvtx_sum\.csv is also written by --out /],
    ];
    for (const [args, env, message] of cases) {
      const r = graphprof(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr, message);
    }
    expect(existsSync(f)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('2. the same report twice', () => {
  it('refuses one file given twice, and under another name', () => {
    const r = graphprof(['analyze', API, API]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /given twice: a report read twice would count twice/);
    const d = fresh();
    symlinkSync(API, join(d, 'other.csv'));
    const r2 = graphprof(['analyze', API, join(d, 'other.csv')]);
    expect(r2.code).toBe(2);
    oneLine(r2.stderr, /other\.csv: the same file as \S+decode-token-published_cuda_api_sum\.csv/);
  });

  it('refuses x_cuda_api_sum.csv beside x_cudaapisum.csv in one folder (was 1,694 launches for 847)', () => {
    const d = fresh();
    writeFileSync(join(d, 'x_cuda_api_sum.csv'), readFileSync(API));
    writeFileSync(join(d, 'x_cudaapisum.csv'), readFileSync(API));
    const r = graphprof(['analyze', d]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /x_cudaapisum\.csv: holds cuda_api_sum, as \S+x_cuda_api_sum\.csv does/);
  });
});

describe('3. a closed stdout', () => {
  it('recommend --json | head -c 10 ends quietly with its own exit code', () => {
    // the left side's exit code, from bash's PIPESTATUS; stderr must stay empty
    const b = spawnSync('bash', ['-c', '$G recommend --max-batch 16384 --json 2>err.txt | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"; cat err.txt'], {
      cwd: fresh(),
      env: { ...process.env, G: `${process.execPath} ${bin}` },
      encoding: 'utf8',
    });
    expect(b.stdout).toBe('0\n');
  });
});

describe('3b. stdout that cannot take the result', () => {
  it.runIf(existsSync('/dev/full'))('a full device is exit 3 with one line, not a silent 0', () => {
    const r = sh('$G recommend --json > /dev/full');
    expect(r.status).toBe(3);
    oneLine(r.stderr, /^graphprof: cannot write the result to standard output \(ENOSPC\)$/);
  });
});

describe('4. control characters and NUL', () => {
  it('escapes ESC and BEL in names read from a report (table and stderr), and keeps them as \\u escapes in JSON', () => {
    const d = fresh();
    const f = join(d, 'evil_cuda_api_sum.csv');
    writeFileSync(f, `${HEADER}\n50.0,1000,10,100,100,90,110,5,cudaLaunchKernel\n50.0,1000,10,100,100,90,110,5,cuda\x1b]0;pwned\x07Evil\x1b[2J\x9b31m\n`);
    const r = graphprof(['analyze', f]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(r.stdout).toContain('cuda\\x1b]0;pwned\\x07Evil\\x1b[2J\\x9b31m');
    const j = graphprof(['analyze', f, '--json']);
    expect(j.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(JSON.stringify(JSON.parse(j.stdout))).toContain('cuda\\u001b]0;pwned\\u0007Evil\\u001b[2J\u009b31m');
  });

  it('refuses a NUL byte after the first 64 KiB', () => {
    const d = fresh();
    const f = join(d, 'nul_cuda_api_sum.csv');
    const rows = Array.from({ length: 2000 }, (_, i) => `1.0,1000,10,100,100,90,110,5,cudaFoo${i}`).join('\n');
    writeFileSync(f, Buffer.concat([Buffer.from(`${HEADER}\n${rows}\n`), Buffer.from('1.0,1000,10,100,100,90,110,5,cuda\0Bad\n')]));
    expect(statSync(f).size).toBeGreaterThan(64 << 10);
    const r = graphprof(['analyze', f]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /nul_cuda_api_sum\.csv: not a text file \(byte \d+ is NUL\)/);
  });
});

describe.runIf(canTestEacces)('5. unreadable files and folders (EACCES, as nobody under root)', () => {
  const asNobody = (args: string) => sh(`${asUser}$G ${args}`);
  it('exits 2 with "permission denied" for a file, a folder, a result and a distribution', () => {
    const d = fresh();
    // root's 0600 files are unreadable to nobody; a non-root user's own files need mode 000
    const mode = isRoot ? 0o600 : 0o000;
    writeFileSync(join(d, 'p_cuda_api_sum.csv'), readFileSync(API), { mode });
    writeFileSync(join(d, 'r.json'), readFileSync(RUN_A), { mode });
    writeFileSync(join(d, 'd.csv'), '1\n2\n', { mode });
    mkdirSync(join(d, 'closed'), { mode: isRoot ? 0o700 : 0o000 });
    const cases: [string, RegExp][] = [
      [`analyze ${d}/p_cuda_api_sum.csv`, /p_cuda_api_sum\.csv: cannot read: permission denied$/],
      [`analyze ${d}/closed`, /closed: cannot list the folder: permission denied$/],
      [`compare ${d}/r.json ${RUN_B}`, /r\.json: cannot read: permission denied$/],
      [`recommend --dist ${d}/d.csv`, /d\.csv: cannot read: permission denied$/],
    ];
    for (const [args, pattern] of cases) {
      const r = asNobody(args);
      expect(r.status, args).toBe(2);
      oneLine(r.stderr, pattern);
    }
    chmodSync(join(d, 'closed'), 0o755); // so that the clean-up can enter it
  });
});

describe('6. FIFOs and standard input', () => {
  const fifo = (d: string, name: string): string => {
    const p = join(d, name);
    execFileSync('mkfifo', [p]);
    return p;
  };

  it('reads a FIFO with a writer: analyze, compare, recommend --dist', () => {
    const d = fresh();
    const a = fifo(d, 'a.csv');
    const r = sh(`cat "${API}" > "${a}" & $G analyze "${a}" --json`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).profiles[0].launches.calls).toBe(847);
    const j = fifo(d, 'b.json');
    const c = sh(`cat "${RUN_A}" > "${j}" & $G compare "${j}" "${RUN_B}" --json`);
    expect(c.status).toBe(0);
    expect(JSON.parse(c.stdout).summary.passed).toBe(true);
    const dist = fifo(d, 'd.csv');
    const rec = sh(`printf '1\\n2\\n2\\n' > "${dist}" & $G recommend --max-batch 4 --dist "${dist}" --json`);
    expect(rec.status).toBe(0);
    expect(JSON.parse(rec.stdout).distribution.samples).toBe(3);
  });

  it('a FIFO that no program opens for writing: exit 2 after the wait, not a hang', () => {
    const d = fresh();
    const env = { GRAPHPROF_FIFO_WAIT_MS: '300' };
    for (const args of [['analyze', fifo(d, 'x.csv')], ['compare', fifo(d, 'y.json'), RUN_B], ['recommend', '--dist', fifo(d, 'z.csv')]]) {
      const t0 = Date.now();
      const r = graphprof(args, env);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr, /a FIFO that no program opened for writing within 0\.3 s/);
    }
  });

  it('analyze waits for a FIFO writer once, not once per way of reading it', () => {
    // analyze once opened a FIFO again after its first read failed: twice the wait. 3 s apiece
    // keeps a loaded machine's start-up well inside the margin between one wait and two.
    const d = fresh();
    const t0 = Date.now();
    const r = graphprof(['analyze', fifo(d, 'once.csv')], { GRAPHPROF_FIFO_WAIT_MS: '3000' });
    const ms = Date.now() - t0;
    expect(r.code).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(3000);
    expect(ms).toBeLessThan(5800);
  });

  it('a graphprof.config.json that is a FIFO in the working directory is refused at once', () => {
    const d = fresh();
    fifo(d, 'graphprof.config.json');
    const r = graphprof(['compare', RUN_A, RUN_B], {}, d);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /graphprof\.config\.json: not a regular file \(a FIFO or device\?\)/);
  });

  it('analyze - and analyze /dev/stdin read standard input (a pipe)', () => {
    for (const path of ['-', '/dev/stdin']) {
      const r = withStdin(['analyze', path, '--json'], readFileSync(API));
      expect(r.code, path).toBe(0);
      const p = JSON.parse(r.stdout).profiles[0];
      expect(p.launches.calls).toBe(847);
      expect(p.source.path).toBe(path);
    }
    const piped = sh(`cat "${API}" | $G analyze /dev/stdin --json`);
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout).profiles[0].launches.calls).toBe(847);
  });
});

describe('7-8. size: wide tables, many rows, long lines, endless input', () => {
  it('reads a 20,004-column column-text table of 40 rows in a few seconds', () => {
    const extra = 19_995;
    const heads = ['Time (%)', 'Total Time (ns)', 'Num Calls', 'Avg (ns)', 'Med (ns)', 'Min (ns)', 'Max (ns)', 'StdDev (ns)'];
    for (let i = 0; i < extra; i++) heads.push(`X${i}`);
    heads.push('Name');
    const w = heads.map((h) => Math.max(h.length, 3));
    const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(w[i]!)).join(' ');
    const out = [line(heads), w.map((k) => '-'.repeat(k)).join(' ')];
    for (let r = 0; r < 40; r++) {
      const cells: (string | number)[] = [2.5, 1000 + r, 10, 100, 100, 90, 110, 5];
      for (let i = 0; i < extra; i++) cells.push(i % 10);
      cells.push(r === 0 ? 'cudaLaunchKernel' : `cudaFoo${r}`);
      out.push(line(cells));
    }
    const f = join(fresh(), 'wide.txt');
    writeFileSync(f, `${out.join('\n')}\n`);
    const t0 = Date.now();
    const r = graphprof(['analyze', f, '--json']);
    const ms = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).profiles[0].launches.calls).toBe(10);
    expect(ms).toBeLessThan(10_000);
  });

  it('reads a cuda_api_sum of 130,000 rows (a spread push overflowed the stack)', () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => `0.0,1000,10,100,100,90,110,5,${i === 0 ? 'cudaLaunchKernel' : `cudaApi${i}`}`);
    const f = join(fresh(), 'many_cuda_api_sum.csv');
    writeFileSync(f, `${HEADER}\n${rows.join('\n')}\n`);
    // the JSON lists every API: 13 MB, more than spawnSync's default buffer
    const r = spawnSync(process.execPath, [bin, 'analyze', f, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 60_000 });
    expect(r.stderr).not.toMatch(/internal error|stack/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).profiles[0].hostApi.calls).toBe(1_300_000);
  });

  /** Feed `chunk` forever on stdin; returns the exit code, stderr and peak RSS (KiB) of graphprof. */
  function endless(args: string[], first: string, chunk: string): Promise<{ code: number | null; stderr: string; maxRssKiB: number }> {
    return new Promise((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, bin, ...args], { cwd: root, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const block = Buffer.from(chunk.repeat(Math.max(1, Math.floor((1 << 20) / chunk.length))));
      let sent = 0;
      const pump = (): void => {
        while (sent < 4 * 2 ** 30) {
          sent += block.length;
          if (!child.stdin.write(block)) {
            child.stdin.once('drain', pump);
            return;
          }
        }
        child.stdin.end();
      };
      child.stdin.on('error', () => {});
      child.stdin.write(first);
      pump();
      child.on('close', (code) => {
        const m = /maxrss=(\d+)/.exec(stderr);
        resolve({ code, stderr: stderr.replace(/maxrss=\d+\n?/, '').replace(/Command exited with non-zero status \d+\n?/, ''), maxRssKiB: m ? Number(m[1]) : NaN });
      });
    });
  }

  it.runIf(existsSync('/usr/bin/time'))('an endless tail of rows after a valid report stops early with exit 2, in bounded memory', async () => {
    const r = await endless(['analyze', '-'], `${HEADER}\n`, '1.0,1000,10,100,100,90,110,5,cudaLaunchKernel\n');
    expect(r.code).toBe(2);
    oneLine(r.stderr, /^graphprof: -:500002: the table under the header on line 1 has more than 500,000 rows/);
    expect(r.maxRssKiB).toBeLessThan(1024 * 1024);
  }, 60_000);

  it.runIf(existsSync('/usr/bin/time'))('an endless tail of text stops at 256 MiB, and one endless line at 16 MiB, exit 2', async () => {
    const text = await endless(['analyze', '-'], `${HEADER}\n1.0,1000,10,100,100,90,110,5,cudaLaunchKernel\n\n`, 'some log line that is not a table\n');
    expect(text.code).toBe(2);
    oneLine(text.stderr, /^graphprof: -:\d+: more than 256 MiB of text outside trace tables/);
    expect(text.maxRssKiB).toBeLessThan(512 * 1024);
    const line = await endless(['analyze', '-'], 'x', 'x'.repeat(4096));
    expect(line.code).toBe(2);
    oneLine(line.stderr, /^graphprof: -:1: a line longer than 16 MiB/);
    expect(line.maxRssKiB).toBeLessThan(256 * 1024);
  }, 60_000);
});

describe('9. non-finite and out-of-range numbers', () => {
  it('refuses Total Time 1e400, --eager-penalty 1e300s, counts 1e308 and p50Ns -5', () => {
    const d = fresh();
    const f = join(d, 'inf_cuda_api_sum.csv');
    writeFileSync(f, `${HEADER}\n100.0,1e400,10,100,100,90,110,5,cudaLaunchKernel\n`);
    const a = graphprof(['analyze', f]);
    expect(a.code).toBe(2);
    oneLine(a.stderr, /inf_cuda_api_sum\.csv:2: Total Time \(ns\) is out of range: "1e400"$/);

    const e = graphprof(['recommend', '--eager-penalty', '1e300s', '--allow-eager-tail']);
    expect(e.code).toBe(2);
    oneLine(e.stderr, /^graphprof: --eager-penalty: "1e300s" is too large to be a duration/);

    writeFileSync(join(d, 'd.csv'), '1,1e308\n2,1e308\n');
    const c = graphprof(['recommend', '--dist', join(d, 'd.csv')]);
    expect(c.code).toBe(2);
    oneLine(c.stderr, /d\.csv:1: the counts add up to more than 2\^53/);

    const neg = JSON.parse(readFileSync(RUN_B, 'utf8'));
    neg.results[0].eager.stepNs.p50Ns = -5;
    writeFileSync(join(d, 'neg.json'), JSON.stringify(neg));
    const p = graphprof(['compare', RUN_A, join(d, 'neg.json')]);
    expect(p.code).toBe(2);
    oneLine(p.stderr, /neg\.json: results\[0\]\.eager\.stepNs\.p50Ns is negative \(-5\)/);

    writeFileSync(join(d, 'inf.json'), readFileSync(RUN_B, 'utf8').replace(/"p50Ns": [0-9.]+/, '"p50Ns": 1e400'));
    const i = graphprof(['compare', RUN_A, join(d, 'inf.json')]);
    expect(i.code).toBe(2);
    oneLine(i.stderr, /inf\.json: results\[0\]\.\S+\.p50Ns is not a finite number/);
  });
});

describe.runIf(hostLib)('10. trace supervision', () => {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  };
  const waitFor = async (what: () => boolean, ms: number): Promise<boolean> => {
    for (const t0 = Date.now(); Date.now() - t0 < ms; ) {
      if (what()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return what();
  };

  it('graphprof killed with SIGKILL: the traced program dies too, and no temporary folder is left', async () => {
    const d = fresh();
    const pidFile = join(d, 'pid');
    const gp = spawn(process.execPath, [bin, 'trace', '--', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`], { env: { ...process.env, TMPDIR: d }, stdio: 'ignore' });
    expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(readdirSync(d).filter((x) => x.startsWith('graphprof-trace-'))).toHaveLength(1);
    gp.kill('SIGKILL');
    expect(await waitFor(() => !alive(pid), 5_000)).toBe(true);
    expect(await waitFor(() => readdirSync(d).every((x) => !x.startsWith('graphprof-trace-')), 8_000)).toBe(true);
  }, 30_000);

  it('a program that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const d = fresh();
    const pidFile = join(d, 'pid');
    const gp = spawn(process.execPath, [bin, 'trace', '--', 'sh', '-c', `trap "" TERM; echo $$ > ${pidFile}; exec sleep 60`], {
      env: { ...process.env, GRAPHPROF_KILL_GRACE_MS: '500' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    gp.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const t0 = Date.now();
    gp.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => gp.on('close', r));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(alive(pid)).toBe(false);
    expect(stderr).toContain('graphprof: trace: the program did not end within 0.5 s of SIGTERM; sending SIGKILL');
    expect(code).not.toBe(0);
  }, 30_000);
});

describe('11. smaller', () => {
  it('follows symbolic links to files inside a folder', () => {
    const d = fresh();
    symlinkSync(API, join(d, 'p_cuda_api_sum.csv'));
    symlinkSync(KERN, join(d, 'p_cuda_gpu_kern_sum.csv'));
    const r = graphprof(['analyze', d, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).profiles[0].source.paths).toHaveLength(2);
  });

  it('accepts a UTF-8 BOM in a JSON result and a config file', () => {
    const d = fresh();
    writeFileSync(join(d, 'a.json'), `\ufeff${readFileSync(RUN_A, 'utf8')}`);
    writeFileSync(join(d, 'graphprof.config.json'), '\ufeff{"compare": {"maxRegression": "7%"}}');
    const r = graphprof(['compare', join(d, 'a.json'), RUN_B, '--json'], {}, d);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).thresholds.default).toMatchObject({ text: expect.stringContaining('7%') });
  });

  it('does not echo the bytes of a config file that is not JSON', () => {
    const d = fresh();
    writeFileSync(join(d, 'c.json'), 'secret-token-abc123 \x1b[2J and more');
    const r = graphprof(['compare', RUN_A, RUN_B, '--config', join(d, 'c.json')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr, /c\.json(:1)?: not valid JSON/);
    expect(r.stderr).not.toContain('secret-token');
    expect(r.stderr).not.toContain('\x1b');
  });

  it.runIf(existsSync('/usr/bin/script'))('on a terminal, the error line clears the progress line first', () => {
    const d = fresh();
    writeFileSync(join(d, 'bad_cuda_api_sum.csv'), `${HEADER}\n1.0,abc,10,100,100,90,110,5,cudaLaunchKernel\n`);
    const r = spawnSync('script', ['-qec', `${process.execPath} ${bin} analyze ${join(d, 'bad_cuda_api_sum.csv')}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
    expect(r.stdout).toContain('graphprof analyze: reading');
    // the progress text, then a clear of that line, then the error at column 0
    expect(r.stdout).toMatch(/graphprof analyze: reading [^\r\n]*(\r\x1b\[2K)+graphprof: \S+bad_cuda_api_sum\.csv:2: Total Time \(ns\) is not a number: "abc"/);
  });
});
