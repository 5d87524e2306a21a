import { describe, expect, it } from 'vitest';
import type { MetricReport, VariantResult } from './experiment-report.ts';
import { describe as describeEffect, p, pct, type RecommendationInput, recommend } from './recommendation.ts';

/** A treatment's result: a relative effect with a ±0.02 interval, its p-value and adjusted p-value. */
function variant(
  name: string,
  lift: number,
  pValue: number | null,
  options: { adjusted?: number; better?: 'higher' | 'lower'; alpha?: number } = {},
): VariantResult {
  const adjusted = pValue === null ? null : (options.adjusted ?? pValue);
  const significant = adjusted !== null && adjusted < (options.alpha ?? 0.05);
  const better = (options.better ?? 'higher') === 'higher' ? lift > 0 : lift < 0;
  return {
    variant: name,
    absolute: { effect: lift, se: 0.01, ci: [lift - 0.02, lift + 0.02], pValue },
    relative: { effect: lift, se: 0.01, ci: [lift - 0.02, lift + 0.02], pValue },
    pValue,
    adjustedPValue: adjusted,
    significant,
    direction: significant ? (better ? 'better' : 'worse') : null,
    sequential: { absolute: { ci: null, pValue: null }, relative: { ci: null, pValue: null }, tuning: 5000 },
    bayesian: { chanceToWin: null, riskTreatment: null, riskControl: null, ci: null },
    warnings:
      pValue === null
        ? [
            {
              code: 'SL_STATS_EMPTY_ARM',
              message: 'each arm needs at least 2 units (control has 1, treatment 0)',
            },
          ]
        : [],
  };
}

function metric(
  name: string,
  role: MetricReport['role'],
  variants: VariantResult[],
  better: 'higher' | 'lower' = 'higher',
): MetricReport {
  return {
    metric: name,
    label: name,
    role,
    better,
    kind: 'mean',
    test: { name: 'Welch t-test', why: '' },
    arms: [],
    variants,
    breakdowns: [],
  };
}

const reached = { variant: 'treatment', requiredPerArm: 1000, reached: true, daysNeeded: 0 };

function input(overrides: Partial<RecommendationInput>): RecommendationInput {
  return {
    kind: 'ab',
    alpha: 0.05,
    mde: 0.05,
    sequential: false,
    srm: { pValue: 0.5, statistic: 0.45, threshold: 0.001, mismatch: false },
    aaFailure: null,
    metrics: [metric('ctr', 'primary', [variant('treatment', 0.04, 0.001, { adjusted: 0.003 })])],
    plans: [reached],
    ...overrides,
  };
}

describe('the recommendation rules', () => {
  it('ship: the primary metric is significantly better after correction and no guardrail is worse', () => {
    const r = recommend(
      input({
        metrics: [
          metric('ctr', 'primary', [variant('treatment', 0.04, 0.001, { adjusted: 0.003 })]),
          metric('latency', 'guardrail', [variant('treatment', 0.01, 0.3, { better: 'lower' })], 'lower'),
        ],
      }),
    );
    expect(r).toEqual({
      decision: 'ship',
      variant: 'treatment',
      reasons: [
        'ctr is significantly better for treatment after correction: +4.00% (CI +2.00% to +6.00%), p = 0.00100 (adjusted p = 0.00300).',
        'No guardrail is significantly worse (latency).',
      ],
      requiredUsersPerArm: 1000,
      daysNeeded: null,
    });
  });

  it('ship picks the best of several winning treatments; a winner that harms a guardrail is not a candidate', () => {
    const r = recommend(
      input({
        metrics: [
          metric('ctr', 'primary', [
            variant('b', 0.03, 0.001),
            variant('c', 0.06, 0.001),
            variant('d', 0.09, 0.001),
          ]),
          metric(
            'latency',
            'guardrail',
            [variant('b', 0, 0.9), variant('c', 0, 0.9), variant('d', 0.05, 0.01, { better: 'lower' })],
            'lower',
          ),
        ],
        plans: ['b', 'c', 'd'].map((v) => ({ ...reached, variant: v })),
      }),
    );
    expect(r.decision).toBe('ship');
    expect(r.variant).toBe('c');
  });

  it('not significant after correction is not a win, even when the raw p-value is below alpha', () => {
    const r = recommend(
      input({ metrics: [metric('ctr', 'primary', [variant('treatment', 0.04, 0.03, { adjusted: 0.06 })])] }),
    );
    expect(r.decision).toBe('do not ship');
    expect(r.reasons).toEqual([
      'ctr shows no significant difference for treatment (+4.00% (CI +2.00% to +6.00%), p = 0.0300) with enough users to detect a 5.00% change: the effect, if any, is smaller than the MDE.',
    ]);
  });

  it('do not ship: a guardrail significantly worse in its own direction (read without the correction)', () => {
    const r = recommend(
      input({
        metrics: [
          metric('ctr', 'primary', [variant('treatment', 0.04, 0.001)]),
          metric('latency', 'guardrail', [variant('treatment', 0.1, 0.01, { better: 'lower' })], 'lower'),
          metric('messages', 'guardrail', [variant('treatment', 0.1, 0.01)]),
        ],
      }),
    );
    expect(r.decision).toBe('do not ship');
    expect(r.reasons).toEqual([
      'Guardrails harmed by treatment: latency +10.00% (CI +8.00% to +12.00%), p = 0.0100.',
    ]);
  });

  it('do not ship: the primary metric significantly worse, even before the planned sample', () => {
    const r = recommend(
      input({
        metrics: [metric('ctr', 'primary', [variant('treatment', -0.04, 0.001)])],
        plans: [{ ...reached, reached: false, daysNeeded: 9 }],
      }),
    );
    expect(r.decision).toBe('do not ship');
    expect(r.reasons[0]).toBe(
      'ctr is significantly worse for treatment: -4.00% (CI -6.00% to -2.00%), p = 0.00100.',
    );
  });

  it('keep running: not significant and short of the sample the MDE needs, with the days still needed', () => {
    const r = recommend(
      input({
        metrics: [metric('ctr', 'primary', [variant('treatment', 0.01, 0.4)])],
        plans: [{ variant: 'treatment', requiredPerArm: 12_000, reached: false, daysNeeded: 6 }],
      }),
    );
    expect(r).toMatchObject({ decision: 'keep running', daysNeeded: 6, requiredUsersPerArm: 12_000 });
    expect(r.reasons).toEqual([
      'ctr shows no significant difference for treatment yet (+1.00% (CI -1.00% to +3.00%), p = 0.400); detecting a 5.00% change with the declared power needs 12,000 users per arm.',
      'Keep running for about 6 more days at the observed traffic.',
    ]);
  });

  it('keep running: a fixed-horizon win before its planned sample is not acted on; a sequential one is', () => {
    const early = { plans: [{ ...reached, reached: false, daysNeeded: 3 }] };
    const fixed = recommend(input(early));
    expect(fixed.decision).toBe('keep running');
    expect(fixed.reasons[0]).toMatch(
      /already significant .* overstates significance \(declare sequential: true/,
    );
    expect(recommend(input({ ...early, sequential: true })).decision).toBe('ship');
  });

  it('keep running: the primary metric cannot be tested yet, for a reason its warnings give', () => {
    const r = recommend(
      input({
        metrics: [metric('ctr', 'primary', [variant('treatment', 0, null)])],
        plans: [{ variant: 'treatment', requiredPerArm: null, reached: null, daysNeeded: null }],
      }),
    );
    expect(r).toMatchObject({ decision: 'keep running', daysNeeded: null, requiredUsersPerArm: null });
    expect(r.reasons).toEqual([
      'ctr could not be tested for treatment yet: each arm needs at least 2 units (control has 1, treatment 0).',
      'Keep running: how many more days it needs cannot be estimated yet.',
    ]);
  });

  it('invalid: a sample ratio mismatch outranks a winning treatment', () => {
    const r = recommend(input({ srm: { pValue: 2e-5, statistic: 18.2, threshold: 0.001, mismatch: true } }));
    expect(r.decision).toBe('invalid');
    expect(r.reasons).toEqual([
      'Sample ratio mismatch: the users per variant differ from the expected split (chi-square p = 2.00e-5 < 0.001), so the assignment or its logging is broken and no effect can be trusted.',
    ]);
  });

  it('invalid: the A/A experiment this one is validated by failed', () => {
    const r = recommend(input({ aaFailure: 'The A/A experiment "aa" on the same split system failed: …' }));
    expect(r).toMatchObject({ decision: 'invalid', variant: null });
  });

  it('an A/A experiment fails on any significant difference and otherwise has nothing to ship', () => {
    const failing = recommend(
      input({
        kind: 'aa',
        metrics: [
          metric('ctr', 'primary', [variant('a2', 0.001, 0.5)]),
          metric('views', 'secondary', [variant('a2', 0.03, 0.001, { adjusted: 0.002 })]),
        ],
      }),
    );
    expect(failing.decision).toBe('invalid');
    expect(failing.reasons).toEqual([
      'A/A test failed: identical arms differ significantly on views (a2: adjusted p = 0.00200), so the split system cannot be trusted.',
    ]);
    const passing = recommend(
      input({ kind: 'aa', metrics: [metric('ctr', 'primary', [variant('a2', 0.001, 0.5)])] }),
    );
    expect(passing.decision).toBe('do not ship');
    expect(passing.reasons[0]).toMatch(/^A\/A test passed/);
  });
});

describe('numbers in reasons', () => {
  it('percentages with two decimals (three below 0.1%) and p-values with three significant digits', () => {
    expect([pct(0.0412, true), pct(-0.0005, true), pct(0.5)]).toEqual(['+4.12%', '-0.050%', '50.00%']);
    expect([p(0.04123), p(0.00012345), p(1e-20), p(null)]).toEqual(['0.0412', '1.23e-4', '< 1e-16', 'n/a']);
    expect(describeEffect(variant('t', 0.1, 0.5), 'relative')).toBe(
      '+10.00% (CI +8.00% to +12.00%), p = 0.500',
    );
  });
});
