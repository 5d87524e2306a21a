import type { AnyOrderComponents, FunnelExclusionSpan } from '../../../data/sql/funnel-attempts.ts';
import { SightlineError } from '../../../errors/index.ts';
import { ANY_EVENT, parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import type { MatchDefinition } from './funnel-events.ts';
import type { FunnelSpec } from './funnel-spec.ts';

/** An any-order component may hold this many differently filtered steps (2^4 − 1 counts per window). */
export const MAX_COMPONENT_DEFINITIONS = 4;

export interface FunnelPlan {
  steps: MatchDefinition[];
  labels: { event: string; label?: string | undefined }[];
  exclusions: MatchDefinition[];
  spans: FunnelExclusionSpan[];
  /** No event can match two steps: distinct names, none `$any`. */
  disjointSteps: boolean;
  components: AnyOrderComponents | undefined;
}

/** Parses and checks the filters of the steps and exclusions, and groups the steps for any order. */
export function planFunnel(ctx: InsightContext, spec: FunnelSpec): FunnelPlan {
  const n = spec.steps.length;
  const steps = spec.steps.map((s) => ({ event: s.event, where: parseWhere(ctx, s.where) }));
  const exclusions = (spec.exclude ?? []).map((x) => ({ event: x.event, where: parseWhere(ctx, x.where) }));
  const spans = (spec.exclude ?? []).map((x) => ({ from: x.from ?? 1, to: x.to ?? n }));
  const names = spec.steps.map((s) => s.event);
  const disjointSteps = !names.includes(ANY_EVENT) && new Set(names).size === names.length;
  return {
    steps,
    labels: spec.steps.map((s) => ({ event: s.event, label: s.label })),
    exclusions,
    spans,
    disjointSteps,
    components: spec.order === 'any' ? anyOrderComponents(spec) : undefined,
  };
}

/**
 * Steps with the same event and filter text are one definition; definitions that one event may match
 * together (the same name, or `$any`) form a component.
 */
function anyOrderComponents(spec: FunnelSpec): AnyOrderComponents {
  const definitions: { key: string; event: string; step: number; multiplicity: number }[] = [];
  spec.steps.forEach((s, i) => {
    const key = JSON.stringify([s.event, s.where?.trim() ?? null]);
    const found = definitions.find((d) => d.key === key);
    if (found) found.multiplicity++;
    else definitions.push({ key, event: s.event, step: i + 1, multiplicity: 1 });
  });
  const components: (typeof definitions)[] = [];
  for (const d of definitions) {
    const touching = components.filter((c) =>
      c.some((o) => o.event === d.event || o.event === ANY_EVENT || d.event === ANY_EVENT),
    );
    const merged = [...touching.flat(), d];
    for (const c of touching) components.splice(components.indexOf(c), 1);
    components.push(merged);
  }
  for (const c of components)
    if (c.length > MAX_COMPONENT_DEFINITIONS)
      throw new SightlineError(
        'SL_INSIGHT_INVALID',
        `funnel: an any-order funnel takes at most ${MAX_COMPONENT_DEFINITIONS} differently filtered steps of events that one event may match together; ${c.map((d) => d.event).join(', ')} are ${c.length}`,
        { hint: 'use fewer filtered variants of one event, or an ordered funnel' },
      );
  return components.map((c) =>
    c.sort((a, b) => a.step - b.step).map((d) => ({ step: d.step, multiplicity: d.multiplicity })),
  );
}
