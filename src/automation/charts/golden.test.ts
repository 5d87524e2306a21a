import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  causalImpactInput,
  dailyForecastInput,
  retentionCohorts,
  signupFunnelSteps,
  stepForecastInput,
} from '../../../test/fixtures/charts/samples.ts';
import { causalImpactChart } from './causal-impact-chart.ts';
import { forecastChart } from './forecast-chart.ts';
import { funnelChart } from './funnel-chart.ts';
import { compareGoldenSvg, GOLDEN_DIR, normalizeSvg } from './golden-svg.ts';
import { renderSvg } from './render-svg.ts';
import { retentionHeatmap } from './retention-heatmap.ts';
import type { ChartSpec } from './spec.ts';

/** `UPDATE_GOLDEN=1 npx vitest run src/automation/charts` accepts changed pictures (see README.md). */
const update = process.env.UPDATE_GOLDEN === '1';

function expectGolden(name: string, svg: string): void {
  const outcome = compareGoldenSvg(name, svg, { update });
  const where = path.join(GOLDEN_DIR, name);
  if (outcome === 'missing')
    throw new Error(`${where}.svg did not exist and was written; look at it, run again`);
  expect(outcome, `chart ${name} changed: compare ${where}-changed.svg with ${where}.svg`).not.toBe(
    'changed',
  );
}

const categories: ChartSpec = {
  title: 'Weekly signups by source',
  subtitle: 'Bars for signups, markers for the conversion target',
  x: { kind: 'category', categories: ['organic', 'ads', 'referral', 'partners', 'email'], label: 'Source' },
  legend: true,
  panels: [
    {
      y: { label: 'Signups', includeZero: true },
      series: [
        {
          kind: 'bar',
          name: 'Signups',
          data: [
            ['organic', 1240],
            ['ads', 860],
            ['referral', 410],
            ['partners', 95],
            ['email', 530],
          ],
        },
        {
          kind: 'scatter',
          name: 'Target',
          size: 9,
          data: [
            ['organic', 1100],
            ['ads', 900],
            ['referral', 500],
            ['partners', 150],
            ['email', 500],
          ],
        },
      ],
    },
  ],
};

describe('golden chart SVGs', () => {
  it('daily forecast with 80% and 95% bands', () => {
    expectGolden(
      'forecast-daily',
      renderSvg(forecastChart(dailyForecastInput()), { width: 900, height: 400 }),
    );
  });

  it('value-only series with a prefix currency, one band, a gap and zero on the axis', () => {
    expectGolden(
      'forecast-steps',
      renderSvg(forecastChart(stepForecastInput()), { width: 640, height: 320 }),
    );
  });

  it('causal impact in three panels with a launch marker', () => {
    expectGolden(
      'causal-impact',
      renderSvg(causalImpactChart(causalImpactInput()), { width: 900, height: 560 }),
    );
  });

  it('categories with bars and scatter markers', () => {
    expectGolden('categories-bar-scatter', renderSvg(categories, { width: 640, height: 360 }));
  });

  it('retention heatmap: cohorts down, periods across, a percentage in each cell, the triangle blank', () => {
    const spec = retentionHeatmap({ title: 'Retention by signup day', cohorts: retentionCohorts() });
    expectGolden('retention-heatmap', renderSvg(spec, { width: 800, height: 360 }));
  });

  it('funnel: horizontal bars, first step on top, users and conversion at the end of each bar', () => {
    const spec = funnelChart({ title: 'Signup funnel', subtitle: 'Last 7 days', steps: signupFunnelSteps() });
    expectGolden('funnel', renderSvg(spec, { width: 800, height: 360 }));
  });
});

describe('golden comparison', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-golden-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const svg = '<svg><path d="M1.23456 2" class="sl0123abcd-cls-0"/></svg>';

  it('normalises the id prefix and rounds coordinates to 2 decimals', () => {
    expect(normalizeSvg(svg)).toBe('<svg><path d="M1.23 2" class="id-cls-0"/></svg>\n');
    expect(normalizeSvg('<path d="M-0.001 3.999"/>')).toBe('<path d="M0 4"/>\n');
  });

  it('writes a missing golden file, accepts an equal picture, and writes -changed on a difference', () => {
    expect(compareGoldenSvg('probe', svg, { update: false, dir })).toBe('missing');
    expect(compareGoldenSvg('probe', svg.replace('1.23456', '1.2341'), { update: false, dir })).toBe('same');
    expect(compareGoldenSvg('probe', svg.replace('M1.23456', 'M9'), { update: false, dir })).toBe('changed');
    expect(readFileSync(path.join(dir, 'probe-changed.svg'), 'utf8')).toContain('M9 2');
    expect(compareGoldenSvg('probe', svg.replace('M1.23456', 'M9'), { update: true, dir })).toBe('written');
    expect(existsSync(path.join(dir, 'probe-changed.svg'))).toBe(false);
    expect(compareGoldenSvg('probe', svg.replace('M1.23456', 'M9'), { update: false, dir })).toBe('same');
  });
});
