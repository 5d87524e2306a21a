import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsFixture, analyticsFixture, api } from './insights-fixture.ts';

/**
 * The metrics layer over HTTP is `sightline metrics --json`; a dimension's values are counted by hand in
 * SQL over the same range as an independent check of the trends breakdown they come from.
 */
let f: AnalyticsFixture;
beforeAll(async () => {
  f = await analyticsFixture({ layer: ['metrics'] });
}, 60_000);
afterAll(() => f?.cleanup());

interface Counted {
  value: string | null;
  events: number;
}

async function byHand(column: string, from: string, to: string, table = 'events e'): Promise<Counted[]> {
  const rows = await f.server.context.warehouse.query<{ value: string | null; events: number }>(
    `SELECT ${column} AS value, count(*) AS events FROM ${table}
     WHERE e.project_id = 'default' AND e.ts >= CAST(? AS DATE) AND e.ts < CAST(? AS DATE) + INTERVAL 1 DAY
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [from, to],
  );
  return rows.map((r) => ({ value: r.value, events: Number(r.events) }));
}

describe('the metrics layer over HTTP', () => {
  it('GET /metrics is `sightline metrics --json`, GET /dimensions its dimensions', async () => {
    const metrics = await api(f.server, f.viewer, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toEqual(f.cli['layer']);
    const dimensions = await api(f.server, f.viewer, 'GET', '/dimensions');
    expect(dimensions.body).toEqual({ dimensions: (f.cli['layer'] as { dimensions: unknown }).dimensions });
  });

  it('the values of an event column are its events per value, most first, counted the same by hand', async () => {
    const r = await api(f.server, f.viewer, 'GET', '/dimensions/os/values?from=2026-10-01&to=2026-10-31');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dimension: 'os', from: '2026-10-01', to: '2026-10-31', otherEvents: 0 });
    expect(r.body.values).toEqual(await byHand('e.os', '2026-10-01', '2026-10-31'));
  });

  it('a named user dimension resolves through the layer; the limit keeps the largest and counts the rest', async () => {
    const r = await api(
      f.server,
      f.viewer,
      'GET',
      '/dimensions/acquisition_source/values?limit=1&from=2026-10-10&to=2026-10-31',
    );
    const all = await byHand(
      'u.source',
      '2026-10-10',
      '2026-10-31',
      'events e JOIN users u ON u.project_id = e.project_id AND u.user_id = e.user_id',
    );
    expect(all.length).toBeGreaterThan(1);
    expect(r.body.values).toEqual(all.slice(0, 1));
    expect(r.body.otherEvents).toBe(all.slice(1).reduce((s, v) => s + v.events, 0));
  });

  it('an unknown dimension is a 404 SL_UNKNOWN_DIMENSION; a bad limit a 400', async () => {
    const unknown = await api(f.server, f.viewer, 'GET', '/dimensions/oss/values');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SL_UNKNOWN_DIMENSION');
    const limit = await api(f.server, f.viewer, 'GET', '/dimensions/os/values?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.code).toBe('SL_BAD_REQUEST');
  });
});
