import { resolveRange } from '../date-range.ts';
import { parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type InsightResultBase, type InsightWarning } from '../insight-type.ts';
import { bucketLabels } from './buckets.ts';
import { compareText } from './compare-text.ts';
import {
  DURATION_EDGES,
  EVENTS_CAP,
  type SessionsQuery,
  type SessionsRow,
  sessionsSql,
} from './sessions-query.ts';
import { type SessionsSpec, sessionsFlags, sessionsSpecSchema } from './sessions-spec.ts';

export interface SessionsSummary {
  sessions: number;
  users: number;
  medianDurationSeconds: number | null;
  meanDurationSeconds: number | null;
  meanEventsPerSession: number | null;
  bounceRate: number | null;
}

export interface SessionsPoint {
  t: string;
  /**
   * With --breakdown: the value at the sessions' first event (null when it had none); absent on the
   * group of values merged beyond --breakdown-limit, which has `other: true`.
   */
  breakdown?: string | null;
  other?: true;
  sessions: number;
  users: number;
  meanDurationSeconds: number | null;
  eventsPerSession: number | null;
}

export interface SessionsResult extends InsightResultBase {
  summary: SessionsSummary;
  points: SessionsPoint[];
  /** Bins [fromSeconds, toSeconds); the last has toSeconds null (no upper edge). */
  durationHistogram: { fromSeconds: number; toSeconds: number | null; sessions: number }[];
  /** Sessions per number of events; `orMore` marks the last bin (that many events or more). */
  eventsHistogram: { events: number; sessions: number; orMore?: true }[];
}

export const sessionsInsight = defineInsight<SessionsSpec, SessionsResult>({
  name: 'sessions',
  summary: 'sessions by inactivity gap: count, duration distribution, events per session, bounce rate',
  schema: sessionsSpecSchema,
  flags: sessionsFlags,
  run: runSessions,
  tables: (result) => [
    { title: 'Summary', rows: [{ ...result.summary }] },
    { title: 'Sessions over time', rows: result.points.map((p) => ({ ...p })) },
    {
      title: 'Duration',
      rows: result.durationHistogram.map((b) => ({
        from: `${b.fromSeconds}s`,
        to: b.toSeconds === null ? '' : `${b.toSeconds}s`,
        sessions: b.sessions,
      })),
    },
    {
      title: 'Events per session',
      rows: result.eventsHistogram.map((b) => ({
        events: b.orMore ? `${b.events}+` : String(b.events),
        sessions: b.sessions,
      })),
    },
  ],
});

async function runSessions(ctx: InsightContext, spec: SessionsSpec): Promise<SessionsResult> {
  const range = await resolveRange(ctx, spec);
  const labels = bucketLabels(spec.interval, range.from, range.to);
  const filter = parseWhere(ctx, spec.where);
  if (spec.breakdown) ctx.layer.dimension(spec.breakdown);
  const warnings: InsightWarning[] = [];
  const query: SessionsQuery = {
    range,
    gapSeconds: spec.gap,
    interval: spec.interval,
    filter,
    breakdown: spec.breakdown,
    kept: undefined,
  };
  let rows = await ctx.query<SessionsRow>(sessionsSql(ctx, query));
  const values = spec.breakdown ? rankedValues(rows) : [];
  let groups: Group[] = values.map((value) => ({ value, other: false }));
  if (values.length > spec.breakdownLimit) {
    const kept = values.slice(0, spec.breakdownLimit);
    const merged = values.length - kept.length;
    warnings.push({
      code: 'SL_BREAKDOWN_OTHER',
      message: `${merged} of ${values.length} values of ${spec.breakdown} beyond the top ${spec.breakdownLimit} ${merged === 1 ? 'is' : 'are'} merged into "other"`,
    });
    rows = await ctx.query<SessionsRow>(sessionsSql(ctx, { ...query, kept }));
    groups = [...kept.map((value) => ({ value, other: false })), { value: null, other: true }];
  }

  const total = rows.find((r) => r.by_time === 1 && r.by_duration === 1 && r.by_events === 1);
  const sessions = Number(total?.sessions ?? 0);
  const summary: SessionsSummary = {
    sessions,
    users: Number(total?.users ?? 0),
    medianDurationSeconds: sessions > 0 ? Number(total?.median_duration) : null,
    meanDurationSeconds: ratio(total?.duration_sum, sessions),
    meanEventsPerSession: ratio(total?.events_sum, sessions),
    bounceRate: ratio(total?.bounces, sessions),
  };
  if (sessions === 0)
    warnings.push({
      code: 'SL_EMPTY_DENOMINATOR',
      message: `no session starts from ${range.from} to ${range.to}; the median, the means and the bounce rate are null`,
    });
  const cut = Number(total?.cut ?? 0);
  if (cut > 0)
    warnings.push({
      code: 'SL_SESSIONS_CUT',
      message: `${cut} session${cut === 1 ? '' : 's'} continue${cut === 1 ? 's' : ''} after ${range.to}; only ${cut === 1 ? 'its' : 'their'} events up to the end of the range are counted`,
    });

  const points = pointsOf(rows, labels, spec.breakdown ? groups : undefined);
  const empty = points.filter((p) => p.sessions === 0).length;
  if (empty > 0 && sessions > 0)
    warnings.push({
      code: 'SL_EMPTY_DENOMINATOR',
      message: `${empty} of ${points.length} points have no sessions; their means are null`,
    });

  return {
    summary,
    points,
    durationHistogram: DURATION_EDGES.map((from, i) => ({
      fromSeconds: from,
      toSeconds: DURATION_EDGES[i + 1] ?? null,
      sessions: Number(rows.find((r) => r.by_duration === 0 && r.duration_bin === i)?.sessions ?? 0),
    })),
    eventsHistogram: rows
      .filter((r) => r.by_events === 0)
      .map((r) => ({ events: Number(r.events_bin), sessions: Number(r.sessions) }))
      .sort((a, b) => a.events - b.events)
      .map((b) => (b.events === EVENTS_CAP ? { ...b, orMore: true as const } : b)),
    sql: ctx.sqlText(),
    warnings,
  };
}

/** Breakdown values by sessions, most first; ties by value (code point order), null last. */
function rankedValues(rows: readonly SessionsRow[]): (string | null)[] {
  const counts = new Map<string | null, number>();
  for (const r of rows) if (r.by_time === 0) counts.set(r.b, (counts.get(r.b) ?? 0) + Number(r.sessions));
  return [...counts].sort(([va, a], [vb, b]) => b - a || compareText(va, vb)).map(([value]) => value);
}

/** A breakdown value, or the values merged beyond the limit. */
interface Group {
  value: string | null;
  other: boolean;
}

/** Every bucket for every breakdown group (in rank order), empty ones with zeros and null means. */
function pointsOf(
  rows: readonly SessionsRow[],
  labels: readonly string[],
  groups: readonly Group[] | undefined,
): SessionsPoint[] {
  const key = (t: string | null, value: string | null, other: boolean) => JSON.stringify([t, value, other]);
  const byKey = new Map<string, SessionsRow>();
  for (const r of rows) if (r.by_time === 0) byKey.set(key(r.t, r.b, r.is_other === 1), r);
  const point = (t: string, group: Group): SessionsPoint => {
    const row = byKey.get(key(t, group.value, group.other));
    const n = Number(row?.sessions ?? 0);
    return {
      t,
      sessions: n,
      users: Number(row?.users ?? 0),
      meanDurationSeconds: ratio(row?.duration_sum, n),
      eventsPerSession: ratio(row?.events_sum, n),
    };
  };
  if (!groups) return labels.map((t) => point(t, { value: null, other: false }));
  return groups.flatMap((group) =>
    labels.map((t) => {
      const { t: label, ...rest } = point(t, group);
      return group.other
        ? { t: label, other: true as const, ...rest }
        : { t: label, breakdown: group.value, ...rest };
    }),
  );
}

function ratio(numerator: unknown, denominator: number): number | null {
  return denominator > 0 ? Number(numerator) / denominator : null;
}
