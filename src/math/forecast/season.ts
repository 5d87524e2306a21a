/**
 * The seasonal periods a series of a given step most likely has, when the user names none: the day and
 * the week for sub-daily data (24 and 168 for hourly, as MSTL and Prophet use them), the week (and the
 * year, given three of them) for daily data, 52 for weekly, 12 for monthly, 4 for quarterly. Only
 * periods the history covers at least twice are kept: a season seen once cannot be estimated.
 */
import type { GridStep } from './regularize.ts';

const US_PER_MINUTE = 60_000_000;
const US_PER_DAY = 1440 * US_PER_MINUTE;
const US_PER_WEEK = 7 * US_PER_DAY;

export function inferSeasonPeriods(step: GridStep, length: number): number[] {
  const candidates: number[] = [];
  if (step.kind === 'months') {
    if (step.months === 1) candidates.push(12);
    else if (step.months === 3) candidates.push(4);
  } else if (step.us < US_PER_DAY) {
    if (US_PER_DAY % step.us === 0) candidates.push(US_PER_DAY / step.us);
    if (US_PER_WEEK % step.us === 0) candidates.push(US_PER_WEEK / step.us);
  } else if (step.us === US_PER_DAY) {
    candidates.push(7);
    if (length >= 3 * 365) candidates.push(365);
  } else if (step.us === US_PER_WEEK) {
    candidates.push(52);
  }
  return candidates.filter((m) => m >= 2 && length >= 2 * m);
}
