import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { api } from '../api.ts';
import { chartView } from '../charts/chart-view.ts';
import { h, loadInto, state, submitForm } from '../dom.ts';
import { formatNumber } from '../format.ts';

/** One entry of `GET /anomalies`: an alert rule starting to fire (or the stand-in detection of DAU). */
interface TimelineAnomaly {
  rule: string | null;
  metric: string;
  interval: string;
  group: string | null;
  t: string;
  value: number | null;
  expected: number | null;
  score: number;
  reason: string;
  explanation: string | null;
  explanationError: string | null;
}
interface Timeline {
  from: string | null;
  to: string | null;
  rules: string[];
  anomalies: TimelineAnomaly[];
}
/** The part of `POST /anomalies/detect` (`sightline detect --json`) the chart reads. */
interface Detection {
  series: { metric?: string; points: { t: string; value: number | null; flag: boolean }[] }[];
}

/**
 * The anomaly timeline: each time an alert rule started firing over the last days, newest first, with
 * the value against the expected one and the root-cause sentence of `sightline explain`; above it, the
 * metric of the latest anomaly over the same days with every anomaly marked.
 */
export function anomaliesPage(): HTMLElement {
  const days = h('input', {
    name: 'days',
    type: 'number',
    min: '1',
    max: '90',
    value: '14',
    'aria-label': 'days',
  });
  const out = h('div', { 'data-testid': 'anomalies-result', 'data-state': 'loading' });
  const run = () =>
    loadInto(out, 'Replaying the alert rules…', async () => {
      const timeline = await api<Timeline>('GET', `/anomalies?days=${encodeURIComponent(days.value)}`);
      return { nodes: await timelineView(timeline), empty: timeline.anomalies.length === 0 };
    });
  const form = submitForm(
    'inline-form',
    () => void run(),
    h('label', {}, 'Last days', days),
    h('button', { type: 'submit', 'data-testid': 'anomalies-run' }, 'Show'),
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

async function timelineView(t: Timeline): Promise<HTMLElement[]> {
  const range = t.from && t.to ? `${t.from} to ${t.to}` : 'no data yet';
  const head = h(
    'p',
    { class: 'muted' },
    t.rules.length > 0
      ? `Alert rules ${t.rules.join(', ')} replayed over ${range}.`
      : `Daily active users, ${range}.`,
  );
  if (t.anomalies.length === 0) return [head, state.empty('No anomaly in this range.')];
  const latest = t.anomalies[0]!;
  const chart = await metricChart(
    latest.metric,
    latest.interval,
    t,
    t.anomalies.filter((a) => a.metric === latest.metric),
  );
  return [
    head,
    ...(chart ? [h('div', { class: 'card' }, chart)] : []),
    h(
      'ol',
      { class: 'timeline', 'data-testid': 'anomaly-list' },
      t.anomalies.map((a) =>
        h(
          'li',
          { 'data-testid': 'anomaly', 'data-t': a.t },
          h('time', { datetime: a.t }, a.t.replace('T', ' ').replace(':00Z', ' UTC')),
          ' ',
          h('strong', {}, a.metric),
          a.group ? ` (${a.group})` : '',
          `: ${formatNumber(a.value)} against ${formatNumber(a.expected === null ? null : Math.round(a.expected))} expected`,
          a.rule ? h('span', { class: 'badge' }, a.rule) : null,
          h(
            'p',
            { class: 'cause', 'data-testid': 'cause' },
            a.explanation ?? `No root cause sentence (${a.explanationError ?? 'none found'}).`,
          ),
        ),
      ),
    ),
  ];
}

/** The metric over the timeline's days with a marker at each anomaly, or null when detection fails. */
async function metricChart(
  metric: string,
  interval: string,
  t: Timeline,
  anomalies: TimelineAnomaly[],
): Promise<HTMLElement | null> {
  if (!t.from || !t.to) return null;
  try {
    const detection = await api<Detection>('POST', '/anomalies/detect', {
      metric,
      interval,
      from: t.from,
      to: t.to,
    });
    const points = detection.series[0]?.points ?? [];
    const time = (x: string) => (x.length === 10 ? `${x}T00:00` : x);
    const spec: ChartSpec = {
      title: '',
      x: { kind: 'time' },
      panels: [
        {
          y: { label: `${metric} per ${interval}`, includeZero: true },
          series: [
            {
              kind: 'line',
              name: metric,
              data: points.map((p) => [time(p.t), p.value] as const),
              width: 1.5,
            },
          ],
          markers: anomalies.map((a) => ({ x: a.t, label: a.group ?? 'anomaly' })),
        },
      ],
      legend: false,
    };
    return chartView({ spec }, 260);
  } catch {
    return null;
  }
}
