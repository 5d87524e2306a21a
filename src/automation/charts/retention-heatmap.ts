import type { ChartSpec } from './spec.ts';

export interface RetentionHeatmapInput {
  title: string;
  subtitle?: string;
  /**
   * One row per cohort, top down; the shape of the retention insight's `cohorts` (`retained[0]` is the
   * cohort's size, `retained[k]` the users back in period k), so its result can be passed as is.
   */
  cohorts: ReadonlyArray<{ cohort: string; size: number; retained: readonly number[] }>;
  /** The period unit in the column headings (`Day 1`, `Week 1`); default `Day`. */
  periodName?: string;
  /** Leave out period 0 (always 100%) so the columns that vary get the room; default true. */
  skipPeriodZero?: boolean;
}

const THOUSANDS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Returns the retention table as a heatmap: cohorts down (labelled with their size), periods across,
 * each cell the percentage of the cohort back in that period, to one decimal, shaded from 0% to the
 * highest rate shown. Periods a cohort has not reached yet are blank, which gives the familiar
 * triangle; an empty cohort's row is blank too (no rate to show).
 */
export function retentionHeatmap(input: RetentionHeatmapInput): ChartSpec {
  const first = input.skipPeriodZero === false ? 0 : 1;
  const periods = Math.max(first, ...input.cohorts.map((c) => c.retained.length - 1));
  const name = input.periodName ?? 'Day';
  const columns = Array.from({ length: periods - first + 1 }, (_, i) => `${name} ${first + i}`);
  const rows = input.cohorts.map((c) => `${c.cohort} (${THOUSANDS.format(c.size)})`);
  const data: [string, string, number | null, string][] = [];
  let highest = 0;
  input.cohorts.forEach((c, r) => {
    for (let k = first; k < c.retained.length; k++) {
      if (!(c.size > 0)) continue;
      const percent = (100 * c.retained[k]!) / c.size;
      highest = Math.max(highest, percent);
      data.push([columns[k - first]!, rows[r]!, percent, `${percent.toFixed(1)}%`]);
    }
  });
  return {
    title: input.title,
    ...(input.subtitle === undefined ? {} : { subtitle: input.subtitle }),
    x: { kind: 'category', categories: columns },
    legend: false,
    panels: [
      {
        y: { label: 'Cohort (users)', categories: rows },
        series: [{ kind: 'heatmap', name: 'Retained', data, min: 0, max: highest > 0 ? highest : 1 }],
      },
    ],
  };
}
