/**
 * A naive paths implementation written from the definition, sharing no code with the SQL compiler:
 * the events of the range that take part, each user's in (time, name) order, cut into sessions at gaps
 * longer than the session gap, repeats collapsed within a session on request; then one path per session
 * (no anchor), or from / to the user's first anchor event within its session.
 */
import type { TestEvent } from './fixtures.ts';
import { localDate } from './local-time.ts';
import { byUser, type IndexedEvent, indexed, splitSessions } from './sessions-reference.ts';

export interface NaivePathsSpec {
  from: string;
  to: string;
  timeZone: string;
  startEvent?: string;
  endEvent?: string;
  steps: number;
  /** Names that take part (undefined: all). */
  events?: string[];
  top: number;
  topPaths: number;
  gapSeconds: number;
  collapseRepeats: boolean;
  keep: (e: IndexedEvent) => boolean;
}

/** JavaScript's `<` equals code point order for the ASCII names these tests use. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function naivePaths(events: readonly TestEvent[], spec: NaivePathsSpec) {
  const anchor = spec.startEvent ?? spec.endEvent;
  const names = spec.events ? new Set([...spec.events, ...(anchor ? [anchor] : [])]) : undefined;
  const taking = indexed(events).filter((e) => {
    const day = localDate(e.ms, spec.timeZone);
    return day >= spec.from && day <= spec.to && (!names || names.has(e.event)) && spec.keep(e);
  });

  // Each path: its user and its events in time order, with the step of each.
  const paths: { user: string; events: string[]; steps: number[] }[] = [];
  for (const [user, ordered] of byUser(taking)) {
    // Events at the same instant are ordered by name.
    ordered.sort((a, b) => a.ms - b.ms || cmp(a.event, b.event) || a.index - b.index);
    const sessions = splitSessions(ordered, spec.gapSeconds).map((session) =>
      spec.collapseRepeats ? session.filter((e, i) => i === 0 || session[i - 1]?.event !== e.event) : session,
    );
    if (!anchor) {
      for (const session of sessions) {
        const part = session.slice(0, spec.steps).map((e) => e.event);
        paths.push({ user, events: part, steps: part.map((_, i) => i + 1) });
      }
      continue;
    }
    const session = sessions.find((s) => s.some((e) => e.event === anchor));
    if (!session) continue;
    const at = session.findIndex((e) => e.event === anchor);
    if (spec.startEvent) {
      const part = session.slice(at, at + spec.steps).map((e) => e.event);
      paths.push({ user, events: part, steps: part.map((_, i) => i + 1) });
    } else {
      const part = session.slice(Math.max(0, at - spec.steps + 1), at + 1).map((e) => e.event);
      paths.push({ user, events: part, steps: part.map((_, i) => part.length - i) });
    }
  }

  const nodeUsers = new Map<string, Set<string>>();
  const linkUsers = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, user: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(user);
    map.set(key, set);
  };
  for (const p of paths) {
    p.events.forEach((event, i) => {
      add(nodeUsers, JSON.stringify([p.steps[i], event]), p.user);
      if (i + 1 < p.events.length)
        add(linkUsers, JSON.stringify([p.steps[i], event, p.events[i + 1]]), p.user);
    });
  }
  const links = [...linkUsers]
    .map(([key, users]) => {
      const [step, from, to] = JSON.parse(key) as [number, string, string];
      return { step, from, to, users: users.size, who: users };
    })
    .sort((a, b) => b.users - a.users || a.step - b.step || cmp(a.from, b.from) || cmp(a.to, b.to));
  const kept = links.slice(0, spec.top);
  const dropped = links.slice(spec.top);
  const droppedUsers = new Set(dropped.flatMap((l) => [...l.who]));
  const toStep = spec.endEvent ? -1 : 1;
  const shown = new Set(
    kept.flatMap((l) => [JSON.stringify([l.step, l.from]), JSON.stringify([l.step + toStep, l.to])]),
  );
  const nodes = [...nodeUsers]
    .map(([key, users]) => {
      const [step, event] = JSON.parse(key) as [number, string];
      return { step, event, users: users.size };
    })
    .filter((n) => n.step === 1 || shown.has(JSON.stringify([n.step, n.event])))
    .sort((a, b) => a.step - b.step || b.users - a.users || cmp(a.event, b.event));

  const pathUsers = new Map<string, Set<string>>();
  for (const p of paths) add(pathUsers, JSON.stringify(p.events), p.user);
  const topPaths = [...pathUsers]
    .map(([text, users]) => ({ text, path: JSON.parse(text) as string[], users: users.size }))
    .sort((a, b) => b.users - a.users || cmp(a.text, b.text))
    .slice(0, spec.topPaths)
    .map(({ path, users }) => ({ path, users }));

  return {
    transitions: kept.map(({ step, from, to, users }) => ({ step, from, to, users })),
    nodes,
    topPaths,
    droppedLinks: dropped.length,
    droppedUsers: droppedUsers.size,
  };
}
