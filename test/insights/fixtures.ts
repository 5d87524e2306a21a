import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import type { MetricsLayerSource } from '../../src/analytics/metrics/definitions.ts';
import { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { MIGRATIONS, migrate } from '../../src/data/warehouse/migrations/index.ts';
import type { SqlValue, Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { createRng, type Rng } from '../../src/math/random.ts';

/** One event as tests write it; `ts` is an ISO timestamp in UTC (`2026-09-01T10:00:00Z`). */
export interface TestEvent {
  user_id: string;
  event: string;
  ts: string;
  os?: string | null;
  country?: string | null;
  source?: string | null;
  campaign?: string | null;
  session_id?: string | null;
  age?: number | null;
  latency_ms?: number | null;
  properties?: Record<string, unknown> | null;
}

const EVENT_COLUMNS = [
  'project_id',
  'event_id',
  'ts',
  'received_at',
  'user_id',
  'event',
  'session_id',
  'source',
  'campaign',
  'os',
  'country',
  'age',
  'latency_ms',
  'properties',
] as const;

/** A real DuckDB file in a temporary directory, migrated; `dispose` closes and deletes it. */
export async function createTestWarehouse(): Promise<{
  warehouse: DuckDBWarehouse;
  dispose: () => Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-insights-'));
  const warehouse = await DuckDBWarehouse.open(path.join(dir, 'test.duckdb'));
  await migrate(warehouse, MIGRATIONS);
  return {
    warehouse,
    dispose: async () => {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Loads events into `project` and derives `users`, `user_daily` and `exposures` from them with the same
 * rules as ingestion (first touch from the earliest event, latest attributes from the latest one). Events
 * get ids in array order, so ties in time keep the order of the array.
 */
export async function loadEvents(
  warehouse: Warehouse,
  project: string,
  events: readonly TestEvent[],
): Promise<void> {
  await loadProjects(warehouse, new Map([[project, events]]));
}

/** Loads many event sets at once, one project each (fast: one append and one derivation for all). */
export async function loadProjects(
  warehouse: Warehouse,
  sets: ReadonlyMap<string, readonly TestEvent[]>,
): Promise<void> {
  const rows = [...sets].flatMap(([project, events]) =>
    events.map((e, i): SqlValue[] => [
      project,
      `${project}-${String(i).padStart(6, '0')}`,
      new Date(e.ts),
      new Date(e.ts),
      e.user_id,
      e.event,
      e.session_id ?? null,
      e.source ?? null,
      e.campaign ?? null,
      e.os ?? null,
      e.country ?? null,
      e.age ?? null,
      e.latency_ms ?? null,
      e.properties ? JSON.stringify(e.properties) : null,
    ]),
  );
  const projects = [...sets.keys()];
  const inProjects = `project_id IN (${projects.map(() => '?').join(', ')})`;
  await warehouse.append('events', EVENT_COLUMNS, rows);
  await warehouse.execute(
    `INSERT INTO users (project_id, user_id, first_seen, last_seen, first_event, source, campaign, country, os, age, events)
     SELECT project_id, user_id, min(ts), max(ts), arg_min(event, ts),
       arg_min(source, ts) FILTER (source IS NOT NULL), arg_min(campaign, ts) FILTER (campaign IS NOT NULL),
       arg_max(country, ts) FILTER (country IS NOT NULL), arg_max(os, ts) FILTER (os IS NOT NULL),
       arg_max(age, ts) FILTER (age IS NOT NULL), count(*)
     FROM events WHERE ${inProjects} GROUP BY project_id, user_id`,
    projects,
  );
  await warehouse.execute(
    `INSERT INTO user_daily SELECT project_id, ts::DATE, user_id, event, count(*), min(ts), max(ts)
     FROM events WHERE ${inProjects} GROUP BY ALL`,
    projects,
  );
}

/**
 * For a test file: loads every case into its own project of one test warehouse before the tests (one
 * append for all) and deletes it after; the returned function gives the warehouse inside a test.
 */
export function warehouseWithCases(
  cases: readonly { project: string; events: readonly TestEvent[] }[],
): () => DuckDBWarehouse {
  let store: Awaited<ReturnType<typeof createTestWarehouse>> | undefined;
  beforeAll(async () => {
    store = await createTestWarehouse();
    await loadProjects(store.warehouse, new Map(cases.map((c) => [c.project, c.events])));
  });
  afterAll(async () => store?.dispose());
  return () => {
    if (!store) throw new Error('the test warehouse is not loaded yet');
    return store.warehouse;
  };
}

/** An insight context over a project, with an optional metrics layer. */
export function contextFor(
  warehouse: Warehouse,
  project: string,
  layer?: MetricsLayerSource,
): InsightContext {
  return new InsightContext(warehouse, layer ? SemanticLayer.build(layer) : SemanticLayer.empty(), project);
}

export interface RandomEventOptions {
  /** Event names to draw from (default a, b, c, d). */
  names?: readonly string[];
  maxUsers?: number;
  maxEventsPerUser?: number;
  /** First day (YYYY-MM-DD) and number of days events fall in. */
  startDay?: string;
  days?: number;
  /**
   * Time granularity in seconds: coarse steps make ties and exact boundaries common (default 1800,
   * so events land exactly on midnight and on window edges often).
   */
  stepSeconds?: number;
}

/**
 * A small random event set for property tests: few users, few names, coarse times (many ties and
 * boundary cases), some NULL dimensions. Deterministic for a seed.
 */
export function randomEvents(rng: Rng, options: RandomEventOptions = {}): TestEvent[] {
  const names = options.names ?? ['a', 'b', 'c', 'd'];
  const users = 1 + Math.floor(rng.next() * (options.maxUsers ?? 5));
  const days = options.days ?? 5;
  const step = options.stepSeconds ?? 1800;
  const start = Date.parse(`${options.startDay ?? '2026-09-01'}T00:00:00Z`);
  const slots = Math.floor((days * 86_400) / step);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng.next() * values.length)] as T;
  const events: TestEvent[] = [];
  for (let u = 0; u < users; u++) {
    const count = Math.floor(rng.next() * ((options.maxEventsPerUser ?? 8) + 1));
    const user_id = `u${u}`;
    const source = pick(['ads', 'organic', null]);
    for (let i = 0; i < count; i++) {
      events.push({
        user_id,
        event: pick(names),
        ts: new Date(start + Math.floor(rng.next() * slots) * step * 1000).toISOString(),
        os: pick(['iOS', 'Android', null]),
        country: pick(['US', 'DE', null]),
        source,
        age: pick([18, 30, null]),
      });
    }
  }
  // Shuffle so that insertion order is not time order.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [events[i], events[j]] = [events[j] as TestEvent, events[i] as TestEvent];
  }
  return events;
}

export { createRng };
