import { daysBetween } from '../date-range.ts';
import { type Bucket, bucketLabel } from './buckets.ts';
import {
  type BreakdownValue,
  countedDays,
  type LeafQuery,
  leafRowsSql,
  rankingSql,
  windowBase,
  windowRowsSql,
} from './leaf-sql.ts';
import { zeroWhenEmpty } from './math.ts';

/** A leaf's values per group (kept combination index, -1 for other), one per bucket. */
export interface LeafValues {
  groups: Map<number, (number | null)[]>;
  /** The value of a bucket without matching events: 0 for counts and sums, null otherwise. */
  empty: number | null;
}

/** The leaf's values in every bucket, per group (`query.keys` must be `groups`). */
export async function leafValues(query: LeafQuery, buckets: readonly Bucket[]): Promise<LeafValues> {
  const aggregate = query.leaf.aggregate;
  if (aggregate.kind === 'window') {
    const values = await windowLeafValues(query, [aggregate.days], buckets);
    return values.get(aggregate.days) as LeafValues;
  }
  const empty = zeroWhenEmpty(aggregate) ? 0 : null;
  const rows = leafRowsSql(query);
  const result = await query.ctx.query(rows.sql);
  const groups = new Map<number, (number | null)[]>();
  const groupOf = (g: unknown): (number | null)[] => {
    const key = Number(g);
    let values = groups.get(key);
    if (!values) {
      values = buckets.map(() => empty);
      groups.set(key, values);
    }
    return values;
  };

  if (rows.shape === 'buckets') {
    const index = new Map(buckets.map((b, i) => [b.t, i]));
    for (const row of result) {
      const t = bucketLabel(query.interval, String(row.bucket));
      const i = index.get(t);
      if (i === undefined)
        throw new Error(`trends: the database returned bucket ${t}, which is not among the range's buckets`);
      groupOf(row.g)[i] = row.value === null ? null : Number(row.value);
    }
    return { groups, empty };
  }

  throw new Error('trends: trailing-window rows are read by windowLeafValues');
}

/**
 * The values of the leaf's event and filters for several trailing-window lengths (WAU and MAU), from one
 * query: per window length, its values per group, one per bucket (the count on the bucket's clipped last
 * day).
 */
export async function windowLeafValues(
  query: LeafQuery,
  windows: readonly number[],
  buckets: readonly Bucket[],
): Promise<Map<number, LeafValues>> {
  const result = await query.ctx.query(windowRowsSql(query, windows));
  const base = windowBase(query, Math.max(...windows));
  const index = new Map(countedDays(query).map((day, i) => [daysBetween(base, day), i]));
  const byWindow = new Map(windows.map((w) => [w, { groups: new Map(), empty: 0 } as LeafValues]));
  for (const row of result) {
    const values = byWindow.get(Number(row.window_days));
    const i = index.get(Number(row.day));
    if (!values || i === undefined)
      throw new Error(
        `trends: the database returned window ${String(row.window_days)} on day ${String(row.day)}, which ends no bucket of the range`,
      );
    const g = Number(row.g);
    let points = values.groups.get(g);
    if (!points) {
      points = buckets.map(() => 0);
      values.groups.set(g, points);
    }
    points[i] = Number(row.n);
  }
  return byWindow;
}

export interface Ranking {
  /** The kept combinations, largest first. */
  kept: BreakdownValue[][];
  /** How many combinations were merged into "other". */
  merged: number;
}

/** The top `limit` breakdown combinations of a leaf over its range (`query.keys` is ignored). */
export async function rankBreakdown(query: LeafQuery, limit: number): Promise<Ranking> {
  const rows = await query.ctx.query(rankingSql(query, limit));
  const kept = rows.map((row) =>
    query.breakdown.map((_, i) => {
      const value = row[`k${i}`];
      return value === null || value === undefined ? null : String(value);
    }),
  );
  const combos = rows.length > 0 ? Number(rows[0]?.row_count) : 0;
  return { kept, merged: combos - kept.length };
}
