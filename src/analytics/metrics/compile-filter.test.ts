import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRng,
  createTestWarehouse,
  loadEvents,
  type TestEvent,
} from '../../../test/insights/fixtures.ts';
import { duckdbDialect } from '../../data/sql/duckdb-dialect.ts';
import { ident, sql } from '../../data/sql/sql.ts';
import type { DuckDBWarehouse } from '../../data/warehouse/duckdb/duckdb-warehouse.ts';
import type { Rng } from '../../math/random.ts';
import { cohortMembers, compileFilter } from './compile-filter.ts';
import type { FilterNode, Literal } from './filter-expression.ts';
import { parseFilter } from './filter-expression.ts';
import { QueryScope } from './query-scope.ts';
import { SemanticLayer } from './semantic-layer.ts';

const layer = SemanticLayer.build({
  dimensions: { acquisition: 'user.source', plan: 'properties.plan' },
  filters: { ios: "os = 'iOS'" },
  cohorts: {
    fans: { behavior: { event: 'like', atLeast: 2, days: 2 } },
    germans: { where: "country = 'DE'" },
    german_fans: { where: "country = 'DE'", behavior: { event: 'like', atLeast: 1, days: 1 } },
  },
});

let store: { warehouse: DuckDBWarehouse; dispose: () => Promise<void> };
let events: TestEvent[];
beforeAll(async () => {
  store = await createTestWarehouse();
  const rng = createRng(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(rng.next() * values.length)] as T;
  events = Array.from({ length: 300 }, (_, i) => ({
    user_id: `u${i % 20}`,
    event: pick(['view', 'like', 'message']),
    ts: new Date(Date.parse('2026-09-01T00:00:00Z') + Math.floor(rng.next() * 96) * 3_600_000).toISOString(),
    os: pick(['iOS', 'Android', null]),
    country: pick(['US', 'DE', 'Hamburg', null]),
    source: i % 20 < 7 ? 'ads' : i % 20 < 14 ? 'organic' : null,
    age: pick([17, 18, 40, null]),
    latency_ms: pick([12.5, 100, null]),
    properties: pick([{ plan: 'pro', n: '5' }, { plan: 'free', n: 3 }, { beta: true }, null]),
  }));
  await loadEvents(store.warehouse, 'p', events);
});
afterAll(async () => {
  await store.dispose();
});

const RANGE_END = Date.parse('2026-09-04T00:00:00Z');

function scope(): QueryScope {
  return new QueryScope(duckdbDialect, layer, 'p', duckdbDialect.timestamp('2026-09-04 00:00:00'));
}

async function matching(node: FilterNode): Promise<string[]> {
  const s = scope();
  const condition = compileFilter(s, node);
  const text = duckdbDialect.render(
    sql`SELECT ${s.column('event_id')} AS id FROM events ${ident('e')}${s.usersJoin()} WHERE ${s.column('project_id')} = 'p' AND ${condition} ORDER BY id`,
  );
  return (await store.warehouse.query<{ id: string }>(text)).map((r) => r.id);
}

/** The filter language's semantics, written directly: missing values never match =, <, in, contains. */
function evaluate(node: FilterNode, e: TestEvent, index: number): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => evaluate(n, e, index));
    case 'or':
      return node.items.some((n) => evaluate(n, e, index));
    case 'not':
      return !evaluate(node.item, e, index);
    case 'named':
      return evaluate(layer.filter(node.name), e, index);
    case 'cohort':
      return cohortOf(node.name).has(e.user_id) !== node.negated;
    case 'null':
      return (fieldValue(node.ref, e, 'text') === null) !== node.negated;
    case 'compare': {
      const v = fieldValue(node.ref, e, typeof node.value === 'number' ? 'number' : 'text');
      const lit = literal(node.value);
      if (node.op === '!=') return v === null || v !== lit;
      if (v === null) return false;
      switch (node.op) {
        case '=':
          return v === lit;
        case '<':
          return v < lit;
        case '<=':
          return v <= lit;
        case '>':
          return v > lit;
        case '>=':
          return v >= lit;
      }
      return false;
    }
    case 'in': {
      const v = fieldValue(node.ref, e, typeof node.values[0] === 'number' ? 'number' : 'text');
      const found = v !== null && node.values.map(literal).includes(v);
      return node.negated ? !found : found;
    }
    case 'contains': {
      const v = fieldValue(node.ref, e, 'text');
      if (v === null) return node.negated;
      return (v as string).includes(node.value) !== node.negated;
    }
  }
}

function literal(v: Literal): string | number {
  return typeof v === 'boolean' ? String(v) : v;
}

function fieldValue(ref: string, e: TestEvent, as: 'text' | 'number'): string | number | null {
  let raw: unknown;
  if (ref === 'acquisition' || ref === 'user.source') raw = firstSource(e.user_id);
  else if (ref === 'plan') raw = e.properties?.plan;
  else if (ref.startsWith('properties.')) raw = e.properties?.[ref.slice('properties.'.length)];
  else raw = (e as unknown as Record<string, unknown>)[ref];
  if (raw === null || raw === undefined) return null;
  if (as === 'number') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    return typeof raw === 'boolean' || Number.isNaN(n) || String(raw).trim() === '' ? null : n;
  }
  return typeof raw === 'number' ? String(raw) : String(raw);
}

function firstSource(user: string): string | null {
  const own = events.filter((e) => e.user_id === user && e.source !== null);
  own.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  return own[0]?.source ?? null;
}

function cohortOf(name: string): Set<string> {
  const users = new Set(events.map((e) => e.user_id));
  const cohort = layer.cohort(name);
  let members = [...users];
  if (cohort.where)
    members = members.filter((u) =>
      events.some((e, i) => e.user_id === u && evaluate(cohort.where as FilterNode, e, i)),
    );
  const behavior = cohort.definition.behavior;
  if (behavior) {
    const from = RANGE_END - behavior.days * 86_400_000;
    members = members.filter(
      (u) =>
        events.filter(
          (e) =>
            e.user_id === u &&
            e.event === behavior.event &&
            Date.parse(e.ts) >= from &&
            Date.parse(e.ts) < RANGE_END,
        ).length >= behavior.atLeast,
    );
  }
  return new Set(members);
}

function expected(node: FilterNode): string[] {
  return events
    .map((e, i) => (evaluate(node, e, i) ? `p-${String(i).padStart(6, '0')}` : null))
    .filter((id): id is string => id !== null)
    .sort();
}

describe('compiled filters', () => {
  it.each([
    "country = 'US'",
    "country != 'US'",
    "not country = 'US'",
    "country in ('US', 'DE')",
    "country not in ('US', 'DE')",
    'country is null',
    'age >= 18',
    'age != 18',
    "age = '18'",
    'latency_ms < 50',
    "country contains 'burg'",
    "country not contains 'burg'",
    "plan = 'pro'",
    'properties.n > 4',
    "properties.n = '3'",
    'properties.beta = true',
    "acquisition = 'ads'",
    'user.source is null',
    '@ios and not (age < 18 or country is null)',
    "cohort = 'fans'",
    "cohort != 'fans'",
    "cohort = 'germans'",
    "cohort = 'german_fans' or os = 'Android'",
  ])('%s selects exactly the events its definition says', async (text) => {
    const node = parseFilter(text);
    expect(await matching(node)).toEqual(expected(node));
  });

  it('agrees with the definition on 300 random filters', async () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i++) {
      const node = randomFilter(rng, 3);
      expect(await matching(node), JSON.stringify(node)).toEqual(expected(node));
    }
  });

  it('behavioural cohorts count back from the end of the range, which is exclusive', async () => {
    const members = await store.warehouse.query<{ user_id: string }>(
      duckdbDialect.render(sql`${cohortMembers(scope(), 'fans')} ORDER BY 1`),
    );
    expect(members.map((m) => m.user_id)).toEqual([...cohortOf('fans')].sort());
    expect(members.length).toBeGreaterThan(0);
  });
});

function randomFilter(rng: Rng, depth: number): FilterNode {
  const r = rng.next();
  if (depth > 0 && r < 0.3) {
    const items = [randomFilter(rng, depth - 1), randomFilter(rng, depth - 1)];
    return { kind: rng.next() < 0.5 ? 'and' : 'or', items };
  }
  if (depth > 0 && r < 0.4) return { kind: 'not', item: randomFilter(rng, depth - 1) };
  const pick = <T>(values: readonly T[]) => values[Math.floor(rng.next() * values.length)] as T;
  const ref = pick(['country', 'os', 'age', 'latency_ms', 'plan', 'properties.n', 'acquisition', 'event']);
  const values: Literal[] = {
    country: ['US', 'DE'],
    os: ['iOS'],
    age: [18, 40],
    latency_ms: [100, 12.5],
    plan: ['pro'],
    'properties.n': [3, 5, '5'],
    acquisition: ['ads'],
    event: ['like'],
  }[ref] as Literal[];
  const kind = pick(['compare', 'in', 'null', 'contains', 'cohort'] as const);
  if (kind === 'in') {
    const first = pick(values);
    const second = pick(values.filter((v) => typeof v === typeof first));
    return { kind, ref, values: [first, second], negated: rng.next() < 0.5 };
  }
  if (kind === 'null') return { kind, ref, negated: rng.next() < 0.5 };
  if (kind === 'contains') return { kind, ref, value: 'e', negated: rng.next() < 0.5 };
  if (kind === 'cohort') return { kind, name: pick(['fans', 'germans']), negated: rng.next() < 0.5 };
  const value = pick(values);
  const ops =
    typeof value === 'number' ? (['=', '!=', '<', '<=', '>', '>='] as const) : (['=', '!='] as const);
  return { kind: 'compare', ref, op: pick(ops), value };
}
