import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { StickinessResult } from '../../src/analytics/insights/stickiness/stickiness-insight.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event: 'a',
  ts,
  ...extra,
});

const PROJECTS: Record<string, TestEvent[]> = {
  basic: [
    ev('u1', '2026-09-01T00:00:00Z'),
    ev('u1', '2026-09-02T10:00:00Z'),
    ev('u1', '2026-09-02T10:00:00Z'),
    ev('u1', '2026-09-03T23:59:59Z'),
    ev('u2', '2026-09-02T12:00:00Z'),
    // Outside the range on both sides: not active in it.
    ev('u3', '2026-08-31T23:59:59Z'),
    ev('u3', '2026-09-04T00:00:00Z'),
  ],
  // Berlin: 22:30 UTC on 2026-10-25 (after summer time ended) is Sunday 23:30, 23:30 UTC is Monday 00:30.
  dst: [ev('u1', '2026-10-25T22:30:00Z'), ev('u1', '2026-10-25T23:30:00Z')],
  breakdown: [
    ev('u1', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u1', '2026-09-02T10:00:00Z', { os: 'Android' }),
    ev('u2', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u2', '2026-09-02T10:00:00Z', { os: 'iOS' }),
    ev('u3', '2026-09-03T10:00:00Z', { os: null }),
    ev('u4', '2026-09-01T10:00:00Z', { os: 'Android' }),
    ev('u4', '2026-09-02T10:00:00Z', { os: null }),
    ev('u5', '2026-09-03T10:00:00Z', { os: 'iOS' }),
  ],
};

let store: Awaited<ReturnType<typeof createTestWarehouse>>;

beforeAll(async () => {
  store = await createTestWarehouse();
  await loadProjects(store.warehouse, new Map(Object.entries(PROJECTS)));
});
afterAll(async () => store?.dispose());

async function stickiness(project: string, spec: Record<string, unknown>): Promise<StickinessResult> {
  return (await runInsight(contextFor(store.warehouse, project), 'stickiness', spec)) as StickinessResult;
}

const histogram = (r: StickinessResult) =>
  r.series.map((s) => [s.label, ...s.points.map((p) => p.users)] as (string | number)[]);

describe('stickiness', () => {
  it('counts each user once, by the distinct days of the range they were active on', async () => {
    const r = await stickiness('basic', { from: '2026-09-01', to: '2026-09-03' });
    expect(r.series).toEqual([
      {
        label: '$any',
        points: [
          { days: 1, users: 1, share: 0.5 },
          { days: 2, users: 0, share: 0 },
          { days: 3, users: 1, share: 0.5 },
        ],
      },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('counts weeks active, cut at local midnight in Europe/Berlin after the DST change', async () => {
    const spec = { interval: 'week', from: '2026-10-19', to: '2026-11-01' };
    expect(histogram(await stickiness('dst', { ...spec, timeZone: 'Europe/Berlin' }))).toEqual([
      ['$any', 0, 1],
    ]);
    expect(histogram(await stickiness('dst', spec))).toEqual([['$any', 1, 0]]);
  });

  it('counts a user in the series of each event value they had, with NULL as its own series', async () => {
    const r = await stickiness('breakdown', { from: '2026-09-01', to: '2026-09-03', breakdown: 'os' });
    expect(histogram(r)).toEqual([
      ['$any · iOS', 2, 1, 0],
      ['$any · Android', 2, 0, 0],
      ['$any · (none)', 2, 0, 0],
    ]);
    expect(r.series.map((s) => s.breakdown)).toEqual(['iOS', 'Android', null]);
  });

  it('recounts the users of merged values in other, so a user with two of them counts once', async () => {
    const r = await stickiness('breakdown', {
      from: '2026-09-01',
      to: '2026-09-03',
      breakdown: 'os',
      breakdownLimit: 1,
    });
    expect(r.series).toEqual([
      {
        label: '$any · iOS',
        breakdown: 'iOS',
        points: [
          { days: 1, users: 2, share: 2 / 3 },
          { days: 2, users: 1, share: 1 / 3 },
          { days: 3, users: 0, share: 0 },
        ],
      },
      {
        label: '$any · other',
        other: true,
        points: [
          { days: 1, users: 2, share: 2 / 3 },
          { days: 2, users: 1, share: 1 / 3 },
          { days: 3, users: 0, share: 0 },
        ],
      },
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_BREAKDOWN_OTHER']);
    expect(r.sql.split(';\n\n')).toHaveLength(2);
  });

  it('gives zero users, null shares and a warning for a range without events', async () => {
    const r = await stickiness('nothing', { from: '2026-09-01', to: '2026-09-02', event: 'view' });
    expect(r.series).toEqual([
      {
        label: 'view',
        points: [
          { days: 1, users: 0, share: null },
          { days: 2, users: 0, share: null },
        ],
      },
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_EMPTY_DENOMINATOR']);
  });

  it('keeps its SQL stable', async () => {
    const r = await stickiness('golden', { event: 'view', from: '2026-09-01', to: '2026-09-28' });
    expectGoldenSql('duckdb', 'stickiness-day', r.sql);
  });
});
