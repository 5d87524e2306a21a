import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../errors/index.ts';
import { SemanticLayer } from './semantic-layer.ts';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SightlineError) return (error.details?.problems as string[]) ?? [error.message];
    throw error;
  }
  return [];
}

describe('the semantic layer', () => {
  it('accepts a consistent layer and resolves every kind of name', () => {
    const layer = SemanticLayer.build({
      metrics: {
        views: { type: 'count', event: 'view' },
        likes: { type: 'count', event: 'like', where: "os = 'iOS'" },
        ctr: { type: 'ratio', numerator: 'likes', denominator: 'views' },
        per_view: { type: 'formula', formula: 'ctr * 100' },
      },
      dimensions: {
        plan: 'properties.plan',
        acquisition: { ref: 'user.source', description: 'first touch' },
      },
      filters: { ios: "os = 'iOS'", paid: { where: "acquisition = 'ads' and @ios" } },
      cohorts: { fans: { behavior: { event: 'like', atLeast: 3, days: 7 } } },
    });
    expect(layer.dimension('plan')).toEqual({ kind: 'property', key: 'plan' });
    expect(layer.dimension('acquisition')).toEqual({ kind: 'user', column: 'source', numeric: false });
    expect(layer.dimension('age')).toEqual({ kind: 'event', column: 'age', numeric: true });
    expect(layer.dimension('properties.x y')).toEqual({ kind: 'property', key: 'x y' });
    expect(layer.formulas.get('ctr')).toEqual({
      kind: 'binary',
      op: '/',
      left: { kind: 'name', name: 'likes' },
      right: { kind: 'name', name: 'views' },
    });
    expect(layer.metricFilters.get('likes')).toEqual({ kind: 'compare', ref: 'os', op: '=', value: 'iOS' });
    expect(layer.cohort('fans').definition.behavior?.atLeast).toBe(3);
  });

  it('collects every problem at once, with did-you-mean suggestions', () => {
    const found = problems(() =>
      SemanticLayer.build({
        metrics: {
          views: { type: 'count', event: 'view', where: "contry = 'US'" },
          ctr: { type: 'ratio', numerator: 'likes', denominator: 'veiws' },
          f: { type: 'formula', formula: 'views / (' },
          lat: { type: 'avg', event: 'view', property: 'country' },
        },
        dimensions: { plan: 'propertes.plan' },
        filters: { a: "@b and os = 'x'", b: '@a', c: "cohort = 'fanz'" },
        cohorts: { fans: { behavior: { event: 'like', atLeast: 1, days: 7 } } },
      }),
    );
    expect(found).toEqual([
      'dimensions.plan: "propertes.plan" is not an event column, user.<column> or properties.<key>',
      'filters.c: unknown cohort "fanz" (did you mean "fans"?)',
      'filters: a -> b -> a refers to itself',
      'metrics.views.where: unknown dimension "contry" (did you mean "country"?)',
      'metrics.ctr: unknown metric "likes"',
      'metrics.ctr: unknown metric "veiws" (did you mean "views"?)',
      'metrics.f.formula: formula "views / (": ends too early',
      'metrics.lat.property: "country" is not numeric',
    ]);
  });

  it('finds cycles between formula metrics', () => {
    expect(
      problems(() =>
        SemanticLayer.build({
          metrics: {
            a: { type: 'formula', formula: 'b + 1' },
            b: { type: 'ratio', numerator: 'a', denominator: 'a' },
          },
        }),
      ),
    ).toEqual(['metrics: a -> b -> a refers to itself']);
  });

  it('rejects unknown names in queries with a code and a suggestion', () => {
    const layer = SemanticLayer.build({ metrics: { views: { type: 'count', event: 'view' } } });
    expect(() => layer.metric('veiws')).toThrow(/unknown metric "veiws" \(did you mean "views"\?\)/);
    expect(() => layer.dimension('contry')).toThrow(/did you mean "country"/);
    expect(() => layer.cohort('x')).toThrow(SightlineError);
    expect(() => layer.checkFilter({ kind: 'compare', ref: 'user.nope', op: '=', value: 1 })).toThrow(
      /unknown dimension/,
    );
  });
});
