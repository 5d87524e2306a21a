import type { RejectReason } from '../data/events/event.ts';
import type { EventName } from './event-buffer.ts';
import type { MalformedKind } from './plan.ts';

/**
 * ground-truth.json: what the demo planted and what it realised, so tests of ingestion, retention,
 * anomaly detection, root cause and experiment analysis can assert against known answers. Instants are
 * ISO 8601 UTC; windows are [start, end). "Expected" counts are the counterfactual: the events the same
 * simulated users produced or meant to produce without the plant, counted during the run.
 */
export interface GroundTruth {
  version: 1;
  generator: { name: 'sightline-demo'; seed: number; users: number; days: number; endDate: string };
  period: { startDate: string; endDate: string; start: string; end: string; days: number };
  /** Paths relative to the output directory, one per day. */
  files: FileTruth[];
  totals: {
    /** Non-empty lines in all files: validEvents + duplicateLines + malformedLines. */
    lines: number;
    /** Distinct valid events (each event_id once). */
    validEvents: number;
    /** Second copies of a valid line (same event_id, byte-identical), written by client retries. */
    duplicateLines: number;
    malformedLines: number;
    malformed: Record<MalformedKind, { lines: number; rejectReason: RejectReason; description: string }>;
    /** Valid events by name. */
    events: Record<EventName, number>;
    /** Everyone who signed up (each has exactly one sign_up event, their first). */
    users: number;
  };
  population: {
    bySource: Record<string, number>;
    byCampaign: Record<string, number>;
    byCountry: Record<string, number>;
    byOs: Record<string, number>;
    byExpGroup: Record<string, number>;
  };
  daily: DayTruth[];
  retention: {
    definition: string;
    model: string;
    cohorts: Record<
      'organic' | 'ads_always_on' | 'campaign_burst' | 'all_but_campaign_burst',
      RetentionTruth
    >;
  };
  planted: {
    campaign: CampaignTruth;
    outage: OutageTruth;
    experiments: ExperimentTruth[];
    anomalies: AnomalyTruth[];
  };
}

export interface FileTruth {
  path: string;
  date: string;
  lines: number;
  validEvents: number;
  duplicateLines: number;
  malformedLines: number;
}

export interface DayTruth {
  date: string;
  /** Distinct user_id with at least one valid event that UTC day. */
  dau: number;
  signUps: number;
  validEvents: number;
  events: Record<EventName, number>;
}

export interface RetentionTruth {
  users: number;
  /** For day N: users whose sign-up day + N is inside the period, and those of them active that day. */
  days: Record<string, { eligible: number; retained: number; rate: number | null }>;
}

export interface CampaignTruth {
  date: string;
  source: 'ads';
  campaign: string;
  users: number;
  signUpWindow: { start: string; end: string };
  /** Multiplies the daily activity probability, relative to organic users (always-on ads: adsRetentionMultiplier). */
  retentionMultiplier: number;
  adsRetentionMultiplier: number;
  /** Realised day-7 retention of the burst cohort divided by that of every other user. */
  realisedDay7Ratio: number | null;
}

export interface OutageTruth {
  start: string;
  end: string;
  segment: { os: string; app_version: string };
  affectedEvents: string[];
  mechanism: { sessionLoss: number; feedLoss: number; description: string };
  realised: {
    date: string;
    dauExpected: number;
    dauActual: number;
    dauDropShare: number;
    segmentDauExpected: number;
    segmentDauActual: number;
    /** The segment's share of the users who went missing: 1, since no one else was affected. */
    dropExplainedBySegment: number;
    segmentShareOfExpectedDau: number;
    sessionsLost: number;
    viewsLost: number;
    likesLost: number;
  };
}

export interface ExperimentTruth {
  name: 'aa_test' | 'feed_ranking_v2';
  start: string;
  startDate: string;
  assignment: string;
  exposure: string;
  metric: string;
  arms: { variant: string; expGroup: string; control: boolean }[];
  trueRelativeUplift: number;
  realised: {
    arms: { variant: string; users: number; exposures: number; views: number; likes: number; ctr: number }[];
    relativeUplift: number;
  };
}

export interface WindowCount {
  event: string;
  expected: number;
  observed: number;
  ratio: number | null;
}

export interface AnomalyTruth {
  id: string;
  kind: 'spike' | 'drop';
  description: string;
  start: string;
  end: string;
  events: string[];
  /**
   * Size of the effect on its main metric: the planted factor where the plant scales something (logging
   * drop, latency, messaging outage), the realised observed/expected ratio where it adds events that have
   * no factor of their own (push: app_open; viral post: like). Per-event ratios are under `realised`.
   */
  multiplier: number;
  parameters: Record<string, number | string>;
  realised: WindowCount[];
  extra?: Record<string, number | string>;
}
