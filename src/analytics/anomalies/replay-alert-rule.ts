/**
 * An alert rule of the project file replayed over a metric's history: its detector on every group's
 * series, then its state machine (pending, firing, resolved) over the verdicts. `sightline detect --rule`
 * prints it and the API's anomaly timeline is built from it, so both show the same alerts.
 */
import type { InsightContext } from '../insights/insight-context.ts';
import { type AlertRule, ruleEvaluations } from './alert-rules.ts';
import { detectSeries } from './detect.ts';
import { readDetectInputs } from './detect-metric.ts';
import { type RuleTransition, replayRule } from './rule-state.ts';

/** One change of a rule's state as `sightline detect --rule NAME --json` prints it. */
export interface TransitionJson {
  readonly t: string;
  readonly group?: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly value: number | null;
  readonly expected?: number;
  readonly score: number;
}

export interface ReplaySpec {
  readonly from?: string;
  readonly to?: string;
  /** The clock (epoch ms): buckets ending after it are left out. */
  readonly now: number;
}

/** The rule's transitions over the range, in time order (then by group). */
export async function replayAlertRule(
  ctx: InsightContext,
  rule: AlertRule,
  spec: ReplaySpec,
): Promise<RuleTransition[]> {
  const read = await readDetectInputs(ctx, {
    metric: rule.metric,
    interval: rule.interval,
    groupBy: rule.groupBy,
    now: spec.now,
    ...(spec.from === undefined ? {} : { from: spec.from }),
    ...(spec.to === undefined ? {} : { to: spec.to }),
  });
  const transitions: RuleTransition[] = [];
  for (const input of read.series) {
    const detection = detectSeries(input, { detector: rule.detector, sensitivity: rule.sensitivity });
    const group = input.group ? input.group.map((v) => v ?? '(none)').join(' / ') : '';
    transitions.push(
      ...replayRule(
        rule.policy,
        ruleEvaluations(
          rule,
          detection.points,
          input.times.subarray(input.reportFrom ?? 0),
          group,
          detection.flagScore,
        ),
      ),
    );
  }
  transitions.sort((a, b) => a.t - b.t || a.group.localeCompare(b.group));
  return transitions;
}

/** A transition as JSON: the time in ISO 8601 UTC, no group key for an ungrouped rule, NaN as null. */
export function transitionJson(e: RuleTransition): TransitionJson {
  return {
    t: new Date(e.t).toISOString().replace('.000Z', 'Z'),
    ...(e.group === '' ? {} : { group: e.group }),
    from: e.from,
    to: e.to,
    reason: e.reason,
    value: Number.isNaN(e.value) ? null : e.value,
    ...(Number.isFinite(e.expected) ? { expected: e.expected } : {}),
    score: e.score,
  };
}
