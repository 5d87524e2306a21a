import { z } from 'zod';
import { definitionNameSchema } from '../metrics/definitions.ts';

/**
 * The `experiments:` key of sightline.yaml as written. Cross-references (metric and dimension names,
 * variants, the control, the A/A experiment that validates this one) are checked afterwards by
 * `buildExperiments`, which sees the metrics layer.
 */

/** A calendar date, YYYY-MM-DD (UTC days bound the analysis window). */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a real date',
  );

/** A variant name: what the exposures table, the value map or the hash assigns. */
const variant = z.string().min(1).max(200);

/** A metric of the metrics layer by name, or with the direction that counts as better (default higher). */
export const experimentMetricSchema = z.union([
  definitionNameSchema,
  z.strictObject({ metric: definitionNameSchema, better: z.enum(['higher', 'lower']).default('higher') }),
]);

/**
 * Where the arms come from:
 * - `exposures`: the `exposures` table (ingestion fills it from `$exposure`-like events), one row per user
 *   with the variant and time of their first exposure; `experiment` is the name there (default: the key);
 * - `event_field`: a field of the events (`exp_group`, `properties.bucket`) whose values map to variants;
 *   a user's first event in the window with a mapped value (of `event`, when given) is their exposure;
 * - `hash`: the variant is drawn from an md5 hash of `salt:user_id` with the experiment's `weights`; a
 *   user's first event in the window (of `event`, when given) is their exposure.
 */
export const armsSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('exposures'), experiment: z.string().min(1).optional() }),
  z.strictObject({
    from: z.literal('event_field'),
    field: z.string().min(1),
    /** Field value -> variant; several values may map to one variant. */
    values: z.record(z.string(), variant).refine((m) => Object.keys(m).length >= 1, 'map at least one value'),
    event: z.string().min(1).optional(),
  }),
  z.strictObject({
    from: z.literal('hash'),
    variants: z.array(variant).min(2),
    salt: z.string().min(1).optional(),
    event: z.string().min(1).optional(),
  }),
]);

export const experimentDefinitionSchema = z.strictObject({
  description: z.string().optional(),
  /** `ab` (default) compares variants; `aa` is a check of the split system, which fails on any difference. */
  kind: z.enum(['ab', 'aa']).default('ab'),
  arms: armsSchema,
  /** The variants to analyse, control first or not; defaults to those the arms name (hash, value map). */
  variants: z.array(variant).min(2).optional(),
  control: variant,
  /** Expected share of each variant (any positive scale); default equal. Also the hash split. */
  weights: z.record(variant, z.number().positive()).optional(),
  primary: experimentMetricSchema,
  secondary: z.array(experimentMetricSchema).default([]),
  guardrails: z.array(experimentMetricSchema).default([]),
  /**
   * First day of the analysis window (exposures on or after 00:00 UTC of it count); default the day of
   * the first exposure (the first event with a mapped value, the first event at all for a hash).
   */
  start: date.optional(),
  /** Last day of the window, inclusive; default the day of the latest event. */
  end: date.optional(),
  /** Days before each user's first exposure whose metric value is the CUPED covariate. */
  preDays: z.number().int().min(1).max(365).optional(),
  /** Dimensions to break every metric down by: a user's value at their first event after exposure. */
  breakdowns: z.array(z.string().min(1)).max(5).default([]),
  /** Significance level of every test (two-sided). */
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  /** Power the sample-size rule aims for. */
  power: z.number().gt(0.5).lt(1).default(0.8),
  /** Smallest relative effect on the primary metric worth detecting (0.05 = 5%). */
  mde: z.number().gt(0).lt(10).default(0.05),
  /** Correction across metrics x variants. */
  correction: z.enum(['holm', 'bonferroni', 'benjamini-hochberg', 'none']).default('holm'),
  /** Decide on the always-valid (sequential) results, for experiments watched while they run. */
  sequential: z.boolean().default(false),
  /** The normal-mixture tuning parameter N* of the confidence sequence (expected sample size). */
  sequentialTuning: z.number().int().positive().optional(),
  /** An `aa` experiment on the same split system; when it fails, this one is invalid too. */
  validatedBy: definitionNameSchema.optional(),
});

export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;
export type ExperimentDefinitionInput = z.input<typeof experimentDefinitionSchema>;
export type ArmsDefinition = z.infer<typeof armsSchema>;
export type ExperimentMetricRef = z.infer<typeof experimentMetricSchema>;

export const experimentsSchema = {
  experiments: z.record(definitionNameSchema, experimentDefinitionSchema).optional(),
};
