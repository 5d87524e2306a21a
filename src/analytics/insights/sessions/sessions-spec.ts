import { z } from 'zod';
import { integer, rangeFields } from '../common-spec.ts';
import type { InsightFlag } from '../insight-type.ts';
import { SESSION_INTERVALS } from './buckets.ts';
import { gapSchema } from './gap.ts';
import { rangeFlags, whereFlag } from './range-flags.ts';

/** 30 minutes, as in Google Analytics and PostHog. */
export const DEFAULT_GAP_SECONDS = 1800;
export const DEFAULT_BREAKDOWN_LIMIT = 10;

/** The sessions query; keys are the CLI's long flags in camelCase. */
export const sessionsSpecSchema = z.strictObject({
  ...rangeFields,
  gap: gapSchema.default(DEFAULT_GAP_SECONDS),
  interval: z.enum(SESSION_INTERVALS).default('day'),
  breakdown: z.string().min(1).optional(),
  breakdownLimit: integer(1, 1000).default(DEFAULT_BREAKDOWN_LIMIT),
});

export type SessionsSpec = z.infer<typeof sessionsSpecSchema>;

export const sessionsFlags: readonly InsightFlag[] = [
  ...rangeFlags,
  {
    flags: '--gap <duration>',
    description: `inactivity that ends a session: 90s, 30m, 2h, 1d (default 30m; an equal gap continues it)`,
  },
  { flags: '--interval <unit>', description: 'day, week or month (default day)' },
  whereFlag,
  {
    flags: '--breakdown <dimension>',
    description: "split by a dimension's value at each session's first event",
  },
  {
    flags: '--breakdown-limit <n>',
    description: `keep the top N breakdown values by sessions, merge the rest into "other" (default ${DEFAULT_BREAKDOWN_LIMIT})`,
  },
];
