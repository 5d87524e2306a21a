import type { TestEvent } from './fixtures.ts';
import { localDate, localMidnight, plusDays } from './local-time.ts';

/**
 * A naive funnel, written from the definition in src/analytics/insights/README.md and sharing no code
 * with the SQL compiler: it enumerates every attempt (every chain of events for ordered and strict
 * funnels, every start for any order), brute-forces the assignment of events to steps, and applies the
 * reporting rules literally. Slow, obvious, and meant for small random event sets.
 */

export interface NaiveEvent extends TestEvent {
  /** Position in the loaded array: the fixtures give event ids in array order, so it breaks ties. */
  index: number;
}

/** A user's attributes as the fixtures derive them (only the ones the tests read). */
export interface NaiveUser {
  source: string | null;
}

export type Predicate = (e: NaiveEvent, user: NaiveUser) => boolean;

export interface NaiveMatch {
  event: string;
  where?: Predicate | undefined;
}

export interface NaiveFunnelQuery {
  steps: NaiveMatch[];
  order: 'ordered' | 'strict' | 'any';
  windowSeconds: number;
  from: string;
  to: string;
  timeZone: string;
  where?: Predicate | undefined;
  exclusions: (NaiveMatch & { from: number; to: number })[];
  breakdown?: ((e: NaiveEvent, user: NaiveUser) => string | null) | undefined;
  interval?: 'day' | 'week' | 'month' | undefined;
  droppedAt?: number | undefined;
  limit: number;
}

export interface NaiveStep {
  count: number;
  conversionRate: number | null;
  conversionFromPrevious: number | null;
  medianSecondsFromPrevious?: number | null;
  meanSecondsFromPrevious?: number | null;
}

export interface NaiveFunnel {
  steps: NaiveStep[];
  timeToConvert: {
    medianSeconds: number | null;
    meanSeconds: number | null;
    histogram: { fromSeconds: number; toSeconds: number; users: number }[];
  };
  breakdowns?: { breakdown: string | null; steps: NaiveStep[] }[];
  overTime?: { t: string; entered: number; converted: number; rate: number | null }[];
  droppedUsers?: string[];
}

/** One attempt and how a user's outcome is chosen from it. */
interface Attempt {
  level: number;
  /** The step events' times (ms), steps 1 … level. */
  times: number[];
  /** Order of completion (smaller first) and of start (larger later); then `tie` (smaller first). */
  done: number;
  start: number;
  tie: number[];
  /**
   * Positions in the user's ordered events of the step events 1 … level: the chain's events, or for any
   * order the event at which the attempt's events, taken in order, first fill k steps. Exclusions are
   * judged on these.
   */
  chain: number[];
  groupKey: { breakdown: string | null; bucket: string | null };
}

interface Outcome {
  level: number;
  excluded: boolean;
  times: number[];
}

export function naiveFunnel(events: readonly TestEvent[], q: NaiveFunnelQuery): NaiveFunnel {
  const n = q.steps.length;
  const W = q.windowSeconds * 1000;
  const start = localMidnight(q.from, q.timeZone);
  const end = localMidnight(plusDays(q.to, 1), q.timeZone);
  const users = new Map<string, NaiveEvent[]>();
  events.forEach((e, index) => {
    const list = users.get(e.user_id) ?? [];
    list.push({ ...e, index });
    users.set(e.user_id, list);
  });

  // Per set key: outcomes of users.
  const overall = new Map<string, Outcome>();
  const byBreakdown = new Map<string, Map<string, Outcome>>();
  const byBucket = new Map<string, Map<string, Outcome>>();

  for (const [userId, all] of users) {
    const user: NaiveUser = { source: firstSource(all) };
    const seq = all
      .filter((e) => {
        const t = Date.parse(e.ts);
        return t >= start && t < end + W && (!q.where || q.where(e, user));
      })
      .map((e) => ({ e, t: Date.parse(e.ts), matches: q.steps.map((s) => matches(s, e, user)) }))
      .map((x) => ({ ...x, first: firstTrue(x.matches, n) }))
      .sort((a, b) => a.t - b.t || a.first - b.first || a.e.index - b.e.index);
    // Attempts start at step 1 (any step for any order), inside the range.
    const isEntry = (i: number) =>
      (q.order === 'any' ? (seq[i]?.matches.some(Boolean) ?? false) : (seq[i]?.matches[0] ?? false)) &&
      (seq[i]?.t ?? 0) < end;
    const groupOf = (i: number) => {
      const e = (seq[i] as { e: NaiveEvent }).e;
      return {
        breakdown: q.breakdown ? q.breakdown(e, user) : null,
        bucket: q.interval ? bucketOf(Date.parse(e.ts), q.interval, q.timeZone) : null,
      };
    };
    const xPositions = q.exclusions.map((x) => seq.flatMap((s, i) => (matches(x, s.e, user) ? [i] : [])));

    const attempts: Attempt[] = [];
    if (q.order === 'any') {
      for (let a = 0; a < seq.length; a++) {
        if (!isEntry(a)) continue;
        const t0 = (seq[a] as { t: number }).t;
        const positions = seq.flatMap((s, i) =>
          s.t >= t0 && s.t <= t0 + W && s.matches.some(Boolean) ? [i] : [],
        );
        const inWindow = positions.map((i) => seq[i] as (typeof seq)[number]);
        const filledBy = (t: number) =>
          maxMatching(
            inWindow.filter((s) => s.t <= t).map((s) => s.matches),
            n,
          );
        const level = filledBy(t0 + W);
        const times: number[] = [];
        for (let k = 1; k <= level; k++)
          times.push(Math.min(...inWindow.map((s) => s.t).filter((t) => filledBy(t) >= k)));
        // Step k's event: the first, in the user's order, by which the attempt's events fill k steps.
        const chain: number[] = [];
        for (let j = 0; j < inWindow.length && chain.length < level; j++) {
          const filled = maxMatching(
            inWindow.slice(0, j + 1).map((s) => s.matches),
            n,
          );
          while (chain.length < filled) chain.push(positions[j] as number);
        }
        if (chain.some((p, k) => (seq[p] as { t: number }).t !== times[k]))
          throw new Error('an any-order step event lies at another time than its step time');
        attempts.push({
          level,
          times,
          done: times[level - 1] as number,
          start: a,
          tie: [],
          chain,
          groupKey: groupOf(a),
        });
      }
    } else {
      // Every chain: positions increasing (strict: consecutive), each matching its step, within W.
      const extend = (chain: number[]) => {
        const k = chain.length;
        attempts.push(chainAttempt(chain));
        if (k === n) return;
        const last = chain[k - 1] as number;
        const first = (seq[chain[0] as number] as { t: number }).t;
        for (let j = last + 1; j < seq.length; j++) {
          if (q.order === 'strict' && j > last + 1) break;
          const s = seq[j] as (typeof seq)[number];
          if (s.matches[k] && s.t - first <= W) extend([...chain, j]);
        }
      };
      const chainAttempt = (chain: number[]): Attempt => {
        const level = chain.length;
        const times = chain.map((i) => (seq[i] as { t: number }).t);
        return {
          level,
          times,
          done: chain[level - 1] as number,
          start: chain[0] as number,
          tie: chain.slice(1, -1),
          chain,
          groupKey: groupOf(chain[0] as number),
        };
      };
      for (let i = 0; i < seq.length; i++) if (isEntry(i)) extend([i]);
    }
    if (attempts.length === 0) continue;

    // Voiding depends on the furthest level of the set the attempt is judged in.
    const decide = (subset: Attempt[]): Outcome | undefined => {
      if (subset.length === 0) return undefined;
      const L = Math.max(...subset.map((a) => a.level));
      const best = subset
        .filter((a) => a.level === L)
        .filter((a) => !isVoid(a, L))
        .sort((a, b) => a.done - b.done || b.start - a.start || compareLists(a.tie, b.tie))[0];
      if (!best) return { level: L, excluded: true, times: [] };
      return { level: L, excluded: false, times: best.times };
    };
    const isVoid = ({ chain }: Attempt, L: number): boolean => {
      const t1 = (seq[chain[0] as number] as { t: number }).t;
      return q.exclusions.some((x, xi) => {
        const positions = xPositions[xi] as number[];
        if (L >= x.to) {
          const lo = chain[x.from - 1] as number;
          const hi = chain[x.to - 1] as number;
          return positions.some((p) => p > lo && p < hi);
        }
        if (L >= x.from) {
          const lo = chain[x.from - 1] as number;
          return positions.some((p) => p > lo && (seq[p] as { t: number }).t <= t1 + W);
        }
        return false;
      });
    };

    const whole = decide(attempts);
    if (whole) overall.set(userId, whole);
    if (q.breakdown) {
      for (const value of new Set(attempts.map((a) => a.groupKey.breakdown))) {
        const outcome = decide(attempts.filter((a) => a.groupKey.breakdown === value));
        if (!outcome) continue;
        const key = JSON.stringify(value);
        const map = byBreakdown.get(key) ?? new Map<string, Outcome>();
        map.set(userId, outcome);
        byBreakdown.set(key, map);
      }
    }
    if (q.interval) {
      for (const bucket of new Set(attempts.map((a) => a.groupKey.bucket as string))) {
        const outcome = decide(attempts.filter((a) => a.groupKey.bucket === bucket));
        if (!outcome) continue;
        const map = byBucket.get(bucket) ?? new Map<string, Outcome>();
        map.set(userId, outcome);
        byBucket.set(bucket, map);
      }
    }
  }

  const result: NaiveFunnel = {
    steps: stepsOf(overall, n),
    timeToConvert: timeToConvert(overall, n, q.windowSeconds),
  };
  if (q.breakdown) {
    result.breakdowns = [...byBreakdown.entries()]
      .map(([key, map]) => ({ breakdown: JSON.parse(key) as string | null, steps: stepsOf(map, n) }))
      .sort(
        (a, b) =>
          entered(byBreakdown.get(JSON.stringify(b.breakdown))) -
            entered(byBreakdown.get(JSON.stringify(a.breakdown))) ||
          compareNullable(a.breakdown, b.breakdown),
      );
  }
  if (q.interval) {
    result.overTime = bucketsBetween(q.from, q.to, q.interval).map((t) => {
      const map = byBucket.get(t) ?? new Map<string, Outcome>();
      const ok = [...map.values()].filter((o) => !o.excluded);
      const enteredCount = ok.length;
      const converted = ok.filter((o) => o.level === n).length;
      return {
        t,
        entered: enteredCount,
        converted,
        rate: enteredCount > 0 ? converted / enteredCount : null,
      };
    });
  }
  if (q.droppedAt !== undefined) {
    const k = q.droppedAt;
    result.droppedUsers = [...overall.entries()]
      .filter(([, o]) => !o.excluded && o.level === k - 1)
      .map(([u]) => u)
      .sort()
      .slice(0, q.limit);
  }
  return result;
}

/** Users with an attempt in the group whose first step counts: the ranking of breakdown values. */
function entered(map: Map<string, Outcome> | undefined): number {
  return map ? map.size : 0;
}

function stepsOf(outcomes: Map<string, Outcome>, n: number): NaiveStep[] {
  const ok = [...outcomes.values()].filter((o) => !o.excluded);
  const counts = Array.from({ length: n }, (_, k) => ok.filter((o) => o.level >= k + 1).length);
  return counts.map((count, k) => {
    const step: NaiveStep = {
      count,
      conversionRate: (counts[0] as number) > 0 ? count / (counts[0] as number) : null,
      conversionFromPrevious:
        k === 0
          ? count > 0
            ? 1
            : null
          : (counts[k - 1] as number) > 0
            ? count / (counts[k - 1] as number)
            : null,
    };
    if (k > 0) {
      const gaps = ok
        .filter((o) => o.level >= k + 1)
        .map((o) => ((o.times[k] as number) - (o.times[k - 1] as number)) / 1000);
      step.medianSecondsFromPrevious = median(gaps);
      step.meanSecondsFromPrevious = mean(gaps);
    }
    return step;
  });
}

const EDGES = [
  0, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 259200, 604800,
  1209600, 2592000, 5184000, 7776000, 15552000,
];

function timeToConvert(outcomes: Map<string, Outcome>, n: number, windowSeconds: number) {
  const seconds = [...outcomes.values()]
    .filter((o) => !o.excluded && o.level === n)
    .map((o) => ((o.times[n - 1] as number) - (o.times[0] as number)) / 1000);
  const edges = [...EDGES.filter((e) => e < windowSeconds), windowSeconds];
  const histogram = edges.slice(0, -1).map((from, i) => {
    const to = edges[i + 1] as number;
    const last = i === edges.length - 2;
    return {
      fromSeconds: from,
      toSeconds: to,
      users: seconds.filter((s) => s >= from && (last ? s <= to : s < to)).length,
    };
  });
  return { medianSeconds: median(seconds), meanSeconds: mean(seconds), histogram };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)] as number;
  const hi = sorted[Math.ceil(mid)] as number;
  return lo + (hi - lo) * (mid - Math.floor(mid));
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function matches(m: NaiveMatch, e: NaiveEvent, user: NaiveUser): boolean {
  return (m.event === '$any' || e.event === m.event) && (!m.where || m.where(e, user));
}

function firstTrue(flags: boolean[], n: number): number {
  const i = flags.indexOf(true);
  return i < 0 ? n : i;
}

/** The fixtures' users.source: the source of the user's earliest event that has one. */
function firstSource(events: NaiveEvent[]): string | null {
  const withSource = events.filter((e) => e.source != null);
  withSource.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  return withSource[0]?.source ?? null;
}

/** The largest number of steps the events can fill, each event one step it matches (brute force). */
export function maxMatching(eventMatches: boolean[][], n: number): number {
  const stepOwner = new Array<number>(n).fill(-1);
  const assign = (e: number, seen: boolean[]): boolean => {
    for (let s = 0; s < n; s++) {
      if (!eventMatches[e]?.[s] || seen[s]) continue;
      seen[s] = true;
      if (stepOwner[s] === -1 || assign(stepOwner[s] as number, seen)) {
        stepOwner[s] = e;
        return true;
      }
    }
    return false;
  };
  let size = 0;
  for (let e = 0; e < eventMatches.length; e++) if (assign(e, new Array<boolean>(n).fill(false))) size++;
  return size;
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

// ---- time zones, written with Intl only ----

function bucketStartOf(date: string, interval: 'day' | 'week' | 'month'): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const day = new Date(`${date}T00:00:00Z`);
  const mondayOffset = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - mondayOffset * 86_400_000).toISOString().slice(0, 10);
}

function bucketOf(utcMs: number, interval: 'day' | 'week' | 'month', timeZone: string): string {
  return bucketStartOf(localDate(utcMs, timeZone), interval);
}

function bucketsBetween(from: string, to: string, interval: 'day' | 'week' | 'month'): string[] {
  const out = new Set<string>();
  for (let d = from; d <= to; d = plusDays(d, 1)) out.add(bucketStartOf(d, interval));
  return [...out];
}
