import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEvent, readDemo } from './demo-reader.ts';
import { generateDemo } from './generate.ts';
import type { GroundTruth } from './ground-truth.ts';

/**
 * The planted effects, measured from the files alone (not from the generator's counters) on a
 * moderate run, and compared with ground-truth.json. The run is seeded, so the statistical checks are
 * deterministic; their tolerances are still set from standard errors so that they would hold for
 * other seeds too.
 */

const dir = mkdtempSync(join(tmpdir(), 'sightline-demo-planted-'));
let gt: GroundTruth;
let events: DemoEvent[];
const DAY = 86_400_000;

beforeAll(async () => {
  await generateDemo({ users: 20_000, days: 40, seed: 11, endDate: '2026-06-30', outDir: dir });
  const read = readDemo(dir);
  gt = read.groundTruth;
  events = read.events;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dayOf = (ms: number) => Math.floor(ms / DAY);
const count = (filter: (e: DemoEvent) => boolean) => events.reduce((n, e) => n + (filter(e) ? 1 : 0), 0);
const inWindow = (e: DemoEvent, start: string, end: string, shiftDays = 0) =>
  e.ms >= Date.parse(start) + shiftDays * DAY && e.ms < Date.parse(end) + shiftDays * DAY;

/** CTR = sum(likes) / sum(views) with its standard error by the delta method over users (the unit of assignment). */
function ctrByArm(group: string, startMs: number): { ctr: number; se: number; views: number; likes: number } {
  const perUser = new Map<string, [number, number]>();
  for (const e of events) {
    if (e['exp_group'] !== group || e.ms < startMs || (e.event !== 'view' && e.event !== 'like')) continue;
    const row = perUser.get(e.user_id) ?? [0, 0];
    row[e.event === 'view' ? 0 : 1]++;
    perUser.set(e.user_id, row);
  }
  const rows = [...perUser.values()];
  const n = rows.length;
  const views = rows.reduce((a, r) => a + r[0], 0);
  const likes = rows.reduce((a, r) => a + r[1], 0);
  const ctr = likes / views;
  const meanViews = views / n;
  const residualVar = rows.reduce((a, [v, l]) => a + (l - ctr * v) ** 2, 0) / (n - 1);
  return { ctr, se: Math.sqrt(residualVar / n) / meanViews, views, likes };
}

function relativeUplift(
  a: ReturnType<typeof ctrByArm>,
  b: ReturnType<typeof ctrByArm>,
): { uplift: number; se: number } {
  const uplift = b.ctr / a.ctr - 1;
  const se = Math.sqrt((b.se / a.ctr) ** 2 + ((b.ctr * a.se) / a.ctr ** 2) ** 2);
  return { uplift, se };
}

describe('planted experiment', () => {
  it('the A/A pair has equal CTRs and feed_ranking_v2 treatment is up by about the planted 5%', () => {
    const [aa, ranking] = gt.planted.experiments;
    const start = Date.parse(aa!.start);
    const arms = ['1', '2', '3', '4'].map((g) => ctrByArm(g, start));
    const a = relativeUplift(arms[0]!, arms[1]!);
    const t = relativeUplift(arms[2]!, arms[3]!);
    expect(ranking!.trueRelativeUplift).toBe(0.05);
    expect(Math.abs(a.uplift)).toBeLessThan(3 * a.se);
    expect(Math.abs(t.uplift - 0.05)).toBeLessThan(3 * t.se);
    expect(t.uplift).toBeGreaterThan(0);
    // Standard errors of about 1.5 points: the run is large enough to see a 5% uplift.
    expect(t.se).toBeLessThan(0.02);
    // The ground truth reports the same numbers.
    expect(aa!.realised.arms.map((arm) => [arm.views, arm.likes])).toEqual([
      [arms[0]!.views, arms[0]!.likes],
      [arms[1]!.views, arms[1]!.likes],
    ]);
    expect(ranking!.realised.arms[1]!.ctr).toBeCloseTo(arms[3]!.ctr, 5);
  });

  it('groups are assigned evenly (no sample ratio mismatch)', () => {
    const sizes = Object.values(gt.population.byExpGroup);
    const expected = 20_000 / 4;
    // Chi-square with 3 degrees of freedom: the 0.999 quantile is 16.3.
    const chi2 = sizes.reduce((a, n) => a + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(16.3);
  });
});

describe('planted campaign', () => {
  it('the burst cohort signs up on the campaign day from ads, and its day-7 retention is about half of the others', () => {
    const { campaign } = gt.planted;
    const signUps = events.filter((e) => e.event === 'sign_up');
    const cohort = new Set(signUps.filter((e) => e['campaign'] === campaign.campaign).map((e) => e.user_id));
    expect(cohort.size).toBe(campaign.users);
    expect(
      signUps.filter((e) => cohort.has(e.user_id)).every((e) => e.timestamp.startsWith(campaign.date)),
    ).toBe(true);
    expect(signUps.filter((e) => cohort.has(e.user_id)).every((e) => e['source'] === 'ads')).toBe(true);

    const signupDay = new Map(signUps.map((e) => [e.user_id, dayOf(e.ms)]));
    const active = new Set(events.map((e) => `${e.user_id} ${dayOf(e.ms)}`));
    const lastDay = dayOf(Date.parse(gt.period.end)) - 1;
    const retention = (member: (u: string) => boolean) => {
      let eligible = 0;
      let retained = 0;
      for (const [u, d] of signupDay) {
        if (!member(u) || d + 7 > lastDay) continue;
        eligible++;
        if (active.has(`${u} ${d + 7}`)) retained++;
      }
      return { eligible, retained, rate: retained / eligible };
    };
    const burst = retention((u) => cohort.has(u));
    const others = retention((u) => !cohort.has(u));
    expect(burst.eligible).toBe(campaign.users);
    expect(burst.rate / others.rate).toBeGreaterThan(0.3);
    expect(burst.rate / others.rate).toBeLessThan(0.65);
    expect(gt.retention.cohorts.campaign_burst.days['day7']).toMatchObject({
      eligible: burst.eligible,
      retained: burst.retained,
    });
    expect(gt.retention.cohorts.all_but_campaign_burst.days['day7']).toMatchObject({
      eligible: others.eligible,
      retained: others.retained,
    });
  });

  it('organic retention follows the planted curve: day 1 about 40%, day 7 about 20%', () => {
    const organic = gt.retention.cohorts.organic.days;
    expect(organic['day1']!.rate).toBeGreaterThan(0.35);
    expect(organic['day1']!.rate).toBeLessThan(0.45);
    expect(organic['day7']!.rate).toBeGreaterThan(0.16);
    expect(organic['day7']!.rate).toBeLessThan(0.24);
    expect(gt.retention.cohorts.ads_always_on.days['day7']!.rate).toBeLessThan(organic['day7']!.rate!);
  });
});

describe('planted outage', () => {
  it('drops the outage-day DAU of the Android 5.2 segment only, by enough to show in total DAU', () => {
    const { outage } = gt.planted;
    const day = dayOf(Date.parse(outage.start));
    const inSegment = (e: DemoEvent) =>
      e['os'] === outage.segment.os && e['app_version'] === outage.segment.app_version;
    const dau = (d: number, filter: (e: DemoEvent) => boolean) =>
      new Set(events.filter((e) => dayOf(e.ms) === d && filter(e)).map((e) => e.user_id)).size;
    // Against the same weekday a week earlier and the day before and after.
    const compare = (filter: (e: DemoEvent) => boolean) => {
      const baseline = (dau(day - 1, filter) + dau(day + 1, filter)) / 2;
      return dau(day, filter) / baseline;
    };
    const segment = compare(inSegment);
    const rest = compare((e) => !inSegment(e));
    expect(segment).toBeLessThan(0.85);
    expect(rest).toBeGreaterThan(0.93);
    expect(outage.realised.dauDropShare).toBeGreaterThan(0.1);
    expect(outage.realised.dauDropShare).toBeLessThan(0.2);
    expect(outage.realised.dauActual).toBe(dau(day, () => true));
    expect(outage.realised.dropExplainedBySegment).toBe(1);

    // Feed events of the segment all but vanish inside the window, and not for anyone else.
    const views = (filter: (e: DemoEvent) => boolean, shift: number) =>
      count((e) => e.event === 'view' && filter(e) && inWindow(e, outage.start, outage.end, shift));
    expect(views(inSegment, 0)).toBeLessThan(0.1 * views(inSegment, -1));
    expect(views((e) => !inSegment(e), 0)).toBeGreaterThan(0.8 * views((e) => !inSegment(e), -1));
  });
});

describe('planted anomalies', () => {
  const anomaly = (id: string) => gt.planted.anomalies.find((a) => a.id === id)!;
  /** Events in the window, and in the same window the day before. */
  const windowed = (id: string, filter: (e: DemoEvent) => boolean) => {
    const a = anomaly(id);
    return {
      now: count((e) => filter(e) && inWindow(e, a.start, a.end)),
      before: count((e) => filter(e) && inWindow(e, a.start, a.end, -1)),
    };
  };

  it('the push notification multiplies app_open and message for one hour', () => {
    const opens = windowed('push_notification', (e) => e.event === 'app_open');
    const messages = windowed('push_notification', (e) => e.event === 'message');
    expect(opens.now).toBeGreaterThan(2 * opens.before);
    expect(messages.now).toBeGreaterThan(2 * messages.before);
    const realised = anomaly('push_notification').realised.find((r) => r.event === 'app_open')!;
    expect(realised.observed).toBe(opens.now);
  });

  it('the logging drop removes most client events of one hour', () => {
    const client = windowed('logging_drop', (e) => e.event !== 'sign_up' && e.event !== '$exposure');
    expect(client.now).toBeLessThan(0.25 * client.before);
    const observed = anomaly('logging_drop').realised.reduce((a, r) => a + r.observed, 0);
    expect(observed).toBe(client.now);
  });

  it('the viral post dominates views and likes for three hours', () => {
    const a = anomaly('viral_post');
    const postId = a.parameters['post_id'];
    const postViews = count(
      (e) => e.event === 'view' && e['post_id'] === postId && inWindow(e, a.start, a.end),
    );
    expect(postViews).toBe(a.extra!['postViews']);
    const perPost = new Map<unknown, number>();
    for (const e of events)
      if (e.event === 'view' && inWindow(e, a.start, a.end))
        perPost.set(e['post_id'], (perPost.get(e['post_id']) ?? 0) + 1);
    const runnerUp = Math.max(...[...perPost].filter(([p]) => p !== postId).map(([, n]) => n));
    expect(postViews).toBeGreaterThan(10 * runnerUp);
    const likes = windowed('viral_post', (e) => e.event === 'like');
    expect(likes.now).toBeGreaterThan(1.3 * likes.before);
  });

  it('the latency spike multiplies view latency for two hours', () => {
    const a = anomaly('latency_spike');
    const mean = (shift: number) => {
      const v = events.filter((e) => e.event === 'view' && inWindow(e, a.start, a.end, shift));
      return v.reduce((s, e) => s + (e['latency_ms'] as number), 0) / v.length;
    };
    expect(mean(0) / mean(-1)).toBeGreaterThan(4);
    expect(mean(0) / mean(-1)).toBeLessThan(6);
    expect(a.multiplier).toBe(5);
  });

  it('the messaging outage removes most messages for two hours', () => {
    const messages = windowed('messaging_outage', (e) => e.event === 'message');
    expect(messages.now).toBeLessThan(0.4 * messages.before);
  });

  it('lists five anomalies on distinct days, none on the campaign or outage day', () => {
    const days = gt.planted.anomalies.map((a) => a.start.slice(0, 10));
    expect(new Set([...days, gt.planted.campaign.date, gt.planted.outage.start.slice(0, 10)]).size).toBe(7);
  });
});
