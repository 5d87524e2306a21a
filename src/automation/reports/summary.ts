/**
 * The executive summary: what the other blocks found, ranked by importance and written as plain
 * sentences with their numbers, uncertainty and sample size. Pure and deterministic: the same findings
 * give the same sentences in the same order (ties are broken by topic, then text).
 *
 * Importance, in [0, 1]:
 * - an anomaly of the period (0.9, 0.95 with a root cause): something broke or spiked, and someone
 *   should look today;
 * - a significant movement: 0.45 + 0.05·z, at most 0.85, +0.05 when it is bad news, where z is the
 *   change over its noise (the usual range's or the interval's half-width / 1.96), so a change twice as
 *   far beyond the noise ranks above one just beyond it;
 * - an experiment: 0.8 when it can be acted on (ship, invalid), 0.6 for do not ship, 0.4 keep running;
 * - a forecast: 0.7 when its 95% interval on the horizon's last day lies wholly on the bad side of the
 *   last observed value on the same weekday (so a weekly cycle is not read as a trend), 0.55 for the 80%
 *   interval, else 0.2 (a plain outlook);
 * - no significant movement at all: one sentence saying so (0.3), since silence would read as "no data".
 */
import type { Change, MetricValue, SummarySentence, Tone } from './document.ts';
import {
  formatAbsoluteChange,
  formatCount,
  formatRelativeChange,
  formatRelativeInterval,
  formatValue,
  formatValueInterval,
} from './format.ts';
import type { PeriodUnit } from './period.ts';

export interface MovementFinding {
  readonly kind: 'movement';
  readonly metric: MetricValue;
  readonly unit: PeriodUnit;
}

export interface AnomalyFinding {
  readonly kind: 'anomaly';
  readonly label: string;
  /** `06:00–09:00 on Sunday 27 September` (local, as the report's period is). */
  readonly when: string;
  readonly direction: 'up' | 'down';
  /** The most extreme value of the episode and what was expected then, written in the metric's format. */
  readonly value: string;
  readonly expected: string;
  /** The root-cause sentence, when one could be computed. */
  readonly cause?: string;
}

export interface ExperimentFinding {
  readonly kind: 'experiment';
  readonly experiment: string;
  readonly decision: 'ship' | 'do not ship' | 'keep running' | 'invalid';
  readonly variant: string | null;
  /** The primary metric's label and relative effect of the (best) treatment. */
  readonly metricLabel: string;
  readonly lift: number | null;
  readonly interval: readonly [number, number] | null;
  readonly users: number;
  /** The first reason of the recommendation (used for invalid and keep running). */
  readonly reason?: string;
  readonly daysNeeded?: number | null;
}

export interface ForecastFinding {
  readonly kind: 'forecast';
  readonly label: string;
  readonly format: MetricValue['format'];
  readonly polarity: MetricValue['polarity'];
  /** The last observed value on the same weekday as `date` (weekly seasonality cancels), and its day. */
  readonly baseline: number;
  readonly baselineDate: string;
  /** The last forecast day and its mean and intervals. */
  readonly date: string;
  readonly mean: number;
  readonly interval80: readonly [number, number];
  readonly interval95: readonly [number, number];
}

export type Finding = MovementFinding | AnomalyFinding | ExperimentFinding | ForecastFinding;

const TOPIC_ORDER = { anomaly: 0, movement: 1, experiment: 2, forecast: 3, data: 4 } as const;

/** The summary's sentences, most important first, at most `max`. */
export function summarize(findings: readonly Finding[], max: number): SummarySentence[] {
  const sentences: SummarySentence[] = [];
  let movements = 0;
  let judged = 0;
  let unit: PeriodUnit = 'day';
  for (const finding of findings) {
    if (finding.kind === 'movement') {
      unit = finding.unit;
      const m = movementSentence(finding);
      if (m.judged) judged++;
      if (m.sentence) {
        sentences.push(m.sentence);
        movements++;
      }
    } else if (finding.kind === 'anomaly') sentences.push(anomalySentence(finding));
    else if (finding.kind === 'experiment') sentences.push(experimentSentence(finding));
    else sentences.push(forecastSentence(finding));
  }
  if (movements === 0 && judged > 0)
    sentences.push({
      text: `No metric moved beyond its usual range ${unit === 'day' ? 'day over day' : 'week over week'}.`,
      importance: 0.3,
      topic: 'data',
      tone: 'neutral',
    });
  return sentences
    .sort(
      (a, b) =>
        b.importance - a.importance ||
        TOPIC_ORDER[a.topic] - TOPIC_ORDER[b.topic] ||
        (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    )
    .slice(0, max);
}

/** Good or bad by the metric's polarity and the direction of the change. */
function toneOf(polarity: MetricValue['polarity'], direction: number): Tone {
  if (polarity === 'neutral' || direction === 0) return 'neutral';
  return direction > 0 === (polarity === 'up') ? 'good' : 'bad';
}

/** How far a change is beyond its noise, in standard errors. */
function strength(change: Change): number {
  if (change.relative === null) return 0;
  const half = change.interval
    ? (change.interval[1] - change.interval[0]) / 2
    : change.usualRange !== undefined
      ? change.usualRange
      : 0;
  return half > 0 ? Math.abs(change.relative) / (half / 1.959963984540054) : 0;
}

const COMPARISONS = {
  day: { previousPeriod: 'day over day', previousWeek: 'week over week' },
  week: { previousPeriod: 'week over week', previousWeek: 'against the week before' },
} as const;

/**
 * The sentence of a metric's most telling significant change (the one furthest beyond its noise), or
 * none. `judged` says whether any of its changes had a verdict at all.
 */
function movementSentence(finding: MovementFinding): { sentence?: SummarySentence; judged: boolean } {
  const m = finding.metric;
  const candidates = (['previousPeriod', 'previousWeek'] as const)
    .map((key) => ({ key, change: m[key] }))
    .filter((c): c is { key: 'previousPeriod' | 'previousWeek'; change: Change } => c.change !== undefined);
  const judged = candidates.some((c) => c.change.significant !== undefined);
  const significant = candidates
    .filter((c) => c.change.significant && c.change.relative !== null)
    .sort((a, b) => strength(b.change) - strength(a.change));
  const best = significant[0];
  if (!best || m.value === null) return { judged };
  const { change } = best;
  const relative = change.relative!;
  const verb = relative > 0 ? 'rose' : 'fell';
  const comparison = COMPARISONS[finding.unit][best.key];
  const value = formatValue(m.value, m.format);
  const absolute = formatAbsoluteChange(change.absolute, m.format);
  let text: string;
  if (change.interval) {
    const sample = m.n === undefined ? '' : `, ${formatCount(m.n, 'users')}`;
    text = `${m.label} ${verb} ${formatRelativeChange(relative, false)} ${comparison} to ${value} (${absolute}; 95% interval of the change ${formatRelativeInterval(change.interval)}${sample}).`;
  } else {
    const unitNoun = m.unit ? ` ${m.unit}` : '';
    const lag =
      best.key === 'previousWeek' && finding.unit === 'day'
        ? 'week-over-week'
        : `${finding.unit}-to-${finding.unit}`;
    text = `${m.label} ${verb} ${formatRelativeChange(relative, false)} ${comparison} to ${value} (${absolute}${unitNoun}), beyond its usual ±${formatRelativeChange(change.usualRange!, false)} ${lag} range.`;
  }
  const tone = toneOf(m.polarity, relative);
  const importance = Math.min(0.85, 0.45 + 0.05 * strength(change)) + (tone === 'bad' ? 0.05 : 0);
  return { sentence: { text, importance: round(importance), topic: 'movement', tone }, judged };
}

function anomalySentence(a: AnomalyFinding): SummarySentence {
  const side = a.direction === 'down' ? 'fell below' : 'rose above';
  const text = `${a.label} ${side} its expected range ${a.when} (${a.value} against ${a.expected} expected).${a.cause ? ` ${a.cause}` : ''}`;
  return { text, importance: a.cause ? 0.95 : 0.9, topic: 'anomaly', tone: 'bad' };
}

function experimentSentence(e: ExperimentFinding): SummarySentence {
  const users = formatCount(e.users, 'users');
  const effect =
    e.lift === null
      ? `${e.metricLabel}: no estimate yet`
      : `${e.metricLabel} ${formatRelativeChange(e.lift)} against control${e.interval ? ` (95% interval ${formatRelativeInterval(e.interval)}, ${users})` : ` (${users})`}`;
  switch (e.decision) {
    case 'ship':
      return {
        text: `Experiment ${e.experiment}: ship ${e.variant ?? 'the treatment'}; ${effect}.`,
        importance: 0.8,
        topic: 'experiment',
        tone: 'good',
      };
    case 'invalid':
      return {
        text: `Experiment ${e.experiment} is invalid${e.reason ? `: ${stripStop(e.reason)}` : ''}.`,
        importance: 0.8,
        topic: 'experiment',
        tone: 'warning',
      };
    case 'do not ship':
      return {
        text: `Experiment ${e.experiment}: do not ship; ${effect}.`,
        importance: 0.6,
        topic: 'experiment',
        tone: 'neutral',
      };
    case 'keep running': {
      const days =
        e.daysNeeded !== null && e.daysNeeded !== undefined
          ? ` (about ${formatCount(Math.ceil(e.daysNeeded), 'days')} more)`
          : '';
      return {
        text: `Experiment ${e.experiment}: keep running${days}; ${effect}.`,
        importance: 0.4,
        topic: 'experiment',
        tone: 'neutral',
      };
    }
  }
}

function forecastSentence(f: ForecastFinding): SummarySentence {
  const relative = f.baseline === 0 ? null : f.mean / f.baseline - 1;
  const direction = relative === null ? 0 : Math.sign(relative);
  const move =
    relative === null || Math.abs(relative) < 0.005
      ? 'to stay near'
      : `to ${relative > 0 ? 'rise' : 'fall'} ${formatRelativeChange(relative, false)} to`;
  const text = `${f.label} is forecast ${move} ${formatValue(f.mean, f.format)} on ${f.date} (95% interval ${formatValueInterval(f.interval95, f.format)}), against ${formatValue(f.baseline, f.format)} on ${f.baselineDate}.`;
  const bad = (bound: readonly [number, number]) =>
    f.polarity === 'up' ? bound[1] < f.baseline : f.polarity === 'down' ? bound[0] > f.baseline : false;
  if (bad(f.interval95)) return { text, importance: 0.7, topic: 'forecast', tone: 'warning' };
  if (bad(f.interval80)) return { text, importance: 0.55, topic: 'forecast', tone: 'warning' };
  return { text, importance: 0.2, topic: 'forecast', tone: toneOf(f.polarity, direction) };
}

function stripStop(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

/** Importance to 3 decimals, so sentences compare equal when their inputs do. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
