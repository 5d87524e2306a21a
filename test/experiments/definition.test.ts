import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../../src/analytics/experiments/experiment.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { SightlineError } from '../../src/errors/index.ts';
import { projectFrom } from './fixtures.ts';

const METRICS = `
metrics:
  views: { type: count, event: view }
  likes: { type: count, event: like }
  ctr: { type: ratio, numerator: likes, denominator: views }
  latency: { type: avg, event: view, property: latency_ms }
  p95: { type: percentile, event: view, property: latency_ms, percentile: 95 }
  per_view: { type: formula, formula: 'likes / views' }
  buyers: { type: unique_users, event: purchase }
`;

function thrown(run: () => unknown): { code: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SightlineError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

function problems(yaml: string): string[] {
  try {
    projectFrom(yaml);
  } catch (error) {
    if (error instanceof SightlineError) return (error.details?.problems as string[]) ?? [error.message];
    throw error;
  }
  return [];
}

describe('experiments in sightline.yaml', () => {
  it('resolves a declaration: control first, equal weights by default, the primary metric first and each metric’s kind', () => {
    const { experiments } = projectFrom(`${METRICS}
experiments:
  checkout:
    arms: { from: exposures }
    variants: [treatment, control]
    control: control
    primary: ctr
    secondary: [views]
    guardrails: [{ metric: latency, better: lower }, buyers]
    start: 2026-09-01
`);
    const e = experiments.get('checkout')!;
    expect(e.variants).toEqual(['control', 'treatment']);
    expect(e.weights).toEqual([0.5, 0.5]);
    expect(e.metrics.map((m) => [m.plan.metric, m.role, m.better, m.plan.kind])).toEqual([
      ['ctr', 'primary', 'higher', 'ratio'],
      ['views', 'secondary', 'higher', 'mean'],
      ['latency', 'guardrail', 'lower', 'ratio'],
      ['buyers', 'guardrail', 'higher', 'binary'],
    ]);
    expect(e.definition).toMatchObject({
      alpha: 0.05,
      power: 0.8,
      mde: 0.05,
      correction: 'holm',
      kind: 'ab',
    });
  });

  it('takes the variants of a value map or a hash, and weights in any scale', () => {
    const { experiments } = projectFrom(`${METRICS}
experiments:
  field:
    arms: { from: event_field, field: exp_group, values: { '1': a, '2': b, '3': b } }
    control: b
    primary: views
  hashed:
    arms: { from: hash, variants: [x, y, z] }
    weights: { x: 2, y: 1, z: 1 }
    control: y
    primary: views
`);
    expect(experiments.get('field')!.variants).toEqual(['b', 'a']);
    expect(experiments.get('hashed')).toMatchObject({
      variants: ['y', 'x', 'z'],
      weights: [0.25, 0.5, 0.25],
    });
  });

  it('collects every problem at once, with did-you-mean suggestions', () => {
    expect(
      problems(`${METRICS}
experiments:
  a:
    arms: { from: exposures }
    variants: [control, treatment]
    control: contrl
    primary: veiws
    secondary: [p95, per_view, views, views]
    breakdowns: [contry]
    weights: { control: 1, treatmnt: 1 }
    start: 2026-09-10
    end: 2026-09-01
    validatedBy: b
  b:
    arms: { from: event_field, field: user.exp_group, values: { '1': x, '2': y } }
    control: x
    primary: views
    validatedBy: cc
  c:
    arms: { from: exposures }
    control: control
    primary: views
`),
    ).toEqual([
      'experiments.a.control: "contrl" is not a variant (did you mean "control"?); variants: control, treatment',
      'experiments.a.weights: "treatmnt" is not a variant (did you mean "treatment"?)',
      'experiments.a.weights: no weight for treatment',
      'experiments.a.primary: unknown metric "veiws" (did you mean "views"?)',
      'experiments.a.secondary.0: "p95" (percentile) has no per-user additive form; supported: count, sum, avg, unique_users, new_users, per_user (avg), and ratio of count, sum, unique_users or new_users metrics',
      'experiments.a.secondary.1: "per_view" (formula) has no per-user additive form; supported: count, sum, avg, unique_users, new_users, per_user (avg), and ratio of count, sum, unique_users or new_users metrics',
      'experiments.a.secondary.3: metric "views" is listed twice',
      'experiments.a.breakdowns.0: unknown dimension "contry" (did you mean "country"?)',
      'experiments.a.end: 2026-09-01 is before start 2026-09-10',
      'experiments.a.validatedBy: "b" is not an A/A experiment (kind: aa)',
      'experiments.b.arms.field: "user.exp_group" is a user column; use the event column or property the assignment is logged in',
      'experiments.b.validatedBy: unknown experiment "cc" (did you mean "c"?)',
      'experiments.c.variants: list the variants the exposures carry, for example [control, treatment]',
    ]);
  });

  it('the project file reports schema mistakes with the file and the closest key, and cross-reference ones with the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-exp-def-'));
    try {
      const file = path.join(dir, 'sightline.yaml');
      writeFileSync(
        file,
        `${METRICS}\nexperiments:\n  a:\n    arms: { from: exposures }\n    variants: [c, t]\n    control: c\n    primary: views\n    guardrail: [views]\n    start: 2026-02-30\n`,
      );
      expect(thrown(() => loadProjectFile(file))).toEqual({
        code: 'SL_CONFIG_INVALID',
        message: `${file}: experiments.a.start: not a real date; ${file}: unknown key "experiments.a.guardrail" (did you mean "guardrails"?)`,
      });
      writeFileSync(
        file,
        `${METRICS}\nexperiments:\n  a:\n    arms: { from: exposures }\n    variants: [c, t]\n    control: c\n    primary: view\n`,
      );
      expect(thrown(() => loadProjectFile(file))).toEqual({
        code: 'SL_EXPERIMENT_INVALID',
        message: `${file}: experiments.a.primary: unknown metric "view" (did you mean "views"?)`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown experiment name is a coded error with the closest declared name', () => {
    const { experiments } = projectFrom(`${METRICS}
experiments:
  feed_ranking:
    arms: { from: exposures }
    variants: [c, t]
    control: c
    primary: views
`);
    expect(() => findExperiment(experiments, 'feed_rankin')).toThrow(
      new SightlineError(
        'SL_UNKNOWN_EXPERIMENT',
        'unknown experiment "feed_rankin" (did you mean "feed_ranking"?); declared: feed_ranking',
      ),
    );
  });

  it('the repository’s own sightline.yaml declares the demo’s two experiments', () => {
    const project = loadProjectFile(path.resolve(import.meta.dirname, '../../sightline.yaml'));
    const aa = project.experiments.get('aa_test')!;
    const feed = project.experiments.get('feed_ranking_v2')!;
    expect(aa).toMatchObject({
      kind: 'aa',
      variants: ['a1', 'a2'],
      arms: { from: 'event_field', field: 'exp_group' },
    });
    expect(feed).toMatchObject({
      kind: 'ab',
      variants: ['control', 'treatment'],
      arms: { from: 'exposures' },
    });
    expect(feed.metrics[0]!.plan).toMatchObject({ metric: 'ctr', kind: 'ratio' });
    expect(feed.definition.validatedBy).toBe('aa_test');
  });
});
