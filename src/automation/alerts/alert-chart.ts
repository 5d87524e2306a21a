/**
 * The chart of an alert notification: the group's recent series, what the detector expected with its
 * band, and the breaching evaluations marked, with vertical markers where the breach started, where the
 * alert fired and, once over, where it resolved.
 */
import type { ChartSpec, MarkerSpec } from '../charts/spec.ts';
import type { ActiveAlert, ResolvedAlert } from './alert-state.ts';

/** One evaluation of the series around an alert. */
export interface SeriesPoint {
  readonly t: number;
  /** NaN when the bucket had no value. */
  readonly value: number;
  readonly expected?: number;
  readonly lower?: number;
  readonly upper?: number;
  readonly breach: boolean;
}

const BAND = '#f3a5a5';
const ACTUAL = '#1f5fbf';
const EXPECTED = '#6b7280';
const BREACH = '#c62828';

/** How many intervals before the breach (and before the run) the chart shows. */
export const CHART_CONTEXT_STEPS = 48;

/** The points a chart of `alert` shows: from 48 steps before the run or 24 before the breach, to the run. */
export function chartWindow(
  alert: ActiveAlert | ResolvedAlert,
  at: number,
  stepMs: number,
): { from: number; to: number } {
  return {
    from: Math.min(at - CHART_CONTEXT_STEPS * stepMs, alert.startsAt - (CHART_CONTEXT_STEPS / 2) * stepMs),
    to: at,
  };
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** The chart spec (line + band + scatter) of one alert over `points` (already cut to its window). */
export function alertChart(
  alert: ActiveAlert | ResolvedAlert,
  points: readonly SeriesPoint[],
  options: { title: string; metricLabel: string },
): ChartSpec {
  const markers: MarkerSpec[] = [{ x: iso(alert.startsAt), label: 'breach' }];
  if (alert.firedAt !== alert.startsAt) markers.push({ x: iso(alert.firedAt), label: 'fired' });
  if ('endsAt' in alert) markers.push({ x: iso(alert.endsAt), label: 'resolved' });
  const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
  return {
    title: options.title,
    x: { kind: 'time' },
    panels: [
      {
        y: { label: options.metricLabel, includeZero: true },
        series: [
          {
            kind: 'band',
            name: 'Expected band',
            color: BAND,
            data: points.flatMap((p) =>
              finite(p.lower) && finite(p.upper) ? [[iso(p.t), p.lower, p.upper] as const] : [],
            ),
          },
          {
            kind: 'line',
            name: 'Expected',
            color: EXPECTED,
            dashed: true,
            data: points.map((p) => [iso(p.t), finite(p.expected) ? p.expected : null] as const),
          },
          {
            kind: 'line',
            name: 'Actual',
            color: ACTUAL,
            data: points.map((p) => [iso(p.t), Number.isFinite(p.value) ? p.value : null] as const),
          },
          {
            kind: 'scatter',
            name: 'Breach',
            color: BREACH,
            size: 8,
            data: points.flatMap((p) =>
              p.breach && Number.isFinite(p.value) ? [[iso(p.t), p.value] as const] : [],
            ),
          },
        ],
        markers,
      },
    ],
  };
}
