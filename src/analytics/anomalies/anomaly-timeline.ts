/**
 * The recent anomalies of a project for its dashboard's timeline: every alert rule of the project file
 * replayed over the last days (the same replay `sightline detect --rule` prints), each time a rule
 * started firing listed with the root-cause sentence of `sightline explain` for that metric and bucket.
 * With no rules declared, the daily active users judged by the default detector stand in, so a fresh
 * project still has a timeline.
 */

import { sql } from '../../data/sql/sql.ts';
import { isSightlineError } from '../../errors/index.ts';
import { addDays } from '../insights/date-range.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import type { AlertRule } from './alert-rules.ts';
import { detectMetric } from './detect-metric.ts';
import { replayAlertRule } from './replay-alert-rule.ts';
import { explainChange } from './root-cause.ts';

export interface TimelineSpec {
  /** Days back from the day of the latest event (default 14). */
  readonly days: number;
  /** At most this many anomalies, the latest, each explained (default 10). */
  readonly limit: number;
  /** The clock (epoch ms): buckets ending after it are still filling up. */
  readonly now: number;
}

export interface TimelineAnomaly {
  /** The rule that fired, or null for the stand-in detection. */
  readonly rule: string | null;
  readonly metric: string;
  readonly interval: string;
  readonly group: string | null;
  /** The bucket's start, ISO 8601 UTC. */
  readonly t: string;
  readonly value: number | null;
  readonly expected: number | null;
  readonly score: number;
  readonly reason: string;
  /** `sightline explain`'s sentence for the bucket, or null with the code that prevented one. */
  readonly explanation: string | null;
  readonly explanationError: string | null;
}

export interface AnomalyTimeline {
  readonly from: string | null;
  readonly to: string | null;
  readonly rules: readonly string[];
  readonly anomalies: readonly TimelineAnomaly[];
}

/** The metric the timeline watches when the project declares no alert rules. */
export const STAND_IN_METRIC = 'dau';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export async function anomalyTimeline(
  ctx: InsightContext,
  rules: ReadonlyMap<string, AlertRule>,
  spec: TimelineSpec,
): Promise<AnomalyTimeline> {
  const [last] = await ctx.query<{ day: string | null }>(
    sql`SELECT CAST(max(ts) AS DATE) AS day FROM events WHERE project_id = ${ctx.project}`,
  );
  const to = last?.day ?? null;
  if (to === null) return { from: null, to: null, rules: [...rules.keys()], anomalies: [] };
  const from = addDays(to, -(spec.days - 1));
  const found: Omit<TimelineAnomaly, 'explanation' | 'explanationError'>[] = [];
  for (const rule of rules.values()) {
    const transitions = await replayAlertRule(ctx, rule, { from, to, now: spec.now });
    for (const e of transitions.filter((x) => x.to === 'firing'))
      found.push({
        rule: rule.name,
        metric: rule.metric,
        interval: rule.interval,
        group: e.group === '' ? null : e.group,
        t: iso(e.t),
        value: Number.isNaN(e.value) ? null : e.value,
        expected: Number.isFinite(e.expected) ? e.expected : null,
        score: e.score,
        reason: e.reason,
      });
  }
  if (rules.size === 0 && ctx.layer.metrics.has(STAND_IN_METRIC)) {
    const detection = await detectMetric(
      ctx,
      { metric: STAND_IN_METRIC, interval: 'day', from, to, now: spec.now },
      {},
    );
    for (const p of detection.json.series[0]?.points ?? [])
      if (p.flag)
        found.push({
          rule: null,
          metric: STAND_IN_METRIC,
          interval: 'day',
          group: null,
          t: p.t.length === 10 ? `${p.t}T00:00:00Z` : p.t,
          value: p.value,
          expected: p.expected ?? null,
          score: p.score,
          reason: 'flagged by the default detector',
        });
  }
  found.sort((a, b) => (a.t < b.t ? 1 : a.t > b.t ? -1 : (a.rule ?? '').localeCompare(b.rule ?? '')));
  const anomalies: TimelineAnomaly[] = [];
  // The same bucket of the same metric is explained once, however many groups fired in it.
  const explained = new Map<string, { explanation: string | null; explanationError: string | null }>();
  for (const a of found.slice(0, spec.limit)) {
    const key = `${a.metric}|${a.interval}|${a.t}`;
    let explanation = explained.get(key);
    if (explanation === undefined) {
      try {
        const result = await explainChange(ctx, {
          metric: a.metric,
          at: a.t,
          interval: a.interval as 'hour' | 'day' | '15m',
        });
        explanation = { explanation: result.sentence, explanationError: null };
      } catch (error) {
        if (!isSightlineError(error)) throw error;
        explanation = { explanation: null, explanationError: error.code };
      }
      explained.set(key, explanation);
    }
    anomalies.push({ ...a, ...explanation });
  }
  return { from, to, rules: [...rules.keys()], anomalies };
}
