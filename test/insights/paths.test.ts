import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathsResult } from '../../src/analytics/insights/paths/paths-insight.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

/** `at('10:05')` on 2026-09-02 UTC. */
const at = (time: string, day = '2026-09-02') => `${day}T${time}:00Z`;
const ev = (user_id: string, event: string, ts: string): TestEvent => ({ user_id, event, ts });

const PROJECTS: Record<string, TestEvent[]> = {
  journeys: [
    ev('u1', 'open', at('10:00')),
    ev('u1', 'view', at('10:05')),
    ev('u1', 'like', at('10:10')),
    ev('u2', 'open', at('10:00')),
    ev('u2', 'like', at('10:20')),
    ev('u2', 'open', at('10:25')),
    ev('u3', 'view', at('09:00')),
    ev('u3', 'open', at('09:10')),
    ev('u3', 'view', at('09:15')),
    ev('u4', 'view', at('11:00')),
  ],
  gap: [
    ev('u1', 'open', at('10:00')),
    ev('u1', 'view', at('10:30')),
    ev('u1', 'like', '2026-09-02T11:00:01Z'),
    ev('u2', 'open', at('10:00')),
    ev('u2', 'view', at('10:31')),
  ],
  repeats: [
    ev('u1', 'open', at('10:00')),
    ev('u1', 'view', at('10:01')),
    ev('u1', 'view', at('10:02')),
    ev('u1', 'view', at('10:03')),
    ev('u1', 'like', at('10:04')),
  ],
  // Same instant: event names decide (code point order), not the order of loading.
  ties: [ev('u1', 'open', at('10:00')), ev('u1', 'like', at('10:00')), ev('u1', 'view', at('10:00'))],
  // Berlin (CEST, UTC+2): local 2026-10-25 begins at 22:00 UTC on 10-24.
  zone: [
    ev('u1', 'open', '2026-10-24T21:50:00Z'),
    ev('u1', 'view', '2026-10-24T22:05:00Z'),
    ev('u1', 'like', '2026-10-24T22:20:00Z'),
  ],
};

let env: Awaited<ReturnType<typeof createTestWarehouse>>;
beforeAll(async () => {
  env = await createTestWarehouse();
  await loadProjects(env.warehouse, new Map(Object.entries(PROJECTS)));
});
afterAll(async () => env?.dispose());

async function paths(project: string, spec: Record<string, unknown>): Promise<PathsResult> {
  return (await runInsight(contextFor(env.warehouse, project), 'paths', {
    from: '2026-09-02',
    to: '2026-09-02',
    ...spec,
  })) as PathsResult;
}

describe('paths', () => {
  it("follows each user's first start event forwards", async () => {
    const r = await paths('journeys', { startEvent: 'open' });
    // u1: open view like; u2: open like open; u3: open view.
    expect(r.transitions).toEqual([
      { step: 1, from: 'open', to: 'view', users: 2 },
      { step: 1, from: 'open', to: 'like', users: 1 },
      { step: 2, from: 'like', to: 'open', users: 1 },
      { step: 2, from: 'view', to: 'like', users: 1 },
    ]);
    expect(r.nodes).toEqual([
      { step: 1, event: 'open', users: 3 },
      { step: 2, event: 'view', users: 2 },
      { step: 2, event: 'like', users: 1 },
      { step: 3, event: 'like', users: 1 },
      { step: 3, event: 'open', users: 1 },
    ]);
    // Ties in users go by the path's JSON text: '["open","view","like"]' < '["open","view"]'.
    expect(r.topPaths).toEqual([
      { path: ['open', 'like', 'open'], users: 1 },
      { path: ['open', 'view', 'like'], users: 1 },
      { path: ['open', 'view'], users: 1 },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('walks back from the first end event, counting steps backwards', async () => {
    const r = await paths('journeys', { endEvent: 'like', steps: 3 });
    // u1: open view like; u2: open like.
    expect(r.nodes).toEqual([
      { step: 1, event: 'like', users: 2 },
      { step: 2, event: 'open', users: 1 },
      { step: 2, event: 'view', users: 1 },
      { step: 3, event: 'open', users: 1 },
    ]);
    expect(r.transitions).toEqual([
      { step: 2, from: 'open', to: 'like', users: 1 },
      { step: 2, from: 'view', to: 'like', users: 1 },
      { step: 3, from: 'open', to: 'view', users: 1 },
    ]);
    expect(r.topPaths).toEqual([
      { path: ['open', 'like'], users: 1 },
      { path: ['open', 'view', 'like'], users: 1 },
    ]);
  });

  it('makes every session a path when no event anchors them', async () => {
    const r = await paths('journeys', { steps: 2 });
    expect(r.transitions).toEqual([
      { step: 1, from: 'open', to: 'like', users: 1 },
      { step: 1, from: 'open', to: 'view', users: 1 },
      { step: 1, from: 'view', to: 'open', users: 1 },
    ]);
    expect(r.nodes.filter((n) => n.step === 1)).toEqual([
      { step: 1, event: 'open', users: 2 },
      { step: 1, event: 'view', users: 2 },
    ]);
  });

  it('continues a path across exactly the session gap and cuts it at a longer pause', async () => {
    // u1: 30 minutes to view, then 30 minutes and 1 second to like; u2: 31 minutes to view.
    const r = await paths('gap', { startEvent: 'open' });
    expect(r.topPaths).toEqual([
      { path: ['open', 'view'], users: 1 },
      { path: ['open'], users: 1 },
    ]);
    const longer = await paths('gap', { startEvent: 'open', sessionGap: '1h' });
    expect(longer.topPaths).toEqual([
      { path: ['open', 'view', 'like'], users: 1 },
      { path: ['open', 'view'], users: 1 },
    ]);
  });

  it('collapses consecutive repeats on request', async () => {
    const plain = await paths('repeats', { startEvent: 'open', steps: 3 });
    expect(plain.topPaths).toEqual([{ path: ['open', 'view', 'view'], users: 1 }]);
    const collapsed = await paths('repeats', { startEvent: 'open', steps: 3, collapseRepeats: true });
    expect(collapsed.topPaths).toEqual([{ path: ['open', 'view', 'like'], users: 1 }]);
  });

  it('orders events at the same instant by their names', async () => {
    const r = await paths('ties', {});
    expect(r.topPaths).toEqual([{ path: ['like', 'open', 'view'], users: 1 }]);
  });

  it('keeps the names given in --events and the anchor event', async () => {
    const r = await paths('journeys', { startEvent: 'open', events: 'like' });
    expect(r.topPaths).toEqual([
      { path: ['open', 'like', 'open'], users: 1 },
      { path: ['open', 'like'], users: 1 },
      { path: ['open'], users: 1 },
    ]);
  });

  it('drops transitions below the top N and says how many distinct users they carried', async () => {
    const r = await paths('journeys', { startEvent: 'open', top: 1 });
    expect(r.transitions).toEqual([{ step: 1, from: 'open', to: 'view', users: 2 }]);
    expect(r.nodes).toEqual([
      { step: 1, event: 'open', users: 3 },
      { step: 2, event: 'view', users: 2 },
    ]);
    expect(r.warnings).toEqual([
      {
        code: 'SL_PATHS_TRANSITIONS_DROPPED',
        message:
          '3 transitions below the top 1 are left out; 2 distinct users took at least one of them (raise --top to see them)',
      },
    ]);
  });

  it('reads the range in local days of the time zone', async () => {
    // In Berlin, 10-25 begins at 22:00 UTC on 10-24: the 21:50 open is the day before.
    const r = await paths('zone', { from: '2026-10-25', to: '2026-10-25', timeZone: 'Europe/Berlin' });
    expect(r.topPaths).toEqual([{ path: ['view', 'like'], users: 1 }]);
  });

  it('answers an anchor nobody reached with nothing and a warning', async () => {
    const r = await paths('journeys', { startEvent: 'purchase' });
    expect(r).toMatchObject({ transitions: [], nodes: [], topPaths: [] });
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_NO_DATA']);
  });

  it('refuses a start and an end event together', async () => {
    await expect(paths('journeys', { startEvent: 'open', endEvent: 'like' })).rejects.toMatchObject({
      code: 'SL_INSIGHT_INVALID',
    });
  });

  it('compiles to the golden SQL from a start event and to an end event', async () => {
    const start = contextFor(env.warehouse, 'journeys');
    await runInsight(start, 'paths', {
      from: '2026-09-01',
      to: '2026-09-07',
      startEvent: 'open',
      where: "os = 'iOS'",
    });
    expectGoldenSql('duckdb', 'paths-start', start.sqlText());
    const end = contextFor(env.warehouse, 'journeys');
    await runInsight(end, 'paths', {
      from: '2026-09-01',
      to: '2026-09-07',
      timeZone: 'America/New_York',
      endEvent: 'like',
      steps: 4,
      events: 'open,view',
      collapseRepeats: true,
      sessionGap: '1h',
    });
    expectGoldenSql('duckdb', 'paths-end', end.sqlText());
  });
});
