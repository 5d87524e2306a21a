import { SightlineError } from '../../../errors/index.ts';
import {
  type CohortDefinition,
  cohortDefinitionSchema,
  definitionNameSchema,
} from '../../metrics/definitions.ts';
import { filterReferences, parseFilter } from '../../metrics/filter-expression.ts';
import type { Cohort, SemanticLayer } from '../../metrics/semantic-layer.ts';

/**
 * A saved cohort checked the way sightline.yaml's are: the name by the same rule, the definition by the
 * same schema, its filters parsed and every name they use (dimensions, named filters, other cohorts)
 * resolved in `layer`, and no cohort that ends up referring to itself. Throws SL_COHORT_INVALID, or the
 * filter's own coded error.
 */
export function savedCohort(layer: SemanticLayer, name: string, input: unknown): Cohort {
  const named = definitionNameSchema.safeParse(name);
  if (!named.success)
    throw new SightlineError('SL_COHORT_INVALID', `cohort name "${name}": ${named.error.issues[0]?.message}`);
  const parsed = cohortDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'definition'}: ${issue.message}`,
    );
    throw new SightlineError('SL_COHORT_INVALID', `cohort "${name}": ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const definition: CohortDefinition = parsed.data;
  const where = definition.where ? parseFilter(definition.where) : undefined;
  const behaviorWhere = definition.behavior?.where ? parseFilter(definition.behavior.where) : undefined;
  const cohort: Cohort = { name, definition, where, behaviorWhere, source: 'saved' };
  // The layer resolves every name; the cohort's own name is left to the cycle check below.
  for (const node of [where, behaviorWhere]) {
    if (!node) continue;
    const { refs, named: filters, cohorts } = filterReferences(node);
    for (const ref of refs) layer.dimension(ref);
    for (const filter of filters) layer.filter(filter);
    for (const other of cohorts) if (other !== name) layer.cohort(other);
  }
  const cycle = cycleThrough(layer, cohort);
  if (cycle)
    throw new SightlineError('SL_COHORT_INVALID', `cohort "${name}" refers to itself: ${cycle.join(' -> ')}`);
  return cohort;
}

/** The cohorts a cohort's filters name. */
export function cohortReferences(cohort: Cohort): string[] {
  return [cohort.where, cohort.behaviorWhere].flatMap((node) => (node ? filterReferences(node).cohorts : []));
}

/** A path of references from `cohort` back to itself, when there is one. */
function cycleThrough(layer: SemanticLayer, cohort: Cohort): string[] | undefined {
  const lookup = (name: string): Cohort | undefined =>
    name === cohort.name ? cohort : layer.cohorts.get(name);
  const visit = (name: string, path: string[], seen: Set<string>): string[] | undefined => {
    const current = lookup(name);
    if (!current) return undefined;
    for (const next of cohortReferences(current)) {
      if (next === cohort.name) return [...path, next];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = visit(next, [...path, next], seen);
      if (found) return found;
    }
    return undefined;
  };
  return visit(cohort.name, [cohort.name], new Set());
}
