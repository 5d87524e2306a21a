/**
 * Edges of the time-to-convert histogram, in seconds: steps people read at a glance (10 s, 1 min, 5 min,
 * 1 h, 1 d, 1 w, …). A histogram takes the edges below its window and ends at the window, which is the
 * longest possible time to convert, so every conversion falls in a bin and no bin is empty by
 * construction.
 */
const NICE_EDGES = [
  0, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400, 172_800, 259_200,
  604_800, 1_209_600, 2_592_000, 5_184_000, 7_776_000, 15_552_000,
];

export interface HistogramBin {
  fromSeconds: number;
  toSeconds: number;
}

/** Bins [from, to) for a window of `windowSeconds`; the last bin also holds `to` (= the window). */
export function histogramBins(windowSeconds: number): HistogramBin[] {
  const edges = [...NICE_EDGES.filter((e) => e < windowSeconds), windowSeconds];
  return edges.slice(0, -1).map((from, i) => ({ fromSeconds: from, toSeconds: edges[i + 1] as number }));
}
