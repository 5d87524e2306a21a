import { z } from 'zod';
import { rangeFields } from '../common-spec.ts';
import type { InsightFlag } from '../insight-type.ts';
import { PERIOD_UNITS } from '../retention/local-periods.ts';

export const lifecycleSpecSchema = z.strictObject({
  event: z.string().min(1).default('$any'),
  interval: z.enum(PERIOD_UNITS).default('day'),
  ...rangeFields,
});

export type LifecycleSpec = z.infer<typeof lifecycleSpecSchema>;

export const lifecycleFlags: readonly InsightFlag[] = [
  { flags: '--event <name>', description: "the event that makes a user active, or '$any' (default)" },
  { flags: '--interval <unit>', description: 'bucket: day (default), week or month' },
  { flags: '--from <date>', description: 'first day, inclusive (YYYY-MM-DD); its whole bucket is shown' },
  { flags: '--to <date>', description: 'last day, inclusive (YYYY-MM-DD); its whole bucket is shown' },
  { flags: '--time-zone <tz>', description: 'IANA time zone of buckets (default UTC)' },
  { flags: '--where <expr>', description: 'filter on the events, for example "country = \'DE\'"' },
];
