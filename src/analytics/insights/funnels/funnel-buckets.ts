import { SightlineError } from '../../../errors/index.ts';
import { addDays } from '../date-range.ts';
import type { FUNNEL_INTERVALS } from './funnel-spec.ts';

export type FunnelInterval = (typeof FUNNEL_INTERVALS)[number];

/** More buckets than this is a mistake (ten years of days), not a chart. */
export const MAX_BUCKETS = 3700;

/**
 * The labels of the buckets that cover `from` … `to` (inclusive local dates), in order: each bucket's
 * first day, so a week or month that starts before `from` has its own first day as label. Weeks start on
 * Monday.
 */
export function bucketLabels(interval: FunnelInterval, from: string, to: string): string[] {
  const labels: string[] = [];
  for (let t = bucketStart(interval, from); t <= to; t = nextBucket(interval, t)) {
    labels.push(t);
    if (labels.length > MAX_BUCKETS)
      throw new SightlineError(
        'SL_INSIGHT_TOO_LARGE',
        `funnel: more than ${MAX_BUCKETS} ${interval} buckets from ${from} to ${to}`,
        { hint: 'use a coarser --interval or a shorter range' },
      );
  }
  return labels;
}

/** The first day of the day, week (Monday) or month that contains `date`. */
export function bucketStart(interval: FunnelInterval, date: string): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 8)}01`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

function nextBucket(interval: FunnelInterval, start: string): string {
  if (interval === 'day') return addDays(start, 1);
  if (interval === 'week') return addDays(start, 7);
  const year = Number(start.slice(0, 4));
  const month = Number(start.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}
