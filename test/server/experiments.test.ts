import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsFixture, analyticsFixture, api, expectSameAnswer } from './insights-fixture.ts';

/**
 * Experiments over HTTP answer with `sightline experiment analyze|aa|power --json` on the same data; the
 * list's exposure counts are the report's.
 */
let f: AnalyticsFixture;
beforeAll(async () => {
  f = await analyticsFixture({
    report: ['experiment', 'analyze', 'feed_ranking_v2'],
    aa: ['experiment', 'aa', 'aa_test', '--simulations', '300', '--seed', '7'],
    power: ['experiment', 'power', '--baseline-rate', '0.1', '--mde', '0.02', '--daily-users', '1000'],
    powerMean: ['experiment', 'power', '--baseline-mean', '10', '--sd', '5', '--mde', '0.05', '--relative'],
  });
}, 60_000);
afterAll(() => f?.cleanup());

describe('experiments over HTTP', () => {
  it("the report is `experiment analyze --json`'s", async () => {
    const r = await api(f.server, f.viewer, 'GET', '/experiments/feed_ranking_v2');
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['report']);
  });

  it('the list has every declared experiment with its arms and the exposure counts of the report', async () => {
    const r = await api(f.server, f.viewer, 'GET', '/experiments');
    expect(r.body.experiments.map((e: { name: string }) => e.name)).toEqual(['aa_test', 'feed_ranking_v2']);
    const v2 = r.body.experiments[1];
    expect(v2.variants).toEqual([
      { variant: 'control', expectedShare: 0.5 },
      { variant: 'treatment', expectedShare: 0.5 },
    ]);
    expect(v2.metrics[0]).toEqual({ metric: 'ctr', role: 'primary', better: 'higher' });
    const { daily: _daily, ...exposure } = (f.cli['report'] as { exposure: Record<string, unknown> })
      .exposure;
    expect(v2.exposure).toEqual(exposure);
    expect(v2.window).toEqual((f.cli['report'] as { window: unknown }).window);
  });

  it("A/A validation takes the CLI's flags in camelCase and answers with its JSON", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/experiments/aa_test/aa', { simulations: 300, seed: 7 });
    expect(r.status).toBe(200);
    expectSameAnswer(r.body, f.cli['aa']);
  });

  it('power plans equal `experiment power --json` for a rate and a relative mean', async () => {
    const rate = await api(f.server, f.viewer, 'POST', '/power', {
      baselineRate: 0.1,
      mde: 0.02,
      dailyUsers: 1000,
    });
    expect(rate.body).toEqual(f.cli['power']);
    expect(rate.body.days).toBeGreaterThan(0);
    const mean = await api(f.server, f.viewer, 'POST', '/power', {
      baselineMean: 10,
      sd: 5,
      mde: 0.05,
      relative: true,
    });
    expect(mean.body).toEqual(f.cli['powerMean']);
  });

  it('an unknown experiment is a 404 with a did-you-mean; a power mistake a coded 400', async () => {
    const unknown = await api(f.server, f.viewer, 'GET', '/experiments/feed_ranking');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SL_UNKNOWN_EXPERIMENT');
    expect(unknown.body.error.message).toMatch(/feed_ranking_v2/);
    const aa = await api(f.server, f.viewer, 'POST', '/experiments/nope/aa', {});
    expect(aa.status).toBe(404);
    const both = await api(f.server, f.viewer, 'POST', '/power', {
      baselineRate: 0.1,
      baselineMean: 3,
      sd: 1,
      mde: 0.01,
    });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('SL_USAGE');
    const missing = await api(f.server, f.viewer, 'POST', '/power', { baselineRate: 0.1 });
    expect(missing.body.error).toMatchObject({
      code: 'SL_BAD_REQUEST',
      message: expect.stringMatching(/^mde:/),
    });
  });
});
