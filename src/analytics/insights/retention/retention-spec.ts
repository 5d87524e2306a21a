import { z } from 'zod';
import { integer, rangeFields } from '../common-spec.ts';
import type { InsightFlag } from '../insight-type.ts';
import { PERIOD_UNITS } from './local-periods.ts';

export const DEFAULT_PERIODS = 7;
export const MAX_RETURN_PERIODS = 400;
export const DEFAULT_BREAKDOWN_LIMIT = 10;
/** Cohorts x (periods + 1): the largest matrix one query may return (a year of days by 180 days fits). */
export const MAX_MATRIX_CELLS = 100_000;

/** A boolean flag (`--recurring` gives true) or JSON boolean; the text "true"/"false" from a spec too. */
export const flagBoolean = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean().default(false),
);

export const retentionSpecSchema = z
  .strictObject({
    startEvent: z.string().min(1).default('$any'),
    returnEvent: z.string().min(1).default('$any'),
    period: z.enum(PERIOD_UNITS).default('day'),
    periods: integer(1, MAX_RETURN_PERIODS).default(DEFAULT_PERIODS),
    recurring: flagBoolean,
    ...rangeFields,
    breakdown: z.string().min(1).optional(),
    breakdownLimit: integer(1, 1000).default(DEFAULT_BREAKDOWN_LIMIT),
    trendPeriod: integer(1, MAX_RETURN_PERIODS).optional(),
  })
  .refine((spec) => spec.trendPeriod === undefined || spec.trendPeriod <= spec.periods, {
    path: ['trendPeriod'],
    message: 'must be at most --periods',
  });

export type RetentionSpec = z.infer<typeof retentionSpecSchema>;

export const retentionFlags: readonly InsightFlag[] = [
  {
    flags: '--start-event <name>',
    description: "the event that puts a user in a cohort, or '$any' (default)",
  },
  {
    flags: '--return-event <name>',
    description: "the event that counts as coming back, or '$any' (default)",
  },
  { flags: '--period <unit>', description: 'cohort and return period: day (default), week or month' },
  {
    flags: '--periods <n>',
    description: `return periods after the cohort's own (default ${DEFAULT_PERIODS})`,
  },
  {
    flags: '--recurring',
    description: 'cohorts by every occurrence of the start event, not only the first ever',
  },
  { flags: '--from <date>', description: 'first cohort day, inclusive (YYYY-MM-DD)' },
  { flags: '--to <date>', description: 'last day of data, inclusive (YYYY-MM-DD)' },
  { flags: '--time-zone <tz>', description: 'IANA time zone of days and periods (default UTC)' },
  {
    flags: '--where <expr>',
    description: 'filter on both the start and the return events, for example "user.source = \'ads\'"',
  },
  { flags: '--breakdown <dim>', description: "split cohorts by a dimension at the user's start event" },
  {
    flags: '--breakdown-limit <n>',
    description: `keep the N largest breakdown values, merge the rest into "other" (default ${DEFAULT_BREAKDOWN_LIMIT})`,
  },
  { flags: '--trend-period <k>', description: 'also give period-k retention of each cohort as a trend' },
];
