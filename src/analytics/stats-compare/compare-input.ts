/**
 * The input of `sightline stats compare` (and of any surface that compares two arms of data from
 * anywhere): a metric type, two arms, and optionally which tests to run. Validated once here; every
 * problem is listed with the field it is in, and the first one names the field in the hint.
 *
 *   {"type": "mean" | "proportion" | "ratio", "alpha"?: 0.05, "difference"?: "absolute" | "relative",
 *    "arms": [ARM, ARM], "tests"?: [TEST, …], "bootstrap"?: {"seed"?, "replicates"?, "method"?}}
 *
 * An arm is one of
 *   {"name", "values": [x, …]}                   raw per-unit values (0/1 for a proportion)
 *   {"name", "n", "sum", "sumSquares"}            sufficient statistics (sumSquares optional for a
 *                                                 proportion, where it equals sum)
 *   {"name", "numerator": […], "denominator": […]}  per-unit pairs of a ratio metric (clicks, views)
 * with an optional "weight" (its planned share of traffic, for the sample-ratio check; equal by default).
 * The first arm is the control: effects are the second arm minus the first.
 */
import { z } from 'zod';
import { closest, SightlineError } from '../../errors/index.ts';

export const METRIC_TYPES = ['mean', 'proportion', 'ratio'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export const COMPARE_TESTS = [
  'welch',
  'student',
  'mannwhitney',
  'bootstrap',
  'ztest',
  'chisquare',
  'delta',
  'linearization',
  'bayesian',
  'sequential',
] as const;
export type CompareTest = (typeof COMPARE_TESTS)[number];

const name = z.string().min(1);
const weight = z.number().positive().optional();

const valuesArmSchema = z.strictObject({ name, weight, values: z.array(z.number()).min(1) });
const sumsArmSchema = z.strictObject({
  name,
  weight,
  n: z.number().int().min(0),
  sum: z.number(),
  sumSquares: z.number().min(0).optional(),
});
const ratioArmSchema = z.strictObject({
  name,
  weight,
  numerator: z.array(z.number()).min(1),
  denominator: z.array(z.number()).min(1),
});

export type ValuesArm = z.infer<typeof valuesArmSchema>;
export type SumsArm = z.infer<typeof sumsArmSchema>;
export type RatioArm = z.infer<typeof ratioArmSchema>;
export type CompareArm = ValuesArm | SumsArm | RatioArm;

const bootstrapSchema = z.strictObject({
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  replicates: z.number().int().min(100).max(1_000_000).default(10_000),
  method: z.enum(['percentile', 'bca']).default('percentile'),
});

const inputSchema = z.strictObject({
  type: z.enum(METRIC_TYPES),
  alpha: z.number().gt(0).lt(1).default(0.05),
  difference: z.enum(['absolute', 'relative']).default('absolute'),
  arms: z.array(z.unknown()).length(2, 'need exactly two arms: control first, then treatment'),
  tests: z.array(z.enum(COMPARE_TESTS)).min(1).optional(),
  bootstrap: bootstrapSchema.default({ seed: 1, replicates: 10_000, method: 'percentile' }),
});

export interface CompareInput extends Omit<z.infer<typeof inputSchema>, 'arms'> {
  readonly arms: readonly [CompareArm, CompareArm];
}

export function isValuesArm(arm: CompareArm): arm is ValuesArm {
  return 'values' in arm;
}
export function isRatioArm(arm: CompareArm): arm is RatioArm {
  return 'numerator' in arm;
}

const ARM_KEYS = [
  ...new Set([valuesArmSchema, sumsArmSchema, ratioArmSchema].flatMap((s) => Object.keys(s.shape))),
];

/** The schema of an arm, chosen by the key that names its form (values, numerator, or n). */
function armSchema(arm: unknown) {
  if (arm !== null && typeof arm === 'object') {
    if ('values' in arm) return valuesArmSchema;
    if ('numerator' in arm || 'denominator' in arm) return ratioArmSchema;
  }
  return sumsArmSchema;
}

interface Problem {
  readonly field: string;
  readonly message: string;
}

function problemsOf(error: z.ZodError, prefix: (string | number)[], known: readonly string[]): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return {
          field: [...path, key].join('.'),
          message: `unknown field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        };
      });
    return [{ field: path.length > 0 ? path.join('.') : 'input', message: issue.message }];
  });
}

/** The checks that span fields: each arm's form against the metric type, and consistent counts. */
function crossFieldProblems(input: z.infer<typeof inputSchema>, arms: CompareArm[]): Problem[] {
  const problems: Problem[] = [];
  arms.forEach((arm, i) => {
    const at = (field: string) => `arms.${i}.${field}`;
    if (input.type === 'ratio' && !isRatioArm(arm))
      problems.push({
        field: `arms.${i}`,
        message: 'a ratio metric needs "numerator" and "denominator" arrays',
      });
    if (input.type !== 'ratio' && isRatioArm(arm))
      problems.push({
        field: at('numerator'),
        message: `a ${input.type} metric takes "values" or sums, not a ratio`,
      });
    if (isRatioArm(arm) && arm.numerator.length !== arm.denominator.length)
      problems.push({
        field: at('denominator'),
        message: `has ${arm.denominator.length} values but numerator has ${arm.numerator.length}`,
      });
    if (input.type === 'proportion' && isValuesArm(arm)) {
      const index = arm.values.findIndex((v) => v !== 0 && v !== 1);
      if (index >= 0)
        problems.push({ field: at(`values.${index}`), message: 'a proportion takes 0/1 values' });
    }
    if (!isValuesArm(arm) && !isRatioArm(arm)) {
      if (input.type === 'mean' && arm.sumSquares === undefined)
        problems.push({ field: at('sumSquares'), message: 'a mean metric given as sums needs sumSquares' });
      if (input.type === 'proportion') {
        if (!Number.isInteger(arm.sum) || arm.sum < 0 || arm.sum > arm.n)
          problems.push({
            field: at('sum'),
            message: `the number of successes must be an integer from 0 to n (${arm.n})`,
          });
        else if (arm.sumSquares !== undefined && arm.sumSquares !== arm.sum)
          problems.push({ field: at('sumSquares'), message: 'for 0/1 values sumSquares equals sum' });
      }
    }
  });
  return problems;
}

/** Parses and checks the input; a SightlineError (SL_STATS_INPUT_INVALID) lists every problem. */
export function parseCompareInput(input: unknown): CompareInput {
  const top = inputSchema.safeParse(input);
  const problems: Problem[] = top.success ? [] : problemsOf(top.error, [], Object.keys(inputSchema.shape));
  // The arms are checked even when another field is wrong, so every problem is listed at once.
  const rawArms = input !== null && typeof input === 'object' && 'arms' in input ? input.arms : undefined;
  const arms: CompareArm[] = [];
  if (Array.isArray(rawArms))
    rawArms.forEach((raw, i) => {
      const schema = armSchema(raw);
      const parsed = schema.safeParse(raw);
      if (parsed.success) arms.push(parsed.data);
      else problems.push(...problemsOf(parsed.error, ['arms', i], ARM_KEYS));
    });
  if (problems.length > 0 || !top.success) throw invalid(problems);
  const crossField = crossFieldProblems(top.data, arms);
  if (crossField.length > 0) throw invalid(crossField);
  return { ...top.data, arms: [arms[0]!, arms[1]!] };
}

function invalid(problems: readonly Problem[]): SightlineError {
  const list = problems.map((p) => `${p.field}: ${p.message}`);
  return new SightlineError('SL_STATS_INPUT_INVALID', `stats compare input: ${list.join('; ')}`, {
    hint: `fix "${problems[0]!.field}"; see \`sightline stats compare --help\` for the input format`,
    details: { problems: list },
  });
}
