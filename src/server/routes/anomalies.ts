/**
 * Anomalies over HTTP: `POST /anomalies/detect` (`sightline detect METRIC --json`, or with `rule` the
 * replay of `detect --rule NAME --json`), `POST /anomalies/explain` (`sightline explain METRIC --at T
 * [--where dim=value …] --json`, the segment as `where: { dim: value }`) and `GET /anomalies` (the dashboard's timeline: the alert rules' recent firings, each with its
 * root-cause sentence; see `anomaly-timeline.ts` for the scope).
 */
import { z } from 'zod';
import { anomalyTimeline } from '../../analytics/anomalies/anomaly-timeline.ts';
import { resolveDetector, resolveSensitivity } from '../../analytics/anomalies/detect.ts';
import { detectInterval, detectMetric } from '../../analytics/anomalies/detect-metric.ts';
import { replayAlertRule, transitionJson } from '../../analytics/anomalies/replay-alert-rule.ts';
import { EXPLAIN_INTERVALS, explainChange } from '../../analytics/anomalies/root-cause.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import type { RoutePlugin } from '../context.ts';
import { documentedBody, insightContextFor, parseBody } from './insights-request.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const detectBodySchema = z.strictObject({
  metric: z.string().min(1).optional(),
  event: z.string().min(1).optional(),
  rule: z.string().min(1).optional(),
  interval: z.string().min(1).optional(),
  from: date.optional(),
  to: date.optional(),
  detector: z.string().min(1).optional(),
  sensitivity: z.number().optional(),
  groupBy: z.array(z.string().min(1)).max(4).optional(),
});

export const explainBodySchema = z.strictObject({
  metric: z.string().min(1),
  at: z.string().min(1),
  interval: z.enum(EXPLAIN_INTERVALS).default('day'),
  dimensions: z.array(z.string().min(1)).min(1).optional(),
  /** The segment to explain within, `{ "os": "Android" }` (null for a missing value), as `explain --where`. */
  where: z.record(z.string().min(1), z.string().nullable()).optional(),
});

export const timelineQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(14),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const anomalyRoutes: RoutePlugin = (app, context) => {
  const { alerts } = context.project;

  app.post('/anomalies/detect', documentedBody(detectBodySchema), async (request) => {
    const projectId = request.principal.projectId;
    const b = parseBody(detectBodySchema, request.body, 'SL_DETECT_OPTION_INVALID');
    const given = [b.metric, b.event, b.rule].filter((x) => x !== undefined).length;
    if (given !== 1)
      throw new SightlineError('SL_DETECT_OPTION_INVALID', 'give exactly one of metric, event or rule');
    if (b.rule !== undefined) {
      const rule = alerts.get(b.rule);
      if (rule === undefined) {
        const suggestion = closest(b.rule, [...alerts.keys()]);
        throw new SightlineError(
          'SL_NOT_FOUND',
          `no alert rule "${b.rule}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          {
            hint:
              alerts.size > 0
                ? `rules: ${[...alerts.keys()].join(', ')}`
                : 'the project declares no alert rules',
          },
        );
      }
      return context.run(projectId, { route: 'detect-rule', ...b }, async () => {
        const { ctx } = await insightContextFor(context, projectId);
        const transitions = await replayAlertRule(ctx, rule, {
          now: Date.now(),
          ...(b.from === undefined ? {} : { from: b.from }),
          ...(b.to === undefined ? {} : { to: b.to }),
        });
        return { rule: rule.name, transitions: transitions.map(transitionJson) };
      });
    }
    // Checked before any data is read, as the CLI does.
    const options = { detector: resolveDetector(b.detector), sensitivity: resolveSensitivity(b.sensitivity) };
    const interval = detectInterval(b.interval);
    if (b.metric !== undefined) context.project.layer.metric(b.metric);
    return context.run(projectId, { route: 'detect', ...b }, async () => {
      const { ctx } = await insightContextFor(context, projectId);
      const detection = await detectMetric(
        ctx,
        {
          metric: b.metric ?? { event: b.event! },
          interval,
          now: Date.now(),
          ...(b.from === undefined ? {} : { from: b.from }),
          ...(b.to === undefined ? {} : { to: b.to }),
          ...(b.groupBy === undefined ? {} : { groupBy: b.groupBy }),
        },
        options,
      );
      return detection.json;
    });
  });

  app.post('/anomalies/explain', documentedBody(explainBodySchema), async (request) => {
    const projectId = request.principal.projectId;
    const b = parseBody(explainBodySchema, request.body, 'SL_EXPLAIN_INVALID');
    return context.run(projectId, { route: 'explain', ...b }, async () => {
      const { ctx } = await insightContextFor(context, projectId);
      return explainChange(ctx, {
        metric: b.metric,
        at: b.at,
        interval: b.interval,
        ...(b.dimensions === undefined ? {} : { dimensions: b.dimensions }),
        ...(b.where === undefined ? {} : { where: b.where }),
      });
    });
  });

  app.get('/anomalies', async (request) => {
    const projectId = request.principal.projectId;
    const q = parseBody(timelineQuerySchema, request.query);
    return context.run(projectId, { route: 'anomalies', ...q }, async () => {
      const { ctx } = await insightContextFor(context, projectId);
      return anomalyTimeline(ctx, alerts, { days: q.days, limit: q.limit, now: Date.now() });
    });
  });
};
