import { closest, SightlineError } from '../../../errors/index.ts';
import type { MetricDefinition } from '../../metrics/definitions.ts';
import type { FilterNode } from '../../metrics/filter-expression.ts';
import { type FormulaNode, formulaNames, parseFormula } from '../../metrics/formula.ts';
import type { SemanticLayer } from '../../metrics/semantic-layer.ts';
import { ANY_EVENT, parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { type Aggregate, describeAggregate, parseMath, parseStatistic } from './math.ts';
import { MAX_SERIES, type SeriesSpec, seriesOf, type TrendsSpec } from './trends-spec.ts';

/** One query's worth of a series: an event (or `$any`), what to count, and the filters that must hold. */
export interface Leaf {
  event: string;
  aggregate: Aggregate;
  filters: FilterNode[];
}

/** The leaf name of a series that is a single event and math. */
export const VALUE = 'value';

export interface PlannedSeries {
  /** A, B, C …: the series' name in a formula. */
  name: string;
  /** The metric it came from, which a formula may also use as its name. */
  metric: string | undefined;
  label: string;
  /** By name: `value` for an event series; the metrics a ratio or formula metric is built from. */
  leaves: Map<string, Leaf>;
  /** Over leaf names, for ratio and formula metrics; undefined when the series is its one leaf. */
  formula: FormulaNode | undefined;
}

export interface TrendsPlan {
  series: PlannedSeries[];
  /** `--formula` over the series' names; when set, it is the only series shown. */
  formula: { node: FormulaNode; label: string } | undefined;
}

/** Resolves the series of a spec (events with their maths, metrics of the layer) and its formula. */
export function planTrends(ctx: InsightContext, spec: TrendsSpec): TrendsPlan {
  const specs = seriesOf(spec);
  if (specs.length > MAX_SERIES)
    throw new SightlineError('SL_INSIGHT_TOO_LARGE', `trends: ${specs.length} series; at most ${MAX_SERIES}`);
  const where = parseWhere(ctx, spec.where);
  const series = specs.map((s, index) => planSeries(ctx, s, String.fromCharCode(65 + index), where));
  if (spec.formula === undefined) return { series, formula: undefined };

  const node = parseFormula(spec.formula);
  const names = new Map<string, PlannedSeries>();
  for (const s of series) {
    names.set(s.name, s);
    if (s.metric !== undefined && !names.has(s.metric)) names.set(s.metric, s);
  }
  for (const name of formulaNames(node))
    if (!names.has(name)) {
      const suggestion = closest(name, [...names.keys()]);
      throw new SightlineError(
        'SL_INSIGHT_INVALID',
        `trends: the formula names "${name}", which is not a series${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; series are ${[...names.keys()].join(', ')}`,
        { hint: 'series are named A, B, C … in order; a metric series may also be named by its metric' },
      );
    }
  return { series, formula: { node: renameToLetters(node, names), label: spec.formula } };
}

function renameToLetters(node: FormulaNode, names: ReadonlyMap<string, PlannedSeries>): FormulaNode {
  switch (node.kind) {
    case 'number':
      return node;
    case 'name':
      return { kind: 'name', name: (names.get(node.name) as PlannedSeries).name };
    case 'negate':
      return { kind: 'negate', item: renameToLetters(node.item, names) };
    case 'binary':
      return { ...node, left: renameToLetters(node.left, names), right: renameToLetters(node.right, names) };
  }
}

function planSeries(
  ctx: InsightContext,
  spec: SeriesSpec,
  name: string,
  where: FilterNode | undefined,
): PlannedSeries {
  const filters = [where, parseWhere(ctx, spec.where)].filter((f): f is FilterNode => f !== undefined);
  if ('event' in spec) {
    const aggregate = parseMath(spec.math);
    if (aggregate.kind === 'property') checkNumeric(ctx.layer, aggregate.property);
    const event = spec.event === ANY_EVENT ? 'all events' : spec.event;
    return {
      name,
      metric: undefined,
      label:
        spec.label ?? (aggregate.kind === 'total' ? event : `${event} (${describeAggregate(aggregate)})`),
      leaves: new Map([[VALUE, { event: spec.event, aggregate, filters }]]),
      formula: undefined,
    };
  }
  const metric = ctx.layer.metric(spec.metric);
  const leaves = new Map<string, Leaf>();
  const formula = expandMetric(ctx.layer, spec.metric, filters, leaves);
  return {
    name,
    metric: spec.metric,
    label: spec.label ?? metric.label ?? spec.metric,
    leaves,
    formula: formula.kind === 'name' && formula.name === spec.metric ? undefined : formula,
  };
}

/**
 * A metric as a formula over the plain metrics it is built from (a plain metric is the name itself),
 * adding each plain metric to `leaves`. The layer has already refused cycles.
 */
function expandMetric(
  layer: SemanticLayer,
  name: string,
  filters: readonly FilterNode[],
  leaves: Map<string, Leaf>,
): FormulaNode {
  const formula = layer.formulas.get(name);
  if (!formula) {
    if (!leaves.has(name)) leaves.set(name, metricLeaf(layer, name, filters));
    return { kind: 'name', name };
  }
  const substitute = (node: FormulaNode): FormulaNode => {
    switch (node.kind) {
      case 'number':
        return node;
      case 'name':
        return expandMetric(layer, node.name, filters, leaves);
      case 'negate':
        return { kind: 'negate', item: substitute(node.item) };
      case 'binary':
        return { ...node, left: substitute(node.left), right: substitute(node.right) };
    }
  };
  return substitute(formula);
}

/** A plain metric of the layer as a leaf: its event, its aggregate and its own `where`. */
function metricLeaf(layer: SemanticLayer, name: string, filters: readonly FilterNode[]): Leaf {
  const metric = layer.metric(name);
  const own = layer.metricFilters.get(name);
  return {
    event: 'event' in metric ? metric.event : ANY_EVENT,
    aggregate: metricAggregate(metric),
    filters: own ? [...filters, own] : [...filters],
  };
}

function metricAggregate(metric: MetricDefinition): Aggregate {
  switch (metric.type) {
    case 'count':
      return { kind: 'total' };
    case 'unique_users':
      return metric.window === 1 ? { kind: 'unique' } : { kind: 'window', days: metric.window };
    case 'new_users':
      return { kind: 'first_time' };
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return { kind: 'property', statistic: { fn: metric.type }, property: metric.property };
    case 'percentile':
      return {
        kind: 'property',
        statistic: { fn: 'percentile', fraction: metric.percentile / 100 },
        property: metric.property,
      };
    case 'per_user': {
      const statistic = parseStatistic(metric.aggregate);
      if (!statistic) throw new Error(`per_user aggregate ${metric.aggregate} passed the schema`);
      return { kind: 'per_user', statistic };
    }
    case 'ratio':
    case 'formula':
      throw new Error(`metric of type ${metric.type} has no formula in the semantic layer`);
  }
}

/** A property math needs a number: a numeric column, or a property (read as a number where it is one). */
function checkNumeric(layer: SemanticLayer, ref: string): void {
  const dimension = layer.dimension(ref);
  if (dimension.kind !== 'property' && !dimension.numeric)
    throw new SightlineError(
      'SL_INSIGHT_INVALID',
      `trends: "${ref}" is not numeric, so it cannot be summed`,
      {
        hint: 'use a numeric column (latency_ms, age) or a property (properties.amount)',
      },
    );
}
