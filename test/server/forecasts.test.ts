import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/math/random.ts';
import { type AnalyticsFixture, analyticsFixture, api, expectSameAnswer } from './insights-fixture.ts';

/**
 * `POST /forecasts` and `POST /causal` answer with `sightline forecast|causal --json` for the same metric
 * or the same series (posted as points or columns instead of a CSV file).
 */
const DAY = 86_400_000;
const rng = createRng(3);
const POINTS = Array.from({ length: 70 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2026, 0, 1) + i * DAY).toISOString().slice(0, 10),
  value: Math.round(100 + 20 * Math.sin((2 * Math.PI * i) / 7) + 5 * rng.normal()),
}));
const CONTROL = Array.from({ length: 60 }, (_, i) => 50 + i * 0.5 + rng.normal());
const RESPONSE = CONTROL.map((x, i) => 2 * x + 10 + (i >= 45 ? 15 : 0) + rng.normal());
const CAUSAL_CSV = `y,x\n${RESPONSE.map((y, i) => `${y},${CONTROL[i]}`).join('\n')}\n`;

let f: AnalyticsFixture;
beforeAll(async () => {
  f = await analyticsFixture(
    {
      dau: ['forecast', 'dau', '--horizon', '7', '--model', 'ets'],
      dauAndroid: ['forecast', 'dau', '--horizon', '7', '--model', 'ets', '--where', "os = 'Android'"],
      points: [
        'forecast',
        '--input',
        '$DIR/points.csv',
        '--horizon',
        '10',
        '--level',
        '90',
        '--model',
        'auto',
      ],
      causal: ['causal', '--input', '$DIR/causal.csv', '--pre', '1:45', '--post', '46:60'],
    },
    {
      'points.csv': `timestamp,value\n${POINTS.map((p) => `${p.timestamp},${p.value}`).join('\n')}\n`,
      'causal.csv': CAUSAL_CSV,
    },
  );
}, 60_000);
afterAll(() => f?.cleanup());

describe('forecasts over HTTP', () => {
  it("a metric's forecast is `sightline forecast METRIC --json`", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/forecasts', {
      metric: 'dau',
      horizon: 7,
      model: 'ets',
    });
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['dau']);
  });

  it("a filtered metric's forecast is `sightline forecast METRIC --where EXPR --json`, and not the whole metric's", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/forecasts', {
      metric: 'dau',
      horizon: 7,
      model: 'ets',
      where: "os = 'Android'",
    });
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['dauAndroid']);
    const whole = f.cli['dau'] as { forecasts: { points: { mean: number }[] }[] };
    const android = r.body as { forecasts: { points: { mean: number }[] }[] };
    expect(android.forecasts[0]!.points[0]!.mean).toBeLessThan(whole.forecasts[0]!.points[0]!.mean);
    const onPoints = await api(f.server, f.viewer, 'POST', '/forecasts', {
      points: POINTS,
      where: "os = 'iOS'",
    });
    expect(onPoints.status).toBe(400);
    expect(onPoints.body.error.message).toContain('where filters the events of a metric');
  });

  it('posted points forecast as the same series in a CSV file; includeHistory adds the series', async () => {
    const r = await api(f.server, f.viewer, 'POST', '/forecasts', {
      points: POINTS,
      horizon: 10,
      level: [90],
    });
    expectSameAnswer(r.body, f.cli['points']);
    const withHistory = await api(f.server, f.viewer, 'POST', '/forecasts', {
      points: POINTS,
      horizon: 10,
      level: [90],
      includeHistory: true,
    });
    expect(withHistory.body.history).toHaveLength(POINTS.length);
    expect(withHistory.body.history[3]).toEqual({ t: POINTS[3]!.timestamp, value: POINTS[3]!.value });
  });

  it('coded 4xx for a model, a metric and a body that do not exist or do not fit', async () => {
    const model = await api(f.server, f.viewer, 'POST', '/forecasts', { metric: 'dau', model: 'lstm' });
    expect(model.body.error.code).toBe('SL_FORECAST_OPTION_INVALID');
    const metric = await api(f.server, f.viewer, 'POST', '/forecasts', { metric: 'daus' });
    expect(metric.status).toBe(404);
    expect(metric.body.error.code).toBe('SL_UNKNOWN_METRIC');
    const both = await api(f.server, f.viewer, 'POST', '/forecasts', { metric: 'dau', points: POINTS });
    expect(both.status).toBe(400);
    const horizon = await api(f.server, f.viewer, 'POST', '/forecasts', { points: POINTS, horizon: 0 });
    expect(horizon.body.error.code).toBe('SL_FORECAST_OPTION_INVALID');
  });
});

describe('causal impact over HTTP', () => {
  it('CSV text and columns give `sightline causal --json`', async () => {
    const csv = await api(f.server, f.viewer, 'POST', '/causal', {
      csv: CAUSAL_CSV,
      pre: '1:45',
      post: '46:60',
    });
    expect(csv.status).toBe(200);
    expectSameAnswer(csv.body, f.cli['causal']);
    const columns = await api(f.server, f.viewer, 'POST', '/causal', {
      columns: { y: RESPONSE, x: CONTROL },
      pre: '1:45',
      post: '46:60',
    });
    expectSameAnswer(columns.body, f.cli['causal']);
    expect(columns.body.significant).toBe(true);
  });

  it('a post-period before the pre-period is a coded 400', async () => {
    const r = await api(f.server, f.viewer, 'POST', '/causal', {
      csv: CAUSAL_CSV,
      pre: '30:45',
      post: '1:20',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('SL_CAUSAL_PERIOD_INVALID');
  });
});
