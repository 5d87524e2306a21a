/**
 * NAB's scoring rules (Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection Algorithms — the
 * Numenta Anomaly Benchmark"), as `../shared/data/README.md` states them and NAB's sweeper applies them:
 *
 * - The first `min(floor(0.15 N), 750)` rows of a file are probationary: never scored.
 * - A row inside a labelled window is worth `A_TP * sigma(y) / sigma(-1)` where
 *   `y = -(right - i + 1) / width` (-1 at the window's first row, -1/width at its last) and
 *   `sigma(y) = 2 / (1 + exp(5y)) - 1`; a window counts only its best (earliest) detection, and a window
 *   with none costs `-A_FN`.
 * - A detection outside every window costs `A_FP * sigma(y)` with `y = |i - prevRight| / (prevWidth - 1)`
 *   (the distance past the previous window's last row in window lengths; `sigma` is -1 from y >= 3), or
 *   `-A_FP` when no window came before.
 * - A detection is a row whose score is at or above one threshold for the whole corpus; the threshold
 *   reported for a profile is the one that maximises that profile's corpus score.
 * - The corpus score is `100 * (S - S_null) / (S_perfect - S_null)`, `S_perfect = windows * A_TP`,
 *   `S_null = -windows * A_FN`.
 */

export interface NabProfile {
  readonly name: 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** NAB's three application profiles (`config/profiles.json`). */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tp: 1, fp: 0.11, fn: 1 },
  { name: 'reward_low_FP_rate', tp: 1, fp: 0.22, fn: 1 },
  { name: 'reward_low_FN_rate', tp: 1, fp: 0.11, fn: 2 },
];

/** A labelled window as inclusive row indices. */
export interface RowWindow {
  readonly first: number;
  readonly last: number;
}

/** One file of the corpus as the scorer needs it: its length, its windows and the detector's scores. */
export interface ScoredFile {
  readonly name: string;
  readonly windows: readonly RowWindow[];
  /** One score per row, in [0, 1]. */
  readonly scores: Float64Array;
}

/** Rows before this index are probationary. */
export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** NAB's scaled sigmoid: 0.9866 at -1, 0 at 0, -0.9866 at 1, and -1 from 3 on. */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/**
 * What a detection at each row would earn, unweighted by the profile's A_FP / A_TP:
 * `value[i]` is `sigma(y)/sigma(-1)` in a window (positive) or `sigma(y)` outside (negative), and
 * `window[i]` is the window's index, -1 outside every window, -2 in the probationary period.
 */
export function rowValues(
  rows: number,
  windows: readonly RowWindow[],
): { value: Float64Array; window: Int32Array } {
  const value = new Float64Array(rows);
  const window = new Int32Array(rows);
  const probation = probationaryLength(rows);
  let w = 0;
  let prevLast = -1;
  let prevWidth = 0;
  for (let i = 0; i < rows; i++) {
    const cur = windows[w];
    if (cur !== undefined && i >= cur.first && i <= cur.last) {
      const width = cur.last - cur.first + 1;
      value[i] = scaledSigmoid(-(cur.last - i + 1) / width) / MAX_TP;
      window[i] = w;
      if (i === cur.last) {
        prevLast = i;
        prevWidth = width;
        w++;
      }
    } else {
      value[i] = prevLast < 0 ? -1 : scaledSigmoid(Math.abs(i - prevLast) / (prevWidth - 1));
      window[i] = -1;
    }
    if (i < probation) window[i] = -2;
  }
  return { value, window };
}

export interface ProfileScore {
  readonly profile: NabProfile['name'];
  /** The corpus threshold that maximises this profile's score. */
  readonly threshold: number;
  /** The normalised score: 100 perfect, 0 the null detector. */
  readonly score: number;
  readonly raw: number;
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
}

/**
 * Scores a corpus under one profile at the best threshold: every distinct score is a candidate
 * threshold, swept from the highest down, as NAB's optimiser does exhaustively.
 */
export function scoreCorpus(files: readonly ScoredFile[], profile: NabProfile): ProfileScore {
  // Every scorable row of the corpus: its score, what a detection there is worth, and its window.
  let total = 0;
  let windows = 0;
  for (const f of files) {
    total += f.scores.length;
    windows += f.windows.length;
  }
  const score = new Float64Array(total);
  const worth = new Float64Array(total);
  const windowId = new Int32Array(total);
  let k = 0;
  let windowBase = 0;
  for (const f of files) {
    const { value, window } = rowValues(f.scores.length, f.windows);
    for (let i = 0; i < f.scores.length; i++) {
      if (window[i] === -2) continue;
      score[k] = f.scores[i]!;
      worth[k] = window[i]! >= 0 ? value[i]! * profile.tp : value[i]! * profile.fp;
      windowId[k] = window[i]! >= 0 ? windowBase + window[i]! : -1;
      k++;
    }
    windowBase += f.windows.length;
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);

  // Start with no detection: every window missed. Lower the threshold one distinct score at a time.
  const best = new Float64Array(windows).fill(-profile.fn);
  const detected = new Uint8Array(windows);
  let raw = -windows * profile.fn;
  let tp = 0;
  let fp = 0;
  let top: ProfileScore = result(1.1, raw, 0, 0);
  for (let j = 0; j < order.length; ) {
    const threshold = score[order[j]!]!;
    for (; j < order.length && score[order[j]!] === threshold; j++) {
      const r = order[j]!;
      const w = windowId[r]!;
      if (w < 0) {
        raw += worth[r]!;
        fp++;
      } else {
        if (!detected[w]) {
          detected[w] = 1;
          tp++;
        }
        if (worth[r]! > best[w]!) {
          raw += worth[r]! - best[w]!;
          best[w] = worth[r]!;
        }
      }
    }
    if (raw > top.raw) top = result(threshold, raw, tp, fp);
  }
  return top;

  function result(threshold: number, r: number, truePositives: number, falsePositives: number): ProfileScore {
    const perfect = windows * profile.tp;
    const nul = -windows * profile.fn;
    return {
      profile: profile.name,
      threshold,
      score: (100 * (r - nul)) / (perfect - nul),
      raw: r,
      truePositives,
      falseNegatives: windows - truePositives,
      falsePositives,
    };
  }
}
