import type { StatWarning } from '../../math/stats/result.ts';
import { armResult, compareArms } from './arm-comparison.ts';
import { armSums, variableLayout } from './arm-sums.ts';
import type { BreakdownReport } from './experiment-report.ts';
import type { BreakdownColumn, UserValues } from './user-values.ts';

/** Groups shown per dimension; the smaller ones are merged into one `other` group. */
export const BREAKDOWN_LIMIT = 10;

/**
 * A metric broken down by one dimension: per group (a user's first present value after exposure), the
 * arms and each treatment's effect by the same test as the whole experiment. Breakdowns are for
 * exploring where an effect comes from: they are not corrected for multiple testing and never enter the
 * recommendation.
 */
export function breakdownReport(
  values: UserValues,
  column: BreakdownColumn,
  alpha: number,
  warnings: StatWarning[],
): BreakdownReport {
  const layout = variableLayout(values);
  const sizes = new Float64Array(column.labels.length);
  for (let u = 0; u < values.n; u++) sizes[column.codes[u]!]! += 1;
  // Largest first; ties by value, missing last, so the order does not depend on the data's order.
  const order = column.labels
    .map((label, code) => ({ label, code, size: sizes[code]! }))
    .sort(
      (a, b) =>
        b.size - a.size ||
        (a.label === null ? 1 : b.label === null ? -1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
  const kept = order.slice(0, BREAKDOWN_LIMIT);
  const merged = order.length > BREAKDOWN_LIMIT;
  if (merged)
    warnings.push({
      code: 'SL_BREAKDOWN_OTHER',
      message: `${column.dimension} has ${order.length} values; the ${order.length - BREAKDOWN_LIMIT} smallest are merged into one group marked other`,
    });
  const groupOf = new Uint32Array(column.labels.length).fill(kept.length);
  kept.forEach((g, i) => {
    groupOf[g.code] = i;
  });
  const codes = new Uint32Array(values.n);
  for (let u = 0; u < values.n; u++) codes[u] = groupOf[column.codes[u]!]!;
  const groups = kept.length + (merged ? 1 : 0);
  const sums = armSums(values, codes, groups);
  return {
    dimension: column.dimension,
    groups: sums.map((perArm, g) => {
      const control = perArm[0]!;
      return {
        value: g < kept.length ? kept[g]!.label : null,
        other: g >= kept.length,
        arms: perArm.map((s, a) => armResult(values.kind, layout, values.variants[a]!, s)),
        variants: perArm.slice(1).map((treatment, i) => {
          const c = compareArms(values.kind, layout, control, treatment, { alpha });
          return {
            variant: values.variants[i + 1]!,
            absolute: c.absolute,
            relative: c.relative,
            warnings: c.warnings,
          };
        }),
      };
    }),
  };
}
