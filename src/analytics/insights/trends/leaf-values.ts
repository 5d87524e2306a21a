import { daysBetween } from '../date-range.ts';
import { type Bucket, bucketLabel } from './buckets.ts';
import { type BreakdownValue, type LeafQuery, leafRowsSql, rankingSql } from './leaf-sql.ts';
import { zeroWhenEmpty } from './math.ts';

/** A leaf's values per group (kept combination index, -1 for other), one per bucket. */
export interface LeafValues {
  groups: Map<number, (number | null)[]>;
  /** The value of a bucket without matching events: 0 for counts and sums, null otherwise. */
  empty: number | null;
}

/** The leaf's values in every bucket, per group (`query.keys` must be `groups`). */
export async function leafValues(query: LeafQuery, buckets: readonly Bucket[]): Promise<LeafValues> {
  const empty = zeroWhenEmpty(query.leaf.aggregate) ? 0 : null;
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

  // Runs: +n on the first day, −n on the end day; the running sum is the number of active partitions
  // on each day of the range, and a bucket's value is the one on its (clipped) last day.
  const { from, to } = query.range;
  const days = daysBetween(from, to) + 1;
  const deltas = new Map<number, Float64Array>();
  for (const row of result) {
    const g = Number(row.g);
    let delta = deltas.get(g);
    if (!delta) {
      delta = new Float64Array(days + 1);
      deltas.set(g, delta);
    }
    const n = Number(row.n);
    const first = daysBetween(from, String(row.first_day).slice(0, 10));
    const end = daysBetween(from, String(row.end_day).slice(0, 10));
    delta[first] = (delta[first] as number) + n;
    if (end <= days) delta[end] = (delta[end] as number) - n;
  }
  for (const [g, delta] of deltas) {
    const active = new Float64Array(days);
    let running = 0;
    for (let i = 0; i < days; i++) {
      running += delta[i] as number;
      active[i] = running;
    }
    const values = groupOf(g);
    buckets.forEach((bucket, i) => {
      values[i] = active[daysBetween(from, bucket.lastDay)] as number;
    });
  }
  return { groups, empty };
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
