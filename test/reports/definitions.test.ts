import { describe, expect, it } from 'vitest';
import { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import { episodes } from '../../src/automation/reports/anomalies-block.ts';
import { buildReports } from '../../src/automation/reports/definitions.ts';
import { parseProjectFile } from '../../src/config/project-file.ts';
import { SightlineError } from '../../src/errors/index.ts';

const layer = SemanticLayer.build({
  metrics: {
    dau: { type: 'unique_users', event: '$any', window: 1 },
    views: { type: 'count', event: 'view' },
  },
});

describe('buildReports', () => {
  it('collects every unknown name with a did-you-mean before failing with SL_REPORT_INVALID', () => {
    const source = parseProjectFile(`
reports:
  daily:
    title: Daily
    timezone: Europe/Moskow
    blocks:
      - metrics: [dau, veiws]
      - chart: { kind: line, metrics: [daus] }
      - chart: { kind: funnel, steps: [view] }
      - table: { metrics: [views], by: contry }
      - experiment: { name: feed_v3 }
      - chart: { kind: retention, segments: { paid: "user.sorce = 'ads'" } }
`).reports;
    let error: unknown;
    try {
      buildReports(source, { layer, experiments: new Map([['feed_v2', {}]]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SightlineError);
    expect((error as SightlineError).code).toBe('SL_REPORT_INVALID');
    expect((error as SightlineError).details?.['problems']).toEqual([
      'reports.daily.timezone: unknown time zone "Europe/Moskow"; use an IANA name such as Europe/Berlin',
      'reports.daily.blocks.0.metrics.1: unknown metric "veiws" (did you mean "views"?)',
      'reports.daily.blocks.1.chart.metrics.0: unknown metric "daus" (did you mean "dau"?)',
      'reports.daily.blocks.2.chart.steps: a funnel chart needs at least two steps',
      expect.stringMatching(
        /^reports\.daily\.blocks\.3\.table\.by: unknown dimension "contry" \(did you mean "country"\?\)/,
      ),
      'reports.daily.blocks.4.experiment.name: unknown experiment "feed_v3" (did you mean "feed_v2"?)',
      expect.stringMatching(
        /^reports\.daily\.blocks\.5\.chart\.segments\.paid: unknown dimension "user\.sorce"/,
      ),
    ]);
  });

  it('accepts the demo project file', () => {
    expect(() => buildReports(undefined, { layer, experiments: new Map() })).not.toThrow();
  });
});

describe('episodes', () => {
  const hour = 3_600_000;
  const t0 = Date.parse('2026-09-27T00:00:00Z');
  const point = (h: number, value: number, expected: number, flag: boolean) => ({
    t: new Date(t0 + h * hour).toISOString().replace('.000Z', 'Z'),
    value,
    expected,
    score: flag ? 1 : 0,
    flag,
  });

  it('joins consecutive flagged buckets and tells each run at its most extreme bucket, inside the period only', () => {
    const points = [
      point(-1, 10, 50, true), // before the period
      point(6, 40, 100, true),
      point(7, 20, 100, true),
      point(8, 60, 100, true),
      point(9, 95, 100, false),
      point(12, 300, 100, true),
      point(24, 0, 100, true), // after the period
    ];
    const found = episodes(points, hour, t0, t0 + 24 * hour);
    expect(found.map((e) => [(e.start - t0) / hour, (e.end - t0) / hour, e.peak.t])).toEqual([
      [6, 9, '2026-09-27T07:00:00Z'],
      [12, 13, '2026-09-27T12:00:00Z'],
    ]);
  });
});
