/**
 * Retention computed naively from its definition, user by user in TypeScript, for the property test.
 * It shares no code with the SQL compiler.
 */
import type { TestEvent } from './fixtures.ts';
import {
  breakdownValue,
  compareGroups,
  dateOfDay,
  dayNumber,
  type Filter,
  localMidnight,
  type NaiveEvent,
  periodIndex,
  periodLabel,
  prepare,
  type Unit,
} from './retention-cases.ts';

export interface NaiveRetentionQuery {
  startEvent: string;
  returnEvent: string;
  period: Unit;
  periods: number;
  recurring: boolean;
  from: string;
  to: string;
  timeZone: string;
  filter?: Filter | undefined;
  breakdown?: string | undefined;
  trendPeriod?: number | undefined;
}

type Tag = { breakdown?: string | null };

export interface NaiveRetention {
  cohorts: (Tag & { cohort: string; size: number; retained: number[] })[];
  average: (Tag & { period: number; retained: number; rate: number | null; cohorts: number })[];
  trend?: (Tag & { cohort: string; size: number; rate: number | null })[];
}

export function naiveRetention(events: readonly TestEvent[], q: NaiveRetentionQuery): NaiveRetention {
  const all = prepare(events, q.timeZone);
  const end = localMidnight(dateOfDay(dayNumber(q.to) + 1), q.timeZone);
  const passes = (e: NaiveEvent): boolean => !q.filter || q.filter.test(e, all, end);
  const is = (e: NaiveEvent, name: string): boolean => (name === '$any' || e.event === name) && passes(e);
  const inRange = (e: NaiveEvent): boolean => e.date >= q.from && e.date <= q.to;
  const period = (e: NaiveEvent): number => periodIndex(q.period, q.from, e.date);

  // Cohort membership: user -> cohort index -> breakdown value (events are in (time, index) order).
  const members = new Map<string, Map<number, string | null>>();
  const join = (e: NaiveEvent): void => {
    const cohorts = members.get(e.user_id) ?? new Map<number, string | null>();
    members.set(e.user_id, cohorts);
    if (!cohorts.has(period(e))) cohorts.set(period(e), q.breakdown ? breakdownValue(e, q.breakdown) : null);
  };
  if (q.recurring) {
    for (const e of all) if (is(e, q.startEvent) && inRange(e)) join(e);
  } else {
    const seen = new Set<string>();
    for (const e of all) {
      if (e.date > q.to || !is(e, q.startEvent) || seen.has(e.user_id)) continue;
      seen.add(e.user_id);
      if (e.date >= q.from) join(e);
    }
  }
  const active = new Set<string>();
  for (const e of all) if (is(e, q.returnEvent) && e.date <= q.to) active.add(`${e.user_id}|${period(e)}`);

  const count = periodIndex(q.period, q.from, q.to) + 1;
  const dayAfterTo = dateOfDay(dayNumber(q.to) + 1);
  const groups = new Map<
    string | null,
    { value: string | null; total: number; sizes: number[]; back: number[][] }
  >();
  if (!q.breakdown) groups.set(null, { value: null, total: 0, sizes: [], back: [] });
  for (const [user, cohorts] of members)
    for (const [c, value] of cohorts) {
      let g = groups.get(value);
      if (!g) {
        g = { value, total: 0, sizes: [], back: [] };
        groups.set(value, g);
      }
      g.total++;
      g.sizes[c] = (g.sizes[c] ?? 0) + 1;
      const back = g.back[c] ?? new Array<number>(q.periods + 1).fill(0);
      g.back[c] = back;
      for (let k = 1; k <= q.periods; k++) if (active.has(`${user}|${c + k}`)) back[k] = (back[k] ?? 0) + 1;
    }

  const out: NaiveRetention = { cohorts: [], average: [] };
  if (q.trendPeriod !== undefined) out.trend = [];
  for (const g of [...groups.values()].sort(compareGroups)) {
    const tag: Tag = q.breakdown ? { breakdown: g.value } : {};
    const rows = [];
    for (let c = 0; c < count; c++) {
      const size = g.sizes[c] ?? 0;
      const retained = [size];
      // Period k counts only when it ended by the end of `to`: period c + k + 1 starts on or before it.
      for (let k = 1; k <= q.periods && periodLabel(q.period, q.from, c + k + 1) <= dayAfterTo; k++)
        retained.push(g.back[c]?.[k] ?? 0);
      rows.push({ ...tag, cohort: periodLabel(q.period, q.from, c), size, retained });
    }
    out.cohorts.push(...rows);
    for (let k = 0; k <= q.periods; k++) {
      const having = rows.filter((r) => r.retained.length > k && r.size > 0);
      const back = having.reduce((s, r) => s + (r.retained[k] as number), 0);
      const size = having.reduce((s, r) => s + r.size, 0);
      out.average.push({
        ...tag,
        period: k,
        retained: back,
        rate: size ? back / size : null,
        cohorts: having.length,
      });
    }
    const K = q.trendPeriod;
    if (K !== undefined)
      for (const r of rows)
        if (r.retained.length > K)
          out.trend?.push({
            ...tag,
            cohort: r.cohort,
            size: r.size,
            rate: r.size ? (r.retained[K] as number) / r.size : null,
          });
  }
  return out;
}
