// A stand-in for the native addon, for testing CLI plumbing on machines without a GPU. It is used
// only when GRAPHPROF_FAKE_HARNESS=1, and every result it feeds says `harness: "fake"`, so it can
// never pass for a measurement. Its figures follow a simple launch-cost model with seeded noise.
// GRAPHPROF_FAKE_FAIL_AT=<batch> makes that batch size fail with a CUDA out-of-memory error;
// GRAPHPROF_FAKE_BAD_CHECKSUM=<batch> makes its graph replay return a wrong checksum.
import { mulberry32 } from '../core/random.js';
import type { Addon } from './native.js';

const MASK = (1n << 64n) - 1n;
const PRIME = 0x100000001b3n;

/** The harness's checksum fold (native/checksum.h), in BigInt. */
export function foldSteps(kernels: number, steps: number): string {
  let c = 0n;
  for (let s = 0; s < steps; s++) for (let i = 0; i < kernels; i++) c = ((c ^ BigInt(i + 1)) * PRIME) & MASK;
  return c.toString(16).padStart(16, '0');
}


export const fakeAddon: Addon = {
  buildInfo: () => ({ cuda: true, architectures: 'fake', toolkit: 'fake', napiVersion: 8 }),
  probe: () => ({
    runtimeVersion: 13000,
    driverVersion: 13000,
    errorName: '',
    errorMessage: '',
    devices: [
      { index: 0, name: 'Fake GPU (GRAPHPROF_FAKE_HARNESS)', computeCapability: '9.0', multiprocessors: 132, totalMemoryBytes: 80 * 2 ** 30, pciBusId: '0000:00:00.0' },
    ],
  }),
  expectedChecksum: foldSteps,
  releaseGraphs: () => 0,
  async runBatch(c, batch) {
    // the addon's boundary check (native/addon.cc), so the fake cannot accept what the addon refuses
    if (!['spin', 'copy', 'empty'].includes(c.kernel)) throw new TypeError(`runBatch: config.kernel must be spin, copy or empty, got "${c.kernel}"`);
    if (process.env.GRAPHPROF_FAKE_FAIL_AT === String(batch)) {
      const err = new Error('cudaErrorMemoryAllocation: out of memory in cudaGraphInstantiate(&exec.g, graph.g, 0) at harness.cu:0 (fake)');
      (err as Error & { cudaError: string }).cudaError = 'cudaErrorMemoryAllocation';
      throw err;
    }
    const next = mulberry32(batch * 7919 + c.kernels);
    const jitter = (ns: number) => ns * (1 + 0.02 * (next() - 0.5));
    const launch = 2500;
    const perKernelWork = c.kernel === 'spin' ? c.kernelNs : c.kernel === 'copy' ? 1500 + (2 * batch * c.bytesPerSeq) / 3 : 1000;
    const device = c.kernels * perKernelWork + c.memcpys * 1500;
    const enqueue = c.kernels * (launch + c.hostOverheadNs) + c.memcpys * 2000 + c.syncs * 4000;
    const nodes = c.kernels + c.memcpys;
    const graphDevice = nodes * 500 + c.kernels * (c.kernel === 'spin' ? c.kernelNs : 0);
    const series = (f: () => number) => Float64Array.from({ length: c.iterations }, f);
    const expected = foldSteps(c.kernels, c.warmup + c.iterations);
    return {
      batch,
      eager: {
        stepNs: series(() => jitter(Math.max(enqueue, device) + 10_000)),
        enqueueNs: series(() => jitter(enqueue)),
        launchNs: series(() => jitter(launch)),
        hostOverheadNs: series(() => jitter(c.hostOverheadNs)),
        deviceNs: series(() => jitter(device)),
      },
      graph: {
        captureNs: nodes * 900,
        instantiateNs: nodes * 4900,
        uploadNs: 50_000,
        memoryBytes: 2 * 2 ** 20 * Math.ceil(nodes / 1000),
        nodes,
        launchNs: series(() => jitter(1100 + nodes * 1.2)),
        stepNs: series(() => jitter(graphDevice + 1100 + nodes * 1.2 + 8000)),
        deviceNs: series(() => jitter(graphDevice)),
      },
      checksum: {
        expected,
        eager: expected,
        graph: process.env.GRAPHPROF_FAKE_BAD_CHECKSUM === String(batch) ? '0000000000000000' : expected,
      },
    };
  },
};
