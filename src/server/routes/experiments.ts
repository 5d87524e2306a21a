/**
 * Experiments over HTTP, each answer the JSON of the matching CLI command: `GET /experiments` (the
 * declared experiments with their arms and exposure counts), `GET /experiments/:name` (`experiment
 * analyze NAME --json`), `POST /experiments/:name/aa` (`experiment aa NAME --json`, the body holding its
 * flags in camelCase) and `POST /power` (`experiment power --json`).
 */
import { z } from 'zod';
import { validateSplit } from '../../analytics/experiments/aa-validation.ts';
import { analyzeExperiment } from '../../analytics/experiments/analyze-experiment.ts';
import { findExperiment } from '../../analytics/experiments/experiment.ts';
import { listExperiments } from '../../analytics/experiments/experiment-list.ts';
import { powerPlan } from '../../analytics/experiments/power-plan.ts';
import { AA_TESTS } from '../../math/stats/aa-simulation.ts';
import type { RoutePlugin } from '../context.ts';
import { documentedBody, insightContextFor, parseBody } from './insights-request.ts';

/** The flags of `experiment aa`, as numbers; the CLI's defaults apply to what is left out. */
export const aaBodySchema = z.strictObject({
  simulations: z.number().int().min(1).max(100_000).default(10_000),
  sample: z.number().int().min(2).optional(),
  metric: z.string().min(1).optional(),
  test: z.enum(AA_TESTS).optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().min(0).default(1),
});

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** The flags of `experiment power`, as JSON numbers and booleans. */
export const powerBodySchema = z.strictObject({
  baselineRate: finite.optional(),
  baselineMean: finite.optional(),
  sd: finite.optional(),
  mde: finite,
  relative: z.boolean().optional(),
  alpha: finite.default(0.05),
  power: finite.default(0.8),
  ratio: finite.default(1),
  dailyUsers: finite.optional(),
  simulate: z.boolean().optional(),
  simulations: z.number().int().min(100).max(1_000_000).default(10_000),
  seed: z.number().int().default(1),
});

const text = (x: number | undefined) => (x === undefined ? undefined : String(x));

export const experimentRoutes: RoutePlugin = (app, context) => {
  const { experiments } = context.project;

  app.get('/experiments', async (request) => {
    const projectId = request.principal.projectId;
    return context.run(projectId, { route: 'experiments' }, async () => {
      const { ctx } = await insightContextFor(context, projectId);
      return { experiments: await listExperiments(ctx, experiments) };
    });
  });

  app.get<{ Params: { name: string } }>('/experiments/:name', async (request) => {
    const projectId = request.principal.projectId;
    const { name } = request.params;
    findExperiment(experiments, name); // an unknown name fails before any query, with a did-you-mean
    return context.run(projectId, { route: 'experiment', name }, async () => {
      const { ctx } = await insightContextFor(context, projectId);
      return analyzeExperiment(ctx, experiments, name);
    });
  });

  app.post<{ Params: { name: string } }>(
    '/experiments/:name/aa',
    documentedBody(aaBodySchema),
    async (request) => {
      const projectId = request.principal.projectId;
      const { name } = request.params;
      const body = parseBody(aaBodySchema, request.body);
      findExperiment(experiments, name);
      const spec = {
        simulations: body.simulations,
        seed: body.seed,
        ...(body.sample === undefined ? {} : { samplePerArm: body.sample }),
        ...(body.metric === undefined ? {} : { metric: body.metric }),
        ...(body.test === undefined ? {} : { test: body.test }),
        ...(body.alpha === undefined ? {} : { alpha: body.alpha }),
      };
      return context.run(projectId, { route: 'experiment-aa', name, spec }, async () => {
        const { ctx } = await insightContextFor(context, projectId);
        return validateSplit(ctx, experiments, name, spec);
      });
    },
  );

  app.post('/power', documentedBody(powerBodySchema), async (request) => {
    const b = parseBody(powerBodySchema, request.body);
    // powerPlan reads the CLI's flags; numbers pass through String() exactly (shortest round trip).
    return powerPlan({
      baselineRate: text(b.baselineRate),
      baselineMean: text(b.baselineMean),
      sd: text(b.sd),
      mde: String(b.mde),
      ...(b.relative === undefined ? {} : { relative: b.relative }),
      alpha: String(b.alpha),
      power: String(b.power),
      ratio: String(b.ratio),
      dailyUsers: text(b.dailyUsers),
      ...(b.simulate === undefined ? {} : { simulate: b.simulate }),
      simulations: String(b.simulations),
      seed: String(b.seed),
    });
  });
};
