/**
 * A naive sessions implementation written from the definition, sharing no code with the SQL compiler:
 * sort each user's events, cut where consecutive events are more than the gap apart, keep the sessions
 * whose first event falls on a local day of the range, count only their events up to the range's end.
 */
import type { TestEvent } from './fixtures.ts';
import { localDate, plusDays } from './local-time.ts';

/** An event with its position in the loaded array (its id order, the tie-breaker). */
export interface IndexedEvent extends TestEvent {
  index: number;
  ms: number;
}

export function indexed(events: readonly TestEvent[]): IndexedEvent[] {
  return events.map((e, index) => ({ ...e, index, ms: Date.parse(e.ts) }));
}

/** The first day of the week (Monday) or month of a date. */
export function periodStart(interval: 'day' | 'week' | 'month', date: string): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return plusDays(date, -weekday);
}

/** Each user's events in (time, id) order. */
export function byUser(events: readonly IndexedEvent[]): Map<string, IndexedEvent[]> {
  const users = new Map<string, IndexedEvent[]>();
  for (const e of events) {
    const list = users.get(e.user_id) ?? [];
    list.push(e);
    users.set(e.user_id, list);
  }
  for (const list of users.values()) list.sort((a, b) => a.ms - b.ms || a.index - b.index);
  return users;
}

/** Splits one user's ordered events where more than `gapSeconds` pass between neighbours. */
export function splitSessions<T extends IndexedEvent>(ordered: readonly T[], gapSeconds: number): T[][] {
  const sessions: T[][] = [];
  for (const e of ordered) {
    const current = sessions.at(-1);
    const last = current?.at(-1);
    if (current && last && e.ms - last.ms <= gapSeconds * 1000) current.push(e);
    else sessions.push([e]);
  }
  return sessions;
}

export interface NaiveSessionsSpec {
  from: string;
  to: string;
  timeZone: string;
  gapSeconds: number;
  interval: 'day' | 'week' | 'month';
  /** Which events count (the --where filter). */
  keep: (e: IndexedEvent) => boolean;
  /** The breakdown value of an event, or undefined for no breakdown. */
  breakdown: ((e: IndexedEvent) => string | null) | undefined;
  breakdownLimit: number;
}

interface NaiveSession {
  user: string;
  bucket: string;
  value: string | null;
  duration: number;
  events: number;
  cut: boolean;
  /** Merged into the "other" group beyond the breakdown limit. */
  other?: boolean;
}

/** Stands for the merged group in the list of breakdown values. */
const OTHER = Symbol('other');

export function naiveSessions(events: readonly TestEvent[], spec: NaiveSessionsSpec) {
  const sessions: NaiveSession[] = [];
  for (const [user, ordered] of byUser(indexed(events).filter(spec.keep))) {
    for (const session of splitSessions(ordered, spec.gapSeconds)) {
      const first = session[0] as IndexedEvent;
      const day = localDate(first.ms, spec.timeZone);
      if (day < spec.from || day > spec.to) continue;
      const inside = session.filter((e) => localDate(e.ms, spec.timeZone) <= spec.to);
      sessions.push({
        user,
        bucket: periodStart(spec.interval, day),
        value: spec.breakdown ? spec.breakdown(first) : null,
        duration: ((inside.at(-1) as IndexedEvent).ms - first.ms) / 1000,
        events: inside.length,
        cut: inside.length < session.length,
      });
    }
  }

  // Breakdown values by sessions, most first, ties by value, null last; beyond the limit merged.
  let values: (string | null | typeof OTHER)[] = [];
  if (spec.breakdown) {
    const counts = new Map<string | null, number>();
    for (const s of sessions) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
    values = [...counts]
      .sort(
        ([va, a], [vb, b]) =>
          b - a || (va === vb ? 0 : va === null ? 1 : vb === null ? -1 : va < vb ? -1 : 1),
      )
      .map(([v]) => v);
    if (values.length > spec.breakdownLimit) {
      const kept = new Set(values.slice(0, spec.breakdownLimit));
      for (const s of sessions) if (!kept.has(s.value)) s.other = true;
      values = [...values.slice(0, spec.breakdownLimit), OTHER];
    }
  }

  const stats = (list: readonly NaiveSession[]) => {
    const n = list.length;
    return {
      sessions: n,
      users: new Set(list.map((s) => s.user)).size,
      meanDurationSeconds: n ? list.reduce((a, s) => a + s.duration, 0) / n : null,
      eventsPerSession: n ? list.reduce((a, s) => a + s.events, 0) / n : null,
    };
  };
  const buckets: string[] = [];
  for (let t = periodStart(spec.interval, spec.from); t <= spec.to; ) {
    buckets.push(t);
    t =
      spec.interval === 'day'
        ? plusDays(t, 1)
        : spec.interval === 'week'
          ? plusDays(t, 7)
          : periodStart('month', plusDays(`${t.slice(0, 7)}-28`, 7));
  }
  const points = spec.breakdown
    ? values.flatMap((value) =>
        buckets.map((t) =>
          value === OTHER
            ? { t, other: true, ...stats(sessions.filter((s) => s.bucket === t && s.other)) }
            : {
                t,
                breakdown: value,
                ...stats(sessions.filter((s) => s.bucket === t && !s.other && s.value === value)),
              },
        ),
      )
    : buckets.map((t) => ({ t, ...stats(sessions.filter((s) => s.bucket === t)) }));

  const durations = sessions.map((s) => s.duration).sort((a, b) => a - b);
  const n = sessions.length;
  const median =
    n === 0
      ? null
      : n % 2 === 1
        ? (durations[(n - 1) / 2] as number)
        : (durations[n / 2 - 1] as number) +
          ((durations[n / 2] as number) - (durations[n / 2 - 1] as number)) * 0.5;
  const all = stats(sessions);
  const edges = [0, 10, 30, 60, 180, 600, 1800, 3600, 10_800];
  const eventCounts = new Map<number, number>();
  for (const s of sessions) {
    const bin = Math.min(s.events, 100);
    eventCounts.set(bin, (eventCounts.get(bin) ?? 0) + 1);
  }
  return {
    summary: {
      sessions: n,
      users: all.users,
      medianDurationSeconds: median,
      meanDurationSeconds: all.meanDurationSeconds,
      meanEventsPerSession: all.eventsPerSession,
      bounceRate: n ? sessions.filter((s) => s.events === 1).length / n : null,
    },
    points,
    durationHistogram: edges.map((from, i) => ({
      fromSeconds: from,
      toSeconds: edges[i + 1] ?? null,
      sessions: sessions.filter((s) => s.duration >= from && s.duration < (edges[i + 1] ?? Infinity)).length,
    })),
    eventsHistogram: [...eventCounts]
      .sort(([a], [b]) => a - b)
      .map(([events, count]) =>
        events === 100 ? { events, sessions: count, orMore: true } : { events, sessions: count },
      ),
    cut: sessions.filter((s) => s.cut).length,
  };
}
