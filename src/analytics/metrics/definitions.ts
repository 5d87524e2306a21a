import { z } from 'zod';

/**
 * The metrics layer as written in sightline.yaml. Cross-references (a ratio's parts, a formula's names,
 * the dimensions a filter uses) are checked afterwards by `buildSemanticLayer`, which sees the whole file.
 */

const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ (not starting with a digit)');
/** The name of a metric, dimension, filter or cohort (saved cohorts are named by the same rule). */
export const definitionNameSchema = name;
/** An event name, or `$any` for every event. */
const eventName = z.string().min(1);
/** A filter expression in the language of filter-expression.ts. */
const where = z.string().min(1).optional();
const description = z.string().optional();
/** A numeric dimension reference: an event column (`latency_ms`) or a property (`properties.amount`). */
const numericRef = z.string().min(1);

const common = { description, where, label: z.string().optional() };

export const metricDefinitionSchema = z.discriminatedUnion('type', [
  /** Number of events. */
  z.strictObject({ type: z.literal('count'), event: eventName, ...common }),
  /** Distinct users with the event in the bucket, or in the trailing `window` days ending on it (WAU = 7). */
  z.strictObject({
    type: z.literal('unique_users'),
    event: eventName.default('$any'),
    window: z.number().int().min(1).max(365).default(1),
    ...common,
  }),
  /** Users whose first ever occurrence of the event falls in the bucket (`$any`: new users). */
  z.strictObject({ type: z.literal('new_users'), event: eventName.default('$any'), ...common }),
  /** Sum, mean, minimum or maximum of a numeric property over events. */
  z.strictObject({
    type: z.enum(['sum', 'avg', 'min', 'max']),
    event: eventName,
    property: numericRef,
    ...common,
  }),
  /** A percentile (0–100) of a numeric property over events. */
  z.strictObject({
    type: z.literal('percentile'),
    event: eventName,
    property: numericRef,
    percentile: z.number().min(0).max(100),
    ...common,
  }),
  /** Per active user: the mean (or median, percentile, …) of each user's event count. */
  z.strictObject({
    type: z.literal('per_user'),
    event: eventName,
    aggregate: z.enum(['avg', 'min', 'max', 'median', 'p75', 'p90', 'p95', 'p99']).default('avg'),
    ...common,
  }),
  /** One metric divided by another, per bucket (CTR = likes / views). */
  z.strictObject({
    type: z.literal('ratio'),
    numerator: name,
    denominator: name,
    description,
    label: z.string().optional(),
  }),
  /** Arithmetic over other metrics: `dau / mau`. */
  z.strictObject({
    type: z.literal('formula'),
    formula: z.string().min(1),
    description,
    label: z.string().optional(),
  }),
]);

export type MetricDefinition = z.infer<typeof metricDefinitionSchema>;

export const dimensionDefinitionSchema = z.union([
  z.string().min(1),
  z.strictObject({ ref: z.string().min(1), description, label: z.string().optional() }),
]);

export const filterDefinitionSchema = z.union([
  z.string().min(1),
  z.strictObject({ where: z.string().min(1), description }),
]);

export const cohortDefinitionSchema = z
  .strictObject({
    description,
    /** Users with at least one event (ever) that matches; `user.x` refers to the users table. */
    where,
    /** "Did X at least N times in the last D days" (days counted back from the end of the query range). */
    behavior: z
      .strictObject({
        event: eventName,
        atLeast: z.number().int().min(1).default(1),
        days: z.number().int().min(1).max(3650),
        where,
      })
      .optional(),
  })
  .refine((c) => c.where !== undefined || c.behavior !== undefined, 'a cohort needs where, behavior or both');

export type CohortDefinition = z.infer<typeof cohortDefinitionSchema>;

export const metricsLayerSchema = {
  metrics: z.record(name, metricDefinitionSchema).optional(),
  dimensions: z.record(name, dimensionDefinitionSchema).optional(),
  filters: z.record(name, filterDefinitionSchema).optional(),
  cohorts: z.record(name, cohortDefinitionSchema).optional(),
};

export interface MetricsLayerSource {
  metrics?: Record<string, MetricDefinition> | undefined;
  dimensions?: Record<string, z.infer<typeof dimensionDefinitionSchema>> | undefined;
  filters?: Record<string, z.infer<typeof filterDefinitionSchema>> | undefined;
  cohorts?: Record<string, CohortDefinition> | undefined;
}
