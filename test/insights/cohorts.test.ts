import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteCohort,
  listSavedCohorts,
  saveCohort,
  withSavedCohorts,
} from '../../src/analytics/insights/cohorts/cohort-store.ts';
import type { CohortsResult } from '../../src/analytics/insights/cohorts/cohorts-insight.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { SessionsResult } from '../../src/analytics/insights/sessions/sessions-insight.ts';
import { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { starSchema } from '../../src/data/warehouse/migrations/001-star-schema.ts';
import { MIGRATIONS, migrate } from '../../src/data/warehouse/migrations/index.ts';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import { createTestWarehouse, loadEvents, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, event: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event,
  ts,
  ...extra,
});

const PROJECT = 'shop';
/**
 * The range 2026-09-01 … 2026-09-07 (UTC) ends at 2026-09-08 00:00; a 2-day behaviour window starts at
 * 2026-09-06 00:00 (included) and ends there (excluded).
 */
const EVENTS: TestEvent[] = [
  ev('edge_in', 'like', '2026-09-06T00:00:00Z'),
  ev('edge_in', 'like', '2026-09-07T23:59:59Z'),
  ev('edge_out', 'like', '2026-09-05T23:59:59Z'),
  ev('edge_out', 'like', '2026-09-08T00:00:00Z'),
  ev('ios', 'view', '2026-08-01T10:00:00Z', { os: 'iOS', source: 'ads' }),
  ev('ios', 'like', '2026-09-07T10:00:00Z', { os: 'iOS', source: 'ads' }),
  ev('android', 'view', '2026-09-02T10:00:00Z', { os: 'Android', source: 'organic' }),
];

const YAML_LAYER = {
  cohorts: {
    likers: { description: 'Liked twice in two days', behavior: { event: 'like', atLeast: 2, days: 2 } },
    ios_users: { where: "os = 'iOS'" },
  },
};

let env: Awaited<ReturnType<typeof createTestWarehouse>>;
beforeAll(async () => {
  env = await createTestWarehouse();
  await loadEvents(env.warehouse, PROJECT, EVENTS);
});
afterAll(async () => env?.dispose());

async function loadedLayer(yaml = SemanticLayer.build(YAML_LAYER)) {
  return withSavedCohorts(env.warehouse, PROJECT, yaml);
}

async function insight<T>(type: string, spec: Record<string, unknown>, yaml?: SemanticLayer): Promise<T> {
  const { layer } = await loadedLayer(yaml);
  const ctx = new InsightContext(env.warehouse, layer, PROJECT);
  return (await runInsight(ctx, type, spec)) as T;
}

describe('cohorts', () => {
  it('counts a behaviour window that starts exactly D days before the range end and excludes the end', async () => {
    const r = await insight<CohortsResult>('cohorts', { from: '2026-09-01', to: '2026-09-07' });
    expect(r.cohorts).toEqual([
      { name: 'ios_users', source: 'project-file', description: null, users: 1 },
      { name: 'likers', source: 'project-file', description: 'Liked twice in two days', users: 1 },
    ]);
    // One day later the window holds edge_out's like at 09-08 00:00 but not the one at 09-05 23:59:59.
    const later = await insight<CohortsResult>('cohorts', {
      from: '2026-09-01',
      to: '2026-09-08',
      name: 'likers',
    });
    expect(later.cohorts.map((c) => c.users)).toEqual([0]);
  });

  it('saves, lists, replaces and deletes a cohort, and uses it as a filter', async () => {
    const yaml = SemanticLayer.build(YAML_LAYER);
    const first = await saveCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'paid', {
      where: "user.source = 'ads'",
      description: 'Came through ads',
    });
    expect(first).toMatchObject({ created: true, warnings: [], cohort: { name: 'paid' } });
    const again = await saveCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'paid', {
      where: "user.source = 'organic'",
    });
    expect(again.created).toBe(false);
    expect(again.cohort.createdAt).toBe(first.cohort.createdAt);
    expect((await listSavedCohorts(env.warehouse, PROJECT)).map((c) => c.definition)).toEqual([
      { where: "user.source = 'organic'" },
    ]);

    const sizes = await insight<CohortsResult>('cohorts', {
      from: '2026-09-01',
      to: '2026-09-07',
      name: 'paid',
    });
    expect(sizes.cohorts).toEqual([{ name: 'paid', source: 'saved', description: null, users: 1 }]);
    const filtered = await insight<SessionsResult>('sessions', {
      from: '2026-09-01',
      to: '2026-09-07',
      where: "cohort = 'paid'",
    });
    expect(filtered.summary).toMatchObject({ sessions: 1, users: 1 });
    const complement = await insight<SessionsResult>('sessions', {
      from: '2026-09-01',
      to: '2026-09-07',
      where: "cohort != 'paid'",
    });
    expect(complement.summary.users).toBe(3);

    await deleteCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'paid');
    expect(await listSavedCohorts(env.warehouse, PROJECT)).toEqual([]);
    await expect(
      insight('sessions', { from: '2026-09-01', to: '2026-09-07', where: "cohort = 'paid'" }),
    ).rejects.toMatchObject({ code: 'SL_UNKNOWN_COHORT' });
  });

  it('lets a cohort in sightline.yaml win over a saved one of the same name, with a warning', async () => {
    await saveCohort(env.warehouse, PROJECT, SemanticLayer.empty(), 'likers', { where: "os = 'Android'" });
    const loaded = await loadedLayer();
    expect(loaded.warnings.map((w) => w.code)).toEqual(['SL_COHORT_SHADOWED']);
    expect(loaded.layer.cohort('likers').definition.behavior?.event).toBe('like');
    // Without the yaml cohort, the saved one is used.
    const alone = await withSavedCohorts(env.warehouse, PROJECT, SemanticLayer.empty());
    expect(alone.layer.cohort('likers')).toMatchObject({
      source: 'saved',
      definition: { where: "os = 'Android'" },
    });
    const saveOver = await saveCohort(env.warehouse, PROJECT, loaded.layer, 'likers', {
      where: "os = 'iOS'",
    });
    expect(saveOver.warnings.map((w) => w.code)).toEqual(['SL_COHORT_SHADOWED']);
    await deleteCohort(env.warehouse, PROJECT, alone.layer, 'likers');
  });

  it('checks a saved cohort like one in sightline.yaml', async () => {
    const layer = SemanticLayer.build(YAML_LAYER);
    const save = (name: string, definition: unknown) =>
      saveCohort(env.warehouse, PROJECT, layer, name, definition);
    await expect(save('9lives', { where: "os = 'iOS'" })).rejects.toMatchObject({
      code: 'SL_COHORT_INVALID',
    });
    await expect(save('empty', {})).rejects.toMatchObject({ code: 'SL_COHORT_INVALID' });
    await expect(save('typo', { wehre: "os = 'iOS'" })).rejects.toMatchObject({ code: 'SL_COHORT_INVALID' });
    await expect(save('bad_days', { behavior: { event: 'like', days: 0 } })).rejects.toMatchObject({
      code: 'SL_COHORT_INVALID',
    });
    await expect(save('unknown_dim', { where: "platfrom = 'web'" })).rejects.toMatchObject({
      code: 'SL_UNKNOWN_DIMENSION',
    });
    await expect(save('syntax', { where: "os = 'iOS" })).rejects.toMatchObject({ code: 'SL_FILTER_SYNTAX' });
    await expect(save('unknown_cohort', { where: "cohort = 'nobody'" })).rejects.toMatchObject({
      code: 'SL_UNKNOWN_COHORT',
    });
    await expect(save('selfish', { where: "cohort = 'selfish'" })).rejects.toMatchObject({
      code: 'SL_COHORT_INVALID',
      message: 'cohort "selfish" refers to itself: selfish -> selfish',
    });
    expect(await listSavedCohorts(env.warehouse, PROJECT)).toEqual([]);
  });

  it('refuses a cycle through another saved cohort, and deleting a cohort another one uses', async () => {
    const yaml = SemanticLayer.build(YAML_LAYER);
    await saveCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'base', {
      where: "os = 'iOS'",
    });
    await saveCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'derived', {
      where: "cohort = 'base' and country is null",
    });
    await expect(
      saveCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'base', {
        where: "cohort = 'derived'",
      }),
    ).rejects.toMatchObject({
      code: 'SL_COHORT_INVALID',
      message: expect.stringContaining('base -> derived -> base'),
    });
    await expect(
      deleteCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'base'),
    ).rejects.toMatchObject({
      code: 'SL_COHORT_INVALID',
    });
    const r = await insight<CohortsResult>(
      'cohorts',
      { from: '2026-09-01', to: '2026-09-07', name: 'derived' },
      yaml,
    );
    expect(r.cohorts[0]).toMatchObject({ source: 'saved', users: 1 });
    await deleteCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'derived');
    await deleteCohort(env.warehouse, PROJECT, (await loadedLayer(yaml)).layer, 'base');
  });

  it('leaves out a saved cohort that no longer checks against sightline.yaml, and those that use it', async () => {
    const withDimension = SemanticLayer.build({ dimensions: { channel: 'user.source' } });
    await saveCohort(env.warehouse, PROJECT, withDimension, 'by_channel', { where: "channel = 'ads'" });
    await saveCohort(
      env.warehouse,
      PROJECT,
      (await withSavedCohorts(env.warehouse, PROJECT, withDimension)).layer,
      'on_top',
      {
        where: "cohort = 'by_channel'",
      },
    );
    const loaded = await withSavedCohorts(env.warehouse, PROJECT, SemanticLayer.empty());
    expect(loaded.warnings.map((w) => w.code)).toEqual(['SL_COHORT_INVALID', 'SL_COHORT_INVALID']);
    expect([...loaded.layer.cohorts.keys()]).toEqual([]);
    await deleteCohort(
      env.warehouse,
      PROJECT,
      (await withSavedCohorts(env.warehouse, PROJECT, withDimension)).layer,
      'on_top',
    );
    await deleteCohort(env.warehouse, PROJECT, withDimension, 'by_channel');
  });

  it('says where a cohort that cannot be deleted lives', async () => {
    await expect(
      deleteCohort(env.warehouse, PROJECT, SemanticLayer.build(YAML_LAYER), 'likers'),
    ).rejects.toMatchObject({
      code: 'SL_UNKNOWN_COHORT',
      message: expect.stringContaining('declared in sightline.yaml'),
    });
    await expect(deleteCohort(env.warehouse, PROJECT, SemanticLayer.empty(), 'nobody')).rejects.toMatchObject(
      {
        code: 'SL_UNKNOWN_COHORT',
      },
    );
  });

  it('compiles a behaviour cohort to the golden SQL', async () => {
    const ctx = new InsightContext(
      env.warehouse,
      SemanticLayer.build({
        cohorts: {
          us_likers: {
            where: "user.source = 'ads'",
            behavior: { event: 'like', atLeast: 3, days: 7, where: "country = 'US'" },
          },
        },
      }),
      PROJECT,
    );
    await runInsight(ctx, 'cohorts', { from: '2026-09-01', to: '2026-09-07', timeZone: 'Europe/Berlin' });
    expectGoldenSql('duckdb', 'cohorts-behavior', ctx.sqlText());
  });
});

describe('the saved-cohorts migration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-v1-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies to a database made by version 1, keeping its data; a read-only open sees no saved cohorts', async () => {
    const file = path.join(dir, 'v1.duckdb');
    const v1 = await DuckDBWarehouse.open(file);
    expect((await migrate(v1, [starSchema])).applied).toEqual([1]);
    await loadEvents(v1, PROJECT, EVENTS);
    await v1.close();

    // Insight commands open read-only and never migrate: a v1 file simply has no saved cohorts.
    const readOnly = await openWarehouse({ path: file, readOnly: true });
    expect(await listSavedCohorts(readOnly.warehouse, PROJECT)).toEqual([]);
    const loaded = await withSavedCohorts(readOnly.warehouse, PROJECT, SemanticLayer.empty());
    expect(loaded).toMatchObject({ warnings: [] });
    await readOnly.warehouse.close();

    const opened = await openWarehouse({ path: file });
    try {
      const w = opened.warehouse;
      expect((await w.query('SELECT max(version) AS v FROM meta.schema_migrations'))[0]).toEqual({
        v: MIGRATIONS.at(-1)?.version,
      });
      expect(await w.query('SELECT count(*) AS n FROM events')).toEqual([{ n: EVENTS.length }]);
      await saveCohort(w, PROJECT, SemanticLayer.empty(), 'ios', { where: "os = 'iOS'" });
      expect((await listSavedCohorts(w, PROJECT)).map((c) => c.name)).toEqual(['ios']);
      expect((await migrate(w, MIGRATIONS)).applied).toEqual([]);
    } finally {
      await opened.warehouse.close();
    }
  });
});
