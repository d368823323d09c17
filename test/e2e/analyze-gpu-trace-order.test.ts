// analyze with a cuda_gpu_trace: the replay model's repeats from the trace's kernel order, the same
// whether one thread or two (a worker for the second half) read the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { AnalyzeResult } from '../../src/core/analyze/schema.js';
import { graphprof } from './cli.js';

const HEADER = 'Start (ns),Duration (ns),CorrId,GrdX,GrdY,GrdZ,BlkX,BlkY,BlkZ,Reg/Trd,StcSMem (MB),DymSMem (MB),Bytes (MB),Throughput (MB/s),SrcMemKd,DstMemKd,Device,Ctx,GreenCtx,Strm,Name';

describe('analyze: repeats from a cuda_gpu_trace', () => {
  it('one kernel back to back on one stream: all but the first repeat, on either read path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graphprof-order-'));
    const file = join(dir, 'run_cuda_gpu_trace.csv');
    // 2 steps of 100 kernels of 900 ns each: 199 repeats over the file, the seam between the steps
    // among them; per step at most 100 - 1 (a step's first node follows no node of its own)
    const rows = Array.from({ length: 200 }, (_, i) => `${1e6 + i * 1000},900,${i + 1},1,1,1,32,1,1,16,0.000,0.000,,,,,NVIDIA H100 (0),1,,7,emptyKernel`);
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const apiSum = join(dir, 'run_cuda_api_sum.csv');
    writeFileSync(apiSum, 'Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name\n100.0,600000,200,3000.0,3000.0,3000,3000,0.0,cuLaunchKernel\n');
    const args = ['analyze', apiSum, file, '--steps', '2', '--step-time', '1ms', '--json'];
    // the default model (fitted on an H200): floor 1400, gap 200, repeat -79, graph launch 4160
    const expected = 1400 + 200 + 99 * (900 - 79) + 4160;
    for (const env of [{}, { GRAPHPROF_PARALLEL_MIN_BYTES: '1' }]) {
      const r = graphprof(args, env);
      expect(r.code, r.stderr).toBe(0);
      const a = (JSON.parse(r.stdout) as AnalyzeResult).profiles[0]!;
      expect(a.prediction.graphStepNs).toBeCloseTo(expected, 6);
      expect(a.model.graphStepNs.method).toContain('for the 99 that repeat the kernel before them (the kernel order of cuda_gpu_trace (per stream, in file order))');
    }
  });
});
