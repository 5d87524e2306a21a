import type { ChartSpec } from '../../src/automation/charts/spec.ts';
import type { ReportDocument } from '../../src/automation/reports/document.ts';

const week = [
  '2026-09-20',
  '2026-09-21',
  '2026-09-22',
  '2026-09-23',
  '2026-09-24',
  '2026-09-25',
  '2026-09-26',
];

const dauChart: ChartSpec = {
  title: 'Daily active users',
  x: { kind: 'time' },
  panels: [
    {
      y: { label: 'Users', includeZero: true },
      series: [
        { kind: 'line', name: 'DAU', data: week.map((d, i) => [d, 1000 + 40 * i - (i === 6 ? 300 : 0)]) },
      ],
    },
  ],
};

const viewsChart: ChartSpec = {
  title: 'Views by platform',
  x: { kind: 'category', categories: ['iOS', 'Android', 'Web'] },
  panels: [
    {
      y: { label: 'Views', includeZero: true },
      series: [
        {
          kind: 'bar',
          name: 'Views',
          data: [
            ['iOS', 5200],
            ['Android', 3100],
            ['Web', 1900],
          ],
        },
      ],
    },
  ],
};

/**
 * A report with every block kind, and text that needs escaping in every dialect: MarkdownV2's specials
 * (`_*[]()~\`>#+-=|{}.!` and `\`), HTML's and mrkdwn's `&<>`, quotes.
 */
export const reportDocument: ReportDocument = {
  kind: 'report',
  name: 'daily',
  title: 'Daily report',
  subtitle: 'Saturday 26 September 2026',
  project: 'demo',
  period: { from: '2026-09-26', to: '2026-09-26', timezone: 'UTC' },
  generatedAt: '2026-09-27T06:00:00.000Z',
  url: 'https://sightline.example.com/d/daily?date=2026-09-26',
  blocks: [
    { kind: 'heading', text: 'Summary' },
    {
      kind: 'summary',
      sentences: [
        { text: 'DAU fell 23% (1,240 → 960) on Android.', importance: 0.9, topic: 'anomaly', tone: 'bad' },
        {
          text: 'CTR rose 0.4 pp to 4.1% (95% CI +0.1 to +0.7 pp).',
          importance: 0.6,
          topic: 'movement',
          tone: 'good',
        },
      ],
    },
    {
      kind: 'metrics',
      title: 'Key metrics',
      items: [
        {
          metric: 'dau',
          label: 'Daily active users',
          value: 960,
          format: 'integer',
          polarity: 'up',
          previousPeriod: { previous: 1240, absolute: -280, relative: -280 / 1240, significant: true },
          previousWeek: { previous: 1000, absolute: -40, relative: -0.04 },
        },
        {
          metric: 'ctr',
          label: 'CTR',
          value: 0.041,
          format: 'percent',
          polarity: 'up',
          previousPeriod: { previous: 0.037, absolute: 0.004, relative: 0.004 / 0.037, significant: true },
        },
        {
          metric: 'latency',
          label: 'p95 latency',
          value: 420,
          format: 'duration_ms',
          polarity: 'down',
          previousPeriod: { previous: 400, absolute: 20, relative: 0.05, significant: false },
        },
        { metric: 'revenue', label: 'Revenue', value: null, format: 'currency', polarity: 'up' },
      ],
    },
    {
      kind: 'chart',
      title: 'Daily active users',
      chart: dauChart,
      alt: 'DAU rose from 1,000 to 1,240, then fell to 940 on the 26th.',
    },
    { kind: 'heading', text: 'By platform' },
    {
      kind: 'chart',
      title: 'Views by platform',
      chart: viewsChart,
      alt: 'iOS 5,200; Android 3,100; Web 1,900.',
      width: 600,
      height: 300,
    },
    {
      kind: 'table',
      title: 'Top sources',
      columns: [
        { key: 'source', label: 'Source' },
        { key: 'users', label: 'Users', format: 'integer' },
        { key: 'ctr', label: 'CTR', format: 'percent' },
      ],
      rows: [
        { source: 'organic', users: 12345, ctr: 0.0412 },
        { source: 'ads_`q3`\\x', users: 980, ctr: null },
      ],
      omitted: 3,
    },
    { kind: 'paragraph', text: 'Special: _*[]()~`>#+-=|{}.!\\ & <b>"quoted"</b>', tone: 'warning' },
  ],
};

/** A grouped alert notification: two groups firing under one rule. */
export const alertDocument: ReportDocument = {
  kind: 'alert',
  name: 'dau_drop',
  title: 'DAU dropped on Android',
  subtitle: 'dau below the expected band for 30m',
  project: 'demo',
  period: { from: '2026-09-26', to: '2026-09-26', timezone: 'UTC' },
  generatedAt: '2026-09-26T10:30:00.000Z',
  alert: {
    rule: 'dau_drop',
    status: 'firing',
    alerts: [
      {
        rule: 'dau_drop',
        group: 'os=Android',
        status: 'firing',
        startsAt: '2026-09-26T10:15:00Z',
        fingerprint: 'a1',
      },
      {
        rule: 'dau_drop',
        group: 'os=iOS',
        status: 'resolved',
        startsAt: '2026-09-26T09:00:00Z',
        endsAt: '2026-09-26T10:00:00Z',
        fingerprint: 'b2',
      },
    ],
  },
  blocks: [{ kind: 'paragraph', text: 'Most of the drop is os=Android, app_version=3.2.0 (−41%).' }],
};
