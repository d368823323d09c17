// One small seeded generator for everything that must draw the same numbers every time: property
// tests (a failing instance replays from its seed), generated fixtures and benchmark inputs, and
// the fake harness's noise. Not for anything that needs statistical quality beyond that.

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
