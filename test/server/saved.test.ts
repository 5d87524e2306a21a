import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { builtinDashboards } from '../../src/server/routes/saved-builtin.ts';
import { withFilters } from '../../src/server/routes/saved-run.ts';
import { dashboardBody, readDashboard } from '../../web/src/dashboards/dashboard-json.ts';
import { ROOT } from '../helpers/cli.ts';
import { type AnalyticsFixture, analyticsFixture, api, expectSameAnswer } from './insights-fixture.ts';

/**
 * Saved insights and dashboards: create, read, update and delete round trips, roles, ids of another
 * project answered as not found, the built-in role dashboards, and `POST /dashboards/:id/run` whose tiles
 * equal what `sightline insight … --json` prints for the tile's spec with the global filters applied.
 */
const FILTERS = { dateFrom: '2026-10-05', dateTo: '2026-10-31', where: "os = 'Android'" };
const product = builtinDashboards(loadProjectFile(undefined, ROOT).layer).find((d) => d.role === 'product')!;
const activeTile = product.tiles.find((t) => t.id === 'active-users')!;
const funnelTile = product.tiles.find((t) => t.id === 'main-funnel')!;
const filtered = (tile: typeof activeTile) => {
  const insight = tile.insight as { type: string; spec: Record<string, unknown> };
  return withFilters(insight.spec, FILTERS);
};

let f: AnalyticsFixture;
let otherEditor: string;
beforeAll(async () => {
  f = await analyticsFixture(
    {
      active: ['insight', 'trends', '--spec', '$DIR/active.json'],
      funnel: ['insight', 'funnel', '--spec', '$DIR/funnel.json'],
      activeAll: ['insight', 'trends', '--spec', '$DIR/active-all.json'],
      forecast: [
        'forecast',
        'dau',
        '--horizon',
        '14',
        '--from',
        FILTERS.dateFrom,
        '--to',
        FILTERS.dateTo,
        '--where',
        FILTERS.where,
      ],
    },
    {
      'active.json': JSON.stringify(filtered(activeTile)),
      'funnel.json': JSON.stringify(filtered(funnelTile)),
      'active-all.json': JSON.stringify({ metric: ['dau'], from: '2026-10-05', to: '2026-10-31' }),
    },
  );
  otherEditor = await f.server.key('other', 'editor');
}, 60_000);
afterAll(() => f?.cleanup());

const INSIGHT = {
  name: 'DAU in October',
  type: 'trends',
  spec: { metric: ['dau'], from: '2026-10-05', to: '2026-10-31' },
};

describe('saved insights', () => {
  it('round-trips create, read, list, update and delete; ids are opaque and random', async () => {
    const created = await api(f.server, f.editor, 'POST', '/saved-insights', INSIGHT);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(INSIGHT);
    expect(created.body.id).toMatch(/^ins_[A-Za-z0-9_-]{12}$/);
    const id = created.body.id;
    const second = await api(f.server, f.editor, 'POST', '/saved-insights', INSIGHT);
    expect(second.body.id).not.toBe(id);

    expect((await api(f.server, f.viewer, 'GET', `/saved-insights/${id}`)).body).toEqual(created.body);
    const list = await api(f.server, f.viewer, 'GET', '/saved-insights');
    expect(list.body.savedInsights.map((s: { id: string }) => s.id)).toEqual([id, second.body.id]);

    const renamed = await api(f.server, f.editor, 'PUT', `/saved-insights/${id}`, {
      ...INSIGHT,
      name: 'Renamed',
      description: 'why',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id,
      name: 'Renamed',
      description: 'why',
      createdAt: created.body.createdAt,
    });

    expect((await api(f.server, f.editor, 'DELETE', `/saved-insights/${id}`)).status).toBe(204);
    const gone = await api(f.server, f.viewer, 'GET', `/saved-insights/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('SL_NOT_FOUND');
    await api(f.server, f.editor, 'DELETE', `/saved-insights/${second.body.id}`);
  });

  it('viewers read but cannot write; another project sees, changes and deletes nothing', async () => {
    const denied = await api(f.server, f.viewer, 'POST', '/saved-insights', INSIGHT);
    expect(denied.status).toBe(403);
    const { body } = await api(f.server, f.editor, 'POST', '/saved-insights', INSIGHT);
    for (const [method, payload] of [['GET'], ['PUT', INSIGHT], ['DELETE']] as const) {
      const r = await api(f.server, otherEditor, method, `/saved-insights/${body.id}`, payload);
      expect(r.status, method).toBe(404);
    }
    expect((await api(f.server, otherEditor, 'GET', '/saved-insights')).body.savedInsights).toEqual([]);
    expect((await api(f.server, f.viewer, 'GET', `/saved-insights/${body.id}`)).body.name).toBe(INSIGHT.name);
  });

  it('checks the spec with its type without running it: a bad field is SL_INSIGHT_INVALID, a bad type 404', async () => {
    const bad = await api(f.server, f.editor, 'POST', '/saved-insights', {
      ...INSIGHT,
      spec: { metrc: ['dau'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('SL_INSIGHT_INVALID');
    const type = await api(f.server, f.editor, 'POST', '/saved-insights', { ...INSIGHT, type: 'funnels' });
    expect(type.status).toBe(404);
    expect(type.body.error.message).toMatch(/did you mean "funnel"/);
  });
});

describe('dashboards', () => {
  it('lists the three built-in role dashboards, which cannot be changed', async () => {
    const list = await api(f.server, f.viewer, 'GET', '/dashboards');
    expect(list.body.dashboards.slice(0, 3).map((d: { id: string }) => d.id)).toEqual([
      'builtin:product',
      'builtin:marketing',
      'builtin:executive',
    ]);
    expect(list.body.dashboards[0].tiles.map((t: { id: string }) => t.id)).toEqual([
      'active-users',
      'new-users-by-source',
      'retention-campaign',
      'main-funnel',
      'engagement',
      'stickiness',
    ]);
    const put = await api(f.server, f.editor, 'PUT', '/dashboards/builtin:product', { name: 'x', tiles: [] });
    expect(put.status).toBe(400);
    expect((await api(f.server, f.editor, 'DELETE', '/dashboards/builtin:product')).status).toBe(400);
  });

  it('runs every built-in tile on the demo without an error', async () => {
    for (const role of ['product', 'marketing', 'executive']) {
      const r = await api(f.server, f.viewer, 'POST', `/dashboards/builtin:${role}/run`, {});
      expect(r.status).toBe(200);
      for (const tile of r.body.tiles) expect(tile.error, `${role} ${tile.id}`).toBeUndefined();
    }
  });

  it("applies the global date range and filter to every tile: the tiles equal the CLI's answers", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/dashboards/builtin:product/run', FILTERS);
    expect(r.body.filters).toEqual(FILTERS);
    const tile = (id: string) => r.body.tiles.find((t: { id: string }) => t.id === id);
    expect(tile('active-users').spec).toEqual(filtered(activeTile));
    expectSameAnswer(tile('active-users').result, f.cli['active']);
    expectSameAnswer(tile('main-funnel').result, f.cli['funnel']);
    // The filter changed the numbers: Android's DAU is below everyone's.
    const android = tile('active-users').result.series[0].points[0].value;
    const everyone = (f.cli['activeAll'] as { series: { points: { value: number }[] }[] }).series[0]!
      .points[0]!.value;
    expect(android).toBeGreaterThan(0);
    expect(android).toBeLessThan(everyone);
  });

  it("applies the date range and the filter to a forecast tile's history: `sightline forecast --where`", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/dashboards/builtin:executive/run', FILTERS);
    const tile = r.body.tiles.find((t: { id: string }) => t.id === 'dau-forecast');
    expect(tile.spec).toMatchObject({ from: FILTERS.dateFrom, to: FILTERS.dateTo, where: FILTERS.where });
    expectSameAnswer(tile.result, f.cli['forecast']);
  });

  it('round-trips a dashboard of its own, with a tile of a saved insight that later fails alone', async () => {
    const saved = await api(f.server, f.editor, 'POST', '/saved-insights', INSIGHT);
    const body = {
      name: 'Mine',
      filters: { dateFrom: '2026-10-05' },
      tiles: [
        { id: 'a', title: 'Saved DAU', insight: { savedInsightId: saved.body.id }, width: 12 },
        { id: 'b', title: 'Stickiness', insight: { type: 'stickiness', spec: {} } },
      ],
    };
    const created = await api(f.server, f.editor, 'POST', '/dashboards', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, builtin: false, role: null });
    expect(created.body.id).toMatch(/^dash_/);
    const id = created.body.id;
    expect((await api(f.server, f.viewer, 'GET', `/dashboards/${id}`)).body).toEqual(created.body);
    expect((await api(f.server, otherEditor, 'GET', `/dashboards/${id}`)).status).toBe(404);
    expect((await api(f.server, otherEditor, 'POST', `/dashboards/${id}/run`, {})).status).toBe(404);

    const updated = await api(f.server, f.editor, 'PUT', `/dashboards/${id}`, { ...body, role: 'marketing' });
    expect(updated.body.role).toBe('marketing');

    await api(f.server, f.editor, 'DELETE', `/saved-insights/${saved.body.id}`);
    const run = await api(f.server, f.viewer, 'POST', `/dashboards/${id}/run`, {});
    expect(run.body.tiles[0].error.code).toBe('SL_NOT_FOUND');
    expect(run.body.tiles[1].result.sql).toBeTypeOf('string');
    expect(run.body.tiles[1].spec).toEqual({ from: '2026-10-05' });

    expect((await api(f.server, f.editor, 'DELETE', `/dashboards/${id}`)).status).toBe(204);
    expect((await api(f.server, f.viewer, 'GET', `/dashboards/${id}`)).status).toBe(404);
  });

  it("keeps a dashboard's role, filters and tile widths when the web app removes a tile and saves it", async () => {
    const body = {
      name: 'Growth',
      role: 'marketing',
      filters: { dateFrom: '2026-10-05', where: "country = 'DE'" },
      tiles: [
        { id: 'a', title: 'DAU', insight: { type: 'trends', spec: { metric: ['dau'] } }, width: 12 },
        { id: 'b', title: 'Stickiness', insight: { type: 'stickiness', spec: {} }, width: 4 },
        { id: 'c', title: 'Lifecycle', insight: { type: 'lifecycle', spec: {} } },
      ],
    };
    const created = await api(f.server, f.editor, 'POST', '/dashboards', body);
    expect(created.status).toBe(201);
    // What the dashboard page does: read the dashboard, drop a tile, PUT what it read.
    const read = readDashboard(created.body);
    const saved = await api(
      f.server,
      f.editor,
      'PUT',
      `/dashboards/${read.id}`,
      dashboardBody({ ...read, tiles: read.tiles.filter((t) => t.id !== 'a') }),
    );
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...body, tiles: body.tiles.slice(1) });
    expect(saved.body.tiles[1]).not.toHaveProperty('width');
    await api(f.server, f.editor, 'DELETE', `/dashboards/${read.id}`);
  });

  it('refuses repeated tile ids, unknown saved insights and bad tile specs with codes', async () => {
    const tile = { id: 'a', title: 't', insight: { type: 'stickiness', spec: {} } };
    const twice = await api(f.server, f.editor, 'POST', '/dashboards', { name: 'x', tiles: [tile, tile] });
    expect(twice.body.error).toMatchObject({
      code: 'SL_BAD_REQUEST',
      message: expect.stringMatching(/tiles\.1\.id/),
    });
    const missing = await api(f.server, f.editor, 'POST', '/dashboards', {
      name: 'x',
      tiles: [{ ...tile, insight: { savedInsightId: 'ins_nope' } }],
    });
    expect(missing.status).toBe(400);
    const spec = await api(f.server, f.editor, 'POST', '/dashboards', {
      name: 'x',
      tiles: [{ ...tile, insight: { type: 'stickiness', spec: { interval: 'year' } } }],
    });
    expect(spec.body.error.code).toBe('SL_INSIGHT_INVALID');
  });
});
