import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../src/server/app.ts';
import { type AnalyticsFixture, analyticsFixture } from './insights-fixture.ts';

/**
 * Every POST and PUT route of the API, found by walking the app (so a route added later is covered
 * without editing this file), answers malformed bodies with a 4xx and a stable code, never a 500:
 * invalid JSON, JSON of the wrong shape, missing and mistyped fields, an unknown insight type, and a
 * body over the size limit.
 */
const BODY_LIMIT = 64 * 1024;

/** A value for each path parameter that names something that exists, so the body is what is judged. */
const PARAMS: Record<string, string> = {
  type: 'trends',
  name: 'feed_ranking_v2',
  id: 'builtin:product',
};

let f: AnalyticsFixture;
let admin: string;
let routes: { method: string; url: string }[];
beforeAll(async () => {
  f = await analyticsFixture({}, {}, { bodyLimitBytes: BODY_LIMIT });
  admin = await f.server.key('default', 'admin');
  routes = routesOf(f.server.app)
    .filter((r) => (r.method === 'POST' || r.method === 'PUT') && r.url.startsWith('/api/v1/'))
    .map((r) => ({
      method: r.method,
      url: r.url.replace(/:([a-zA-Z]+)/g, (_, p: string) => encodeURIComponent(PARAMS[p] ?? 'x')),
    }));
}, 60_000);
afterAll(() => f?.cleanup());

async function send(method: string, url: string, body: string | Buffer, contentType = 'application/json') {
  const response = await fetch(`${f.server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
    body,
  });
  const text = await response.text();
  let parsed: { error?: { code?: string } } | null = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, code: parsed?.error?.code ?? null };
}

const CASES: [string, string | (() => string)][] = [
  ['invalid JSON', '{"metric": ['],
  ['a JSON array', '[1, 2, 3]'],
  ['a JSON number', '42'],
  ['a JSON string', '"trends"'],
  ['null', 'null'],
  ['an empty object', '{}'],
  [
    'wrong types everywhere',
    JSON.stringify({
      name: 7,
      type: [],
      spec: 'x',
      query: 3,
      metric: {},
      tiles: 'no',
      limit: 'all',
      horizon: 'soon',
      mde: 'big',
      from: 20261001,
      points: {},
      csv: 5,
      pre: [],
      events: 'x',
      batch: 1,
    }),
  ],
  ['unknown fields', JSON.stringify({ nonsense: { deeply: [1, { nested: true }] } })],
  ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
  ['over the size limit', () => JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT + 1) })],
];

describe('bad bodies', () => {
  it('finds the POST and PUT routes of every part of the API', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'POST /api/v1/insights/trends',
      'POST /api/v1/sql',
      'POST /api/v1/forecasts',
      'POST /api/v1/power',
      'PUT /api/v1/dashboards/builtin%3Aproduct',
      'POST /api/v1/saved-insights',
    ])
      expect(urls).toContain(expected);
  });

  it.each(CASES)(
    '%s: every POST and PUT route answers 2xx or a coded 4xx, never a 5xx',
    async (_name, make) => {
      const body = typeof make === 'function' ? make() : make;
      const failures: string[] = [];
      for (const route of routes) {
        const r = await send(route.method, route.url, body);
        const ok = r.status < 300 || (r.status >= 400 && r.status < 500 && /^SL_[A-Z_]+$/.test(r.code ?? ''));
        if (!ok) failures.push(`${route.method} ${route.url} -> ${r.status} ${r.code}`);
      }
      expect(failures).toEqual([]);
    },
  );

  it('invalid JSON is SL_BAD_JSON and an oversized body 413 SL_BODY_TOO_LARGE on the analytics routes', async () => {
    const analytics = routes.filter((r) =>
      /\/(insights|experiments|power|forecasts|causal|anomalies|sql|saved-insights|dashboards)/.test(r.url),
    );
    expect(analytics.length).toBeGreaterThanOrEqual(12);
    for (const route of analytics) {
      expect(await send(route.method, route.url, '{"a": '), route.url).toEqual({
        status: 400,
        code: 'SL_BAD_JSON',
      });
      expect(
        await send(route.method, route.url, JSON.stringify({ p: 'x'.repeat(BODY_LIMIT) })),
        route.url,
      ).toEqual({
        status: 413,
        code: 'SL_BODY_TOO_LARGE',
      });
    }
  });

  it('an unknown insight type is a 404 for a query, a saved insight and a dashboard tile', async () => {
    expect(await send('POST', '/api/v1/insights/trendz', '{}')).toEqual({
      status: 404,
      code: 'SL_NOT_FOUND',
    });
    const saved = JSON.stringify({ name: 'n', type: 'trendz', spec: {} });
    expect(await send('POST', '/api/v1/saved-insights', saved)).toEqual({
      status: 404,
      code: 'SL_NOT_FOUND',
    });
    const tile = JSON.stringify({
      name: 'n',
      tiles: [{ id: 'a', title: 't', insight: { type: 'trendz', spec: {} } }],
    });
    expect(await send('POST', '/api/v1/dashboards', tile)).toEqual({ status: 404, code: 'SL_NOT_FOUND' });
  });

  it('wrong field types are 400s naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/sql', { query: 5 }, 'SL_BAD_REQUEST'],
      ['/api/v1/power', { mde: '0.1', baselineRate: 0.1 }, 'SL_BAD_REQUEST'],
      ['/api/v1/forecasts', { metric: 'dau', horizon: 'soon' }, 'SL_FORECAST_OPTION_INVALID'],
      ['/api/v1/insights/trends', { metric: 5 }, 'SL_INSIGHT_INVALID'],
      ['/api/v1/anomalies/explain', { metric: 'dau', at: 20261030 }, 'SL_EXPLAIN_INVALID'],
      [
        '/api/v1/dashboards',
        { name: 'n', tiles: [{ id: 'a', title: 't', insight: {}, width: 13 }] },
        'SL_BAD_REQUEST',
      ],
    ];
    for (const [url, body, code] of cases)
      expect(await send('POST', url, JSON.stringify(body)), url).toEqual({ status: 400, code });
  });
});
