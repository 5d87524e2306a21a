/**
 * An alert notification as a `ReportDocument` of kind `alert`, which every channel renders like a
 * report. Firing (and repeat): the value against what was expected and the band, how long the breach has
 * held, the chart, and the root-cause sentence. Resolved: when it ended, how long it lasted, its peak.
 * Several alerts of one rule with one status (grouped) are one document, a section per group. The title
 * does not say the status: renderers show `alert.status` their own way (an emoji, FIRING / RESOLVED).
 */
import type { AlertRule } from '../../analytics/anomalies/alert-rules.ts';
import { formatMs } from '../../analytics/anomalies/rule-state.ts';
import type { ReportBlock, ReportDocument } from '../reports/document.ts';
import { alertChart, chartWindow, type SeriesPoint } from './alert-chart.ts';
import type { ActiveAlert, AlertPoint, ResolvedAlert } from './alert-state.ts';
import type { NoticeStatus } from './plan-notifications.ts';

export interface AlertDocumentInput {
  readonly project: string;
  readonly rule: Pick<AlertRule, 'name' | 'metric' | 'interval' | 'intervalMs' | 'direction' | 'groupBy'>;
  readonly metricLabel: string;
  readonly status: NoticeStatus;
  readonly alerts: readonly (ActiveAlert | ResolvedAlert)[];
  /** The run's scheduled time. */
  readonly at: number;
  /** Each group's evaluated series (any span; the chart cuts its window). */
  readonly series: ReadonlyMap<string, readonly SeriesPoint[]>;
  /** The root-cause paragraph per alert fingerprint (firing and repeat only). */
  readonly rootCause: ReadonlyMap<string, string>;
  readonly publicUrl?: string;
}

/** The notification document (see the module comment); the same input gives the same document. */
export function alertDocument(input: AlertDocumentInput): ReportDocument {
  const { rule, status, alerts, at } = input;
  const side = sideOf(rule.direction, alerts[0]?.fired);
  const groups = alerts.map((a) => a.group).filter((g) => g !== '');
  const about = groups.length > 0 ? `: ${groups.join('; ')}` : '';
  const title =
    status === 'resolved'
      ? `${input.metricLabel} back within expected${about}`
      : `${input.metricLabel} ${side} expected${about}`;
  const blocks: ReportBlock[] = [];
  for (const alert of alerts) {
    if (alerts.length > 1) blocks.push({ kind: 'heading', text: alert.group });
    blocks.push(...alertBlocks(input, alert));
  }
  const first = Math.min(...alerts.map((a) => a.startsAt));
  return {
    kind: 'alert',
    name: rule.name,
    title,
    subtitle: `Alert rule ${rule.name}, evaluated ${rule.interval === 'day' ? 'daily' : `every ${rule.interval === 'hour' ? 'hour' : '15 minutes'}`}, at ${clock(at)}`,
    project: input.project,
    period: { from: day(first), to: day(at - 1), timezone: 'UTC' },
    generatedAt: iso(at),
    blocks,
    alert: {
      rule: rule.name,
      status,
      alerts: alerts.map((a) => ({
        rule: rule.name,
        group: a.group,
        status: 'endsAt' in a ? ('resolved' as const) : ('firing' as const),
        startsAt: iso(a.startsAt),
        ...('endsAt' in a ? { endsAt: iso(a.endsAt) } : {}),
        fingerprint: a.fingerprint,
      })),
    },
    ...(input.publicUrl ? { url: input.publicUrl } : {}),
  };
}

function alertBlocks(input: AlertDocumentInput, alert: ActiveAlert | ResolvedAlert): ReportBlock[] {
  const { rule, at, metricLabel } = input;
  const step = rule.intervalMs;
  const blocks: ReportBlock[] = [];
  if ('endsAt' in alert) {
    const peak = alert.peak;
    blocks.push({
      kind: 'paragraph',
      tone: 'good',
      text:
        `${metricLabel} is back within the expected band: ${measured(alert.latest, step)}. ` +
        `The alert lasted ${formatMs(alert.endsAt - alert.startsAt)}, from ${clock(alert.startsAt)} to ${clock(alert.endsAt)}; ` +
        `at its peak, ${measured(peak, step)}.`,
    });
  } else {
    const point = input.status === 'repeat' ? alert.latest : alert.fired;
    const since =
      `${sideOf(rule.direction, alert.fired)} expected since ${clock(alert.startsAt)} ` +
      `(${formatMs(at - alert.startsAt)}), firing since ${clock(alert.firedAt + step)}`;
    blocks.push({ kind: 'paragraph', tone: 'bad', text: `${capitalise(measured(point, step))}.` });
    blocks.push({ kind: 'paragraph', text: `${capitalise(since)}.` });
  }
  const series = input.series.get(alert.group) ?? [];
  const window = chartWindow(alert, at, step);
  const points = series.filter((p) => p.t >= window.from && p.t + step <= window.to);
  const breaches = points.filter((p) => p.breach).length;
  const unit = rule.interval === 'day' ? 'day' : rule.interval === 'hour' ? 'hour' : '15 minutes';
  blocks.push({
    kind: 'chart',
    title: `${metricLabel}${alert.group ? `, ${alert.group}` : ''}`,
    chart: alertChart(alert, points, {
      title: `${metricLabel}${alert.group ? ` (${alert.group})` : ''} against the expected band`,
      metricLabel,
    }),
    alt:
      `${metricLabel}${alert.group ? ` for ${alert.group}` : ''} per ${unit} over ${points.length} ${unit === '15 minutes' ? 'quarter hours' : `${unit}s`} ` +
      `to ${clock(at)}, with the expected value and band; ${breaches} breaching ${breaches === 1 ? 'point' : 'points'} marked.`,
  });
  const cause = input.rootCause.get(alert.fingerprint);
  if (cause !== undefined) blocks.push({ kind: 'paragraph', text: cause });
  return blocks;
}

/** `was 180 in the hour from 08:00 UTC on 2026-09-19 against 420 expected (band 390–450), 57% below` */
function measured(p: AlertPoint, stepMs: number): string {
  const band =
    p.lower !== undefined && p.upper !== undefined ? ` (band ${num(p.lower)}–${num(p.upper)})` : '';
  const expected = Number.isFinite(p.expected) ? ` against ${num(p.expected)} expected${band}` : '';
  const relative =
    Number.isFinite(p.expected) && p.expected !== 0
      ? `, ${Math.abs(Math.round(((p.value - p.expected) / p.expected) * 100))}% ${p.value < p.expected ? 'below' : 'above'}`
      : '';
  return `the value was ${num(p.value)} ${bucket(p.t, stepMs)}${expected}${relative}`;
}

function sideOf(direction: AlertRule['direction'], p: AlertPoint | undefined): 'below' | 'above' {
  if (direction === 'down') return 'below';
  if (direction === 'up') return 'above';
  return p && p.value < p.expected ? 'below' : 'above';
}

/** `in the hour from 08:00 UTC on 2026-09-19`, `on 2026-09-19`, `in the 15 minutes from …`. */
function bucket(t: number, stepMs: number): string {
  if (stepMs >= 86_400_000) return `on ${day(t)}`;
  return `in the ${stepMs === 3_600_000 ? 'hour' : `${stepMs / 60_000} minutes`} from ${clock(t)}`;
}

/** Counts with thousands separators; smaller or fractional values to three significant digits. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return 'no value';
  if (Math.abs(x) >= 100 || Number.isInteger(x)) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
/** `08:00 UTC on 2026-09-19` */
const clock = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC on ${day(t)}`;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
