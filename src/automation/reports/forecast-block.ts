/**
 * A `forecast` block: the metric's next N days with 80% and 95% intervals, from the same series and
 * model choice as `sightline forecast METRIC --horizon N --json` (the daily trend up to the period's
 * last day, the model picked by backtest), drawn with the forecast chart, plus a table of the days.
 */
import { forecastMany } from '../../analytics/forecasting/forecast-many.ts';
import type { SeriesForecast } from '../../analytics/forecasting/forecast-output.ts';
import { metricSeries } from '../../analytics/forecasting/metric-series.ts';
import { historyTimes, prepareSeries } from '../../analytics/forecasting/prepare-series.ts';
import type { ForecastRequest } from '../../analytics/forecasting/run-forecast.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { forecastChart } from '../charts/forecast-chart.ts';
import type { BuiltBlock } from './build-report.ts';
import type { ReportBlock } from './document.ts';
import { formatValue, formatValueInterval } from './format.ts';
import { metricKind } from './metric-kind.ts';
import type { ReportPeriod } from './period.ts';
import type { ForecastFinding } from './summary.ts';

export interface ForecastDefinition {
  readonly metric: string;
  readonly horizon: number;
}

/** The CLI's defaults (`sightline forecast`): auto model, 80 and 95% intervals, seed 1. */
export function forecastRequest(horizon: number): ForecastRequest {
  return { model: 'auto', horizon, levels: [80, 95], seasonPeriods: null, seed: 1 };
}

/** The chart, the table of forecast days, and the outlook for the summary. */
export async function forecastBlocks(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: ForecastDefinition,
): Promise<BuiltBlock> {
  const kind = metricKind(ctx.layer, definition.metric);
  const { raw } = await metricSeries(ctx, { metric: definition.metric, interval: 'day', to: period.to });
  const request = forecastRequest(definition.horizon);
  const [forecast] = (await forecastMany([raw], request, definition.metric)) as [SeriesForecast];
  const prepared = prepareSeries(raw, request.seasonPeriods, definition.metric);
  const times = historyTimes(prepared);
  const history = Array.from(prepared.y, (value, i) => ({ t: times ? times[i]! : i + 1, value }));
  const scale = kind.format === 'percent' ? 100 : 1;
  const title = `${kind.label}: the next ${definition.horizon} days`;
  const chart = forecastChart({
    title,
    subtitle: forecast.backtest ? `${forecast.model}: ${forecast.backtest.reason}` : forecast.model,
    history: history.map((p) => ({ t: p.t, value: p.value * scale })),
    forecast: forecast.points.map((p, i) => ({
      t: p.t ?? prepared.y.length + i + 1,
      mean: p.mean * scale,
      lower: { '80': p.lower['80']! * scale, '95': p.lower['95']! * scale },
      upper: { '80': p.upper['80']! * scale, '95': p.upper['95']! * scale },
    })),
    historyPoints: Math.max(4 * definition.horizon, 28),
    yLabel: kind.label,
    ...(kind.format === 'percent' ? { unit: '%' } : {}),
  });
  const last = forecast.points[forecast.points.length - 1];
  // The last observed day with the forecast's last weekday: 7·⌈h/7⌉ days before it.
  const back = 7 * Math.ceil(definition.horizon / 7);
  const baselineIndex = prepared.y.length + definition.horizon - 1 - back;
  const baseline = baselineIndex >= 0 ? prepared.y[baselineIndex] : undefined;
  const baselineDate = times && baselineIndex >= 0 ? dateOf(times[baselineIndex]) : '';
  const fmt = (v: number) => formatValue(v, kind.format);
  const blocks: ReportBlock[] = [
    {
      kind: 'chart',
      title,
      chart,
      alt: last
        ? `${kind.label} forecast: ${fmt(last.mean)} on ${dateOf(last.t)} (95% interval ${formatValueInterval([last.lower['95']!, last.upper['95']!], kind.format)}).`
        : `${kind.label}: no forecast.`,
    },
    {
      kind: 'table',
      title: `${kind.label} forecast`,
      columns: [
        { key: 'day', label: 'day', align: 'left' },
        { key: 'mean', label: 'forecast', format: kind.format, align: 'right' },
        { key: 'i80', label: '80% interval', align: 'right' },
        { key: 'i95', label: '95% interval', align: 'right' },
      ],
      rows: forecast.points.map((p, i) => ({
        day: p.t ? dateOf(p.t) : String(i + 1),
        mean: p.mean,
        i80: formatValueInterval([p.lower['80']!, p.upper['80']!], kind.format),
        i95: formatValueInterval([p.lower['95']!, p.upper['95']!], kind.format),
      })),
    },
  ];
  const findings: ForecastFinding[] =
    last && baseline !== undefined && Number.isFinite(baseline)
      ? [
          {
            kind: 'forecast',
            label: kind.label,
            format: kind.format,
            polarity: kind.polarity,
            baseline,
            baselineDate,
            date: dateOf(last.t),
            mean: last.mean,
            interval80: [last.lower['80']!, last.upper['80']!],
            interval95: [last.lower['95']!, last.upper['95']!],
          },
        ]
      : [];
  return { blocks, findings };
}

function dateOf(t: string | undefined): string {
  return t ? t.slice(0, 10) : '';
}
