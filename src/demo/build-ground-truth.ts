import type { RejectReason } from '../data/events/event.ts';
import { DAY_MS, formatInstant, HOUR_MS } from './calendar.ts';
import { ADS, CAMPAIGNS, COUNTRIES, OS_NAMES, SOURCES } from './catalogue.ts';
import { APP_OPEN, EVENT_KINDS, EVENT_NAMES, type EventName, LIKE, MESSAGE, VIEW } from './event-buffer.ts';
import type {
  AnomalyTruth,
  DayTruth,
  ExperimentTruth,
  FileTruth,
  GroundTruth,
  RetentionTruth,
  WindowCount,
} from './ground-truth.ts';
import { postId } from './ids.ts';
import { type DayWindow, type DemoPlan, MALFORMED_COUNTS, type MalformedKind } from './plan.ts';
import type { Population } from './population.ts';
import { RETENTION_DAYS, Tally } from './tally.ts';

/**
 * Assembles ground-truth.json from the plan (what was meant), the population and the tally (what was
 * realised). Realised numbers come from counters filled while the files were written, so they describe
 * the files exactly; the tests recount them from the files independently.
 */

const MALFORMED_TRUTH: Record<MalformedKind, { rejectReason: RejectReason; description: string }> = {
  truncated_json: {
    rejectReason: 'invalid_json',
    description: 'a strict prefix of a valid line (a write cut short); the complete line follows it',
  },
  missing_user_id: {
    rejectReason: 'missing_user_id',
    description: 'an anonymous event: a valid line without the user_id key and with its own event_id',
  },
  invalid_timestamp: {
    rejectReason: 'invalid_timestamp',
    description: `a valid line with its own event_id whose timestamp is "NaN-NaN-NaNTNaN:NaN:NaN.NaNZ"`,
  },
};

const ratio = (a: number, b: number): number | null => (b === 0 ? null : round(a / b));
const round = (x: number): number => Math.round(x * 1e6) / 1e6;

function byName(table: Int32Array, day: number): Record<EventName, number> {
  const out = {} as Record<EventName, number>;
  for (let k = 0; k < EVENT_KINDS; k++) out[EVENT_NAMES[k]!] = 0;
  for (let h = 0; h < 24; h++) {
    for (let k = 0; k < EVENT_KINDS; k++) out[EVENT_NAMES[k]!] += table[Tally.cell(day, h, k)]!;
  }
  return out;
}

function windowIso(plan: DemoPlan, w: DayWindow): { start: string; end: string } {
  const dayStart = plan.startMs + w.day * DAY_MS;
  return {
    start: formatInstant(dayStart + w.startHour * HOUR_MS),
    end: formatInstant(dayStart + w.endHour * HOUR_MS),
  };
}

function windowCounts(tally: Tally, w: DayWindow, kinds: number[]): WindowCount[] {
  return kinds.map((k) => {
    const expected = tally.sum(tally.intended, w.day, w.startHour, w.endHour, [k]);
    const observed = tally.sum(tally.written, w.day, w.startHour, w.endHour, [k]);
    return { event: EVENT_NAMES[k]!, expected, observed, ratio: ratio(observed, expected) };
  });
}

function retentionOf(
  plan: DemoPlan,
  pop: Population,
  tally: Tally,
  member: (u: number) => boolean,
): RetentionTruth {
  const eligible = new Array<number>(RETENTION_DAYS.length).fill(0);
  const retained = new Array<number>(RETENTION_DAYS.length).fill(0);
  let users = 0;
  for (let u = 0; u < pop.size; u++) {
    if (!member(u)) continue;
    users++;
    for (let k = 0; k < RETENTION_DAYS.length; k++) {
      if (pop.signupDay[u]! + RETENTION_DAYS[k]! > plan.days - 1) continue;
      eligible[k]! += 1;
      if (tally.retained[u]! & (1 << k)) retained[k]! += 1;
    }
  }
  const days: RetentionTruth['days'] = {};
  RETENTION_DAYS.forEach((d, k) => {
    days[`day${d}`] = {
      eligible: eligible[k]!,
      retained: retained[k]!,
      rate: ratio(retained[k]!, eligible[k]!),
    };
  });
  return { users, days };
}

function countBy(pop: Population, label: (u: number) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (let u = 0; u < pop.size; u++) {
    const key = label(u);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export function buildGroundTruth(
  plan: DemoPlan,
  pop: Population,
  tally: Tally,
  options: { endDate: string; files: string[] },
): GroundTruth {
  const days = plan.days;
  const files: FileTruth[] = plan.dates.map((date, d) => ({
    path: options.files[d]!,
    date,
    lines: tally.lines[d]!,
    validEvents: tally.validEvents[d]!,
    duplicateLines: tally.duplicates[d]!,
    malformedLines: tally.malformed[d]!,
  }));
  const sum = (a: Int32Array) => a.reduce((x, y) => x + y, 0);
  const daily: DayTruth[] = plan.dates.map((date, d) => {
    const events = byName(tally.written, d);
    return { date, dau: tally.dau[d]!, signUps: events.sign_up, validEvents: tally.validEvents[d]!, events };
  });
  const totalEvents = {} as Record<EventName, number>;
  for (const name of EVENT_NAMES) totalEvents[name] = daily.reduce((x, day) => x + day.events[name], 0);

  const malformed = {} as GroundTruth['totals']['malformed'];
  for (const kind of Object.keys(MALFORMED_COUNTS) as MalformedKind[]) {
    malformed[kind] = { lines: tally.malformedByKind[kind] ?? 0, ...MALFORMED_TRUTH[kind] };
  }

  const burst = plan.campaign.campaignIndex;
  const cohorts = {
    organic: retentionOf(plan, pop, tally, (u) => pop.source[u] !== ADS),
    ads_always_on: retentionOf(plan, pop, tally, (u) => pop.source[u] === ADS && pop.campaign[u] !== burst),
    campaign_burst: retentionOf(plan, pop, tally, (u) => pop.campaign[u] === burst),
    all_but_campaign_burst: retentionOf(plan, pop, tally, (u) => pop.campaign[u] !== burst),
  };
  const day7 = (r: RetentionTruth) => r.days['day7']!.rate;
  const burstDay7 = day7(cohorts.campaign_burst);
  const otherDay7 = day7(cohorts.all_but_campaign_burst);

  const endMs = plan.startMs + days * DAY_MS;
  const expStartMs = plan.startMs + plan.experiment.startDay * DAY_MS;
  const { outage } = plan;
  const o = tally.outage;
  const outageDau = tally.dau[outage.day]!;
  if (outageDau !== o.actualUsers) {
    throw new Error(
      `ground truth: outage-day DAU ${outageDau} in the files, ${o.actualUsers} in the simulation`,
    );
  }

  const experiment = (name: ExperimentTruth['name']): ExperimentTruth => {
    const groups = name === 'aa_test' ? [1, 2] : [3, 4];
    const variants = name === 'aa_test' ? ['a1', 'a2'] : ['control', 'treatment'];
    const arms = groups.map((g, i) => {
      const views = tally.viewsAfterStart[g]!;
      const likes = tally.likesAfterStart[g]!;
      return {
        variant: variants[i]!,
        users: groupSize(pop, g),
        exposures: tally.exposures[g]!,
        views,
        likes,
        ctr: round(likes / Math.max(1, views)),
      };
    });
    return {
      name,
      start: formatInstant(expStartMs),
      startDate: plan.dates[plan.experiment.startDay]!,
      assignment:
        'exp_group = fmix32(FNV-1a(user_id) with the seed in the basis) % 4 + 1 (src/demo/ids.ts hashString); ' +
        'groups 1 and 2 are aa_test a1/a2, groups 3 and 4 are feed_ranking_v2 control/treatment',
      exposure:
        'one $exposure event per user, with the timestamp of their first feed view at or after the start and ' +
        'written just before it; the logging drop can lose that view, never the exposure',
      metric: 'ctr = likes / views, over view and like events at or after the start',
      arms: groups.map((g, i) => ({ variant: variants[i]!, expGroup: String(g), control: i === 0 })),
      trueRelativeUplift: name === 'aa_test' ? 0 : plan.experiment.uplift,
      realised: { arms, relativeUplift: round(arms[1]!.ctr / arms[0]!.ctr - 1) },
    };
  };

  const push = plan.push;
  const viral = plan.viralPost;
  const drop = plan.loggingDrop;
  const lat = plan.latencySpike;
  const msg = plan.messagingOutage;
  const anomalies: AnomalyTruth[] = [
    {
      id: 'push_notification',
      kind: 'spike',
      description:
        'a push notification at the window start: users who had signed up open the app from it (app_open carries ' +
        '"via":"push_notification") and reply to messages',
      ...windowIso(plan, push),
      events: ['app_open', 'message'],
      multiplier: ratio(
        tally.sum(tally.written, push.day, push.startHour, push.endHour, [APP_OPEN]),
        tally.sum(tally.intended, push.day, push.startHour, push.endHour, [APP_OPEN]),
      )!,
      parameters: {
        openProbability: push.openProbability,
        messagesPerOpen: push.messagesPerOpen,
        viewsPerOpen: push.viewsPerOpen,
      },
      realised: windowCounts(tally, push, [APP_OPEN, MESSAGE, VIEW]),
      extra: {
        pushOpens: tally.push.opens,
        usersNotOtherwiseActiveThatDay: tally.push.usersNotOtherwiseActive,
      },
    },
    {
      id: 'viral_post',
      kind: 'spike',
      description:
        'one post goes viral: most sessions in the window view it once, and like it far more often than usual',
      ...windowIso(plan, viral),
      events: ['view', 'like'],
      multiplier: ratio(
        tally.sum(tally.written, viral.day, viral.startHour, viral.endHour, [LIKE]),
        tally.sum(tally.intended, viral.day, viral.startHour, viral.endHour, [LIKE]),
      )!,
      parameters: {
        post_id: postId(viral.postIndex),
        viewProbabilityPerSession: viral.viewProbability,
        likeProbability: viral.likeProbability,
      },
      realised: windowCounts(tally, viral, [VIEW, LIKE]),
      // Views and likes of the post inside the window (it is an ordinary recent post the rest of the day).
      extra: { post_id: postId(viral.postIndex), postViews: tally.viral.views, postLikes: tally.viral.likes },
    },
    {
      id: 'logging_drop',
      kind: 'drop',
      description:
        'a logging pipeline fault: client events (app_open, view, like, message) of the window are mostly never ' +
        'written; sign_up and $exposure are logged server-side and unaffected',
      ...windowIso(plan, drop),
      events: [...drop.events],
      multiplier: round(1 - drop.lossProbability),
      parameters: { lossProbability: drop.lossProbability },
      realised: windowCounts(tally, drop, [APP_OPEN, VIEW, LIKE, MESSAGE]),
    },
    {
      id: 'latency_spike',
      kind: 'spike',
      description: 'a CDN incident: latency_ms of every view in the window is multiplied',
      ...windowIso(plan, lat),
      events: ['view'],
      multiplier: lat.multiplier,
      parameters: { metric: 'mean latency_ms of view events', multiplier: lat.multiplier },
      realised: [
        {
          event: 'view.latency_ms (mean)',
          expected: round(tally.latency.intendedSum / Math.max(1, tally.latency.intendedViews)),
          observed: round(tally.latency.writtenSum / Math.max(1, tally.latency.writtenViews)),
          ratio: ratio(
            tally.latency.writtenSum / Math.max(1, tally.latency.writtenViews),
            tally.latency.intendedSum / Math.max(1, tally.latency.intendedViews),
          ),
        },
      ],
    },
    {
      id: 'messaging_outage',
      kind: 'drop',
      description: 'the message service fails: most messages users try to send in the window are never sent',
      ...windowIso(plan, msg),
      events: ['message'],
      multiplier: round(1 - msg.lossProbability),
      parameters: { lossProbability: msg.lossProbability },
      realised: windowCounts(tally, msg, [MESSAGE]),
    },
  ];
  anomalies.sort((a, b) => a.start.localeCompare(b.start));

  const campaignWindow = windowIso(plan, {
    day: plan.campaign.day,
    startHour: plan.campaign.startHour,
    endHour: plan.campaign.endHour,
  });
  return {
    version: 1,
    generator: { name: 'sightline-demo', seed: plan.seed, users: plan.users, days, endDate: options.endDate },
    period: {
      startDate: plan.dates[0]!,
      endDate: plan.dates[days - 1]!,
      start: formatInstant(plan.startMs),
      end: formatInstant(endMs),
      days,
    },
    files,
    totals: {
      lines: sum(tally.lines),
      validEvents: sum(tally.validEvents),
      duplicateLines: sum(tally.duplicates),
      malformedLines: sum(tally.malformed),
      malformed,
      events: totalEvents,
      users: pop.size,
    },
    population: {
      bySource: countBy(pop, (u) => SOURCES[pop.source[u]!]!),
      byCampaign: countBy(pop, (u) => CAMPAIGNS[pop.campaign[u]!] || '(none)'),
      byCountry: countBy(pop, (u) => COUNTRIES[pop.country[u]!]!.name),
      byOs: countBy(pop, (u) => OS_NAMES[pop.os[u]!]!),
      byExpGroup: countBy(pop, (u) => String(pop.expGroup[u])),
    },
    daily,
    retention: {
      definition:
        'a user is retained on day N when they have at least one valid event on the UTC date of their sign_up plus N days; ' +
        'eligible users are those whose day N is inside the period',
      model:
        'P(active on day d >= 1) = min(0.95, activity_u * source_u * 0.42 * d^-0.37 * weekday factor); activity_u is ' +
        `lognormal with mean 1; source_u is 1 for organic, ${plan.adsRetentionMultiplier} for always-on ads, ` +
        `${plan.campaign.retentionMultiplier} for the ${CAMPAIGNS[burst]} cohort`,
      cohorts,
    },
    planted: {
      campaign: {
        date: plan.dates[plan.campaign.day]!,
        source: 'ads',
        campaign: CAMPAIGNS[burst]!,
        users: plan.campaign.users,
        signUpWindow: campaignWindow,
        retentionMultiplier: plan.campaign.retentionMultiplier,
        adsRetentionMultiplier: plan.adsRetentionMultiplier,
        realisedDay7Ratio: burstDay7 === null || otherDay7 === null ? null : ratio(burstDay7, otherDay7),
      },
      outage: {
        ...windowIso(plan, outage),
        segment: { os: outage.os, app_version: outage.appVersion },
        affectedEvents: ['app_open', 'view', 'like', 'message'],
        mechanism: {
          sessionLoss: outage.sessionLoss,
          feedLoss: outage.feedLoss,
          description:
            'for users of the segment, a session starting in the window is lost entirely with probability sessionLoss ' +
            '(the app cannot load, so none of its events is logged, not even app_open); in the surviving sessions each view in the window ' +
            '(and its like) is missing with probability feedLoss. Other users are not affected.',
        },
        realised: {
          date: plan.dates[outage.day]!,
          dauExpected: o.intendedUsers,
          dauActual: outageDau,
          dauDropShare: round(1 - outageDau / Math.max(1, o.intendedUsers)),
          segmentDauExpected: o.segmentIntendedUsers,
          segmentDauActual: o.segmentActualUsers,
          dropExplainedBySegment:
            ratio(o.segmentIntendedUsers - o.segmentActualUsers, o.intendedUsers - outageDau) ?? 1,
          segmentShareOfExpectedDau: round(o.segmentIntendedUsers / Math.max(1, o.intendedUsers)),
          sessionsLost: o.sessionsLost,
          viewsLost: o.viewsLost,
          likesLost: o.likesLost,
        },
      },
      experiments: [experiment('aa_test'), experiment('feed_ranking_v2')],
      anomalies,
    },
  };
}

function groupSize(pop: Population, group: number): number {
  let n = 0;
  for (let u = 0; u < pop.size; u++) if (pop.expGroup[u] === group) n++;
  return n;
}
