import { z } from 'zod';
import { integer, listOf, rangeFields } from '../common-spec.ts';
import type { InsightFlag } from '../insight-type.ts';
import { MATH_NAMES, parseMath } from './math.ts';

export const INTERVALS = ['15m', 'hour', 'day', 'week', 'month'] as const;
/** Intervals shorter than a day: trailing-window maths and the per-day rollup do not apply to them. */
export const SUB_DAILY: ReadonlySet<string> = new Set(['15m', 'hour']);
export type Interval = (typeof INTERVALS)[number];

/** Series are named A, B, C … for formulas, so at most 26. */
export const MAX_SERIES = 26;
export const MAX_BREAKDOWNS = 3;
export const DEFAULT_BREAKDOWN_LIMIT = 10;

const math = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    try {
      parseMath(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^trends: /, '') });
    }
  });

const label = z.string().min(1).optional();
const where = z.string().min(1).optional();

const eventSeriesSchema = z.strictObject({
  event: z.string().min(1),
  math: math.default('total'),
  where,
  label,
});
const metricSeriesSchema = z.strictObject({ metric: z.string().min(1), where, label });

export type EventSeriesSpec = z.infer<typeof eventSeriesSchema>;
export type MetricSeriesSpec = z.infer<typeof metricSeriesSchema>;
export type SeriesSpec = EventSeriesSpec | MetricSeriesSpec;

/**
 * The trends query. From flags, one series comes from `--event`/`--math` and one more per `--metric`;
 * in --spec JSON, `series` lists several, each an event with its math (and its own filter and label) or
 * a metric of the metrics layer. `formula` combines them by their letters (A, B, …).
 */
export const trendsSpecSchema = z
  .strictObject({
    event: z.string().min(1).optional(),
    math: math.optional(),
    metric: listOf(z.string().min(1)).optional(),
    series: z
      .array(z.union([eventSeriesSchema, metricSeriesSchema]))
      .min(1)
      .max(MAX_SERIES)
      .optional(),
    formula: z.string().min(1).optional(),
    interval: z.enum(INTERVALS).default('day'),
    ...rangeFields,
    breakdown: listOf(z.string().min(1))
      .refine((dims) => dims.length <= MAX_BREAKDOWNS, `at most ${MAX_BREAKDOWNS} breakdown dimensions`)
      .optional(),
    breakdownLimit: integer(1, 1000).default(DEFAULT_BREAKDOWN_LIMIT),
    compare: z
      .preprocess((v) => (v === true ? 'previous' : v === false ? undefined : v), z.enum(['previous']))
      .optional(),
    movingAverage: integer(2, 366).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.series && (spec.event !== undefined || spec.math !== undefined || spec.metric !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['series'],
        message: 'give either series or event/math/metric, not both',
      });
  });

export type TrendsSpec = z.infer<typeof trendsSpecSchema>;

/** The series a spec asks for, in order; with none, every event counted (`$any`, total). */
export function seriesOf(spec: TrendsSpec): SeriesSpec[] {
  if (spec.series) return spec.series;
  const series: SeriesSpec[] = [];
  if (spec.event !== undefined || spec.math !== undefined || spec.metric === undefined)
    series.push({ event: spec.event ?? '$any', math: spec.math ?? 'total' });
  for (const metric of spec.metric ?? []) series.push({ metric });
  return series;
}

export const trendsFlags: readonly InsightFlag[] = [
  { flags: '--event <name>', description: "the event to count, or '$any' for every event" },
  { flags: '--math <math>', description: `what to count per bucket: ${MATH_NAMES.join(', ')}` },
  { flags: '--metric <names>', description: 'metrics of sightline.yaml, comma-separated (one series each)' },
  { flags: '--interval <interval>', description: 'bucket size: 15m, hour, day (default), week or month' },
  { flags: '--from <date>', description: 'first day, inclusive (YYYY-MM-DD)' },
  { flags: '--to <date>', description: 'last day, inclusive (YYYY-MM-DD)' },
  { flags: '--time-zone <tz>', description: 'IANA time zone of days and buckets (default UTC)' },
  { flags: '--where <expr>', description: "filter, for example \"country = 'US' and user.source = 'ads'\"" },
  { flags: '--breakdown <dims>', description: 'up to three dimensions, comma-separated' },
  {
    flags: '--breakdown-limit <n>',
    description: `keep the top N breakdown values, merge the rest into "other" (default ${DEFAULT_BREAKDOWN_LIMIT})`,
  },
  { flags: '--compare <period>', description: "'previous': add the preceding period of equal length" },
  { flags: '--moving-average <n>', description: 'add the mean of the trailing N points to each point' },
  { flags: '--formula <formula>', description: "combine series by letter, for example 'A / B * 100'" },
];
