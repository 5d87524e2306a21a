import { closest, SightlineError } from '../../errors/index.ts';
import type { CohortDefinition, MetricDefinition, MetricsLayerSource } from './definitions.ts';
import {
  EVENT_DIMENSIONS,
  type ResolvedDimension,
  resolveBuiltInDimension,
  USER_DIMENSIONS,
} from './dimensions.ts';
import { type FilterNode, filterReferences, parseFilter } from './filter-expression.ts';
import { type FormulaNode, formulaNames, parseFormula } from './formula.ts';

export interface NamedDimension {
  name: string;
  ref: string;
  resolved: ResolvedDimension;
  description: string | undefined;
}

export interface Cohort {
  name: string;
  definition: CohortDefinition;
  where: FilterNode | undefined;
  behaviorWhere: FilterNode | undefined;
  /** Where it is defined: sightline.yaml (the default) or saved in the warehouse's metadata. */
  source?: 'project-file' | 'saved';
}

/**
 * The validated metrics layer: every name resolves, every expression parses, no definition refers to
 * itself. Built once when the project file loads; insight code asks it to resolve names and trusts the
 * answers.
 */
export class SemanticLayer {
  private constructor(
    readonly metrics: ReadonlyMap<string, MetricDefinition>,
    readonly dimensions: ReadonlyMap<string, NamedDimension>,
    readonly filters: ReadonlyMap<string, FilterNode>,
    readonly cohorts: ReadonlyMap<string, Cohort>,
    /** Parsed formulas of `formula` metrics, and of `ratio` metrics as numerator / denominator. */
    readonly formulas: ReadonlyMap<string, FormulaNode>,
    /** Parsed `where` of each metric that has one. */
    readonly metricFilters: ReadonlyMap<string, FilterNode>,
  ) {}

  static empty(): SemanticLayer {
    return SemanticLayer.build({});
  }

  /** Validates the whole layer, collecting every problem before failing with SL_METRICS_INVALID. */
  static build(
    source: MetricsLayerSource,
    extraCohorts: ReadonlyMap<string, Cohort> = new Map(),
  ): SemanticLayer {
    const problems: string[] = [];
    const parse = <T>(where: string, run: () => T): T | undefined => {
      try {
        return run();
      } catch (error) {
        if (error instanceof SightlineError) {
          problems.push(`${where}: ${error.message}`);
          return undefined;
        }
        throw error;
      }
    };

    const dimensions = new Map<string, NamedDimension>();
    for (const [name, definition] of Object.entries(source.dimensions ?? {})) {
      const ref = typeof definition === 'string' ? definition : definition.ref;
      const resolved = resolveBuiltInDimension(ref);
      if (!resolved) {
        problems.push(
          `dimensions.${name}: "${ref}" is not an event column, user.<column> or properties.<key>${hint(ref, [...EVENT_DIMENSIONS, ...USER_DIMENSIONS])}`,
        );
        continue;
      }
      if (resolveBuiltInDimension(name) && name !== ref)
        problems.push(`dimensions.${name}: the name is already a built-in dimension; choose another`);
      dimensions.set(name, {
        name,
        ref,
        resolved,
        description: typeof definition === 'string' ? undefined : definition.description,
      });
    }

    const knownDimension = (ref: string): boolean =>
      dimensions.has(ref) || resolveBuiltInDimension(ref) !== undefined;
    const dimensionNames = [...EVENT_DIMENSIONS, ...USER_DIMENSIONS, ...dimensions.keys()];
    const cohortNames = [...Object.keys(source.cohorts ?? {}), ...extraCohorts.keys()];
    const filterNames = Object.keys(source.filters ?? {});

    const checkFilter = (where: string, node: FilterNode | undefined): void => {
      if (!node) return;
      const refs = filterReferences(node);
      for (const ref of refs.refs)
        if (!knownDimension(ref))
          problems.push(`${where}: unknown dimension "${ref}"${hint(ref, dimensionNames)}`);
      for (const named of refs.named)
        if (!filterNames.includes(named))
          problems.push(`${where}: unknown filter "@${named}"${hint(named, filterNames)}`);
      for (const cohort of refs.cohorts)
        if (!cohortNames.includes(cohort))
          problems.push(`${where}: unknown cohort "${cohort}"${hint(cohort, cohortNames)}`);
    };

    const filters = new Map<string, FilterNode>();
    for (const [name, definition] of Object.entries(source.filters ?? {})) {
      const text = typeof definition === 'string' ? definition : definition.where;
      const node = parse(`filters.${name}`, () => parseFilter(text));
      checkFilter(`filters.${name}`, node);
      if (node) filters.set(name, node);
    }
    for (const cycle of findCycles(filters, (node) => filterReferences(node).named))
      problems.push(`filters: ${cycle.join(' -> ')} refers to itself`);

    const cohorts = new Map<string, Cohort>(extraCohorts);
    for (const [name, definition] of Object.entries(source.cohorts ?? {})) {
      const where = definition.where
        ? parse(`cohorts.${name}.where`, () => parseFilter(definition.where as string))
        : undefined;
      const behaviorWhere = definition.behavior?.where
        ? parse(`cohorts.${name}.behavior.where`, () => parseFilter(definition.behavior?.where as string))
        : undefined;
      checkFilter(`cohorts.${name}.where`, where);
      checkFilter(`cohorts.${name}.behavior.where`, behaviorWhere);
      cohorts.set(name, { name, definition, where, behaviorWhere });
    }
    for (const cycle of findCycles(cohorts, (c) => [
      ...(c.where ? filterReferences(c.where).cohorts : []),
      ...(c.behaviorWhere ? filterReferences(c.behaviorWhere).cohorts : []),
    ]))
      problems.push(`cohorts: ${cycle.join(' -> ')} refers to itself`);

    const metrics = new Map<string, MetricDefinition>(Object.entries(source.metrics ?? {}));
    const metricNames = [...metrics.keys()];
    const formulas = new Map<string, FormulaNode>();
    const metricFilters = new Map<string, FilterNode>();
    for (const [name, metric] of metrics) {
      if (metric.type === 'ratio') {
        for (const part of [metric.numerator, metric.denominator])
          if (!metrics.has(part))
            problems.push(`metrics.${name}: unknown metric "${part}"${hint(part, metricNames)}`);
        formulas.set(name, {
          kind: 'binary',
          op: '/',
          left: { kind: 'name', name: metric.numerator },
          right: { kind: 'name', name: metric.denominator },
        });
      } else if (metric.type === 'formula') {
        const node = parse(`metrics.${name}.formula`, () => parseFormula(metric.formula));
        if (node) {
          for (const part of formulaNames(node))
            if (!metrics.has(part))
              problems.push(`metrics.${name}: unknown metric "${part}"${hint(part, metricNames)}`);
          formulas.set(name, node);
        }
      } else {
        if ('property' in metric) {
          const resolved =
            dimensions.get(metric.property)?.resolved ?? resolveBuiltInDimension(metric.property);
          if (!resolved)
            problems.push(
              `metrics.${name}.property: unknown "${metric.property}"${hint(metric.property, dimensionNames)}`,
            );
          else if (resolved.kind !== 'property' && !resolved.numeric)
            problems.push(`metrics.${name}.property: "${metric.property}" is not numeric`);
        }
        if (metric.where) {
          const node = parse(`metrics.${name}.where`, () => parseFilter(metric.where as string));
          checkFilter(`metrics.${name}.where`, node);
          if (node) metricFilters.set(name, node);
        }
      }
    }
    for (const cycle of findCycles(formulas, (node) => formulaNames(node).filter((n) => formulas.has(n))))
      problems.push(`metrics: ${cycle.join(' -> ')} refers to itself`);

    if (problems.length > 0)
      throw new SightlineError('SL_METRICS_INVALID', problems.join('; '), { details: { problems } });
    return new SemanticLayer(metrics, dimensions, filters, cohorts, formulas, metricFilters);
  }

  metric(name: string): MetricDefinition {
    const metric = this.metrics.get(name);
    if (metric) return metric;
    throw new SightlineError(
      'SL_UNKNOWN_METRIC',
      `unknown metric "${name}"${hint(name, [...this.metrics.keys()])}`,
    );
  }

  /** Resolves a dimension reference (a named dimension first, then the built-ins). */
  dimension(ref: string): ResolvedDimension {
    const resolved = this.dimensions.get(ref)?.resolved ?? resolveBuiltInDimension(ref);
    if (resolved) return resolved;
    throw new SightlineError(
      'SL_UNKNOWN_DIMENSION',
      `unknown dimension "${ref}"${hint(ref, [...EVENT_DIMENSIONS, ...USER_DIMENSIONS, ...this.dimensions.keys()])}`,
      {
        hint: 'use an event column (os), a user column (user.source), a property (properties.plan) or a named dimension',
      },
    );
  }

  filter(name: string): FilterNode {
    const node = this.filters.get(name);
    if (node) return node;
    throw new SightlineError(
      'SL_FILTER_SYNTAX',
      `unknown named filter "@${name}"${hint(name, [...this.filters.keys()])}`,
    );
  }

  cohort(name: string): Cohort {
    const cohort = this.cohorts.get(name);
    if (cohort) return cohort;
    throw new SightlineError(
      'SL_UNKNOWN_COHORT',
      `unknown cohort "${name}"${hint(name, [...this.cohorts.keys()])}`,
    );
  }

  /** Checks an ad-hoc filter (from --where) against the layer; throws the first problem. */
  checkFilter(node: FilterNode): void {
    const refs = filterReferences(node);
    for (const ref of refs.refs) this.dimension(ref);
    for (const named of refs.named) this.filter(named);
    for (const cohort of refs.cohorts) this.cohort(cohort);
  }

  /** A copy with more cohorts (saved ones from the metadata schema). */
  withCohorts(extra: ReadonlyMap<string, Cohort>): SemanticLayer {
    return new SemanticLayer(
      this.metrics,
      this.dimensions,
      this.filters,
      new Map([...extra, ...this.cohorts]),
      this.formulas,
      this.metricFilters,
    );
  }
}

function hint(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}

/** Cycles in a reference graph, each as the path that closes it. */
function findCycles<T>(nodes: ReadonlyMap<string, T>, edges: (node: T) => string[]): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(name)), name]);
      return;
    }
    const node = nodes.get(name);
    if (node === undefined) return;
    state.set(name, 'visiting');
    for (const next of new Set(edges(node))) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of nodes.keys()) visit(name, []);
  return cycles;
}
