import { sql } from '../../data/sql/sql.ts';
import { SightlineError } from '../../errors/index.ts';
import { SRM_P_VALUE_THRESHOLD, srmTest } from '../../math/stats/chi-square.ts';
import { correctPValues } from '../../math/stats/multiple-testing.ts';
import { sampleSize } from '../../math/stats/power.ts';
import type { StatWarning } from '../../math/stats/result.ts';
import { DEFAULT_SEQUENTIAL_TUNING } from '../../math/stats/sequential.ts';
import { addDays, daysBetween } from '../insights/date-range.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { type AnalysisWindow, firstExposureSql } from './assignment-sql.ts';
import { type Experiment, findExperiment } from './experiment.ts';
import { ExperimentQueries } from './experiment-queries.ts';
import type { ExperimentReport, ExposureReport, MetricReport, SrmReport } from './experiment-report.ts';
import { type ExposureSummary, exposureSummary } from './exposure-summary.ts';
import { analyzeMetric, type MetricDraft } from './metric-report.ts';
import { pIs, recommend, type VariantPlan } from './recommendation.ts';
import { loadBreakdowns, loadUserValues } from './user-values.ts';

/** Days at the end of the window whose new exposures per day estimate the traffic still to come. */
export const TRAFFIC_DAYS = 7;

/**
 * `ExperimentSpec -> ExperimentReport`: reads who was exposed and each metric's per-user values from the
 * warehouse (one query for the exposures and one per metric), then runs the statistics of `src/math/stats`
 * and the decision rules of `recommendation.ts`. An experiment validated by an A/A experiment analyses
 * that one first.
 */
export async function analyzeExperiment(
  ctx: InsightContext,
  experiments: ReadonlyMap<string, Experiment>,
  name: string,
): Promise<ExperimentReport> {
  const experiment = findExperiment(experiments, name);
  const definition = experiment.definition;
  const queries = new ExperimentQueries(ctx);
  const window = await analysisWindow(queries, experiment);
  const warnings: StatWarning[] = [];

  const summary = await exposureSummary(queries, experiment, window);
  const users = summary.users.reduce((a, b) => a + b, 0);
  if (users === 0)
    throw new SightlineError(
      'SL_EXPERIMENT_NO_EXPOSURES',
      `experiment "${name}" has no exposed users from ${window.from} to ${window.to}${describeExcluded(summary)}`,
    );
  if (summary.multipleArms > 0)
    warnings.push({
      code: 'SL_EXPERIMENT_MULTIPLE_ARMS',
      message: `${summary.multipleArms} user${summary.multipleArms === 1 ? ' was' : 's were'} seen in more than one variant and left out`,
    });
  for (const u of summary.undeclared)
    warnings.push({
      code: 'SL_EXPERIMENT_UNDECLARED_VARIANT',
      message: `${u.users} user${u.users === 1 ? '' : 's'} exposed to the undeclared variant "${u.variant}" left out`,
    });

  const srm = srmReport(summary.users, experiment.weights);
  if (srm.mismatch)
    warnings.push({
      code: 'SL_EXPERIMENT_SRM',
      message: `users per variant ${experiment.variants.map((v, i) => `${v} ${summary.users[i]}`).join(', ')} do not match the expected split ${experiment.weights.map((w) => `${Math.round(w * 1000) / 10}%`).join(' / ')} (${pIs(srm.pValue)})`,
    });

  const options = {
    alpha: definition.alpha,
    sequential: definition.sequential,
    tuning: definition.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING,
  };
  const breakdowns = await loadBreakdowns(queries, experiment, window, experiment.breakdowns);
  const drafts: MetricDraft[] = [];
  for (const metric of experiment.metrics) {
    const values = await loadUserValues(queries, experiment, metric.plan, window, {
      preDays: definition.preDays,
      breakdowns,
    });
    drafts.push(analyzeMetric(metric, values, options, warnings));
  }
  const metrics = corrected(drafts, definition.correction, definition.alpha);
  for (const m of metrics)
    for (const v of m.variants)
      for (const w of v.warnings)
        warnings.push({ code: w.code, message: `${m.metric}, ${v.variant}: ${w.message}` });

  const exposure = exposureReport(experiment, summary, window);
  const plans = variantPlans(experiment, drafts[0]!, summary.users, exposure.dailyUsers);
  const aaFailure = await validation(ctx, experiments, experiment, warnings);
  const recommendation = recommend({
    kind: experiment.kind,
    alpha: definition.alpha,
    mde: definition.mde,
    sequential: definition.sequential,
    srm,
    aaFailure,
    metrics,
    plans,
  });
  if (experiment.kind === 'aa' && recommendation.decision === 'invalid')
    warnings.push({ code: 'SL_EXPERIMENT_AA_FAILED', message: recommendation.reasons.join(' ') });

  return {
    experiment: experiment.name,
    description: definition.description ?? null,
    kind: experiment.kind,
    window: { from: window.from, to: window.to, days: daysBetween(window.from, window.to) + 1 },
    control: experiment.control,
    alpha: definition.alpha,
    exposure,
    srm,
    metrics,
    correction: {
      method: definition.correction,
      comparisons: metrics
        .filter((m) => m.role !== 'guardrail')
        .reduce((n, m) => n + m.variants.filter((v) => v.pValue !== null).length, 0),
    },
    recommendation,
    warnings,
    sql: queries.sqlText(),
  };
}

/**
 * From the declared start (default: the day of the first exposure) to the declared end (default: the day
 * of the latest event), UTC days.
 */
export async function analysisWindow(
  queries: ExperimentQueries,
  experiment: Experiment,
): Promise<AnalysisWindow> {
  const { ctx } = queries;
  let from = experiment.definition.start;
  if (from === undefined) {
    const [row] = await queries.rows<{ day: string | null }>(firstExposureSql(ctx, experiment));
    if (!row?.day)
      throw new SightlineError(
        'SL_EXPERIMENT_NO_EXPOSURES',
        `experiment "${experiment.name}" has no exposures at all`,
      );
    from = row.day;
  }
  let to = experiment.definition.end;
  if (to === undefined) {
    const [row] = await queries.rows<{ day: string | null }>(
      sql`SELECT CAST(max(ts) AS DATE) AS day FROM events WHERE project_id = ${ctx.project}`,
    );
    to = row?.day && row.day > from ? row.day : from;
  }
  const d = ctx.dialect;
  return {
    from,
    to,
    start: d.timestamp(`${from} 00:00:00`),
    end: d.timestamp(`${addDays(to, 1)} 00:00:00`),
  };
}

function describeExcluded(summary: ExposureSummary): string {
  const parts: string[] = [];
  if (summary.multipleArms > 0) parts.push(`${summary.multipleArms} in more than one variant`);
  for (const u of summary.undeclared) parts.push(`${u.users} in the undeclared variant "${u.variant}"`);
  return parts.length > 0 ? ` (left out: ${parts.join(', ')})` : '';
}

/** The SRM check: Pearson's goodness of fit of users per variant to the expected weights. */
function srmReport(users: readonly number[], weights: readonly number[]): SrmReport {
  const test = srmTest(users, weights);
  return {
    pValue: test.pValue,
    statistic: test.statistic,
    threshold: SRM_P_VALUE_THRESHOLD,
    mismatch: test.mismatch,
  };
}

/**
 * Adjusts the decision p-values of the primary and secondary metrics × treatments together, and marks
 * which effects are significant and in which direction. Guardrails are outside the family and keep their
 * own p-values: they ask another question (is anything harmed?), for which a correction, which guards
 * against false wins, would only hide harm.
 */
function corrected(
  drafts: readonly MetricDraft[],
  method: Experiment['definition']['correction'],
  alpha: number,
): MetricReport[] {
  const inFamily = (d: MetricDraft) => d.report.role !== 'guardrail';
  const pValues = drafts.flatMap((d) => d.variants.map((v) => (inFamily(d) ? v.pValue : null)));
  const { adjusted } = correctPValues(pValues, method, alpha);
  let i = 0;
  return drafts.map((d) => ({
    ...d.report,
    variants: d.variants.map((v) => {
      const index = i++;
      const adjustedPValue = inFamily(d) ? (adjusted[index] ?? null) : v.pValue;
      const significant = adjustedPValue !== null && adjustedPValue < alpha;
      const effect = v.absolute.effect;
      const better = d.report.better === 'higher' ? (effect ?? 0) > 0 : (effect ?? 0) < 0;
      return {
        ...v,
        adjustedPValue,
        significant,
        direction: significant && effect !== null && effect !== 0 ? (better ? 'better' : 'worse') : null,
      };
    }),
  }));
}

/** Who was exposed, per variant with shares, and the traffic per day: the report's `exposure`. */
export function exposureReport(
  experiment: Experiment,
  summary: ExposureSummary,
  window: AnalysisWindow,
): ExposureReport {
  const users = summary.users.reduce((a, b) => a + b, 0);
  // Traffic still to come is best predicted by the last days with exposures: in most products the
  // first days of an experiment catch the backlog of returning users and are not typical.
  const lastDay = summary.lastExposure ? summary.lastExposure.slice(0, 10) : window.to;
  const days = summary.daily.filter((d) => d.date <= lastDay).slice(-TRAFFIC_DAYS);
  const dailyUsers = days.length > 0 ? days.reduce((s, d) => s + d.users, 0) / days.length : 0;
  return {
    variants: experiment.variants.map((variant, i) => ({
      variant,
      users: summary.users[i]!,
      expectedShare: experiment.weights[i]!,
      observedShare: users > 0 ? summary.users[i]! / users : null,
    })),
    users,
    multipleArms: summary.multipleArms,
    undeclaredVariants: summary.undeclared,
    firstExposure: summary.firstExposure,
    lastExposure: summary.lastExposure,
    dailyUsers,
    daily: summary.daily,
  };
}

/**
 * For each treatment: the users per arm the primary metric needs to detect the relative MDE with the
 * declared power (power.ts, from control's observed mean and per-unit variance), whether both arms
 * have them, and the days the rest takes at the observed daily traffic split by the weights.
 */
function variantPlans(
  experiment: Experiment,
  primary: MetricDraft,
  users: readonly number[],
  dailyUsers: number,
): VariantPlan[] {
  const d = experiment.definition;
  const wc = experiment.weights[0]!;
  return experiment.variants.slice(1).map((variant, i) => {
    const wt = experiment.weights[i + 1]!;
    const unknown = { variant, requiredPerArm: null, reached: null, daysNeeded: null };
    const control = primary.control;
    if (!control || !(control.variance > 0) || control.mean === 0) return unknown;
    let plan: ReturnType<typeof sampleSize>;
    try {
      plan = sampleSize({
        metric:
          primary.report.kind === 'binary'
            ? { type: 'proportion', baselineRate: control.mean }
            : { type: 'mean', baselineMean: control.mean, sd: Math.sqrt(control.variance) },
        // A rate that should fall is planned for a fall (its variance differs from a rise's).
        mde: primary.report.better === 'lower' ? -d.mde : d.mde,
        relative: true,
        alpha: d.alpha,
        power: d.power,
        ratio: wt / wc,
      });
    } catch (error) {
      if (error instanceof SightlineError) return unknown;
      throw error;
    }
    const missing = [
      [plan.sampleSizePerArm - users[0]!, wc],
      [plan.treatmentSampleSize - users[i + 1]!, wt],
    ] as const;
    const reached = missing.every(([m]) => m <= 0);
    const days = Math.max(0, ...missing.map(([m, w]) => (m <= 0 ? 0 : m / (dailyUsers * w))));
    return {
      variant,
      requiredPerArm: plan.sampleSizePerArm,
      reached,
      daysNeeded: reached ? 0 : dailyUsers > 0 ? Math.ceil(days) : null,
    };
  });
}

/** Analyses the A/A experiment this one is validated by; the reason it failed, or null. */
async function validation(
  ctx: InsightContext,
  experiments: ReadonlyMap<string, Experiment>,
  experiment: Experiment,
  warnings: StatWarning[],
): Promise<string | null> {
  const name = experiment.definition.validatedBy;
  if (name === undefined) return null;
  let aa: ExperimentReport;
  try {
    aa = await analyzeExperiment(ctx, experiments, name);
  } catch (error) {
    if (error instanceof SightlineError && error.code === 'SL_EXPERIMENT_NO_EXPOSURES') {
      warnings.push({
        code: 'SL_EXPERIMENT_AA_FAILED',
        message: `the A/A experiment "${name}" has no exposures to check`,
      });
      return null;
    }
    throw error;
  }
  if (aa.recommendation.decision !== 'invalid') return null;
  const reason = `The A/A experiment "${name}" on the same split system failed: ${aa.recommendation.reasons.join(' ')}`;
  warnings.push({ code: 'SL_EXPERIMENT_AA_FAILED', message: reason });
  return reason;
}
