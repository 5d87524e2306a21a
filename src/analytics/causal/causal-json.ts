import type { CausalImpactResult } from '../../math/causal/causal-impact.ts';

/**
 * A causal impact result as `sightline causal --json` prints it (after its response and control names)
 * and the API serves it: the summaries, then one point per post-period row with its time (or row number
 * from 1) and each interval as a pair.
 */
export function causalJson(
  result: CausalImpactResult,
  times: readonly string[] | null,
): Record<string, unknown> {
  const points = Array.from(result.rows, (row, i) => ({
    ...(times ? { t: times[row] } : { row: row + 1 }),
    actual: result.actual[i],
    prediction: result.prediction[i],
    predictionInterval: [result.predictionLower[i], result.predictionUpper[i]],
    effect: result.effect[i],
    effectInterval: [result.effectLower[i], result.effectUpper[i]],
    cumulativeEffect: result.cumulativeEffect[i],
    cumulativeInterval: [result.cumulativeLower[i], result.cumulativeUpper[i]],
  }));
  return {
    average: result.average,
    cumulative: result.cumulative,
    p: result.p,
    probabilityOfEffect: result.probabilityOfEffect,
    alpha: result.alpha,
    significant: result.significant,
    model: result.model,
    report: result.report,
    points,
    warnings: result.warnings,
  };
}
