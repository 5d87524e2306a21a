import { describe, expect, it } from 'vitest';
import { isSightlineError } from '../../errors/index.ts';
import { toEchartsOption, unitTemplate } from './echarts-option.ts';
import type { ChartSpec } from './spec.ts';

const SIZE = { width: 900, height: 400 };

const twoPanels: ChartSpec = {
  title: 'Signups after the launch',
  x: { kind: 'time' },
  panels: [
    {
      y: { label: 'Signups' },
      series: [
        {
          kind: 'band',
          name: '95% interval',
          data: [
            ['2024-03-01', -2, 3],
            ['2024-03-02', 1, 5],
          ],
        },
        {
          kind: 'line',
          name: 'Observed',
          data: [
            ['2024-02-28T12:00', 1],
            ['2024-03-02', 4],
          ],
        },
      ],
      markers: [{ x: '2024-03-01', label: 'launch' }],
    },
    {
      y: { label: 'Effect', unit: '%' },
      weight: 0.5,
      series: [
        {
          kind: 'bar',
          name: 'Effect',
          data: [
            ['2024-03-01', 2],
            ['2024-03-05', -1],
          ],
        },
        { kind: 'line', name: 'Observed', data: [['2024-03-01', 0]], hideInLegend: true },
      ],
    },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: the option is inspected as the plain JSON it is.
const option = toEchartsOption(twoPanels, SIZE) as any;

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isSightlineError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('toEchartsOption', () => {
  it('is plain JSON, so the API can send the same option to the browser', () => {
    expect(JSON.parse(JSON.stringify(option))).toEqual(option);
  });

  it('turns off animation and labels times in UTC, so images do not depend on the clock or time zone', () => {
    expect(option.animation).toBe(false);
    expect(option.useUTC).toBe(true);
  });

  it('reads times without a zone as UTC and dates as UTC midnight', () => {
    const observed = option.series.find((s: { name: string }) => s.name === 'Observed');
    expect(observed.data[0][0]).toBe(Date.UTC(2024, 1, 28, 12));
    expect(observed.data[1][0]).toBe(Date.UTC(2024, 2, 2));
  });

  it('draws a band as a hidden lower line with upper minus lower stacked on it, whatever the signs', () => {
    const band = option.series.filter((s: { name: string }) => s.name === '95% interval');
    expect(band).toHaveLength(2);
    expect(band[0].stack).toBe(band[1].stack);
    expect(band[0].stackStrategy).toBe('all');
    expect(band[0].data.map((d: number[]) => d[1])).toEqual([-2, 1]);
    expect(band[1].data.map((d: number[]) => d[1])).toEqual([5, 4]);
    expect(band[1].areaStyle.opacity).toBe(1);
    expect(band[0].lineStyle.opacity).toBe(0);
  });

  it('gives every panel the same x range, from all series and markers, and x labels only on the last', () => {
    expect(option.xAxis).toHaveLength(2);
    for (const axis of option.xAxis) {
      expect(axis.min).toBe(Date.UTC(2024, 1, 28, 12));
      expect(axis.max).toBe(Date.UTC(2024, 2, 5));
    }
    expect(option.xAxis.map((a: { axisLabel: { show: boolean } }) => a.axisLabel.show)).toEqual([
      false,
      true,
    ]);
  });

  it('stacks the panels top to bottom with one left edge, heights by weight', () => {
    const [upper, lower] = option.grid;
    expect(upper.left).toBe(lower.left);
    expect(lower.top).toBeGreaterThan(upper.top + upper.height);
    expect(upper.height / lower.height).toBeCloseTo(2, 1);
    expect(lower.top + lower.height).toBeLessThan(SIZE.height);
  });

  it('lists each named series once in the legend, lines before bands, bands with a filled square', () => {
    expect(option.legend.show).toBe(true);
    expect(option.legend.data.map((d: { name: string }) => d.name)).toEqual([
      'Observed',
      'Effect',
      '95% interval',
    ]);
    expect(option.legend.data[2].icon).toBe('rect');
  });

  it('puts vertical markers on a series of their own, so hiding a series keeps them', () => {
    const carriers = option.series.filter((s: { markLine?: unknown }) => s.markLine !== undefined);
    expect(carriers).toHaveLength(1);
    expect(carriers[0].data).toEqual([]);
    expect(carriers[0].markLine.data).toEqual([
      { name: 'launch', xAxis: Date.UTC(2024, 2, 1), label: { align: 'left', padding: [0, 4] } },
    ]);
    expect(carriers[0].yAxisIndex).toBe(0);
  });

  it('sets a marker label towards the middle of the plot, so it stays on the canvas near an edge', () => {
    const spec: ChartSpec = {
      title: 't',
      x: { kind: 'value' },
      panels: [
        {
          y: {},
          series: [
            {
              kind: 'line',
              name: 'a',
              data: [
                [0, 1],
                [100, 2],
              ],
            },
          ],
          markers: [
            { x: 5, label: 'early' },
            { x: 95, label: 'late' },
          ],
        },
      ],
    };
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    const marks = (toEchartsOption(spec, SIZE) as any).series[1].markLine.data;
    expect(marks.map((m: { label: { align: string } }) => m.label.align)).toEqual(['left', 'right']);
  });

  it('turns non-finite values into gaps (JSON has no NaN) and drops non-finite scatter points', () => {
    const spec: ChartSpec = {
      title: 't',
      x: { kind: 'value' },
      panels: [
        {
          y: {},
          series: [
            {
              kind: 'band',
              name: 'b',
              data: [
                [1, 0, 2],
                [2, Number.NaN, 3],
              ],
            },
            {
              kind: 'line',
              name: 'l',
              data: [
                [1, Number.POSITIVE_INFINITY],
                [2, 1],
              ],
            },
            {
              kind: 'scatter',
              name: 's',
              data: [
                [1, Number.NaN],
                [2, 1],
              ],
            },
          ],
        },
      ],
    };
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    const [lower, width, line, scatter] = (toEchartsOption(spec, SIZE) as any).series;
    expect(lower.data).toEqual([
      [1, 0],
      [2, null],
    ]);
    expect(width.data).toEqual([
      [1, 2],
      [2, null],
    ]);
    expect(line.data).toEqual([
      [1, null],
      [2, 1],
    ]);
    expect(scatter.data).toEqual([[2, 1]]);
  });

  it('writes the unit on tick labels: a prefix currency, a glued percent, a spaced suffix', () => {
    expect(unitTemplate({})).toBe('{value}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ECharts' label template, not a JS template.
    expect(unitTemplate({ unit: '$', unitPosition: 'prefix' })).toBe('${value}');
    expect(unitTemplate({ unit: '%' })).toBe('{value}%');
    expect(unitTemplate({ unit: 'ms' })).toBe('{value} ms');
    expect(option.yAxis[1].axisLabel.formatter).toBe('{value}%');
  });

  it('starts the y axis at zero only when asked', () => {
    expect(option.yAxis[0].scale).toBe(true);
    const spec: ChartSpec = {
      ...twoPanels,
      panels: [{ ...twoPanels.panels[0]!, y: { includeZero: true } }],
    };
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    expect((toEchartsOption(spec, SIZE) as any).yAxis[0].scale).toBe(false);
  });

  it('keeps categories in the order given', () => {
    const spec: ChartSpec = {
      title: 'By country',
      x: { kind: 'category', categories: ['DE', 'US', 'FR'] },
      panels: [
        {
          y: {},
          series: [
            {
              kind: 'bar',
              name: 'Users',
              data: [
                ['US', 3],
                ['DE', 1],
              ],
            },
          ],
        },
      ],
    };
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    const categorical = toEchartsOption(spec, SIZE) as any;
    expect(categorical.xAxis[0].data).toEqual(['DE', 'US', 'FR']);
    expect(categorical.legend.show).toBe(false);
  });

  it('rejects a chart with no panel, an unparseable time, a non-number on a value axis, an unknown category', () => {
    expectCode(() => toEchartsOption({ ...twoPanels, panels: [] }, SIZE), 'SL_CHART_SPEC_INVALID');
    const withX = (x: ChartSpec['x'], value: string | number): ChartSpec => ({
      title: 't',
      x,
      panels: [{ y: {}, series: [{ kind: 'line', name: 'a', data: [[value, 1]] }] }],
    });
    expectCode(() => toEchartsOption(withX({ kind: 'time' }, 'yesterday'), SIZE), 'SL_CHART_SPEC_INVALID');
    expectCode(() => toEchartsOption(withX({ kind: 'value' }, '3'), SIZE), 'SL_CHART_SPEC_INVALID');
    expectCode(
      () => toEchartsOption(withX({ kind: 'category', categories: ['a'] }, 'b'), SIZE),
      'SL_CHART_SPEC_INVALID',
    );
  });

  it('moves the plot down for each row a long legend wraps into', () => {
    const withSeries = (count: number): ChartSpec => ({
      title: 't',
      x: { kind: 'value' },
      panels: [
        {
          y: {},
          series: Array.from({ length: count }, (_, i) => ({
            kind: 'line' as const,
            name: `Acquisition source number ${i}`,
            data: [[0, i] as [number, number]],
          })),
        },
      ],
    });
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    const top = (count: number) => (toEchartsOption(withSeries(count), SIZE) as any).grid[0].top as number;
    // About 245 px per entry: three fit in a 868 px row.
    expect(top(3)).toBe(top(2));
    expect(top(4) - top(3)).toBe(22);
    expect(top(9) - top(3)).toBe(44);
  });

  it('ends an over-long title in an ellipsis within the canvas', () => {
    expect(option.title.textStyle).toMatchObject({ width: SIZE.width - 32, overflow: 'truncate' });
  });

  it('widens the left margin for long tick labels', () => {
    const withValues = (high: number, unit?: string): ChartSpec => ({
      title: 't',
      x: { kind: 'value' },
      panels: [
        {
          y: unit ? { unit } : {},
          series: [
            {
              kind: 'line',
              name: 'a',
              data: [
                [0, 0],
                [1, high],
              ],
            },
          ],
        },
      ],
    });
    // biome-ignore lint/suspicious/noExplicitAny: inspected as JSON.
    const left = (spec: ChartSpec) => (toEchartsOption(spec, SIZE) as any).grid[0].left as number;
    expect(left(withValues(1_000_000))).toBeGreaterThan(left(withValues(10)));
    expect(left(withValues(10, 'users'))).toBeGreaterThan(left(withValues(10)));
  });
});
