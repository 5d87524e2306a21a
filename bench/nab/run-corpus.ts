/**
 * Runs one detector configuration over the NAB corpus, the way a user would run it on their own series:
 * one setting for every file, the step and seasons read from the file's own timestamps, each row judged
 * before it is learnt. NAB has a few rows whose timestamp repeats or steps back; they are fed as the
 * previous row's time (the detector contract wants non-decreasing times), in their file order.
 */

import type { DetectorOptions, StreamingDetector } from '../../src/math/anomaly/types.ts';
import { inferSeasonPeriods } from '../../src/math/forecast/season.ts';
import type { NabSeries } from './corpus.ts';
import type { ScoredFile } from './scorer.ts';

export type DetectorMaker = (options: DetectorOptions) => StreamingDetector;

/** The most common gap between consecutive rows, in ms. */
export function modalStepMs(times: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [d, c] of counts) if (c > bestCount) [best, bestCount] = [d, c];
  return best;
}

/** The options a detector gets for a series: its step and the seasons that step implies. */
export function optionsFor(series: NabSeries): DetectorOptions {
  const stepMs = modalStepMs(series.times);
  return {
    stepMs,
    seasonPeriods: inferSeasonPeriods({ kind: 'fixed', us: stepMs * 1000 }, series.values.length),
  };
}

export interface CorpusRun {
  readonly files: ScoredFile[];
  readonly detector: string;
  readonly points: number;
  readonly ms: number;
}

export function runCorpus(corpus: readonly NabSeries[], make: DetectorMaker): CorpusRun {
  const files: ScoredFile[] = [];
  let detector = '';
  let points = 0;
  const started = performance.now();
  for (const series of corpus) {
    const d = make(optionsFor(series));
    detector = d.name;
    const scores = new Float64Array(series.values.length);
    let t = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < scores.length; i++) {
      t = Math.max(t, series.times[i]!);
      scores[i] = d.update(t, series.values[i]!).score;
    }
    points += scores.length;
    files.push({ name: series.name, windows: series.windows, scores });
  }
  return { files, detector, points, ms: performance.now() - started };
}
