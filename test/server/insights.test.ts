import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHT_TYPES } from '../../src/analytics/insights/registry.ts';
import { type AnalyticsFixture, analyticsFixture, api, expectSameAnswer } from './insights-fixture.ts';

/**
 * `POST /api/v1/insights/:type` answers with what `sightline insight TYPE --spec FILE --json` prints on
 * the same database (the CLI run first, on the file the server then serves a copy of).
 */
const SPECS = {
  trends: { metric: ['dau', 'new_users'], from: '2026-10-10', to: '2026-10-31' },
  funnel: { steps: ['app_open', 'view', 'like'], from: '2026-10-01', to: '2026-10-31', breakdown: 'os' },
  retention: { from: '2026-10-01', to: '2026-10-31', period: 'week' },
  stickiness: { from: '2026-10-01', to: '2026-10-31' },
} as const;

let f: AnalyticsFixture;
beforeAll(async () => {
  const commands: Record<string, string[]> = {};
  const files: Record<string, string> = {};
  for (const [type, spec] of Object.entries(SPECS)) {
    files[`${type}.json`] = JSON.stringify(spec);
    commands[type] = ['insight', type, '--spec', `$DIR/${type}.json`];
  }
  f = await analyticsFixture(commands, files);
}, 60_000);
afterAll(() => f?.cleanup());

describe('insights over HTTP', () => {
  for (const type of Object.keys(SPECS) as (keyof typeof SPECS)[]) {
    it(`${type} answers with the CLI's --json for the same spec`, async () => {
      const r = await api(f.server, f.viewer, 'POST', `/insights/${type}`, SPECS[type]);
      expect(r.status).toBe(200);
      expectSameAnswer(r.body, f.cli[type]);
    });
  }

  it('the types list every registered insight with its fields, keys the camelCase of the long flags', async () => {
    const r = await api(f.server, f.viewer, 'GET', '/insights/types');
    expect(r.status).toBe(200);
    expect(r.body.types.map((t: { name: string }) => t.name)).toEqual(INSIGHT_TYPES.map((t) => t.name));
    const trends = r.body.types.find((t: { name: string }) => t.name === 'trends');
    const breakdownLimit = trends.fields.find((x: { key: string }) => x.key === 'breakdownLimit');
    expect(breakdownLimit).toMatchObject({ takesValue: true });
    expect(trends.schema.type).toBe('object');
  });

  it('an unknown type is a 404 with a did-you-mean; a bad spec a 400 SL_INSIGHT_INVALID', async () => {
    const unknown = await api(f.server, f.viewer, 'POST', '/insights/trend', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SL_NOT_FOUND');
    expect(unknown.body.error.message).toMatch(/did you mean "trends"/);
    const bad = await api(f.server, f.viewer, 'POST', '/insights/trends', { metrc: ['dau'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('SL_INSIGHT_INVALID');
    expect(bad.body.error.message).toMatch(/did you mean "metric"/);
  });

  it('a second identical query is answered from the cache with the same body', async () => {
    const a = await api(f.server, f.viewer, 'POST', '/insights/trends', SPECS.trends);
    const b = await api(f.server, f.viewer, 'POST', '/insights/trends', { ...SPECS.trends });
    expect(b.body).toEqual(a.body);
  });
});
