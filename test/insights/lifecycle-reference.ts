/**
 * Lifecycle computed naively from PostHog's definitions, user by user, for the property test. Shares no
 * code with the SQL compiler.
 */
import type { TestEvent } from './fixtures.ts';
import {
  dateOfDay,
  dayNumber,
  type Filter,
  localMidnight,
  periodIndex,
  periodLabel,
  prepare,
  type Unit,
} from './retention-cases.ts';

export interface NaiveLifecycleQuery {
  event: string;
  interval: Unit;
  from: string;
  to: string;
  timeZone: string;
  filter?: Filter | undefined;
}

export interface NaiveLifecyclePoint {
  t: string;
  new: number;
  returning: number;
  resurrecting: number;
  dormant: number;
}

export function naiveLifecycle(events: readonly TestEvent[], q: NaiveLifecycleQuery): NaiveLifecyclePoint[] {
  const all = prepare(events, q.timeZone);
  const count = periodIndex(q.interval, q.from, q.to) + 1;
  // Buckets are whole: the last one ends where the bucket after `to`'s starts.
  const endDate = periodLabel(q.interval, q.from, count);
  const end = localMidnight(dateOfDay(dayNumber(q.to) + 1), q.timeZone);
  const buckets = new Map<string, Set<number>>();
  const first = new Map<string, number>();
  for (const e of all) {
    if (e.date >= endDate) continue;
    if (q.event !== '$any' && e.event !== q.event) continue;
    if (q.filter && !q.filter.test(e, all, end)) continue;
    const b = periodIndex(q.interval, q.from, e.date);
    const set = buckets.get(e.user_id) ?? new Set<number>();
    buckets.set(e.user_id, set);
    set.add(b);
    if (!first.has(e.user_id)) first.set(e.user_id, b);
  }
  const points: NaiveLifecyclePoint[] = [];
  for (let b = 0; b < count; b++) {
    const point = {
      t: periodLabel(q.interval, q.from, b),
      new: 0,
      returning: 0,
      resurrecting: 0,
      dormant: 0,
    };
    for (const [user, set] of buckets) {
      const now = set.has(b);
      const before = set.has(b - 1);
      if (now && first.get(user) === b) point.new++;
      else if (now && before) point.returning++;
      else if (now) point.resurrecting++;
      else if (before) point.dormant--;
    }
    points.push(point);
  }
  return points;
}
