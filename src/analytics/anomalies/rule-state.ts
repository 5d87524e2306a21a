/**
 * The state machine of an alert rule: ok → pending → firing → resolved (→ ok), one per group of the
 * rule (one per value of its grouping keys), driven by the rule's evaluations in time order. Pure: the
 * caller brings the evaluations (a detector's verdicts on the metric) and keeps the returned state, so
 * the same machine replays a recorded series in a test and will run on a schedule later.
 *
 * The semantics follow Prometheus' alerting rules, which most on-call engineers already know: `for` is
 * how long a breach must hold before the alert fires (pending in between; a normal evaluation while
 * pending drops back to ok without firing); then our two additions that Prometheus leaves to
 * Alertmanager: `recovery`, the consecutive normal evaluations that resolve a firing alert (one noisy
 * normal point inside a long breach does not resolve it), and `cooldown`, the time after a resolution in
 * which the rule does not fire again (a breach may go pending, and fires when the cooldown is over if it
 * still holds).
 *
 * A missing evaluation (the metric had no value) is no evidence either way: it neither breaches nor
 * counts as normal, so it neither advances `for` counted in evaluations nor breaks a recovery streak.
 * A `for` given as a duration is measured on the clock from the first breaching evaluation, so a
 * breach that is still there after a gap fires.
 */

export type RuleStatus = 'ok' | 'pending' | 'firing' | 'resolved';

/** How long a breach must hold before the rule fires: a duration, or consecutive breaching evaluations. */
export type HoldFor =
  | { readonly kind: 'duration'; readonly ms: number }
  | { readonly kind: 'evaluations'; readonly count: number };

export interface RulePolicy {
  readonly for: HoldFor;
  /** After a resolution, no firing until this much time has passed. */
  readonly cooldownMs: number;
  /** Consecutive normal evaluations that resolve a firing alert (at least 1). */
  readonly recovery: number;
}

/** One evaluation of the rule for one group. */
export interface Evaluation {
  /** Epoch ms, non-decreasing within a group. */
  readonly t: number;
  /** The group's key (`os=Android`); '' for a rule without grouping keys. */
  readonly group?: string;
  /** The condition holds (the detector flagged the point, in the rule's direction). */
  readonly breach: boolean;
  /** The metric's value; NaN when it had none (a missing evaluation). */
  readonly value: number;
  readonly score: number;
  /** What the detector expected (NaN when it had no expectation). */
  readonly expected: number;
}

/** A change of state, with why. */
export interface RuleTransition {
  readonly t: number;
  readonly group: string;
  readonly from: RuleStatus;
  readonly to: RuleStatus;
  readonly reason: string;
  readonly value: number;
  readonly expected: number;
  readonly score: number;
}

/** The state of one group: plain data, so it can be stored between scheduled runs. */
export interface GroupState {
  status: RuleStatus;
  /** First breaching evaluation of the current breach (pending or firing), else NaN. */
  breachSince: number;
  /** Breaching evaluations since `breachSince`. */
  breaches: number;
  /** Consecutive normal evaluations while firing. */
  normals: number;
  /** No firing before this time (set at a resolution), else -Infinity. */
  cooldownUntil: number;
  /** The time the current alert fired, else NaN. */
  firedAt: number;
  /** The most surprising evaluation of the current breach. */
  peakScore: number;
  /** The last evaluation seen, for a clock that never goes back. */
  lastT: number;
}

export function initialGroupState(): GroupState {
  return {
    status: 'ok',
    breachSince: Number.NaN,
    breaches: 0,
    normals: 0,
    cooldownUntil: Number.NEGATIVE_INFINITY,
    firedAt: Number.NaN,
    peakScore: 0,
    lastT: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Advances one group's state by one evaluation, in place, and returns the transitions it caused (none,
 * one, or two when a resolved group's cooldown ends at an evaluation that breaches again).
 * Evaluations older than the last one seen are a broken invariant of the caller.
 */
export function stepGroup(state: GroupState, policy: RulePolicy, e: Evaluation): RuleTransition[] {
  if (e.t < state.lastT) throw new Error(`rule evaluations out of order: ${e.t} after ${state.lastT}`);
  state.lastT = e.t;
  const out: RuleTransition[] = [];
  const group = e.group ?? '';
  const move = (to: RuleStatus, reason: string) => {
    out.push({
      t: e.t,
      group,
      from: state.status,
      to,
      reason,
      value: e.value,
      expected: e.expected,
      score: e.score,
    });
    state.status = to;
  };
  const missing = Number.isNaN(e.value);

  if (state.status === 'resolved' && e.t >= state.cooldownUntil) {
    move('ok', policy.cooldownMs > 0 ? `cooldown of ${formatMs(policy.cooldownMs)} over` : 'resolved');
  }
  if (missing) return out;

  switch (state.status) {
    case 'ok':
    case 'resolved': {
      if (!e.breach) break;
      state.breachSince = e.t;
      state.breaches = 1;
      state.peakScore = e.score;
      if (held(state, policy, e.t) && e.t >= state.cooldownUntil) fire(state, e, move, policy);
      else
        move(
          'pending',
          e.t < state.cooldownUntil
            ? `breach during the cooldown (until ${iso(state.cooldownUntil)})`
            : `breach; firing if it holds ${describeFor(policy.for)}`,
        );
      break;
    }
    case 'pending': {
      if (!e.breach) {
        const breaches = state.breaches;
        clearBreach(state);
        move(
          state.cooldownUntil > e.t ? 'resolved' : 'ok',
          `back to normal after ${breaches} breaching evaluation(s), before ${describeFor(policy.for)}`,
        );
        break;
      }
      state.breaches++;
      state.peakScore = Math.max(state.peakScore, e.score);
      if (held(state, policy, e.t) && e.t >= state.cooldownUntil) fire(state, e, move, policy);
      break;
    }
    case 'firing': {
      if (e.breach) {
        state.normals = 0;
        state.breaches++;
        state.peakScore = Math.max(state.peakScore, e.score);
        break;
      }
      state.normals++;
      if (state.normals >= policy.recovery) {
        const firedFor = e.t - state.firedAt;
        clearBreach(state);
        state.cooldownUntil = e.t + policy.cooldownMs;
        move(
          'resolved',
          `${policy.recovery} consecutive normal evaluation(s) after firing for ${formatMs(firedFor)}`,
        );
      }
      break;
    }
  }
  return out;
}

function held(state: GroupState, policy: RulePolicy, t: number): boolean {
  return policy.for.kind === 'duration'
    ? t - state.breachSince >= policy.for.ms
    : state.breaches >= policy.for.count;
}

function fire(
  state: GroupState,
  e: Evaluation,
  move: (to: RuleStatus, reason: string) => void,
  policy: RulePolicy,
): void {
  state.firedAt = e.t;
  state.normals = 0;
  const held =
    policy.for.kind === 'duration'
      ? `for ${formatMs(e.t - state.breachSince)}`
      : `for ${state.breaches} evaluation(s)`;
  const expected = Number.isFinite(e.expected) ? ` (expected ${round(e.expected)})` : '';
  move('firing', `breach held ${held}: value ${round(e.value)}${expected}, score ${round(e.score)}`);
}

function clearBreach(state: GroupState): void {
  state.breachSince = Number.NaN;
  state.breaches = 0;
  state.normals = 0;
  state.firedAt = Number.NaN;
  state.peakScore = 0;
}

/**
 * A rule's state over all its groups. `evaluate` takes the evaluations of one time in any group order;
 * groups never seen start in ok.
 */
export class RuleState {
  readonly groups = new Map<string, GroupState>();

  constructor(readonly policy: RulePolicy) {
    if (!(policy.recovery >= 1)) throw new Error(`recovery must be at least 1, not ${policy.recovery}`);
  }

  evaluate(e: Evaluation): RuleTransition[] {
    const key = e.group ?? '';
    let state = this.groups.get(key);
    if (state === undefined) {
      state = initialGroupState();
      this.groups.set(key, state);
    }
    return stepGroup(state, this.policy, e);
  }

  /** The status of a group ('ok' for one never seen). */
  status(group = ''): RuleStatus {
    return this.groups.get(group)?.status ?? 'ok';
  }
}

/** Replays recorded evaluations (sorted by time) through a fresh state and returns every transition. */
export function replayRule(policy: RulePolicy, evaluations: Iterable<Evaluation>): RuleTransition[] {
  const state = new RuleState(policy);
  const out: RuleTransition[] = [];
  for (const e of evaluations) out.push(...state.evaluate(e));
  return out;
}

function describeFor(hold: HoldFor): string {
  if (hold.kind === 'duration') return hold.ms === 0 ? 'at once' : `for ${formatMs(hold.ms)}`;
  return `for ${hold.count} evaluation(s)`;
}

/** `90m` → `1h30m`, `0` → `0m`. */
export function formatMs(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48 || rest !== 0 || hours % 24 !== 0) return `${hours}h${rest === 0 ? '' : `${rest}m`}`;
  return `${hours / 24}d`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function round(x: number): string {
  return String(Number(x.toPrecision(4)));
}
