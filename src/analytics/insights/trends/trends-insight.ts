import type { Row } from '../../../data/warehouse/warehouse.ts';
import { defineInsight, type TextTable } from '../insight-type.ts';
import { runTrends, type TrendsResult, type TrendsSeries } from './run-trends.ts';
import { type TrendsSpec, trendsFlags, trendsSpecSchema } from './trends-spec.ts';

export const trendsInsight = defineInsight<TrendsSpec, TrendsResult>({
  name: 'trends',
  summary: 'a metric over time: events, users, WAU/MAU, property statistics, per-user counts, formulas',
  schema: trendsSpecSchema,
  flags: trendsFlags,
  run: (ctx, spec) => runTrends(ctx, spec),
  tables: (result) => {
    const current = result.series.filter((s) => !s.compare);
    const previous = result.series.filter((s) => s.compare);
    const tables: TextTable[] = [{ rows: pointTable(current) }];
    if (previous.length > 0) tables.push({ title: 'previous period', rows: pointTable(previous) });
    return tables;
  },
});

/** One row per bucket, one column per series (labels made unique), plus moving averages when present. */
function pointTable(series: TrendsSeries[]): Row[] {
  const used = new Set<string>(['t']);
  const columns = series.map((s) => {
    let name = s.label;
    for (let n = 2; used.has(name); n++) name = `${s.label} #${n}`;
    used.add(name);
    return name;
  });
  const first = series[0];
  if (!first) return [];
  return first.points.map((point, i) => {
    const row: Row = { t: point.t };
    series.forEach((s, j) => {
      const p = s.points[i];
      row[columns[j] as string] = p?.value ?? null;
      if (p?.movingAverage !== undefined) row[`${columns[j]} (moving average)`] = p.movingAverage;
    });
    return row;
  });
}
