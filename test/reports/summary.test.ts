import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../../src/automation/reports/document.ts';
import { type Finding, summarize } from '../../src/automation/reports/summary.ts';

const dau = (relative: number, significant: boolean): MetricValue => ({
  metric: 'dau',
  label: 'DAU',
  value: 14_210,
  format: 'integer',
  polarity: 'up',
  unit: 'users',
  previousPeriod: {
    previous: 17_330,
    absolute: -3_120,
    relative,
    usualRange: 0.04,
    significant,
  },
});

const ctr: MetricValue = {
  metric: 'ctr',
  label: 'CTR',
  value: 0.214,
  format: 'percent',
  polarity: 'up',
  n: 3_400,
  interval: [0.21, 0.218],
  previousPeriod: {
    previous: 0.2015,
    absolute: 0.0125,
    relative: 0.062,
    interval: [0.021, 0.103],
    significant: true,
  },
};

describe('summarize', () => {
  it('writes a count movement with its absolute change, noun and usual range', () => {
    const [sentence] = summarize([{ kind: 'movement', metric: dau(-0.18, true), unit: 'day' }], 5);
    expect(sentence).toEqual({
      text: 'DAU fell 18% day over day to 14,210 (−3,120 users), beyond its usual ±4.0% day-to-day range.',
      // z = 0.18 / (0.04 / 1.96) = 8.82: 0.45 + 0.44 caps at 0.85, +0.05 for bad news.
      importance: 0.9,
      topic: 'movement',
      tone: 'bad',
    });
  });

  it('writes a ratio movement with the interval of the change and the users it rests on', () => {
    const [sentence] = summarize([{ kind: 'movement', metric: ctr, unit: 'day' }], 5);
    expect(sentence?.text).toBe(
      'CTR rose 6.2% day over day to 21.4% (+1.3 pp; 95% interval of the change +2.1% to +10%, 3,400 users).',
    );
    expect(sentence?.tone).toBe('good');
    // half-width 0.041 → se 0.02092, z = 2.964: 0.45 + 0.148 = 0.598.
    expect(sentence?.importance).toBe(0.598);
  });

  it('says that nothing moved when every judged change is within its noise', () => {
    expect(summarize([{ kind: 'movement', metric: dau(-0.02, false), unit: 'week' }], 5)).toEqual([
      {
        text: 'No metric moved beyond its usual range week over week.',
        importance: 0.3,
        topic: 'data',
        tone: 'neutral',
      },
    ]);
  });

  it('ranks an anomaly with its cause first, then movements, experiments and forecasts, and cuts at max', () => {
    const findings: Finding[] = [
      {
        kind: 'forecast',
        label: 'DAU',
        format: 'integer',
        polarity: 'up',
        baseline: 15_000,
        baselineDate: '2026-09-27',
        mean: 12_000,
        interval80: [11_000, 13_000],
        interval95: [10_500, 15_500],
        date: '2026-10-04',
      },
      {
        kind: 'experiment',
        experiment: 'feed_v2',
        decision: 'ship',
        variant: 'treatment',
        metricLabel: 'CTR',
        lift: 0.051,
        interval: [0.02, 0.083],
        users: 12_345,
      },
      { kind: 'movement', metric: ctr, unit: 'day' },
      {
        kind: 'anomaly',
        label: 'DAU',
        when: 'on 2026-09-27 from 06:00 to 09:00 (UTC)',
        direction: 'down',
        value: '230',
        expected: '410',
        cause: 'os=Android explains 92% of the drop.',
      },
      { kind: 'movement', metric: dau(-0.02, false), unit: 'day' },
    ];
    const sentences = summarize(findings, 4);
    expect(sentences.map((s) => [s.topic, s.importance])).toEqual([
      ['anomaly', 0.95],
      ['experiment', 0.8],
      ['movement', 0.598],
      ['forecast', 0.55],
    ]);
    expect(sentences.map((s) => s.text)).toEqual([
      'DAU fell below its expected range on 2026-09-27 from 06:00 to 09:00 (UTC) (230 against 410 expected). os=Android explains 92% of the drop.',
      'Experiment feed_v2: ship treatment; CTR +5.1% against control (95% interval +2.0% to +8.3%, 12,345 users).',
      'CTR rose 6.2% day over day to 21.4% (+1.3 pp; 95% interval of the change +2.1% to +10%, 3,400 users).',
      'DAU is forecast to fall 20% to 12,000 on 2026-10-04 (95% interval 10,500–15,500), against 15,000 on 2026-09-27.',
    ]);
    // Same findings in another order: the same summary.
    expect(summarize([...findings].reverse(), 4)).toEqual(sentences);
  });

  it('words every experiment decision', () => {
    const base = {
      kind: 'experiment' as const,
      experiment: 'x',
      variant: null,
      metricLabel: 'CTR',
      lift: 0.004,
      interval: [-0.02, 0.028] as const,
      users: 945,
    };
    const text = (f: Finding) => summarize([f], 1)[0]?.text;
    expect(text({ ...base, decision: 'keep running', daysNeeded: 120.2 })).toBe(
      'Experiment x: keep running (about 121 days more); CTR +0.40% against control (95% interval −2.0% to +2.8%, 945 users).',
    );
    expect(text({ ...base, decision: 'do not ship' })).toBe(
      'Experiment x: do not ship; CTR +0.40% against control (95% interval −2.0% to +2.8%, 945 users).',
    );
    expect(text({ ...base, decision: 'invalid', reason: 'Sample ratio mismatch (p < 0.001).' })).toBe(
      'Experiment x is invalid: Sample ratio mismatch (p < 0.001).',
    );
  });
});
