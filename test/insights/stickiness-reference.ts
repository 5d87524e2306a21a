/**
 * Stickiness computed naively from its definition, for the property test. Shares no code with the SQL
 * compiler.
 */
import type { TestEvent } from './fixtures.ts';
import {
  breakdownValue,
  compareGroups,
  dateOfDay,
  dayNumber,
  type Filter,
  localMidnight,
  periodIndex,
  prepare,
  type Unit,
} from './retention-cases.ts';

export interface NaiveStickinessQuery {
  event: string;
  interval: Unit;
  from: string;
  to: string;
  timeZone: string;
  filter?: Filter | undefined;
  breakdown?: string | undefined;
}

export interface NaiveStickinessSeries {
  label: string;
  breakdown?: string | null;
  points: { days: number; users: number; share: number | null }[];
}

export function naiveStickiness(
  events: readonly TestEvent[],
  q: NaiveStickinessQuery,
): NaiveStickinessSeries[] {
  const all = prepare(events, q.timeZone);
  const end = localMidnight(dateOfDay(dayNumber(q.to) + 1), q.timeZone);
  // value -> user -> intervals active
  const active = new Map<string | null, Map<string, Set<number>>>();
  if (!q.breakdown) active.set(null, new Map());
  for (const e of all) {
    if (e.date < q.from || e.date > q.to) continue;
    if (q.event !== '$any' && e.event !== q.event) continue;
    if (q.filter && !q.filter.test(e, all, end)) continue;
    const value = q.breakdown ? breakdownValue(e, q.breakdown) : null;
    const users = active.get(value) ?? new Map<string, Set<number>>();
    active.set(value, users);
    const intervals = users.get(e.user_id) ?? new Set<number>();
    users.set(e.user_id, intervals);
    intervals.add(periodIndex(q.interval, q.from, e.date));
  }
  const count = periodIndex(q.interval, q.from, q.to) + 1;
  return [...active]
    .map(([value, users]) => ({ value, users, total: users.size }))
    .sort(compareGroups)
    .map(({ value, users, total }) => {
      const histogram = new Array<number>(count + 1).fill(0);
      for (const intervals of users.values())
        histogram[intervals.size] = (histogram[intervals.size] ?? 0) + 1;
      return {
        label: q.breakdown ? `${q.event} · ${value ?? '(none)'}` : q.event,
        ...(q.breakdown ? { breakdown: value } : {}),
        points: Array.from({ length: count }, (_, i) => ({
          days: i + 1,
          users: histogram[i + 1] ?? 0,
          share: total ? (histogram[i + 1] ?? 0) / total : null,
        })),
      };
    });
}
