import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import {
  createDetector,
  DEFAULT_DETECTOR,
  DETECTOR_DESCRIPTIONS,
  DETECTOR_NAMES,
  isDetectorName,
} from './registry.ts';
import { scoreSeries } from './score-series.ts';

const STEP = 60 * 60_000;

describe('the detector registry', () => {
  it('knows its names, describes each, and has the default among them', () => {
    expect(isDetectorName('stl-esd')).toBe(true);
    expect(isDetectorName('STL-ESD')).toBe(false);
    expect(isDetectorName('prophet')).toBe(false);
    expect(DETECTOR_NAMES).toContain(DEFAULT_DETECTOR);
    expect(Object.keys(DETECTOR_DESCRIPTIONS).sort()).toEqual([...DETECTOR_NAMES].sort());
  });

  it('builds every named detector, each giving finite scores and a spike flagged on a seasonal series with gaps', () => {
    const rng = createRng(1);
    const n = 24 * 21;
    const t = Float64Array.from({ length: n }, (_, i) => i * STEP);
    const y = Float64Array.from(
      { length: n },
      (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 24) + 2 * rng.normal(),
    );
    for (let i = 0; i < n; i += 11) y[i] = Number.NaN;
    const spike = 24 * 18 + 12;
    y[spike] = 400;
    for (const name of DETECTOR_NAMES) {
      const options = { stepMs: STEP, seasonPeriods: [24], ...(name === 'threshold' ? { above: 300 } : {}) };
      const r = scoreSeries(createDetector(name, options), t, y);
      for (let i = 0; i < n; i++) expect(Number.isFinite(r.score[i]!), `${name} at ${i}`).toBe(true);
      expect(r.flag[spike], name).toBe(1);
    }
  });

  it('passes settings through, and takes ensemble members by name', () => {
    expect(createDetector('cusum', { stepMs: STEP, window: 10, drift: 1 }).name).toMatch(
      /^cusum\(window=10,k=1,/,
    );
    const e = createDetector('ensemble', { stepMs: STEP, members: ['mad', 'bocpd'], agree: 1 });
    expect(e.name).toMatch(/^ensemble\(agree=1: mad\(.*\), bocpd\(.*\)\)$/);
    expect(() => createDetector('ensemble', { stepMs: STEP, members: ['ensemble'] })).toThrow(
      /cannot be an ensemble member/,
    );
  });
});
