/**
 * The one sentence of a root-cause explanation, for a person who will act on it: how far the metric is from
 * what was expected, and which segment explains it, or that the change is spread across segments (which
 * points at something that touches everyone: logging, a global outage, a holiday). Numbers are written as
 * the CLI writes them (`4,120`, whole percentages, a minus sign).
 */
import type { Measure } from './root-cause-measure.ts';

interface Explained {
  readonly label: string;
  readonly interval: '15m' | 'hour' | 'day';
  readonly at: string;
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relativeChange: number | null;
  readonly cause: SentenceSegment | null;
  readonly segments: readonly SentenceSegment[];
  /** The segment explained within (`os=Android`), '' for the whole metric. */
  readonly scope: string;
  /** How many dimension sets were scored. */
  readonly considered: number;
}

interface SentenceSegment {
  readonly segment: string;
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relativeChange: number | null;
  readonly share: number;
  readonly expectedShare: number;
}

const MINUS = '\u2212';

/** Thousands separators as `formatCount` in the CLI; a minus sign rather than a hyphen. */
export function formatNumber(x: number, digits = 0): string {
  const text = Math.abs(x).toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
  return x < 0 && text !== '0' ? `${MINUS}${text}` : text;
}

/** A share or relative change as a whole percentage (one decimal under 1%). */
export function formatPercent(fraction: number): string {
  const p = Math.abs(fraction) * 100;
  return `${p > 0 && p < 1 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Three significant digits, for ratios and averages. */
function significant(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function when(interval: Explained['interval'], at: string): string {
  return interval === 'day' ? `on ${at.slice(0, 10)}` : `at ${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/**
 * "Daily active users fell 14% (−66 users) below expected on 2026-10-26; os=Android, app_version=5.2
 * explains 100% of the drop (the segment fell 21% against 0% for the rest)." Returns the sentence for a
 * result. Within a segment the scope is named ("Daily active users for os=Android fell …; app_version=5.2
 * explains …"), and a change no narrower segment explains is said to be the segment's own: it moved as a
 * whole, which is itself the finding (the alert's group is as narrow as the data goes).
 */
export function explainSentence(result: Explained, measure: Measure, bestShare: number): string {
  const additive = measure.denominator === undefined;
  const scoped = result.scope !== '';
  const label = `${result.label}${scoped ? ` for ${result.scope}` : ''}`;
  if (result.change === 0)
    return `${label} was as expected ${when(result.interval, result.at)} (${additive ? formatNumber(result.actual) : significant(result.actual)}).`;
  const up = result.change > 0;
  const size = result.relativeChange === null ? '' : ` ${formatPercent(result.relativeChange)}`;
  const amount = additive
    ? `${up ? '+' : ''}${formatNumber(result.change)}${measure.unit ? ` ${measure.unit}` : ''}`
    : `${significant(result.actual)} against ${significant(result.expected)} expected`;
  const head = `${label} ${up ? 'rose' : 'fell'}${size} (${amount}) ${up ? 'above' : 'below'} expected ${when(result.interval, result.at)}`;
  const what = up ? 'rise' : 'drop';

  const cause = result.cause;
  if (cause) {
    let tail = '';
    if (additive && cause.relativeChange !== null) {
      const restExpected = result.expected - cause.expected;
      const restChange = result.change - cause.change;
      const rest =
        restExpected > 0
          ? ` against ${signed(restChange / restExpected)} for the rest${scoped ? ` of ${result.scope}` : ''}`
          : '';
      tail = ` (the segment ${cause.change >= 0 ? 'rose' : 'fell'} ${formatPercent(cause.relativeChange)}${rest})`;
    } else if (additive && cause.expected === 0) {
      tail = ' (a segment with nothing expected)';
    }
    return `${head}; ${cause.segment} explains ${formatPercent(cause.share)} of the ${what}${tail}.`;
  }
  const top = result.segments[0];
  // "Close to" only when it is: a share well above the segment's size that still falls short of a cause
  // (the rest moved too) is set against its size instead.
  const against = (s: SentenceSegment): string =>
    `${Math.abs(s.share - s.expectedShare) <= 0.1 ? 'close to' : 'against'} its ${formatPercent(s.expectedShare)} share of the expected`;
  if (scoped) {
    if (result.considered === 0) return `${head}; no other dimension splits ${result.scope}.`;
    if (top)
      return `${head}; no narrower segment stands out: the largest, ${top.segment}, carries ${formatPercent(top.share)} of the ${what}, ${against(top)}, so ${result.scope} moved as a whole.`;
    return `${head}; no narrower segment explains more than ${formatPercent(Math.max(0, bestShare))} of it, so ${result.scope} moved as a whole.`;
  }
  if (top)
    return `${head}; no segment stands out: the largest, ${top.segment}, carries ${formatPercent(top.share)} of the ${what}, ${against(top)}, so the change is spread across segments.`;
  return `${head}; no segment explains more than ${formatPercent(Math.max(0, bestShare))} of it.`;
}

function signed(fraction: number): string {
  if (Math.abs(fraction) < 0.005) return '0%';
  return `${fraction > 0 ? '+' : MINUS}${formatPercent(fraction)}`;
}
