import { z } from 'zod';
import { integer, rangeFields } from '../common-spec.ts';
import type { InsightFlag } from '../insight-type.ts';
import { PERIOD_UNITS } from '../retention/local-periods.ts';

export const DEFAULT_BREAKDOWN_LIMIT = 10;

export const stickinessSpecSchema = z.strictObject({
  event: z.string().min(1).default('$any'),
  interval: z.enum(PERIOD_UNITS).default('day'),
  ...rangeFields,
  breakdown: z.string().min(1).optional(),
  breakdownLimit: integer(1, 1000).default(DEFAULT_BREAKDOWN_LIMIT),
});

export type StickinessSpec = z.infer<typeof stickinessSpecSchema>;

export const stickinessFlags: readonly InsightFlag[] = [
  { flags: '--event <name>', description: "the event that makes a user active, or '$any' (default)" },
  {
    flags: '--interval <unit>',
    description: 'what is counted per user: active days (default), weeks or months of the range',
  },
  { flags: '--from <date>', description: 'first day, inclusive (YYYY-MM-DD)' },
  { flags: '--to <date>', description: 'last day, inclusive (YYYY-MM-DD)' },
  { flags: '--time-zone <tz>', description: 'IANA time zone of days (default UTC)' },
  { flags: '--where <expr>', description: 'filter on the events, for example "os = \'iOS\'"' },
  { flags: '--breakdown <dim>', description: 'one histogram per value of a dimension' },
  {
    flags: '--breakdown-limit <n>',
    description: `keep the N values with most users, merge the rest into "other" (default ${DEFAULT_BREAKDOWN_LIMIT})`,
  },
];
