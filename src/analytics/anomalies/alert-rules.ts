/**
 * The `alerts:` key of sightline.yaml: rules that watch a metric with a detector and turn its verdicts
 * into alerts through the rule state machine (`rule-state.ts`). The schema checks each rule's shape;
 * `buildAlertRules` then checks what it names against the metrics layer and the detector registry,
 * collecting every problem with a "did you mean". Running rules on a schedule and delivering them to
 * channels belongs to the automation layer; this module says what a rule is and how it reads a series.
 *
 * ```yaml
 * alerts:
 *   dau_hourly_drop:
 *     metric: dau
 *     detector: ensemble      # default: the default detector
 *     sensitivity: 0.5        # 0..1, higher flags more
 *     interval: hour          # 15m | hour | day: how often the rule is evaluated
 *     direction: down         # up | down | both: which side of the band is a breach
 *     for: 2h                 # how long a breach must hold (a duration, or a number of evaluations)
 *     cooldown: 6h            # no new firing this long after a resolution
 *     recovery: 2             # consecutive normal evaluations that resolve it
 *     groupBy: [os]           # each value of these dimensions has its own state
 *     channels: [oncall]
 *     repeat: 4h              # a still-firing alert is notified again this often (default 4h)
 *     quietHours: { from: '22:00', to: '08:00', timezone: Europe/Berlin }  # held, sent when they end
 * ```
 */
import { z } from 'zod';
import { closest, SightlineError } from '../../errors/index.ts';
import { DEFAULT_DETECTOR, DETECTOR_NAMES, isDetectorName } from '../../math/anomaly/registry.ts';
import { DEFAULT_SENSITIVITY, EPISODE_SCORE_FRACTION } from '../../math/anomaly/score.ts';
import { definitionNameSchema } from '../metrics/definitions.ts';
import { formulaNames, parseFormula } from '../metrics/formula.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';
import type { DetectedPoint } from './detect.ts';
import type { Evaluation, HoldFor, RulePolicy } from './rule-state.ts';
import { DETECT_INTERVALS, type DetectInterval, INTERVAL_MS } from './series.ts';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** `30m`, `2h`, `1d` (a whole number and s, m, h, d or w) in ms; `0` is allowed; undefined if not one. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
  if (match) return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return /^\s*0\s*$/.test(text) ? 0 : undefined;
}

const duration = (what: string, example: string) =>
  z.union([z.string(), z.literal(0)]).transform((value, ctx): number => {
    const ms = typeof value === 'number' ? 0 : parseDurationMs(value);
    if (ms === undefined || ms > 366 * UNIT_MS.d) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a ${what}: write a whole number and a unit, s, m, h, d or w (${example}), at most 366d`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** `for`: a number is consecutive breaching evaluations, a duration text is time since the first. */
const holdFor = z.union([z.number(), z.string()]).transform((value, ctx): HoldFor => {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1) return { kind: 'evaluations', count: value };
  } else {
    const ms = parseDurationMs(value);
    if (ms !== undefined) return { kind: 'duration', ms };
  }
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(value)} is not a duration (30m, 2h) or a number of evaluations (3; 1 fires at the first breach)`,
  });
  return z.NEVER;
});

/** Alertmanager's default `repeat_interval`: a still-firing alert is notified again after 4 hours. */
export const DEFAULT_REPEAT_MS = 4 * UNIT_MS.h;

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (22:00)')
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3)));

/**
 * Hours in which notifications are held (and sent when they end, if still relevant): `from` to `to` in
 * a time zone, wrapping past midnight when `to` is earlier (22:00–08:00). Also accepted on a channel.
 */
export const quietHoursSchema = z
  .strictObject({
    from: clockTime,
    to: clockTime,
    timezone: z.string().min(1).default('UTC'),
  })
  .superRefine((value, ctx) => {
    if (value.from === value.to)
      ctx.addIssue({ code: 'custom', message: 'from and to are the same time: quiet hours would be empty' });
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: value.timezone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${value.timezone}"` });
    }
  });

/** Quiet hours as minutes after local midnight: [from, to), wrapping when `to` < `from`. */
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const alertRuleDefinitionSchema = z.strictObject({
  description: z.string().optional(),
  metric: definitionNameSchema,
  detector: z.string().min(1).default(DEFAULT_DETECTOR),
  sensitivity: z.number().min(0).max(1).default(DEFAULT_SENSITIVITY),
  interval: z.enum(DETECT_INTERVALS).default('hour'),
  direction: z.enum(['up', 'down', 'both']).default('both'),
  for: holdFor.default({ kind: 'evaluations', count: 1 }),
  cooldown: duration('cooldown', '6h').default(0),
  recovery: z.number().int().min(1).default(1),
  groupBy: z.array(z.string().min(1)).max(3).default([]),
  channels: z.array(z.string().min(1)).default([]),
  repeat: duration('repeat interval', '4h').optional(),
  quietHours: quietHoursSchema.optional(),
});

export type AlertRuleDefinition = z.infer<typeof alertRuleDefinitionSchema>;

export const alertsSchema = {
  alerts: z.record(definitionNameSchema, alertRuleDefinitionSchema).optional(),
};

/** A validated rule. */
export interface AlertRule {
  readonly name: string;
  readonly description: string | undefined;
  readonly metric: string;
  readonly detector: (typeof DETECTOR_NAMES)[number];
  readonly sensitivity: number;
  readonly interval: DetectInterval;
  readonly intervalMs: number;
  readonly direction: 'up' | 'down' | 'both';
  readonly policy: RulePolicy;
  readonly groupBy: readonly string[];
  readonly channels: readonly string[];
  /** A still-firing alert is notified again this often (`repeat`, default `DEFAULT_REPEAT_MS`). */
  readonly repeatMs?: number;
  readonly quietHours?: QuietHours;
}

/**
 * The rules of the project file, each checked against the metrics layer (the metric and the grouping
 * dimensions exist; a trailing-window metric such as WAU is evaluated per day only) and the detector
 * registry. Every problem is collected before failing with SL_ALERT_RULE_INVALID.
 */
export function buildAlertRules(
  source: Readonly<Record<string, AlertRuleDefinition>> | undefined,
  layer: SemanticLayer,
): ReadonlyMap<string, AlertRule> {
  const problems: string[] = [];
  const rules = new Map<string, AlertRule>();
  for (const [name, definition] of Object.entries(source ?? {})) {
    const at = `alerts.${name}`;
    const before = problems.length;
    try {
      layer.metric(definition.metric);
      if (definition.interval !== 'day' && usesTrailingWindow(layer, definition.metric))
        problems.push(
          `${at}.metric: "${definition.metric}" counts users over trailing days, so it is evaluated per day; use interval: day`,
        );
    } catch (error) {
      if (!(error instanceof SightlineError)) throw error;
      problems.push(`${at}.metric: ${error.message}`);
    }
    if (!isDetectorName(definition.detector)) {
      const suggestion = closest(definition.detector, DETECTOR_NAMES);
      problems.push(
        `${at}.detector: unknown detector "${definition.detector}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; detectors: ${DETECTOR_NAMES.join(', ')}`,
      );
    }
    for (const [i, ref] of definition.groupBy.entries()) {
      try {
        layer.dimension(ref);
      } catch (error) {
        if (!(error instanceof SightlineError)) throw error;
        problems.push(`${at}.groupBy.${i}: ${error.message}`);
      }
    }
    if (problems.length > before || !isDetectorName(definition.detector)) continue;
    rules.set(name, {
      name,
      description: definition.description,
      metric: definition.metric,
      detector: definition.detector,
      sensitivity: definition.sensitivity,
      interval: definition.interval,
      intervalMs: INTERVAL_MS[definition.interval],
      direction: definition.direction,
      policy: { for: definition.for, cooldownMs: definition.cooldown, recovery: definition.recovery },
      groupBy: definition.groupBy,
      channels: definition.channels,
      ...(definition.repeat === undefined ? {} : { repeatMs: definition.repeat }),
      ...(definition.quietHours ? { quietHours: definition.quietHours } : {}),
    });
  }
  if (problems.length > 0)
    throw new SightlineError('SL_ALERT_RULE_INVALID', problems.join('; '), { details: { problems } });
  return rules;
}

/** The metric, or a metric it is built from, counts users over a trailing window of days (WAU, MAU). */
function usesTrailingWindow(layer: SemanticLayer, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const metric = layer.metric(name);
  switch (metric.type) {
    case 'unique_users':
      return metric.window > 1;
    case 'ratio':
      return (
        usesTrailingWindow(layer, metric.numerator, seen) ||
        usesTrailingWindow(layer, metric.denominator, seen)
      );
    case 'formula':
      return formulaNames(parseFormula(metric.formula)).some((n) => usesTrailingWindow(layer, n, seen));
    default:
      return false;
  }
}

/** Whether the point's value lies beyond half its band, on the side it is on (false without a band). */
function beyondHalfBand(p: DetectedPoint): boolean {
  if (p.value === null || p.expected === undefined) return false;
  if (p.value < p.expected) return p.lower !== undefined && p.value < p.expected - (p.expected - p.lower) / 2;
  return p.upper !== undefined && p.value > p.expected + (p.upper - p.expected) / 2;
}

/**
 * A rule's evaluations from a detected series: a breach is a flagged point on the rule's side of the
 * band (`down`: below the expected value, `up`: above it), held by the points after it on the same side
 * that score at least `EPISODE_SCORE_FRACTION` of `flagScore` or lie beyond half the band; a step without
 * a value is a missing evaluation (and does not end a held breach).
 */
export function ruleEvaluations(
  rule: Pick<AlertRule, 'direction'>,
  points: readonly DetectedPoint[],
  times: ArrayLike<number>,
  group = '',
  flagScore = Number.POSITIVE_INFINITY,
): Evaluation[] {
  let holding = false;
  return points.map((p, i) => {
    const value = p.value ?? Number.NaN;
    const expected = p.expected ?? Number.NaN;
    // Without an expectation, the band edge that was crossed tells the side.
    const below = p.expected !== undefined ? value < p.expected : p.lower !== undefined && value < p.lower;
    const onSide = rule.direction === 'both' || (rule.direction === 'down') === below;
    let breach: boolean;
    if (p.value === null) breach = false;
    else if (p.flag) breach = onSide;
    // The default detector flags a sustained change once, where it starts, and scores the rest of it at
    // EPISODE_SCORE_FRACTION of the flag score: without the hold a rule's `for` could never be met by
    // one long outage (the demo's 8-hour outage flagged one hour of eight). The value staying beyond half
    // the band holds it too: as a long outage goes on, the detector's baseline learns it and its score
    // sags (a 15-minute rule resolved a 90% drop two hours before it ended), but the value does not.
    else breach = holding && onSide && (p.score >= EPISODE_SCORE_FRACTION * flagScore || beyondHalfBand(p));
    if (p.value !== null) holding = breach;
    return { t: times[i]!, group, breach, value, score: p.score, expected };
  });
}
