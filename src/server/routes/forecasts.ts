/**
 * Forecasts and causal impact over HTTP. `POST /forecasts` forecasts a metric of the metrics layer, or
 * posted `{timestamp, value}` points, with the options of `sightline forecast` and answers with its
 * `--json` output (`{forecasts}`; `includeHistory` adds the series forecast from, for a chart).
 * `POST /causal` runs `sightline causal` on posted columns (or CSV text) and answers with its `--json`.
 */
import { z } from 'zod';
import { causalInput } from '../../analytics/causal/causal-input.ts';
import { causalJson } from '../../analytics/causal/causal-json.ts';
import { type CsvTable, parseCsvTable } from '../../analytics/forecasting/csv-table.ts';
import { forecastMany } from '../../analytics/forecasting/forecast-many.ts';
import type { SeriesForecast } from '../../analytics/forecasting/forecast-output.ts';
import { metricSeries } from '../../analytics/forecasting/metric-series.ts';
import { historyTimes, prepareSeries } from '../../analytics/forecasting/prepare-series.ts';
import type { ForecastRequest } from '../../analytics/forecasting/run-forecast.ts';
import { type RawSeries, readSeries } from '../../analytics/forecasting/series-input.ts';
import { SightlineError } from '../../errors/index.ts';
import { causalImpact } from '../../math/causal/causal-impact.ts';
import { MODEL_CHOICES } from '../../math/forecast/registry.ts';
import type { RoutePlugin, ServerContext } from '../context.ts';
import { documentedBody, insightContextFor, parseBody } from './insights-request.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** Points are capped so one request cannot hold the server's memory (a year of minutes fits). */
const MAX_POINTS = 600_000;

export const forecastBodySchema = z
  .strictObject({
    metric: z.string().min(1).optional(),
    points: z
      .array(z.strictObject({ timestamp: z.string().min(1), value: z.number().nullable() }))
      .min(1)
      .max(MAX_POINTS)
      .optional(),
    horizon: z.number().int().default(14),
    season: z.array(z.number()).min(1).optional(),
    model: z.enum(MODEL_CHOICES).default('auto'),
    level: z.array(z.number()).min(1).default([80, 95]),
    windows: z.number().int().optional(),
    seed: z.number().int().default(1),
    interval: z.enum(['day', 'hour']).default('day'),
    from: date.optional(),
    to: date.optional(),
    /** With a metric: only events matching this filter (the insights' `where`). */
    where: z.string().min(1).max(2000).optional(),
    includeHistory: z.boolean().default(false),
  })
  .refine((b) => (b.metric === undefined) !== (b.points === undefined), {
    message: 'give either a metric or points, not both',
  })
  .refine((b) => b.where === undefined || b.metric !== undefined, {
    message: 'where filters the events of a metric: it needs metric',
  });

export const causalBodySchema = z
  .strictObject({
    columns: z
      .record(z.string(), z.array(z.union([z.number(), z.string(), z.null()])).max(MAX_POINTS))
      .optional(),
    csv: z.string().min(1).max(50_000_000).optional(),
    pre: z.string().min(1),
    post: z.string().min(1),
    response: z.string().min(1).optional(),
    controls: z.array(z.string().min(1)).optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .refine((b) => (b.columns === undefined) !== (b.csv === undefined), {
    message: 'give either columns or csv, not both',
  });

/** Posted points as the table a CSV file of `timestamp,value` reads into, so they parse the same way. */
function pointsTable(points: readonly { timestamp: string; value: number | null }[]): CsvTable {
  return {
    columns: ['timestamp', 'value'],
    hasHeader: true,
    cells: [points.map((p) => p.timestamp), points.map((p) => (p.value === null ? '' : String(p.value)))],
    rowCount: points.length,
  };
}

/** Posted columns as a table; every column must have as many cells as the first. */
function columnsTable(columns: Record<string, readonly (number | string | null)[]>): CsvTable {
  const names = Object.keys(columns);
  if (names.length === 0) throw new SightlineError('SL_BAD_REQUEST', 'columns: give at least one column');
  const rows = columns[names[0]!]!.length;
  const cells = names.map((name) => {
    const column = columns[name]!;
    if (column.length !== rows)
      throw new SightlineError(
        'SL_BAD_REQUEST',
        `columns.${name}: ${column.length} values where ${names[0]} has ${rows}`,
      );
    return column.map((v) => (v === null ? '' : String(v)));
  });
  return { columns: names, hasHeader: true, cells, rowCount: rows };
}

export type ForecastBody = z.infer<typeof forecastBodySchema>;

/**
 * `sightline forecast`'s --json for a parsed body, through the server's time limit; a metric's forecast is
 * cached (under the project's data version), posted points are not: the key would be as large as the body.
 */
export async function forecastForProject(
  context: ServerContext,
  projectId: string,
  b: ForecastBody,
): Promise<{ forecasts: SeriesForecast[]; history?: { t: string; value: number | null }[] }> {
  const forecastRequest: ForecastRequest = {
    model: b.model,
    horizon: b.horizon,
    levels: b.level,
    seasonPeriods: b.season ?? null,
    ...(b.windows === undefined ? {} : { windows: b.windows }),
    seed: b.seed,
  };
  const run = async () => {
    let raw: RawSeries;
    let label: string;
    if (b.metric !== undefined) {
      const { ctx } = await insightContextFor(context, projectId);
      label = b.metric;
      ({ raw } = await metricSeries(ctx, {
        metric: b.metric,
        interval: b.interval,
        ...(b.from === undefined ? {} : { from: b.from }),
        ...(b.to === undefined ? {} : { to: b.to }),
        ...(b.where === undefined ? {} : { where: b.where }),
      }));
    } else {
      label = 'points';
      const series = readSeries(pointsTable(b.points!), label);
      raw = series[0]!;
    }
    const forecasts = await forecastMany([raw], forecastRequest, label);
    if (!b.includeHistory) return { forecasts };
    const prepared = prepareSeries(raw, forecastRequest.seasonPeriods, label);
    const times = historyTimes(prepared);
    const history = Array.from(prepared.y, (value, i) => ({
      t: times ? times[i]! : String(i + 1),
      value: Number.isNaN(value) ? null : value,
    }));
    return { forecasts, history };
  };
  // Posted points are not cached: the key would be as large as the body, and the work is not shared.
  return context.run(projectId, b.metric === undefined ? null : { route: 'forecast', ...b }, run);
}

export const forecastRoutes: RoutePlugin = (app, context) => {
  app.post('/forecasts', documentedBody(forecastBodySchema), async (request) =>
    forecastForProject(
      context,
      request.principal.projectId,
      parseBody(forecastBodySchema, request.body, 'SL_FORECAST_OPTION_INVALID'),
    ),
  );

  app.post('/causal', documentedBody(causalBodySchema), async (request) => {
    const b = parseBody(causalBodySchema, request.body);
    const label = 'request body';
    const table = b.csv === undefined ? columnsTable(b.columns!) : parseCsvTable(b.csv, label);
    const input = causalInput(
      table,
      {
        pre: b.pre,
        post: b.post,
        ...(b.response === undefined ? {} : { response: b.response }),
        ...(b.controls === undefined ? {} : { controls: b.controls.join(',') }),
      },
      label,
    );
    return context.run(request.principal.projectId, null, async () => {
      const result = causalImpact({
        y: input.y,
        controls: input.controls,
        pre: input.pre,
        post: input.post,
        alpha: b.alpha,
      });
      return {
        response: input.responseName,
        controls: input.controlNames,
        ...causalJson(result, input.times),
      };
    });
  });
};
