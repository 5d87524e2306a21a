import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRuleDefinitionSchema, buildAlertRules } from '../../src/analytics/anomalies/alert-rules.ts';
import { anomalyTimeline } from '../../src/analytics/anomalies/anomaly-timeline.ts';
import { replayAlertRule, transitionJson } from '../../src/analytics/anomalies/replay-alert-rule.ts';
import { explainChange } from '../../src/analytics/anomalies/root-cause.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { type AnalyticsFixture, analyticsFixture, api, expectSameAnswer } from './insights-fixture.ts';

/**
 * Anomaly routes answer with `sightline detect|explain --json` on the same data; the timeline's firings
 * are the rule replay's over the same days, each with the sentence `explainChange` gives for its bucket.
 */
const FROM = '2026-10-18';
const TO = '2026-10-31';

let f: AnalyticsFixture;
beforeAll(async () => {
  f = await analyticsFixture({
    detect: ['detect', 'dau', '--interval', 'day', '--sensitivity', '0.7'],
    grouped: ['detect', 'messages_sent', '--interval', 'hour', '--group-by', 'os', '--from', '2026-10-25'],
    rule: ['detect', '--rule', 'dau_hourly_drop', '--from', FROM, '--to', TO],
    explain: ['explain', 'dau', '--at', '2026-10-30'],
  });
}, 60_000);
afterAll(() => f?.cleanup());

describe('anomalies over HTTP', () => {
  it('detect answers with `sightline detect METRIC --json`, grouped or not', async () => {
    const r = await api(f.server, f.viewer, 'POST', '/anomalies/detect', {
      metric: 'dau',
      interval: 'day',
      sensitivity: 0.7,
    });
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['detect']);
    const grouped = await api(f.server, f.viewer, 'POST', '/anomalies/detect', {
      metric: 'messages_sent',
      interval: 'hour',
      groupBy: ['os'],
      from: '2026-10-25',
    });
    expectSameAnswer(grouped.body, f.cli['grouped']);
  });

  it('with a rule, detect replays it as `detect --rule NAME --json`', async () => {
    const r = await api(f.server, f.viewer, 'POST', '/anomalies/detect', {
      rule: 'dau_hourly_drop',
      from: FROM,
      to: TO,
    });
    expectSameAnswer(r.body, f.cli['rule']);
  });

  it('explain answers with `sightline explain METRIC --at T --json`', async () => {
    const r = await api(f.server, f.viewer, 'POST', '/anomalies/explain', {
      metric: 'dau',
      at: '2026-10-30',
    });
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['explain']);
  });

  it('the timeline is the firings of the alert rules over the last days, each explained, latest first', async () => {
    // An outage planted in the served copy: twelve hours without events.
    const { warehouse, project } = f.server.context;
    await warehouse.execute(
      "DELETE FROM events WHERE project_id = 'default' AND ts >= TIMESTAMP '2026-10-29 06:00:00' AND ts < TIMESTAMP '2026-10-29 18:00:00'",
    );
    const ctx = () => new InsightContext(warehouse, project.layer, 'default');
    const r = await api(f.server, f.viewer, 'GET', '/anomalies?days=14&limit=5');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: FROM, to: TO, rules: ['dau_hourly_drop'] });
    const spec = { days: 14, limit: 5, now: Date.now() };
    expectSameAnswer(r.body, await anomalyTimeline(ctx(), project.alerts, spec));

    // The demo's rule holds a breach for 2h, which the default detector (one flag per episode) rarely
    // gives on 2,000 users; a rule that fires at the first breach shows the firings and their causes.
    const rules = buildAlertRules(
      { drop: alertRuleDefinitionSchema.parse({ metric: 'dau', interval: 'hour', direction: 'down' }) },
      project.layer,
    );
    const timeline = await anomalyTimeline(ctx(), rules, spec);
    const firings = (await replayAlertRule(ctx(), rules.get('drop')!, { from: FROM, to: TO, now: spec.now }))
      .filter((e) => e.to === 'firing')
      .map((e) => transitionJson(e).t)
      .sort()
      .reverse();
    expect(firings.some((t) => t.startsWith('2026-10-29T'))).toBe(true);
    expect(timeline.anomalies.map((a) => a.t)).toEqual(firings.slice(0, 5));
    for (const a of timeline.anomalies.slice(0, 2)) {
      const direct = await explainChange(ctx(), { metric: 'dau', at: a.t, interval: 'hour' }).catch(
        (e: { code: string }) => e.code,
      );
      if (typeof direct === 'string') expect(a.explanationError).toBe(direct);
      else expect(a.explanation).toBe(direct.sentence);
    }
  });

  it('coded 4xx: neither or both of metric and rule, an unknown rule, detector or interval', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'SL_DETECT_OPTION_INVALID'],
      [{ metric: 'dau', rule: 'dau_hourly_drop' }, 400, 'SL_DETECT_OPTION_INVALID'],
      [{ rule: 'dau_drop' }, 404, 'SL_NOT_FOUND'],
      [{ metric: 'dau', detector: 'magic' }, 400, 'SL_DETECT_OPTION_INVALID'],
      [{ metric: 'dau', interval: 'hours' }, 400, 'SL_DETECT_OPTION_INVALID'],
      [{ metric: 'daus' }, 404, 'SL_UNKNOWN_METRIC'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api(f.server, f.viewer, 'POST', '/anomalies/detect', body);
      expect([r.status, r.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const explain = await api(f.server, f.viewer, 'POST', '/anomalies/explain', { metric: 'dau' });
    expect(explain.body.error.code).toBe('SL_EXPLAIN_INVALID');
  });
});
