/**
 * A rendered-to-be report: what a report or an alert says, as data. Builders (`reports/`, `alerts/`)
 * reduce everything they show (metric changes, an experiment's verdict, a forecast, anomalies with their
 * root cause) to a few presentational blocks; renderers (Telegram and Slack text, HTML e-mail, a
 * standalone page, PDF) and channels read only this, so a new block source needs no new renderer and a
 * new channel needs no knowledge of experiments or forecasts.
 *
 * Text in blocks is plain text: every renderer escapes it for its own dialect (MarkdownV2, mrkdwn, HTML).
 */
import type { ChartSpec } from '../charts/spec.ts';

/** How a number is written: counts with thousands separators, ratios as percentages, and so on. */
export type NumberFormat = 'integer' | 'decimal' | 'percent' | 'currency' | 'duration_ms';

/** Whether a change is good news: `up` when higher is better (DAU), `down` when lower is (latency). */
export type Polarity = 'up' | 'down' | 'neutral';

/** A change against an earlier value, with its uncertainty when one is known. */
export interface Change {
  /** The earlier value compared with (yesterday's, last week's same day). */
  readonly previous: number;
  /** value − previous. */
  readonly absolute: number;
  /** (value − previous) / previous; null when previous is 0. */
  readonly relative: number | null;
  /** A 95% interval of `relative` when the metric has a sampling error (ratios, per-user means). */
  readonly interval?: readonly [number, number];
  /** The change is beyond what day-to-day noise explains (the interval excludes 0, or |z| > 1.96). */
  readonly significant?: boolean;
  /**
   * For counts: the half-width of the metric's usual range of relative changes at this lag (0.04 =
   * ±4%), from its recent history; `significant` says whether `relative` went beyond it.
   */
  readonly usualRange?: number;
}

/** One metric's value over the report's period, with its changes. */
export interface MetricValue {
  /** The metric's name in the metrics layer (`dau`). */
  readonly metric: string;
  /** What people read (`Daily active users`). */
  readonly label: string;
  readonly value: number | null;
  readonly format: NumberFormat;
  readonly polarity: Polarity;
  /** Day over day (or period over previous period). */
  readonly previousPeriod?: Change;
  /** Week over week: the same weekday a week before (or the period a week before). */
  readonly previousWeek?: Change;
  /** The sample the value rests on (users, views), when it is an estimate. */
  readonly n?: number;
  /** A 95% interval of the value itself, when it is an estimate. */
  readonly interval?: readonly [number, number];
  /** What a count counts (`users`, `views`), for sentences such as "−3,120 users". */
  readonly unit?: string;
}

/** A sentence of the executive summary; `importance` in [0, 1] orders them (highest first). */
export interface SummarySentence {
  readonly text: string;
  readonly importance: number;
  /** What it is about, for grouping and icons. */
  readonly topic: 'movement' | 'anomaly' | 'experiment' | 'forecast' | 'data';
  readonly tone: Tone;
}

/** Good or bad news, for colour and emoji; `neutral` when it is neither. */
export type Tone = 'good' | 'bad' | 'warning' | 'neutral';

export interface TableColumn {
  readonly key: string;
  readonly label: string;
  readonly format?: NumberFormat;
  readonly align?: 'left' | 'right';
}

export type TableCell = string | number | null;

export type ReportBlock =
  /** A section heading. */
  | { readonly kind: 'heading'; readonly text: string }
  /** The executive summary: sentences, most important first. */
  | { readonly kind: 'summary'; readonly sentences: readonly SummarySentence[] }
  /** Metric tiles with their changes. */
  | {
      readonly kind: 'metrics';
      readonly title?: string;
      readonly items: readonly MetricValue[];
      /** What `previousPeriod` compares with: the day before (`d/d`, the default) or the week before (`w/w`). */
      readonly period?: 'day' | 'week';
    }
  /** A chart; `alt` says in words what it shows (for text-only channels and screen readers). */
  | {
      readonly kind: 'chart';
      readonly title: string;
      readonly chart: ChartSpec;
      readonly alt: string;
      /** Pixels at scale 1 (default 800 × 360). */
      readonly width?: number;
      readonly height?: number;
    }
  | {
      readonly kind: 'table';
      readonly title?: string;
      readonly columns: readonly TableColumn[];
      readonly rows: readonly Readonly<Record<string, TableCell>>[];
      /** Rows left out, shown as "and N more". */
      readonly omitted?: number;
    }
  /** A plain paragraph (a verdict, a root-cause sentence, a recommendation). */
  | { readonly kind: 'paragraph'; readonly text: string; readonly tone?: Tone };

/** What an alert notification is about; absent on reports. */
export interface AlertInfo {
  readonly rule: string;
  /** `firing` when it starts, `resolved` when it ends, `repeat` when it is still firing after the repeat interval. */
  readonly status: 'firing' | 'resolved' | 'repeat';
  /** Every alert of the notification (several when they are grouped). */
  readonly alerts: readonly {
    readonly rule: string;
    /** `os=Android`; '' for a rule without grouping keys. */
    readonly group: string;
    readonly status: 'firing' | 'resolved';
    /** ISO 8601 UTC. */
    readonly startsAt: string;
    readonly endsAt?: string;
    /** Stable across the alert's notifications: rule + group + start. */
    readonly fingerprint: string;
  }[];
}

export interface ReportDocument {
  readonly kind: 'report' | 'alert';
  /** The report's or the alert rule's name. */
  readonly name: string;
  readonly title: string;
  /** The period in words (`Saturday 26 September 2026`, `21–27 September 2026`). */
  readonly subtitle?: string;
  readonly project: string;
  /** The period covered, dates inclusive in `timezone`. */
  readonly period: { readonly from: string; readonly to: string; readonly timezone: string };
  /** ISO 8601 UTC: the scheduled time of the run that built it (the same on a re-run). */
  readonly generatedAt: string;
  readonly blocks: readonly ReportBlock[];
  readonly alert?: AlertInfo;
  /** A link to the dashboard when the server's public URL is configured. */
  readonly url?: string;
}
