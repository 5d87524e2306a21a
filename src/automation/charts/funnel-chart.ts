import type { ChartSpec } from './spec.ts';
import { PALETTE } from './theme.ts';

export interface FunnelChartInput {
  title: string;
  subtitle?: string;
  /**
   * The steps in order; the shape of the funnel insight's `steps` (`label` when the step has one,
   * else `event`; `count` the users who reached it), so its result can be passed as is.
   */
  steps: ReadonlyArray<{ event: string; label?: string | undefined; count: number }>;
}

const THOUSANDS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Returns a funnel as horizontal bars, first step at the top, each labelled with its users and the
 * share of the first step that reached it (`4,100 · 41.0%`), and from step 3 on the conversion from
 * the previous step (`· 58.6% of previous`), the two rates a reader asks of a funnel. A step label that
 * repeats gets its position appended, since the category axis needs distinct names.
 */
export function funnelChart(input: FunnelChartInput): ChartSpec {
  const seen = new Set<string>();
  const names = input.steps.map((s, i) => {
    const base = s.label ?? s.event;
    const name = seen.has(base) ? `${base} (${i + 1})` : base;
    seen.add(name);
    return name;
  });
  const entered = input.steps[0]?.count ?? 0;
  const labels = input.steps.map((s, i) => {
    const parts = [THOUSANDS.format(s.count)];
    if (i > 0) {
      parts.push(entered > 0 ? `${((100 * s.count) / entered).toFixed(1)}%` : '–');
      const previous = input.steps[i - 1]!.count;
      // At step 2 the previous step is the first: the two rates are the same number.
      if (i > 1 && previous > 0) parts.push(`${((100 * s.count) / previous).toFixed(1)}% of previous`);
    }
    return parts.join(' · ');
  });
  return {
    title: input.title,
    ...(input.subtitle === undefined ? {} : { subtitle: input.subtitle }),
    x: { kind: 'category', categories: names },
    horizontal: true,
    legend: false,
    panels: [
      {
        y: { label: 'Users', includeZero: true },
        series: [
          {
            kind: 'bar',
            name: 'Users',
            color: PALETTE.forecast,
            data: input.steps.map((s, i) => [names[i]!, s.count]),
            labels,
          },
        ],
      },
    ],
  };
}
