import type { MeanSums } from '../../math/stats/moments.ts';
import type { UserValues } from './user-values.ts';

/**
 * Sufficient statistics of one arm (or one arm within one breakdown group): the number of users, the sum
 * of each per-user variable and the sum of every pairwise product. Every test of the report (t-tests,
 * proportions, the delta method, CUPED) is a function of these, so breakdowns cost one pass over the
 * users, not one query per group.
 *
 * The variables, in order: the value (a ratio's numerator), then the ratio's denominator, then the
 * pre-period value, then the pre-period denominator, each only when present.
 */
export interface VariableSums {
  readonly n: number;
  readonly sum: Float64Array;
  /** k×k, row-major: products[i·k + j] = Σ variable_i · variable_j. */
  readonly products: Float64Array;
}

/** Indices of the variables in {@link VariableSums}; -1 when absent. */
export interface VariableLayout {
  readonly k: number;
  readonly value: number;
  readonly denominator: number;
  readonly pre: number;
  readonly preDenominator: number;
}

export function variableLayout(values: UserValues): VariableLayout {
  let k = 0;
  const value = k++;
  const denominator = values.denominator ? k++ : -1;
  const pre = values.pre ? k++ : -1;
  const preDenominator = values.preDenominator ? k++ : -1;
  return { k, value, denominator, pre, preDenominator };
}

/**
 * The sums per group and arm, `[group][arm]`, in one pass over the users. Without `codes` there is one
 * group (everyone).
 */
export function armSums(values: UserValues, codes?: Uint32Array, groups = 1): VariableSums[][] {
  const layout = variableLayout(values);
  const { k } = layout;
  const arms = values.variants.length;
  const counts = new Float64Array(groups * arms);
  const sums = new Float64Array(groups * arms * k);
  const products = new Float64Array(groups * arms * k * k);
  const columns = [values.value, values.denominator, values.pre, values.preDenominator].filter(
    (c): c is Float64Array => c !== undefined,
  );
  const row = new Float64Array(k);
  for (let u = 0; u < values.n; u++) {
    const cell = (codes ? codes[u]! : 0) * arms + values.arm[u]!;
    counts[cell]! += 1;
    for (let i = 0; i < k; i++) row[i] = columns[i]![u]!;
    const s = cell * k;
    const p = cell * k * k;
    for (let i = 0; i < k; i++) {
      sums[s + i]! += row[i]!;
      for (let j = i; j < k; j++) products[p + i * k + j]! += row[i]! * row[j]!;
    }
  }
  const out: VariableSums[][] = [];
  for (let g = 0; g < groups; g++) {
    const perArm: VariableSums[] = [];
    for (let a = 0; a < arms; a++) {
      const cell = g * arms + a;
      const product = products.slice(cell * k * k, (cell + 1) * k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) product[i * k + j] = product[j * k + i]!;
      perArm.push({ n: counts[cell]!, sum: sums.slice(cell * k, (cell + 1) * k), products: product });
    }
    out.push(perArm);
  }
  return out;
}

/** One variable's sums in the shape of `moments.ts`. */
export function meanSumsOf(sums: VariableSums, k: number, i: number): MeanSums {
  return { n: sums.n, sum: sums.sum[i]!, sumSquares: sums.products[i * k + i]! };
}

/** Σ variable_i · variable_j. */
export function productOf(sums: VariableSums, k: number, i: number, j: number): number {
  return sums.products[i * k + j]!;
}
