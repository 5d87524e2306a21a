import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createMadDetector } from './mad.ts';
import { scoreSeries } from './score-series.ts';
import { createSeasonalSlotDetector, defaultSlotPeriods, slotOf } from './seasonal-slot.ts';
import { flagged } from './series.fixture.ts';

const HOUR = 3_600_000;
const STEP = 15 * 60_000;

/** Hourly points from `start`: 100 + a daily wave + a repeating dip at 03:00–04:59 + N(0, 2) noise. */
function hourlyWithDip(days: number, seed: number, start = 0, wave = 20) {
  const rng = createRng(seed);
  const n = days * 24;
  const t = Float64Array.from({ length: n }, (_, i) => start + i * HOUR);
  const y = Float64Array.from({ length: n }, (_, i) => {
    const h = i % 24;
    return 100 + wave * Math.sin((2 * Math.PI * h) / 24) - (h === 3 || h === 4 ? 40 : 0) + 2 * rng.normal();
  });
  return { t, y };
}

describe('slotOf', () => {
  it('is the UTC hour of the day and the hour of the week counted from the epoch, a Thursday', () => {
    const monday1037 = Date.UTC(2024, 0, 1, 10, 37); // 2024-01-01 was a Monday
    expect(slotOf(monday1037, HOUR, 24)).toBe(10);
    expect(slotOf(monday1037, HOUR, 168)).toBe(4 * 24 + 10); // Thu, Fri, Sat, Sun before Monday
    expect(slotOf(Date.UTC(1970, 0, 1, 0, 0), HOUR, 168)).toBe(0);
    expect(slotOf(Date.UTC(1969, 11, 31, 23, 30), HOUR, 24)).toBe(23);
    expect(slotOf(Date.UTC(2024, 0, 1, 23, 59), STEP, 96)).toBe(95);
  });
});

describe('defaultSlotPeriods', () => {
  it('is the day and the week in steps for sub-daily data, the week for daily, none otherwise', () => {
    expect(defaultSlotPeriods(STEP)).toEqual([96, 672]);
    expect(defaultSlotPeriods(HOUR)).toEqual([24, 168]);
    expect(defaultSlotPeriods(24 * HOUR)).toEqual([7]);
    expect(defaultSlotPeriods(7 * 24 * HOUR)).toEqual([]);
    expect(defaultSlotPeriods(7 * 60_000)).toEqual([1440]); // divides the week, not the day
    expect(defaultSlotPeriods(11 * 60_000)).toEqual([]);
  });
});

describe('createSeasonalSlotDetector', () => {
  it('learns for `cycles` shortest periods: score 0 and no expectation, then an expectation', () => {
    const { t, y } = hourlyWithDip(10, 1);
    const d = createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] });
    expect(d.name).toBe('seasonal(periods=24,cycles=4,level=24,learning=96)');
    const r = scoreSeries(d, t, y);
    for (let i = 0; i < 96; i++) {
      expect(r.score[i]).toBe(0);
      expect(r.expected[i]).toBeNaN();
    }
    expect(Number.isFinite(r.expected[96]!)).toBe(true);
  });

  it('does not flag a dip that repeats every day, which the median/MAD rule flags', () => {
    const { t, y } = hourlyWithDip(30, 2);
    const seasonal = scoreSeries(createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] }), t, y);
    expect(flagged(seasonal.flag)).toEqual([]);
    // The dip sits in the expectation: at 03:00 on day 20 expected is near 100 + 20·sin(π/4) − 40 = 74.1.
    expect(Math.abs(seasonal.expected[20 * 24 + 3]! - 74.14)).toBeLessThan(3);
    // Without the wave the dip is 20 noise sd below a day's median: the MAD rule flags it every day.
    const flat = hourlyWithDip(30, 2, 0, 0);
    const seasonalFlat = scoreSeries(
      createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] }),
      t,
      flat.y,
    );
    expect(flagged(seasonalFlat.flag)).toEqual([]);
    const mad = scoreSeries(createMadDetector({ stepMs: HOUR }), t, flat.y);
    expect(flagged(mad.flag).length).toBeGreaterThan(20);
  });

  it('flags a spike and a one-off dip at the default sensitivity, and nothing else', () => {
    const { t, y } = hourlyWithDip(30, 3);
    y[20 * 24 + 12]! += 30; // 15 noise sd
    y[25 * 24 + 8]! -= 30;
    const r = scoreSeries(createSeasonalSlotDetector({ stepMs: HOUR }), t, y);
    expect(flagged(r.flag)).toEqual([20 * 24 + 12, 25 * 24 + 8]);
  });

  it('flags a level shift for under half a day, then takes it as the new normal with no second wave', () => {
    const { t, y } = hourlyWithDip(40, 4);
    const at = 15 * 24 + 7;
    for (let i = at; i < y.length; i++) y[i]! += 30;
    const r = scoreSeries(createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] }), t, y);
    const f = flagged(r.flag);
    expect(f[0]).toBe(at);
    // The level's 24-point median moves once 13 shifted points are in it.
    expect(f.every((i) => i < at + 13)).toBe(true);
    expect(f.length).toBeGreaterThan(5);
    // And the expectation has moved with it: over the last five days it misses by the noise alone.
    let miss = 0;
    for (let i = y.length - 120; i < y.length; i++) miss += Math.abs(r.expected[i]! - y[i]!);
    expect(miss / 120).toBeLessThan(3);
  });

  it('does not flag a slow drift', () => {
    const { t, y } = hourlyWithDip(60, 5);
    for (let i = 0; i < y.length; i++) y[i]! += 0.02 * i; // 29 over the series, 0.5 a day
    const r = scoreSeries(createSeasonalSlotDetector({ stepMs: HOUR }), t, y);
    expect(flagged(r.flag)).toEqual([]);
  });

  it('places irregular timestamps and gaps in the slot of their hour, so the repeating dip stays unflagged', () => {
    // Points dropped at random (a fifth) and the rest moved to a random minute of their hour: an index-based
    // slot would drift off the dip after the first gap.
    const { t, y } = hourlyWithDip(30, 6, Date.UTC(2024, 0, 1));
    const rng = createRng(60);
    const keepT: number[] = [];
    const keepY: number[] = [];
    for (let i = 0; i < t.length; i++) {
      if (rng.bernoulli(0.2)) continue;
      keepT.push(t[i]! + rng.int(0, 59) * 60_000);
      keepY.push(y[i]!);
    }
    const r = scoreSeries(
      createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] }),
      Float64Array.from(keepT),
      Float64Array.from(keepY),
    );
    expect(flagged(r.flag)).toEqual([]);
    expect(Array.from(r.score).some((s) => Number.isNaN(s))).toBe(false);
    expect(Array.from(r.score).some((s) => s > 0)).toBe(true);
  });

  it('scores missing points 0 with the slot expectation, and learns nothing from them', () => {
    const { t, y } = hourlyWithDip(20, 7);
    for (let i = 5 * 24; i < 5 * 24 + 30; i++) y[i] = Number.NaN;
    const r = scoreSeries(createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] }), t, y);
    for (let i = 5 * 24; i < 5 * 24 + 30; i++) {
      expect(r.score[i]).toBe(0);
      expect(Number.isFinite(r.expected[i]!)).toBe(true);
    }
    expect(flagged(r.flag)).toEqual([]);
  });

  it('moves from the hour-of-day to the hour-of-week baseline once four weeks are in, and then leaves quiet weekends alone', () => {
    // Weekends at 60% of weekdays. The daily baseline flags the first hours of each weekend until the level
    // catches up; the weekly one knows them.
    const rng = createRng(8);
    const start = Date.UTC(2024, 0, 1); // a Monday
    const n = 10 * 7 * 24;
    const t = Float64Array.from({ length: n }, (_, i) => start + i * HOUR);
    const y = Float64Array.from({ length: n }, (_, i) => {
      const weekend = Math.floor(i / 24) % 7 >= 5;
      return (weekend ? 60 : 100) + 20 * Math.sin((2 * Math.PI * (i % 24)) / 24) + 2 * rng.normal();
    });
    const d = createSeasonalSlotDetector({ stepMs: HOUR });
    expect(d.name).toBe('seasonal(periods=24/168,cycles=4,level=24,learning=96)');
    const f = flagged(scoreSeries(d, t, y).flag);
    expect(f.some((i) => i < 4 * 168)).toBe(true);
    expect(f.filter((i) => i >= 4 * 168 + 24)).toEqual([]);
  });

  it('treats a flat history exactly and never returns NaN scores', () => {
    const d = createSeasonalSlotDetector({ stepMs: HOUR, seasonPeriods: [24] });
    for (let i = 0; i < 24 * 6; i++) d.update(i * HOUR, 7);
    expect(d.update(24 * 6 * HOUR, 7)).toMatchObject({ score: 0, flag: false, expected: 7 });
    expect(d.update(24 * 6 * HOUR + HOUR, 8)).toMatchObject({ score: 1, flag: true });
  });

  it('without a season is a rolling-median baseline that still flags a spike', () => {
    const rng = createRng(9);
    const y = Float64Array.from({ length: 500 }, () => 50 + rng.normal());
    y[300] = 70;
    const d = createSeasonalSlotDetector({ stepMs: STEP, seasonPeriods: [] });
    expect(d.name).toBe('seasonal(periods=none,cycles=4,level=96,learning=96)');
    const r = scoreSeries(
      d,
      Float64Array.from({ length: 500 }, (_, i) => i * STEP),
      y,
    );
    expect(flagged(r.flag)).toEqual([300]);
  });
});
