import { z } from 'zod';
import { closest, SightlineError } from '../../errors/index.ts';

/**
 * Fields most insights share. Spec keys are the CLI's long flags in camelCase, so `--time-zone` is
 * `timeZone` in a --spec file; values from flags arrive as strings and are coerced here.
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const dateSchema = z
  .string()
  .regex(ISO_DATE, 'a date as YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a calendar date',
  );

const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/**
 * An IANA zone the runtime knows. `Intl.supportedValuesOf` lists only canonical names (Asia/Calcutta,
 * not Asia/Kolkata), so a name is accepted when Intl can format a date in it, which takes every alias.
 */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .default('UTC')
  .superRefine((tz, ctx) => {
    if (isTimeZone(tz)) return;
    const suggestion = closest(tz, TIME_ZONES);
    ctx.addIssue({
      code: 'custom',
      message: `unknown time zone "${tz}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; use an IANA name such as Europe/Berlin`,
    });
  })
  // The runtime's own spelling (utc -> UTC), so every layer compares zones by one name.
  .transform((tz) =>
    isTimeZone(tz) ? new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone : tz,
  );

/** A comma-separated flag value or a JSON array, as a list of trimmed non-empty strings. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : v,
    z.array(item),
  );
}

/** An integer that may come from a flag as text. */
export function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** The date range and filter every insight takes. `from` and `to` are inclusive local dates. */
export const rangeFields = {
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  timeZone: timeZoneSchema,
  where: z.string().min(1).optional(),
};

/**
 * Every problem zod found, one line each: `path: message` (`root` for the whole input), and for an
 * unknown key `unknown field "x"` with the closest known key of an object schema as a did-you-mean.
 */
export function schemaProblems(schema: z.ZodType, error: z.ZodError, root: string): string[] {
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
      });
    return [`${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`];
  });
}

/**
 * Parses a spec (flags merged over a --spec file) with an insight's schema; every problem is listed,
 * and a misspelt key gets a "did you mean".
 */
export function parseSpec<T>(type: string, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = schemaProblems(schema, result.error, 'spec');
  throw new SightlineError('SL_INSIGHT_INVALID', `${type}: ${problems.join('; ')}`, {
    hint: `run \`sightline insight ${type} --help\``,
    details: { problems },
  });
}
