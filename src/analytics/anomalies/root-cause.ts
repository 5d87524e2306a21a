/**
 * `explainChange`: why a metric moved in one bucket. Actual per segment from the warehouse in the bucket,
 * expected per segment from the same slots of earlier weeks (or days) carried to the present level
 * (`root-cause-expected.ts`), and Adtributor's explanatory power and surprise over every dimension and
 * pairs of the most telling ones (`src/math/anomaly/attribution.ts`), ending in one sentence a person can
 * act on.
 */

import { PROMOTED_STRING_FIELDS } from '../../data/events/event.ts';
import { parseTimestamp } from '../../data/events/timestamp.ts';
import { SightlineError } from '../../errors/index.ts';
import {
  type AttributedSegment,
  attribute,
  type DimensionInput,
  segmentKey,
} from '../../math/anomaly/attribution.ts';
import type { StatWarning } from '../../math/stats/result.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { bestShare, buildDimension, dedupe, type KeyHistory, pairsOf } from './root-cause-dimensions.ts';
import { expectation, planSlots } from './root-cause-expected.ts';
import { type Measure, resolveMeasure, spansEvents } from './root-cause-measure.ts';
import {
  type Segment,
  scopedMeasure,
  segmentFilter,
  segmentLabel,
  withoutFixed,
} from './root-cause-segment.ts';
import { explainSentence } from './root-cause-sentence.ts';
import { firstEventSql, propertyObjectsSql, segmentRowsSql, type TimeWindow } from './root-cause-sql.ts';

export const EXPLAIN_INTERVALS = ['15m', 'hour', 'day'] as const;
export type ExplainInterval = (typeof EXPLAIN_INTERVALS)[number];
const INTERVAL_MS: Record<ExplainInterval, number> = { '15m': 900_000, hour: 3_600_000, day: 86_400_000 };
const DAY_MS = 86_400_000;

/**
 * Event columns split by default: the promoted dimensions people slice by. Identifiers (session_id,
 * receiver_id) are left out (one value per session or user explains nothing) but can be named with
 * `dimensions`; post_id stays, since one post going viral is a cause, and its many values are cut to the
 * top ones.
 */
export const DEFAULT_DIMENSIONS = PROMOTED_STRING_FIELDS.filter(
  (f) => f !== 'session_id' && f !== 'receiver_id',
);
const PROPERTY_SAMPLE = 500;

export interface ExplainRequest {
  readonly metric: string;
  /** A time inside the bucket to explain (ISO 8601, a date, or epoch). */
  readonly at: string;
  readonly interval: ExplainInterval;
  /** Dimension references to split by (`os`, `user.source`, `properties.plan`, a named dimension); default: all. */
  readonly dimensions?: readonly string[];
  /**
   * The segment to explain within (`{ os: 'Android' }`; null for a missing value): the actual and the
   * expected are counted inside it, and the dimensions it fixes are not searched. Default: the whole metric.
   */
  readonly where?: Segment;
}

export interface ExplainedSegment {
  /** `os=Android, app_version=5.2`. */
  readonly segment: string;
  readonly dimensions: readonly string[];
  readonly values: readonly (string | null)[];
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relativeChange: number | null;
  /** Adtributor's explanatory power: the share of the whole change the segment carries. */
  readonly share: number;
  readonly surprise: number;
  /** 1 when the rest of the metric did not move, 0 when the segment moved in proportion to it. */
  readonly concentration: number;
  /** The segment's expected share of the metric (of its denominator for a ratio). */
  readonly expectedShare: number;
}

export interface ExplainResult {
  readonly metric: string;
  readonly label: string;
  readonly interval: ExplainInterval;
  /** The segment explained within (`{}` for the whole metric); its dimensions are in `skipped`. */
  readonly where: Segment;
  /** The bucket explained, ISO 8601 UTC, [start, end). */
  readonly at: string;
  readonly end: string;
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relativeChange: number | null;
  /** The segment that explains the change, or null when it is spread across segments. */
  readonly cause: ExplainedSegment | null;
  /** Candidate segments, the cause first. */
  readonly segments: readonly ExplainedSegment[];
  /** Adtributor's candidate sets by decreasing surprise. */
  readonly dimensions: readonly {
    dimensions: readonly string[];
    surprise: number;
    share: number;
    segments: readonly string[];
  }[];
  /**
   * The history the whole's expectation is the Theil-Sen line through (the same slot on previous days,
   * the numerator's values for a ratio), and the slots the segment shares come from.
   */
  readonly expectedFrom: {
    history: readonly { start: string; value: number }[];
    /** A day's weekday factor and the same weekdays it came from (factor 1 and none for shorter buckets). */
    weekday: { factor: number; weeks: readonly string[] };
    shareSlots: readonly string[];
  };
  /** Dimension sets scored, and those skipped with the reason. */
  readonly considered: readonly string[];
  readonly skipped: readonly { dimensions: string; reason: string }[];
  readonly sentence: string;
  readonly sql: string;
  readonly warnings: readonly StatWarning[];
}

interface Row {
  dim: number;
  k0: string | null;
  k1: string | null;
  slot: number;
  n: number | bigint | null;
  d: number | bigint | null;
}

/** Explains the change of `metric` in the bucket containing `at` (see the module comment). */
export async function explainChange(ctx: InsightContext, request: ExplainRequest): Promise<ExplainResult> {
  if (!EXPLAIN_INTERVALS.includes(request.interval))
    throw new SightlineError(
      'SL_EXPLAIN_INVALID',
      `the interval must be ${EXPLAIN_INTERVALS.join(', ')}, not ${JSON.stringify(request.interval)}`,
    );
  const where = request.where ?? {};
  const measure = scopedMeasure(resolveMeasure(ctx.layer, request.metric), segmentFilter(ctx.layer, where));
  const scope = segmentLabel(where);
  const width = INTERVAL_MS[request.interval];
  const atUs = parseTimestamp(request.at);
  if (atUs === null)
    throw new SightlineError('SL_EXPLAIN_INVALID', `--at ${JSON.stringify(request.at)} is not a time`, {
      hint: 'give an ISO 8601 time (2026-10-26T09:00Z) or a date (2026-10-26)',
    });
  const start = Math.floor(atUs / 1000 / width) * width;
  const bucket: TimeWindow = { start, end: start + width };

  const firstRows = await ctx.query<{ first: number | null }>(firstEventSql(ctx));
  const first = firstRows[0]?.first;
  const plan =
    first === null || first === undefined
      ? null
      : planSlots(start, Math.floor((first * 1000) / width) * width, width >= DAY_MS);
  if (!plan)
    throw new SightlineError(
      'SL_EXPLAIN_INVALID',
      `no history before ${new Date(start).toISOString()} to learn what ${request.metric} should have been`,
      { hint: 'explain a time at least one day after the first event' },
    );
  const back = (lag: number): TimeWindow => ({
    start: start - lag * DAY_MS,
    end: start + width - lag * DAY_MS,
  });
  // The whole is read at every lag its line and weekday factor need; segments at the share slots only.
  const wholeWindows = [bucket, ...plan.wholeLags.map(back)];
  const windows = [bucket, ...plan.shareLags.map(back)];
  const shareWindows = plan.shareLags.map((_, k) => k + 1);

  const asked = request.dimensions ?? (await defaultDimensions(ctx, measure, bucket));
  for (const ref of asked) ctx.layer.dimension(ref);
  const { searched: refs, fixed } = withoutFixed(ctx.layer, asked, where);
  const skipped: { dimensions: string; reason: string }[] = fixed.map((f) => ({
    dimensions: f.ref,
    reason: `fixed by the segment (${f.by})`,
  }));
  const whole = (await readSets(ctx, measure, [[]], wholeWindows))[0]?.get(JSON.stringify([null, null]));
  if (!whole && scope !== '')
    throw new SightlineError(
      'SL_EXPLAIN_INVALID',
      `nothing counts toward ${request.metric} where ${scope} in the bucket at ${new Date(start).toISOString()} or the ${plan.lags.length} day(s) before it`,
      {
        hint: `check the values: \`sightline insight trends --breakdown ${Object.keys(where).join(',')}\` lists them`,
      },
    );
  const lagIndex = new Map(plan.wholeLags.map((lag, k) => [lag, k + 1]));
  const at =
    (values: Float64Array | undefined) =>
    (lag: number): number =>
      values ? (values[lagIndex.get(lag) as number] as number) : 0;
  const expN = expectation(plan, at(whole?.n));
  const expD = expectation(plan, at(whole?.d));
  const singles = await readSets(
    ctx,
    measure,
    refs.map((r) => [r]),
    windows,
  );
  const total = {
    actual: whole ? (whole.n[0] as number) : 0,
    expected: expN.expected,
    ...(measure.denominator
      ? { actualBase: whole ? (whole.d[0] as number) : 0, expectedBase: expD.expected }
      : {}),
  };

  const build = (set: readonly string[], table: Map<string, KeyHistory> | undefined): DimensionInput | null =>
    buildDimension(set, table, measure, total, shareWindows, { n: expN.segment, d: expD.segment }, skipped);
  const singleInputs = dedupe(
    refs.map((ref, i) => build([ref], singles[i])).filter((x): x is DimensionInput => x !== null),
    skipped,
  );

  const pairSets = pairsOf(singleInputs, Boolean(measure.denominator));
  const pairTables = pairSets.length > 0 ? await readSets(ctx, measure, pairSets, windows) : [];
  const pairInputs = pairSets
    .map((set, i) => build(set, pairTables[i]))
    .filter((x): x is DimensionInput => x !== null);

  const result = attribute(total, [...singleInputs, ...pairInputs]);
  const present = (s: AttributedSegment): ExplainedSegment => ({
    segment: segmentKey(s).replaceAll(',', ', '),
    dimensions: s.dimensions,
    values: s.values,
    actual: s.actual,
    expected: s.expected,
    change: s.change,
    relativeChange: s.relativeChange,
    share: s.explanatoryPower,
    surprise: s.surprise,
    concentration: s.concentration,
    expectedShare: s.expectedShare,
  });
  const segments = result.segments.map(present);
  const cause = result.cause ? present(result.cause) : null;
  const partial = {
    metric: request.metric,
    label: measure.label,
    interval: request.interval,
    where,
    at: new Date(start).toISOString(),
    end: new Date(start + width).toISOString(),
    actual: result.actual,
    expected: result.expected,
    change: result.change,
    relativeChange: result.relativeChange,
    cause,
    segments,
  };
  return {
    ...partial,
    dimensions: result.dimensions.map((set) => ({
      dimensions: set.dimensions,
      surprise: set.surprise,
      share: set.explanatoryPower,
      segments: set.segments.map((s) => segmentKey(s).replaceAll(',', ', ')),
    })),
    expectedFrom: {
      history: plan.lags.map((lag) => ({
        start: new Date(start - lag * DAY_MS).toISOString(),
        value: at(whole?.n)(lag),
      })),
      weekday: {
        factor: expN.weekday,
        weeks: plan.weekLags.map((lag) => new Date(start - lag * DAY_MS).toISOString()),
      },
      shareSlots: plan.shareLags.map((lag) => new Date(start - lag * DAY_MS).toISOString()),
    },
    considered: [...singleInputs, ...pairInputs].map((d) => d.dimensions.join(' × ')),
    skipped,
    sentence: explainSentence(
      { ...partial, scope, considered: singleInputs.length + pairInputs.length },
      measure,
      bestShare([...singleInputs, ...pairInputs], measure.denominator !== undefined),
    ),
    sql: ctx.sqlText(),
    warnings: result.warnings,
  };
}

/**
 * Every default event column, the event name when the metric counts every event, the metrics layer's
 * named dimensions, and the keys of the `properties` seen on the measured events in the bucket.
 */
async function defaultDimensions(
  ctx: InsightContext,
  measure: Measure,
  bucket: TimeWindow,
): Promise<string[]> {
  const refs: string[] = [...DEFAULT_DIMENSIONS];
  if (spansEvents(measure)) refs.push('event');
  refs.push(...ctx.layer.dimensions.keys());
  const rows = await ctx.query<{ p: string | null }>(
    propertyObjectsSql(ctx, measure, bucket, PROPERTY_SAMPLE),
  );
  const keys = new Set<string>();
  for (const row of rows) {
    if (row.p === null) continue;
    try {
      const object: unknown = JSON.parse(row.p);
      if (object && typeof object === 'object' && !Array.isArray(object))
        for (const key of Object.keys(object)) keys.add(key);
    } catch {
      // Ingestion stores properties as JSON objects; anything else is not a source of dimensions.
    }
  }
  for (const key of [...keys].sort()) refs.push(`properties.${key}`);
  return refs;
}

/** Reads the sets' rows in one statement and keys them: per set, key → values and n, d per window. */
async function readSets(
  ctx: InsightContext,
  measure: Measure,
  sets: readonly (readonly string[])[],
  windows: readonly TimeWindow[],
): Promise<Map<string, KeyHistory>[]> {
  const rows = await ctx.query<Row & Record<string, unknown>>(segmentRowsSql(ctx, measure, sets, windows));
  const tables = sets.map(() => new Map<string, KeyHistory>());
  for (const row of rows) {
    const table = tables[Number(row.dim)];
    if (!table || row.slot === null) continue;
    const values = [row.k0 ?? null, row.k1 ?? null];
    const key = JSON.stringify(values);
    let entry = table.get(key);
    if (!entry) {
      entry = { values, n: new Float64Array(windows.length), d: new Float64Array(windows.length) };
      table.set(key, entry);
    }
    const slot = Number(row.slot);
    entry.n[slot] = (entry.n[slot] as number) + Number(row.n ?? 0);
    entry.d[slot] = (entry.d[slot] as number) + Number(row.d ?? 0);
  }
  return tables;
}
