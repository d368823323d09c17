// The cost-model defaults of `recommend`, apart from the optimiser so that the CLI can show them in
// --help without loading it.
import type { PoolCostModel } from './pool.js';

/**
 * Defaults when neither a flag nor --from gives a constant. They are ASSUMPTIONS, not
 * measurements: round figures of the order seen for a 7-8B model decoding on an H100-class GPU
 * (docs/recommend.md says where each comes from). Measure yours with `graphprof run` and --from.
 */
export const MODEL_DEFAULTS: Readonly<PoolCostModel> = Object.freeze({
  stepBaseNs: 8_000_000,
  stepPerSeqNs: 25_000,
  eagerPenaltyNs: 4_000_000,
  graphMemBytes: 8 * 2 ** 20,
  poolPerSeqBytes: 2 ** 20,
  captureBaseNs: 250_000_000,
  capturePerSeqNs: 0,
});
