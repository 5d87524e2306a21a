import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { PALETTE } from '../../../src/automation/charts/theme.ts';
import { api } from '../api.ts';
import { chartView } from '../charts/chart-view.ts';
import { h, mount, state } from '../dom.ts';
import { formatNumber } from '../format.ts';

interface Point {
  t: string;
  value: number | null;
  score?: number;
  flag: boolean;
}
interface Anomaly {
  t: string;
  metric?: string;
  value?: number | null;
  /** The root-cause sentence (Adtributor's explanation of the bucket). */
  sentence?: string;
  explanation?: string | { sentence?: string; summary?: string };
  rootCause?: string | { sentence?: string; summary?: string };
}
interface AnomaliesResult {
  series: { metric?: string; label?: string; group?: unknown; points: Point[] }[];
  anomalies?: Anomaly[];
}

/**
 * The anomaly timeline: the metric with its flagged points marked, and under it each anomaly with the
 * sentence that says which segment moved it (`GET /anomalies`, the detector and the root cause of the
 * CLI's `detect` and `explain`).
 */
export function anomaliesPage(): HTMLElement {
  const metric = h('input', {
    name: 'metric',
    value: 'dau',
    'data-testid': 'anomalies-metric',
    'aria-label': 'metric',
  });
  const interval = h(
    'select',
    { name: 'interval', 'aria-label': 'interval' },
    h('option', { value: 'hour' }, 'hour'),
    h('option', { value: 'day' }, 'day'),
  );
  const out = h('div', { 'data-testid': 'anomalies-result' });
  const run = async () => {
    mount(out, state.loading('Scanning the history…'));
    try {
      const query = new URLSearchParams({ metric: metric.value.trim(), interval: interval.value });
      const result = await api<AnomaliesResult>('GET', `/anomalies?${query}`);
      mount(out, ...timeline(result));
    } catch (error) {
      mount(out, state.error(error));
    }
  };
  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void run();
      },
    },
    h('label', {}, 'Metric', metric),
    h('label', {}, 'Interval', interval),
    h('button', { type: 'submit', 'data-testid': 'anomalies-run' }, 'Detect'),
  );
  void run();
  return h(
    'main',
    { class: 'page anomalies-page', 'data-testid': 'anomalies-page' },
    h('h2', {}, 'Anomalies'),
    form,
    out,
  );
}

function timeline(result: AnomaliesResult): HTMLElement[] {
  const series = result.series ?? [];
  const anomalies: Anomaly[] =
    result.anomalies ??
    series.flatMap((s) =>
      s.points.filter((p) => p.flag).map((p) => ({ t: p.t, metric: s.label ?? s.metric, value: p.value })),
    );
  if (series.length === 0) return [state.empty('No series to scan in this range.')];
  const time = (t: string) => (t.length === 10 ? `${t}T00:00` : t);
  const spec: ChartSpec = {
    title: '',
    x: { kind: 'time' },
    panels: [
      {
        y: { includeZero: true },
        series: [
          ...series.map((s, i) => ({
            kind: 'line' as const,
            name: s.label ?? s.metric ?? `series ${i + 1}`,
            data: s.points.map((p) => [time(p.t), p.value] as const),
            width: 1.5,
          })),
          {
            kind: 'scatter' as const,
            name: 'anomaly',
            color: PALETTE.effect,
            size: 9,
            data: series.flatMap((s) =>
              s.points
                .filter((p) => p.flag && p.value !== null)
                .map((p) => [time(p.t), p.value as number] as const),
            ),
          },
        ],
      },
    ],
  };
  return [
    chartView({ spec }, 300),
    anomalies.length === 0
      ? state.empty('No anomaly in this range.')
      : h(
          'ol',
          { class: 'timeline', 'data-testid': 'anomaly-list' },
          anomalies.map((a) =>
            h(
              'li',
              { 'data-testid': 'anomaly', 'data-t': a.t },
              h('time', {}, a.t),
              ' ',
              h('strong', {}, a.metric ?? ''),
              a.value === undefined ? '' : ` = ${formatNumber(a.value)}`,
              h(
                'p',
                { class: 'cause', 'data-testid': 'cause' },
                sentenceOf(a) ?? 'No root cause was found for this anomaly.',
              ),
            ),
          ),
        ),
  ];
}

function sentenceOf(a: Anomaly): string | undefined {
  for (const x of [a.sentence, a.explanation, a.rootCause]) {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object') return x.sentence ?? x.summary;
  }
  return undefined;
}
