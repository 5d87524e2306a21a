/**
 * The metrics layer over HTTP: `GET /metrics` is `sightline metrics --json` (metrics, dimensions, named
 * filters, cohorts), `GET /dimensions` its dimensions, and `GET /dimensions/:name/values` the most
 * frequent values of one dimension (events per value over a date range, through the trends insight's
 * breakdown, so a named dimension, `user.x` and `properties.x` resolve as in every insight), for the
 * web app's filters.
 */
import { z } from 'zod';
import type { TrendsResult } from '../../analytics/insights/trends/run-trends.ts';
import { describeLayer } from '../../analytics/metrics/describe-layer.ts';
import type { RoutePlugin } from '../context.ts';
import { runProjectInsight } from './insights.ts';
import { parseBody } from './insights-request.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const valuesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  from: date.optional(),
  to: date.optional(),
});

export interface DimensionValue {
  /** null for events without a value. */
  readonly value: string | null;
  readonly events: number;
}

export const metricsRoutes: RoutePlugin = (app, context) => {
  const described = describeLayer(context.project.layer);

  app.get('/metrics', async () => described);

  app.get('/dimensions', async () => ({ dimensions: described.dimensions }));

  app.get<{ Params: { name: string } }>('/dimensions/:name/values', async (request) => {
    const q = parseBody(valuesQuerySchema, request.query);
    const { name } = request.params;
    const result = (await runProjectInsight(context, request.principal.projectId, 'trends', {
      event: '$any',
      interval: 'month',
      breakdown: [name],
      breakdownLimit: q.limit,
      ...(q.from === undefined ? {} : { from: q.from }),
      ...(q.to === undefined ? {} : { to: q.to }),
    })) as TrendsResult;
    const values: DimensionValue[] = result.series
      .filter((s) => !s.other && !s.compare)
      .map((s) => ({
        value: (Array.isArray(s.breakdown) ? s.breakdown[0] : s.breakdown) ?? null,
        events: s.points.reduce((sum, p) => sum + (p.value ?? 0), 0),
      }))
      .sort((a, b) => b.events - a.events || String(a.value).localeCompare(String(b.value)));
    const other = result.series.find((s) => s.other);
    return {
      dimension: name,
      from: result.from,
      to: result.to,
      values,
      otherEvents: other ? other.points.reduce((sum, p) => sum + (p.value ?? 0), 0) : 0,
    };
  });
};
