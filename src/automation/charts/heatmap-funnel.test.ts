import { describe, expect, it } from 'vitest';
import { retentionCohorts, signupFunnelSteps } from '../../../test/fixtures/charts/samples.ts';
import { isSightlineError } from '../../errors/index.ts';
import { toEchartsOption } from './echarts-option.ts';
import { funnelChart } from './funnel-chart.ts';
import { HEATMAP_RAMP, heatmapCell } from './heatmap-colors.ts';
import { rasterizeSvg } from './render-png.ts';
import { renderSvg } from './render-svg.ts';
import { retentionHeatmap } from './retention-heatmap.ts';
import type { BarSeriesSpec, ChartSpec } from './spec.ts';

const SIZE = { width: 800, height: 360 };
const heatmap = retentionHeatmap({ title: 'Retention', cohorts: retentionCohorts() });
const funnel = funnelChart({ title: 'Signup funnel', steps: signupFunnelSteps() });
// biome-ignore lint/suspicious/noExplicitAny: the option is inspected as the plain JSON it is.
const heatOption = toEchartsOption(heatmap, SIZE) as any;
// biome-ignore lint/suspicious/noExplicitAny: as above.
const funnelOption = toEchartsOption(funnel, SIZE) as any;

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isSightlineError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

function countExact(img: { width: number; rgba: Uint8Array }, hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  let count = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    if (img.rgba[i] === r && img.rgba[i + 1] === g && img.rgba[i + 2] === b) count++;
  }
  return count;
}

describe('heatmap colours', () => {
  it('runs from the light end at min to the dark end at max, text in the colour that contrasts more', () => {
    expect(heatmapCell(0, 0, 50)).toEqual({ fill: HEATMAP_RAMP.low, text: '#0f172a' });
    expect(heatmapCell(50, 0, 50)).toEqual({ fill: HEATMAP_RAMP.high, text: '#ffffff' });
    // Halfway: each channel the rounded mean of the ends (#ef,#f4,#fd and #1e,#40,#af).
    expect(heatmapCell(25, 0, 50).fill).toBe('#879ad6');
    expect(heatmapCell(-5, 0, 50).fill).toBe(HEATMAP_RAMP.low);
    expect(heatmapCell(80, 0, 50).fill).toBe(HEATMAP_RAMP.high);
  });
});

describe('retention heatmap', () => {
  const cells = heatOption.series[0].data;

  it('lists cohorts down with their sizes and periods across from period 1', () => {
    expect(heatOption.yAxis[0].type).toBe('category');
    expect(heatOption.yAxis[0].inverse).toBe(true);
    expect(heatOption.yAxis[0].data[0]).toBe('2026-09-20 (1,000)');
    expect(heatOption.yAxis[0].data[6]).toBe('2026-09-26 (1,822)');
    expect(heatOption.xAxis[0].data).toEqual(['Day 1', 'Day 2', 'Day 3', 'Day 4', 'Day 5', 'Day 6', 'Day 7']);
  });

  it('has one cell per period each cohort has reached (the triangle), each labelled with its percentage', () => {
    expect(cells).toHaveLength(7 + 6 + 5 + 4 + 3 + 2 + 1);
    // Cohort 1,000, period 2: round(1000 · 0.45 · e^−0.18) = 376 users.
    const cell = cells.find(
      (c: { value: unknown[] }) => c.value[0] === 'Day 2' && c.value[1] === '2026-09-20 (1,000)',
    );
    expect(cell.value[2]).toBeCloseTo(37.6, 10);
    expect(cell.label.formatter).toBe('37.6%');
    expect(
      cells.some((c: { value: unknown[] }) => c.value[0] === 'Day 2' && c.value[1] === '2026-09-26 (1,822)'),
    ).toBe(false);
  });

  it('shades the highest rate darkest, with white text, under a hidden visualMap (ECharts requires one)', () => {
    const top = cells.filter((c: { value: unknown[] }) => c.value[0] === 'Day 1');
    expect(new Set(top.map((c: { itemStyle: { color: string } }) => c.itemStyle.color))).toEqual(
      new Set([HEATMAP_RAMP.high]),
    );
    expect(top[0].label.color).toBe('#ffffff');
    expect(heatOption.visualMap).toEqual([
      { type: 'continuous', show: false, seriesIndex: [0], min: 0, max: 1, inRange: { colorAlpha: [1, 1] } },
    ]);
    expect(heatOption.legend.show).toBe(false);
  });

  it('paints the cells in their exact colours in the PNG', () => {
    const image = rasterizeSvg(renderSvg(heatmap, SIZE));
    // Seven Day 1 cells in the darkest shade; the plot is ~650 × 280 px, a cell ~93 × 40.
    const darkest = countExact(image, HEATMAP_RAMP.high);
    expect(darkest).toBeGreaterThan(7 * 80 * 30);
    expect(darkest).toBeLessThan(7 * 95 * 42);
    const day7 = cells.find((c: { value: unknown[] }) => c.value[0] === 'Day 7');
    expect(countExact(image, day7.itemStyle.color)).toBeGreaterThan(80 * 30);
  });

  it('rejects a heatmap without y categories or with a row that is not one of them', () => {
    const noRows: ChartSpec = {
      ...heatmap,
      panels: [{ ...heatmap.panels[0]!, y: { label: 'Cohort' } }],
    };
    expectCode(() => toEchartsOption(noRows, SIZE), 'SL_CHART_SPEC_INVALID');
    const wrongRow: ChartSpec = {
      ...heatmap,
      panels: [{ ...heatmap.panels[0]!, y: { categories: ['2026-09-20 (1,000)'] } }],
    };
    expectCode(() => toEchartsOption(wrongRow, SIZE), 'SL_CHART_SPEC_INVALID');
  });
});

describe('funnel', () => {
  it('puts the steps down the left, first on top, and the users across', () => {
    expect(funnelOption.yAxis[0]).toMatchObject({
      type: 'category',
      inverse: true,
      data: ['app_open', 'Viewed signup', 'signup', 'first_post'],
    });
    expect(funnelOption.xAxis[0]).toMatchObject({ type: 'value', scale: false, name: 'Users' });
    expect(funnelOption.series[0].data.map((d: { value: unknown[] }) => d.value)).toEqual([
      [24000, 'app_open'],
      [11000, 'Viewed signup'],
      [6100, 'signup'],
      [2100, 'first_post'],
    ]);
  });

  it('labels each bar with its users, the share of the first step, and from step 3 the share of the previous', () => {
    expect(
      funnelOption.series[0].data.map((d: { label: { formatter: string } }) => d.label.formatter),
    ).toEqual([
      '24,000',
      '11,000 · 45.8%',
      '6,100 · 25.4% · 55.5% of previous',
      '2,100 · 8.8% · 34.4% of previous',
    ]);
    expect(funnelOption.series[0].data[0].label.position).toBe('right');
  });

  it('leaves room right of the bars for the longest label', () => {
    const plainRight = toEchartsOption({ ...funnel, horizontal: false }, SIZE) as {
      grid: { right: number }[];
    };
    expect(funnelOption.grid[0].right).toBeGreaterThan(plainRight.grid[0]!.right + 150);
  });

  it('draws a label as written, braces and all turned harmless (ECharts reads {x} as a template)', () => {
    const spec = funnelChart({
      title: 'f',
      steps: [
        { event: '{b}', count: 1 },
        { event: 'x', count: 1 },
      ],
    });
    const option = toEchartsOption(
      {
        ...spec,
        panels: [
          {
            ...spec.panels[0]!,
            series: [{ ...(spec.panels[0]!.series[0] as BarSeriesSpec), labels: ['{b} users', null] }],
          },
        ],
      },
      SIZE,
      // biome-ignore lint/suspicious/noExplicitAny: as above.
    ) as any;
    expect(option.series[0].data[0].label.formatter).toBe('(b) users');
    expect(option.series[0].data[1]).toEqual([1, 'x']);
  });

  it('repeats a step name with its position, since the axis needs distinct categories', () => {
    const spec = funnelChart({
      title: 'f',
      steps: [
        { event: 'view', count: 3 },
        { event: 'view', count: 2 },
      ],
    });
    expect(spec.x).toEqual({ kind: 'category', categories: ['view', 'view (2)'] });
  });

  it('paints the bars in the funnel colour in the PNG', () => {
    const image = rasterizeSvg(renderSvg(funnel, SIZE));
    expect(countExact(image, '#2563eb')).toBeGreaterThan(2_000);
  });

  it('rejects a horizontal chart over two panels or a time axis', () => {
    expectCode(
      () => toEchartsOption({ ...funnel, panels: [funnel.panels[0]!, funnel.panels[0]!] }, SIZE),
      'SL_CHART_SPEC_INVALID',
    );
    expectCode(
      () => toEchartsOption({ ...funnel, x: { kind: 'time' }, panels: [{ y: {}, series: [] }] }, SIZE),
      'SL_CHART_SPEC_INVALID',
    );
  });
});
