/**
 * A metric of the metrics layer as a series to forecast: its trend (through the same trends insight the
 * dashboard shows, so the numbers agree) per day or hour, by default over all the history there is.
 */

import { parseTimestamp } from '../../data/events/timestamp.ts';
import { sql } from '../../data/sql/sql.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { runInsight } from '../insights/registry.ts';
import type { TrendsResult } from '../insights/trends/run-trends.ts';
import type { RawSeries } from './series-input.ts';

export interface MetricSeriesSpec {
  readonly metric: string;
  readonly interval: 'day' | 'hour';
  /** Inclusive dates; by default the first and the last day with events. */
  readonly from?: string;
  readonly to?: string;
  /** Only events matching this filter (the insights' `where`), e.g. `os = 'Android'`. */
  readonly where?: string;
}

export async function metricSeries(
  ctx: InsightContext,
  spec: MetricSeriesSpec,
): Promise<{ raw: RawSeries; result: TrendsResult }> {
  const from = spec.from ?? (await firstEventDay(ctx));
  const result = (await runInsight(ctx, 'trends', {
    metric: [spec.metric],
    interval: spec.interval,
    ...(from === null ? {} : { from }),
    ...(spec.to === undefined ? {} : { to: spec.to }),
    ...(spec.where === undefined ? {} : { where: spec.where }),
  })) as TrendsResult;
  const points = result.series[0]?.points ?? [];
  const times = Float64Array.from(
    points,
    (p) => parseTimestamp(p.t.length === 10 ? p.t : `${p.t}:00Z`) ?? Number.NaN,
  );
  const values = Float64Array.from(points, (p) => p.value ?? Number.NaN);
  return { raw: { id: null, times, values }, result };
}

async function firstEventDay(ctx: InsightContext): Promise<string | null> {
  const rows = await ctx.query<{ day: string | null }>(
    sql`SELECT CAST(CAST(min(ts) AS DATE) AS VARCHAR) AS day FROM events WHERE project_id = ${ctx.project}`,
  );
  return rows[0]?.day ?? null;
}
