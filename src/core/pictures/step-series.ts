// Step durations over a run, bounded: at most `maxBins` points whatever the step count, so a report
// of a 10-million-step trace stays small. Each bin keeps the min, median and max of the consecutive
// steps it holds, so a warm-up and an outlier stay visible after binning. Pure.
import { quantileSorted, sorted, summarize } from '../stats.js';

export interface StepBin {
  /** 0-based index of the first and last step of the bin, in the order the steps started */
  first: number;
  last: number;
  minNs: number;
  p50Ns: number;
  maxNs: number;
}

export interface StepSeries {
  /** steps in the run (before binning) */
  count: number;
  /** steps per bin (1: every step is its own point) */
  binSize: number;
  bins: StepBin[];
  /** median and MAD of every step, and the outlier limit: p50 + 3.5 x MAD / 0.6745 (as stats.ts counts outliers) */
  p50Ns: number;
  madNs: number;
  outlierAboveNs: number;
  outliers: number;
}

export const STEP_SERIES_BINS = 400;

/** `durations` in the order the steps ran. Null for no steps. */
export function stepSeries(durations: readonly number[], maxBins = STEP_SERIES_BINS): StepSeries | null {
  const n = durations.length;
  if (n === 0) return null;
  const binSize = Math.max(1, Math.ceil(n / Math.max(1, maxBins)));
  const bins: StepBin[] = [];
  for (let first = 0; first < n; first += binSize) {
    const last = Math.min(n, first + binSize) - 1;
    const s = sorted(durations.slice(first, last + 1));
    bins.push({ first, last, minNs: s[0]!, p50Ns: quantileSorted(s, 0.5), maxNs: s[s.length - 1]! });
  }
  const all = summarize(durations);
  return { count: n, binSize, bins, p50Ns: all.p50, madNs: all.mad, outlierAboveNs: all.p50 + (3.5 * all.mad) / 0.6745, outliers: all.outliers };
}
