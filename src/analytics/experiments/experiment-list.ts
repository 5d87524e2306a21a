/**
 * The experiments of the project file as a list for people choosing one: each with its arms, metrics and
 * window, and who was exposed (the same exposure numbers `experiment analyze` reports, from the same two
 * queries), without running the statistics.
 */
import { isSightlineError } from '../../errors/index.ts';
import { daysBetween } from '../insights/date-range.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { analysisWindow, exposureReport } from './analyze-experiment.ts';
import type { Experiment } from './experiment.ts';
import { ExperimentQueries } from './experiment-queries.ts';
import type { ExposureReport } from './experiment-report.ts';
import { exposureSummary } from './exposure-summary.ts';

export interface ExperimentListing {
  readonly name: string;
  readonly description: string | null;
  readonly kind: 'ab' | 'aa';
  readonly control: string;
  readonly variants: readonly { readonly variant: string; readonly expectedShare: number }[];
  readonly metrics: readonly { readonly metric: string; readonly role: string; readonly better: string }[];
  /** The analysis window, or null when nobody was exposed yet. */
  readonly window: { readonly from: string; readonly to: string; readonly days: number } | null;
  /** `analyze`'s exposure report without the per-day series, or null when nobody was exposed yet. */
  readonly exposure: Omit<ExposureReport, 'daily'> | null;
}

/** Every experiment, in the project file's order, with its exposure counts. */
export async function listExperiments(
  ctx: InsightContext,
  experiments: ReadonlyMap<string, Experiment>,
): Promise<ExperimentListing[]> {
  const out: ExperimentListing[] = [];
  for (const experiment of experiments.values()) {
    const base = {
      name: experiment.name,
      description: experiment.definition.description ?? null,
      kind: experiment.kind,
      control: experiment.control,
      variants: experiment.variants.map((variant, i) => ({ variant, expectedShare: experiment.weights[i]! })),
      metrics: experiment.metrics.map((m) => ({ metric: m.plan.metric, role: m.role, better: m.better })),
    };
    const queries = new ExperimentQueries(ctx);
    try {
      const window = await analysisWindow(queries, experiment);
      const { daily: _daily, ...exposure } = exposureReport(
        experiment,
        await exposureSummary(queries, experiment, window),
        window,
      );
      out.push({
        ...base,
        window: { from: window.from, to: window.to, days: daysBetween(window.from, window.to) + 1 },
        exposure,
      });
    } catch (error) {
      // No exposures yet is a state of the experiment, not a failure of the list.
      if (!isSightlineError(error) || error.code !== 'SL_EXPERIMENT_NO_EXPOSURES') throw error;
      out.push({ ...base, window: null, exposure: null });
    }
  }
  return out;
}
