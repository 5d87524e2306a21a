/**
 * Filters and cohorts for the property tests of sessions, paths and cohorts, each as the text the
 * compiler reads and a predicate written from the filter language's definition; and a naive cohort
 * membership (where: any event ever matches; behavior: at least N events in the D × 24 hours before the
 * end of the range).
 */
import type { CohortDefinition } from '../../src/analytics/metrics/definitions.ts';
import type { Rng } from '../../src/math/random.ts';
import type { TestEvent } from './fixtures.ts';
import type { IndexedEvent } from './sessions-reference.ts';

/** The user's acquisition source: the source of their earliest event that has one (users.source). */
export function userSources(events: readonly TestEvent[]): Map<string, string | null> {
  const best = new Map<string, { ms: number; index: number; source: string }>();
  events.forEach((e, index) => {
    if (e.source == null) return;
    const ms = Date.parse(e.ts);
    const current = best.get(e.user_id);
    if (!current || ms < current.ms || (ms === current.ms && index < current.index))
      best.set(e.user_id, { ms, index, source: e.source });
  });
  return new Map([...best].map(([user, b]) => [user, b.source]));
}

export interface Predicate {
  where: string;
  test: (e: TestEvent, source: string | null) => boolean;
}

/** Event filters and what they mean (`!=` and `not in` match a missing value; the others do not). */
export const PREDICATES: readonly Predicate[] = [
  { where: "os = 'iOS'", test: (e) => e.os === 'iOS' },
  { where: "country != 'DE'", test: (e) => e.country !== 'DE' },
  { where: "user.source = 'ads'", test: (_e, source) => source === 'ads' },
  { where: 'age >= 30', test: (e) => e.age != null && e.age >= 30 },
  { where: 'os is null', test: (e) => e.os == null },
  { where: "country in ('US', 'DE')", test: (e) => e.country === 'US' || e.country === 'DE' },
  { where: "not (user.source = 'organic')", test: (_e, source) => source !== 'organic' },
];

export interface RandomCohort {
  name: string;
  definition: CohortDefinition;
  where: Predicate | undefined;
  behaviorWhere: Predicate | undefined;
}

/** A cohort with a where, a behaviour or both, from the predicates and event names. */
export function randomCohort(rng: Rng, name: string, names: readonly string[]): RandomCohort {
  const kind = rng.int(0, 2);
  const where = kind !== 1 ? rng.pick(PREDICATES) : undefined;
  const behaviorWhere = kind !== 0 && rng.bernoulli(0.4) ? rng.pick(PREDICATES) : undefined;
  const definition: CohortDefinition = {
    ...(where ? { where: where.where } : {}),
    ...(kind !== 0
      ? {
          behavior: {
            event: rng.bernoulli(0.2) ? '$any' : rng.pick(names),
            atLeast: rng.int(1, 3),
            days: rng.int(1, 4),
            ...(behaviorWhere ? { where: behaviorWhere.where } : {}),
          },
        }
      : {}),
  };
  return { name, definition, where, behaviorWhere: kind !== 0 ? behaviorWhere : undefined };
}

/** The users of a cohort, with the behaviour window ending at `endMs` (the range's exclusive end). */
export function naiveMembers(events: readonly TestEvent[], cohort: RandomCohort, endMs: number): Set<string> {
  const sources = userSources(events);
  const users = new Set(events.map((e) => e.user_id));
  const members = new Set<string>();
  const behavior = cohort.definition.behavior;
  for (const user of users) {
    const own = events.filter((e) => e.user_id === user);
    const source = sources.get(user) ?? null;
    if (cohort.where && !own.some((e) => cohort.where?.test(e, source))) continue;
    if (behavior) {
      const from = endMs - behavior.days * 86_400_000;
      const count = own.filter((e) => {
        const ms = Date.parse(e.ts);
        return (
          ms >= from &&
          ms < endMs &&
          (behavior.event === '$any' || e.event === behavior.event) &&
          (!cohort.behaviorWhere || cohort.behaviorWhere.test(e, source))
        );
      }).length;
      if (count < behavior.atLeast) continue;
    }
    members.add(user);
  }
  return members;
}

/** A random --where: none, an event predicate, a cohort, or a cohort's complement. */
export function randomFilter(
  rng: Rng,
  events: readonly TestEvent[],
  cohort: RandomCohort,
  endMs: number,
): { where: string | undefined; keep: (e: IndexedEvent) => boolean } {
  const sources = userSources(events);
  const choice = rng.int(0, 5);
  if (choice <= 1) return { where: undefined, keep: () => true };
  if (choice <= 3) {
    const p = rng.pick(PREDICATES);
    return { where: p.where, keep: (e) => p.test(e, sources.get(e.user_id) ?? null) };
  }
  const members = naiveMembers(events, cohort, endMs);
  return choice === 4
    ? { where: `cohort = '${cohort.name}'`, keep: (e) => members.has(e.user_id) }
    : {
        where: `cohort != '${cohort.name}' and os != 'Android'`,
        keep: (e) => !members.has(e.user_id) && e.os !== 'Android',
      };
}
