// The synthetic measured curve of the recommend benchmarks (bench/recommend-curve.mjs,
// bench/recommend-pareto.mjs): 256 sizes 32 apart up to 8192, a staircase (a tread every 128
// sequences) on a rising line, 1% noise (seeded) so that the isotonic fix has work to do; capture
// 100 ms + 20 us/seq and 8 MiB + 1 MiB/seq of memory on every point.
export function syntheticCurvePoints() {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const points = [];
  for (let i = 1; i <= 256; i++) {
    const batch = i * 32;
    const t = 6e6 + 2e3 * batch + 4e5 * Math.ceil(batch / 128);
    points.push({
      batch, status: 'ok', exitCode: 0,
      stepNs: { medianNs: t * (1 + (rand() - 0.5) * 0.02), madNs: t * 0.003, count: 50 },
      launchesPerStep: 0, graphLaunchesPerStep: 1,
      captureNs: 100e6 + 2e4 * batch, captureMemoryBytes: 8 * 2 ** 20 + 2 ** 20 * batch, captureMemoryMethod: 'synthetic', error: null,
    });
  }
  return points;
}
