import { z } from 'zod';
import { integer, listOf, rangeFields } from '../common-spec.ts';
import { durationSchema } from '../duration.ts';
import type { InsightFlag } from '../insight-type.ts';

export const MIN_STEPS = 2;
export const MAX_STEPS = 20;
export const DEFAULT_WINDOW = '14d';
const DEFAULT_WINDOW_SECONDS = 14 * 86_400;
export const DEFAULT_BREAKDOWN_LIMIT = 10;
export const DEFAULT_DROPPED_LIMIT = 100;
export const FUNNEL_ORDERS = ['ordered', 'strict', 'any'] as const;
export const FUNNEL_INTERVALS = ['day', 'week', 'month'] as const;

/** The conversion window (`1h`, `1d`, `2w`, or seconds): an exact duration, 24 hours per day. */
export const windowSchema = durationSchema('window', '1d');

const stepObject = z.strictObject({
  event: z.string().min(1),
  where: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
});

/** A step: an event name (or `$any`), or in a spec file `{event, where?, label?}`. */
const stepSchema = z
  .union([z.string().min(1), stepObject])
  .transform((s) => (typeof s === 'string' ? { event: s } : s));

export type FunnelStep = z.output<typeof stepSchema>;

const exclusionObject = z.strictObject({
  event: z.string().min(1),
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
  where: z.string().min(1).optional(),
});

/**
 * An exclusion: `EVENT` (between the first and the last step), `EVENT:I-J` on the command line, or in a
 * spec file `{event, from?, to?, where?}` with 1-based step numbers.
 */
const exclusionSchema = z.union([z.string().min(1), exclusionObject]).transform((x, ctx) => {
  if (typeof x !== 'string') return x;
  const match = /^(.+?)(?::(\d+)-(\d+))?$/.exec(x.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${x}" is not an exclusion: write EVENT or EVENT:I-J` });
    return z.NEVER;
  }
  return {
    event: match[1] as string,
    ...(match[2] === undefined ? {} : { from: Number(match[2]), to: Number(match[3]) }),
  };
});

export type FunnelExclusionInput = z.output<typeof exclusionSchema>;

/** The funnel query; keys are the CLI's long flags in camelCase. */
export const funnelSpecSchema = z
  .strictObject({
    steps: listOf(stepSchema),
    window: windowSchema.default(DEFAULT_WINDOW_SECONDS),
    order: z.enum(FUNNEL_ORDERS).default('ordered'),
    ...rangeFields,
    breakdown: z.string().min(1).optional(),
    breakdownLimit: integer(1, 1000).default(DEFAULT_BREAKDOWN_LIMIT),
    exclude: listOf(exclusionSchema).optional(),
    interval: z.enum(FUNNEL_INTERVALS).optional(),
    droppedAt: integer(MIN_STEPS, MAX_STEPS).optional(),
    limit: integer(1, 10_000).default(DEFAULT_DROPPED_LIMIT),
  })
  .superRefine((spec, ctx) => {
    const n = spec.steps.length;
    if (n < MIN_STEPS || n > MAX_STEPS)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: `a funnel has ${MIN_STEPS} to ${MAX_STEPS} steps, not ${n}`,
      });
    if (spec.droppedAt !== undefined && spec.droppedAt > n)
      ctx.addIssue({
        code: 'custom',
        path: ['droppedAt'],
        message: `step ${spec.droppedAt} does not exist in a funnel of ${n} steps`,
      });
    (spec.exclude ?? []).forEach((x, i) => {
      const from = x.from ?? 1;
      const to = x.to ?? n;
      if (from >= to || to > n)
        ctx.addIssue({
          code: 'custom',
          path: ['exclude', i],
          message: `an exclusion lies between two steps: 1 <= from < to <= ${n}, not ${from}-${to}`,
        });
    });
  });

export type FunnelSpec = z.output<typeof funnelSpecSchema>;

export const funnelFlags: readonly InsightFlag[] = [
  {
    flags: '--steps <events>',
    description: "comma-separated step events in order, 2 to 20 ('$any' for any event)",
  },
  {
    flags: '--window <duration>',
    description: `time from the first step to the last, 90s, 30m, 1h, 1d, 2w (default ${DEFAULT_WINDOW})`,
  },
  {
    flags: '--order <order>',
    description: 'ordered (default), strict (no other event in between) or any (steps in any order)',
  },
  { flags: '--from <date>', description: 'first day a user may enter the funnel, inclusive (YYYY-MM-DD)' },
  {
    flags: '--to <date>',
    description: 'last day a user may enter, inclusive; later steps may follow within the window',
  },
  { flags: '--time-zone <tz>', description: 'IANA time zone of days and buckets (default UTC)' },
  { flags: '--where <expr>', description: 'filter on every event, for example "user.source = \'ads\'"' },
  {
    flags: '--breakdown <dim>',
    description: 'split by a dimension of the first-step event, or user.<column>',
  },
  {
    flags: '--breakdown-limit <n>',
    description: `keep the N largest breakdown values, merge the rest into "other" (default ${DEFAULT_BREAKDOWN_LIMIT})`,
  },
  {
    flags: '--exclude <events>',
    description: 'comma-separated exclusions, EVENT (whole funnel) or EVENT:I-J (between steps I and J)',
  },
  { flags: '--interval <unit>', description: 'conversion over time by the day, week or month of entry' },
  { flags: '--dropped-at <k>', description: 'list the users who reached step k-1 but not step k' },
  { flags: '--limit <n>', description: `how many dropped users to list (default ${DEFAULT_DROPPED_LIMIT})` },
];
