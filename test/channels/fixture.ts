/**
 * A small report document made by hand for the channel tests: a heading, metric tiles, a summary, charts
 * and a paragraph with characters every dialect must escape, and its chart images drawn by the renderers.
 */

import type { ChartImage } from '../../src/automation/channels/channel.ts';
import type { ChartSpec } from '../../src/automation/charts/spec.ts';
import type { ReportBlock, ReportDocument } from '../../src/automation/reports/document.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';

function lineChart(title: string, values: readonly number[]): ChartSpec {
  return {
    title,
    x: { kind: 'time' },
    panels: [
      {
        y: { label: 'Users', includeZero: true },
        series: [
          {
            kind: 'line',
            name: 'DAU',
            data: values.map((v, i): [string, number] => [
              `2026-09-${String(20 + i).padStart(2, '0')}T00:00:00Z`,
              v,
            ]),
          },
        ],
      },
    ],
  };
}

/** The document with `charts` chart blocks (default 1). */
export function fixtureDocument(charts = 1): ReportDocument {
  const chartBlocks: ReportBlock[] = Array.from({ length: charts }, (_, i) => ({
    kind: 'chart',
    title: `DAU, last 7 days (${i + 1})`,
    chart: lineChart(`DAU ${i + 1}`, [1200, 1260, 1190 + i * 10, 1310, 1280, 1350, 1402]),
    alt: `Daily active users rose from 1,200 to 1,402 over 7 days (chart ${i + 1}).`,
    width: 400,
    height: 200,
  }));
  return {
    kind: 'report',
    name: 'daily',
    title: 'Daily report: *Acme* [beta]',
    subtitle: 'Saturday 26 September 2026',
    project: 'default',
    period: { from: '2026-09-26', to: '2026-09-26', timezone: 'UTC' },
    generatedAt: '2026-09-27T09:00:00.000Z',
    blocks: [
      { kind: 'heading', text: 'Yesterday' },
      {
        kind: 'summary',
        sentences: [
          { text: 'DAU rose 3.9% (+52) to 1,402.', importance: 0.9, topic: 'movement', tone: 'good' },
          {
            text: 'CTR fell to 4.1% <from 4.5%> & views were flat.',
            importance: 0.5,
            topic: 'movement',
            tone: 'bad',
          },
        ],
      },
      {
        kind: 'metrics',
        items: [
          {
            metric: 'dau',
            label: 'Daily active users',
            value: 1402,
            format: 'integer',
            polarity: 'up',
            previousPeriod: { previous: 1350, absolute: 52, relative: 52 / 1350 },
          },
        ],
      },
      ...chartBlocks,
      { kind: 'paragraph', text: 'Escapes: _ * [ ] ( ) ~ ` > # + - = | { } . ! \\ & < >', tone: 'neutral' },
    ],
  };
}

/** The document's charts drawn as every channel gets them (`renderChartImages`: chart-1.png… in block order). */
export function fixtureImages(document: ReportDocument): Promise<ChartImage[]> {
  return renderChartImages(document);
}
