import type { Rng } from '../math/random.ts';
import { DAY_MS, formatDate } from './calendar.ts';
import { APP_VERSIONS, BURST_CAMPAIGN } from './catalogue.ts';

/**
 * The schedule of one demo run: its calendar, the app releases, and every planted effect with its
 * exact window and magnitude. It is computed from the options alone, before any user is simulated, so
 * the simulation reads it and the ground truth describes it: the two cannot drift.
 *
 * Planted days sit at fixed fractions of the period. The fractions are at least 0.08 apart and the
 * shortest period is 14 days (13 gaps), so 0.08 * 13 >= 1 puts each on its own day.
 */

/** An hour window inside one day, [startHour, endHour) in UTC. */
export interface DayWindow {
  day: number;
  startHour: number;
  endHour: number;
}

export interface AnomalyPlan extends DayWindow {
  id: 'push_notification' | 'logging_drop' | 'viral_post' | 'latency_spike' | 'messaging_outage';
}

export interface DemoPlan {
  seed: number;
  users: number;
  days: number;
  /** 00:00 UTC of the first simulated day. */
  startMs: number;
  /** `YYYY-MM-DD` of each day, in order. */
  dates: string[];
  /** Day on which each of APP_VERSIONS becomes available; negative for versions older than the period. */
  releaseDay: number[];
  /** Sign-ups per day grow by this factor from the first to the last day (before the weekly cycle). */
  growthFactor: number;
  /** The planted acquisition burst. */
  campaign: {
    day: number;
    campaignIndex: number;
    users: number;
    /** Sign-ups of the burst land between these UTC hours (the ads ran in the afternoon and evening). */
    startHour: number;
    endHour: number;
    retentionMultiplier: number;
  };
  /** Multiplies the daily activity probability of ordinary ads users (organic users have 1). */
  adsRetentionMultiplier: number;
  /** A broken feed for one OS and app version. */
  outage: DayWindow & {
    os: 'Android';
    appVersion: string;
    /** Chance that a session of the segment starting in the window never happens (the app cannot load). */
    sessionLoss: number;
    /** Chance that a view (and its like) of a surviving session in the window is missing. */
    feedLoss: number;
  };
  experiment: {
    /** Day whose 00:00 UTC starts both experiments. */
    startDay: number;
    /** Relative uplift of the like probability per view for feed_ranking_v2's treatment (group 4). */
    uplift: number;
  };
  push: DayWindow & { openProbability: number; messagesPerOpen: number; viewsPerOpen: number };
  loggingDrop: DayWindow & { lossProbability: number; events: readonly string[] };
  viralPost: DayWindow & { postIndex: number; viewProbability: number; likeProbability: number };
  latencySpike: DayWindow & { multiplier: number };
  messagingOutage: DayWindow & { lossProbability: number };
  /** Where duplicate and malformed lines go. */
  logRealism: {
    duplicateRate: number;
    /** Duplicates are written 1..maxDuplicateDelay lines after the original, in the same file. */
    maxDuplicateDelay: number;
    malformed: MalformedLinePlan[];
  };
  /** New posts per day: the feed shows recent ones. */
  postsPerDay: number;
}

export type MalformedKind = 'truncated_json' | 'missing_user_id' | 'invalid_timestamp';

export interface MalformedLinePlan {
  kind: MalformedKind;
  day: number;
  /** Inserted before the event at this fraction of the day's events. */
  position: number;
}

export const MALFORMED_COUNTS: Record<MalformedKind, number> = {
  truncated_json: 7,
  missing_user_id: 4,
  invalid_timestamp: 3,
};

function dayAt(fraction: number, days: number): number {
  return Math.floor(fraction * (days - 1));
}

export function planDemo(
  options: { users: number; days: number; seed: number; endDate: string },
  rng: Rng,
): DemoPlan {
  const { users, days, seed } = options;
  const endMs = Date.parse(`${options.endDate}T00:00:00.000Z`);
  const startMs = endMs - (days - 1) * DAY_MS;
  const dates = Array.from({ length: days }, (_, d) => formatDate(startMs + d * DAY_MS));

  const outageDay = dayAt(0.85, days);
  // 5.2 ships early enough to be the main Android version by the outage; 5.3 ships after it, so the
  // outage segment is still the bulk of Android then.
  const releaseDay = [
    -60,
    -20,
    Math.max(1, dayAt(0.3, days)),
    outageDay + Math.max(1, Math.round(0.07 * (days - 1))),
  ];

  const burstUsers = Math.max(10, Math.round((3 * users) / days));

  const malformed: MalformedLinePlan[] = [];
  for (const kind of Object.keys(MALFORMED_COUNTS) as MalformedKind[]) {
    for (let i = 0; i < MALFORMED_COUNTS[kind]; i++) {
      malformed.push({ kind, day: rng.int(0, days - 1), position: rng.next() });
    }
  }
  // The writer walks them in file order.
  malformed.sort((a, b) => a.day - b.day || a.position - b.position);

  const viralDay = dayAt(0.35, days);
  const postsPerDay = Math.max(20, Math.round((0.4 * users) / days));

  const plan: DemoPlan = {
    seed,
    users,
    days,
    startMs,
    dates,
    releaseDay,
    growthFactor: 3,
    campaign: {
      day: dayAt(0.67, days),
      campaignIndex: BURST_CAMPAIGN,
      users: burstUsers,
      startHour: 12,
      endHour: 23,
      retentionMultiplier: 0.42,
    },
    adsRetentionMultiplier: 0.78,
    outage: {
      day: outageDay,
      startHour: 6,
      endHour: 14,
      os: 'Android',
      appVersion: APP_VERSIONS[2],
      sessionLoss: 0.9,
      feedLoss: 0.95,
    },
    experiment: { startDay: Math.max(1, dayAt(0.3, days)), uplift: 0.05 },
    push: {
      day: dayAt(0.2, days),
      startHour: 18,
      endHour: 19,
      openProbability: 0.045,
      messagesPerOpen: 1.2,
      viewsPerOpen: 1,
    },
    loggingDrop: {
      day: dayAt(0.45, days),
      startHour: 14,
      endHour: 15,
      lossProbability: 0.9,
      events: ['app_open', 'view', 'like', 'message'],
    },
    viralPost: {
      day: viralDay,
      startHour: 12,
      endHour: 15,
      // A post created that morning: the first id of the day.
      postIndex: viralDay * postsPerDay + 1000,
      viewProbability: 0.95,
      likeProbability: 0.9,
    },
    latencySpike: { day: dayAt(0.55, days), startHour: 9, endHour: 11, multiplier: 5 },
    messagingOutage: { day: dayAt(0.75, days), startHour: 16, endHour: 18, lossProbability: 0.8 },
    logRealism: { duplicateRate: 0.0005, maxDuplicateDelay: 20, malformed },
    postsPerDay,
  };
  assertDistinctDays(plan);
  return plan;
}

/** Posts that exist by the end of `day`: a back catalogue of 1000, then postsPerDay a day. */
export function postsBy(plan: DemoPlan, day: number): number {
  return 1000 + (day + 1) * plan.postsPerDay;
}

function assertDistinctDays(plan: DemoPlan): void {
  const days = [
    plan.campaign.day,
    plan.outage.day,
    plan.push.day,
    plan.loggingDrop.day,
    plan.viralPost.day,
    plan.latencySpike.day,
    plan.messagingOutage.day,
  ];
  if (new Set(days).size !== days.length)
    throw new Error(`demo plan: planted days collide: ${days.join(', ')}`);
}
