import { describe, expect, it } from 'vitest';
import { readNabCorpus } from '../../bench/nab/corpus.ts';
import { runCorpus } from '../../bench/nab/run-corpus.ts';
import { NAB_PROFILES, scoreCorpus } from '../../bench/nab/scorer.ts';
import { createDetector, DEFAULT_DETECTOR } from '../../src/math/anomaly/registry.ts';
import { flagScore } from '../../src/math/anomaly/score.ts';

describe('the default detector on NAB', () => {
  it('beats Numenta HTM (70.5) and Random Cut Forest (51.7) on the standard profile, with its best threshold near the default flag', () => {
    const run = runCorpus(readNabCorpus(), (o) => createDetector(DEFAULT_DETECTOR, { ...o }));
    const [standard, lowFp, lowFn] = NAB_PROFILES.map((p) => scoreCorpus(run.files, p));
    // Measured 72.1 / 66.0 / 76.2 (npm run bench:nab); the margin absorbs small deliberate changes and
    // still puts the standard score above Numenta HTM's published 70.5.
    expect(standard!.score).toBeGreaterThan(70.5);
    expect(lowFp!.score).toBeGreaterThan(63);
    expect(lowFn!.score).toBeGreaterThan(73);
    // One setting for the corpus: the threshold NAB's sweep picks is the default sensitivity's flag score.
    expect(Math.abs(standard!.threshold - flagScore())).toBeLessThan(0.05);
  });
});
