import { z } from 'zod';
import { integer, listOf, rangeFields } from '../common-spec.ts';
import { ANY_EVENT } from '../event-scan.ts';
import type { InsightFlag } from '../insight-type.ts';
import { gapSchema } from '../sessions/gap.ts';
import { rangeFlags, whereFlag } from '../sessions/range-flags.ts';
import { DEFAULT_GAP_SECONDS } from '../sessions/sessions-spec.ts';

export const DEFAULT_STEPS = 5;
export const DEFAULT_TOP = 50;
export const DEFAULT_TOP_PATHS = 10;

const eventName = z
  .string()
  .min(1)
  .refine((name) => name !== ANY_EVENT, `a path is anchored at one event, not ${ANY_EVENT}`);

/** The paths query; keys are the CLI's long flags in camelCase. */
export const pathsSpecSchema = z
  .strictObject({
    ...rangeFields,
    startEvent: eventName.optional(),
    endEvent: eventName.optional(),
    steps: integer(2, 20).default(DEFAULT_STEPS),
    events: listOf(z.string().min(1)).optional(),
    top: integer(1, 1000).default(DEFAULT_TOP),
    topPaths: integer(1, 100).default(DEFAULT_TOP_PATHS),
    sessionGap: gapSchema.default(DEFAULT_GAP_SECONDS),
    collapseRepeats: z.boolean().default(false),
  })
  .superRefine((spec, ctx) => {
    if (spec.startEvent !== undefined && spec.endEvent !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['endEvent'],
        message: 'give --start-event or --end-event, not both',
      });
  });

export type PathsSpec = z.infer<typeof pathsSpecSchema>;

export const pathsFlags: readonly InsightFlag[] = [
  { flags: '--start-event <name>', description: "paths from each user's first occurrence of this event" },
  {
    flags: '--end-event <name>',
    description: 'paths leading to the first occurrence (steps counted backwards)',
  },
  { flags: '--steps <n>', description: `events per path, 2 to 20 (default ${DEFAULT_STEPS})` },
  { flags: '--events <names>', description: 'comma-separated event names that take part (default all)' },
  { flags: '--top <n>', description: `transitions to keep, most users first (default ${DEFAULT_TOP})` },
  { flags: '--top-paths <n>', description: `complete paths to list (default ${DEFAULT_TOP_PATHS})` },
  {
    flags: '--session-gap <duration>',
    description: 'a path ends where a user is inactive longer than this (default 30m)',
  },
  { flags: '--collapse-repeats', description: 'merge consecutive repeats of an event (A A B reads A B)' },
  ...rangeFlags,
  whereFlag,
];
