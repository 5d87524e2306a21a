import type { InsightFlag } from '../insight-type.ts';

/** The flags of `rangeFields` (from, to, time zone, filter), shared by sessions, paths and cohorts. */
export const rangeFlags: readonly InsightFlag[] = [
  { flags: '--from <date>', description: 'first day, YYYY-MM-DD (default: 30 days before --to)' },
  { flags: '--to <date>', description: 'last day, inclusive (default: the day of the latest event)' },
  { flags: '--time-zone <tz>', description: 'IANA time zone for days and buckets (default UTC)' },
];

export const whereFlag: InsightFlag = {
  flags: '--where <expr>',
  description: "filter events, e.g. \"country = 'US' and cohort = 'power_likers'\"",
};
