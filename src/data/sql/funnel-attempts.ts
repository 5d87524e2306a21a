import type { Sql } from './sql.ts';

export type FunnelOrder = 'ordered' | 'strict' | 'any';

/** An exclusion between two steps, 1-based (`from` < `to`); its events are flagged in column `x<i>`. */
export interface FunnelExclusionSpan {
  from: number;
  to: number;
}

/**
 * Steps of an any-order funnel, grouped so that the best assignment of events to steps has a closed
 * form. A definition is a set of identical steps (same event, same filter): `step` names one of them
 * (its match column is `s<step>`) and `multiplicity` how many there are. A component is a set of
 * definitions that one event may match together (the same event name, or `$any`); definitions in
 * different components never match the same event.
 */
export type AnyOrderComponents = readonly (readonly { step: number; multiplicity: number }[])[];

/**
 * The input of `Dialect.funnelAttempts`, the core of the funnel insight.
 *
 * `events` is a subquery with the columns `user_id`, `ts`, `event_id`, `entry` (true on an event inside
 * the query range where an attempt may start: one that matches step 1, or any step for `any`), `s1` … `s<steps>` (true where the
 * event matches that step), `x1` … `x<exclusions>` (true where it matches that exclusion) and the
 * `groups` columns. For `strict` it holds every event of the users (any event in between breaks a
 * strict chain); otherwise only events that match a step or an exclusion.
 *
 * A user's events are taken in the order (ts, index of the first step the event matches (events that
 * match no step last), event_id). An attempt starts at an `entry` event; its group is the values of the
 * `groups` columns on that event, and the result has one row per user and group with at least one
 * attempt. With W = `windowSeconds`:
 *
 * - ordered: an attempt reaches step k with events e1 < e2 < … < ek (distinct, in order), ei matching
 *   step i, ts(ek) − ts(e1) ≤ W.
 * - strict: the same, and e(i+1) comes right after ei among all the user's events.
 * - any: the attempt started at e1 takes the matching events with ts in [ts(e1), ts(e1) + W]; it reaches
 *   k when k distinct steps can each be given a distinct one of them (an event matching several steps
 *   fills one; a maximum bipartite matching). Its k-th step time is the first time t at which the
 *   events in [ts(e1), t] fill k steps.
 *
 * `level` is the furthest step of the group's attempts. Exclusions: an attempt is void when an exclusion
 * event lies strictly between its step `from` and step `to` events or, if it stopped at a step in
 * [`from`, `to`), after its step `from` event and no later than ts(e1) + W. For any order, the step k
 * event is the first event, in the order above, by which the attempt's events fill k steps. When
 * every attempt of the group that reaches `level` is void, `excluded` is true (the user leaves this
 * group's funnel; PostHog's semantics).
 *
 * Among the attempts that reach `level` (and are not void, when some are not), the reported one
 * completes first (its `level`-th event earliest in the order; for any order the earliest time), then
 * starts last; for ordered funnels the earliest events in between. `c_rank` and `s_rank` are its
 * completion and start as BIGINTs comparable between the rows of one user (smaller `c_rank` completes
 * first, larger `s_rank` starts later); `t1` … `t<steps>` are its step times in epoch microseconds
 * (NULL beyond `level`).
 */
export interface FunnelAttemptsInput {
  events: Sql;
  steps: number;
  order: FunnelOrder;
  windowSeconds: number;
  groups: readonly string[];
  exclusions: readonly FunnelExclusionSpan[];
  /**
   * True when no event can match two steps (distinct event names, none `$any`). Then events of one user
   * with the same time and first step match the same single step, so their order (by event_id) cannot
   * change an ordered funnel's result, and an engine may leave such ties unordered.
   */
  disjointSteps: boolean;
  /** Required for `any`. */
  components?: AnyOrderComponents;
}
