/**
 * One group of a rule moved forward by the evaluations it has not seen yet: the state machine steps
 * (`stepGroup`), and the notice learns which alert fired (with its evaluation and the peak of its breach)
 * and which ended. Pure: the caller reads the evaluations and stores the result.
 */
import type { RulePolicy } from '../../analytics/anomalies/rule-state.ts';
import { type Evaluation, stepGroup } from '../../analytics/anomalies/rule-state.ts';
import type { AlertPoint, ResolvedAlert, StoredGroup } from './alert-state.ts';
import { fingerprint } from './alert-state.ts';

export interface GroupAdvance {
  /** Evaluations fed (those after the state's last one). */
  readonly evaluated: number;
  /** Alerts that started firing in these evaluations (still firing or not). */
  readonly fired: readonly string[];
  /** Alerts that ended in these evaluations. */
  readonly resolved: readonly ResolvedAlert[];
}

/**
 * Feeds `evaluations` newer than the group's last one into its state and notice, in place. `points`
 * gives each evaluation's band by time. Returns what fired and what resolved.
 */
export function advanceGroup(
  group: StoredGroup,
  rule: { readonly name: string; readonly policy: RulePolicy },
  key: string,
  evaluations: readonly Evaluation[],
  points: ReadonlyMap<number, AlertPoint>,
): GroupAdvance {
  const { state, notice } = group;
  const fired: string[] = [];
  const resolved: ResolvedAlert[] = [];
  let evaluated = 0;
  for (const e of evaluations) {
    if (e.t <= state.lastT) continue;
    evaluated++;
    const point: AlertPoint = points.get(e.t) ?? {
      t: e.t,
      value: e.value,
      expected: e.expected,
      score: e.score,
    };
    const transitions = stepGroup(state, rule.policy, e);
    if (state.status === 'pending' || state.status === 'firing') {
      if (e.breach && (notice.episodePeak === null || point.score > notice.episodePeak.score))
        notice.episodePeak = point;
    } else notice.episodePeak = null;
    for (const tr of transitions) {
      if (tr.to === 'firing') {
        const startsAt = state.breachSince;
        notice.firing = {
          fingerprint: fingerprint(rule.name, key, startsAt),
          group: key,
          labels: group.labels,
          startsAt,
          firedAt: e.t,
          fired: point,
          peak: notice.episodePeak ?? point,
          latest: point,
        };
        fired.push(notice.firing.fingerprint);
      } else if (tr.from === 'firing' && notice.firing) {
        resolved.push({ ...notice.firing, endsAt: e.t, latest: point });
        notice.firing = null;
      }
    }
    if (notice.firing && state.status === 'firing') {
      notice.firing.latest = point;
      if (notice.episodePeak && notice.episodePeak.score > notice.firing.peak.score)
        notice.firing.peak = notice.episodePeak;
    }
  }
  return { evaluated, fired, resolved };
}
