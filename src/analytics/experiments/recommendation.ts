import type {
  Decision,
  MetricReport,
  Recommendation,
  SrmReport,
  VariantResult,
} from './experiment-report.ts';

/** Where each treatment variant stands against the sample the primary metric needs. */
export interface VariantPlan {
  readonly variant: string;
  /** Users per arm needed to detect the MDE with the declared power; null when it cannot be computed. */
  readonly requiredPerArm: number | null;
  /** Whether every arm of this comparison has reached its required users; null when unknown. */
  readonly reached: boolean | null;
  /** Days of observed traffic until it is reached (0 when reached); null when unknown. */
  readonly daysNeeded: number | null;
}

export interface RecommendationInput {
  readonly kind: 'ab' | 'aa';
  readonly alpha: number;
  readonly mde: number;
  readonly sequential: boolean;
  readonly srm: SrmReport;
  /** Why the A/A experiment this one is validated by failed; null when it passed or there is none. */
  readonly aaFailure: string | null;
  /** Primary first. */
  readonly metrics: readonly MetricReport[];
  readonly plans: readonly VariantPlan[];
}

/**
 * The decision rules of README.md, in order; the first that applies decides, and every rule that
 * fired on the way is a reason:
 * 1. invalid: a sample ratio mismatch, or a failed A/A (this experiment's, or the one it is validated by);
 * 2. an A/A experiment that passes has nothing to ship: do not ship;
 * 3. ship: a treatment whose primary metric is significantly better after correction, with no guardrail
 *    significantly worse (guardrails are read without the correction, which would hide harm) and, for a
 *    fixed-horizon experiment, its planned sample reached (the best such treatment by relative effect);
 * 4. keep running: a treatment that is not harmed and has not yet reached the users the MDE needs,
 *    with the days still needed at the observed traffic;
 * 5. do not ship: every treatment either harms the primary metric or a guardrail, or had the sample to
 *    detect the MDE and did not.
 */
export function recommend(input: RecommendationInput): Recommendation {
  const reasons: string[] = [];
  const primary = input.metrics[0]!;
  const plan = (variant: string) => input.plans.find((p) => p.variant === variant);
  const required = primary.variants.map((v) => plan(v.variant)?.requiredPerArm ?? null);
  const requiredUsersPerArm = required.some((r) => r === null)
    ? null
    : Math.max(0, ...required.map((r) => r as number));
  const done = (decision: Decision, variant: string | null = null, daysNeeded: number | null = null) => ({
    decision,
    variant,
    reasons,
    requiredUsersPerArm,
    daysNeeded,
  });

  if (input.srm.mismatch)
    reasons.push(
      `Sample ratio mismatch: the users per variant differ from the expected split (chi-square ${pIs(input.srm.pValue)} < ${input.srm.threshold}), so the assignment or its logging is broken and no effect can be trusted.`,
    );
  if (input.aaFailure) reasons.push(input.aaFailure);
  if (input.kind === 'aa') {
    const different = input.metrics.flatMap((m) =>
      m.variants
        .filter((v) => v.significant)
        .map((v) => `${m.metric} (${v.variant}: adjusted ${pIs(v.adjustedPValue)})`),
    );
    if (different.length > 0)
      reasons.push(
        `A/A test failed: identical arms differ significantly on ${different.join(', ')}, so the split system cannot be trusted.`,
      );
  }
  if (reasons.length > 0) return done('invalid');
  if (input.kind === 'aa') {
    reasons.push(
      'A/A test passed: the split matches the expected weights and no metric differs significantly between the identical arms; there is nothing to ship.',
    );
    return done('do not ship');
  }

  const guardrails = input.metrics.filter((m) => m.role === 'guardrail');
  const statuses = primary.variants.map((result) => {
    const harms = guardrails.flatMap((g) => {
      const r = g.variants.find((v) => v.variant === result.variant);
      return r && harmed(r) ? [`${g.metric} ${describe(r, 'relative')}`] : [];
    });
    return { result, harms, plan: plan(result.variant) };
  });

  const wins = statuses.filter(
    (s) => s.result.significant && s.result.direction === 'better' && s.harms.length === 0,
  );
  const early = wins.filter((s) => !input.sequential && s.plan?.reached === false);
  const ready = wins.filter((s) => !early.includes(s));
  if (ready.length > 0) {
    const best = ready.reduce((a, b) =>
      gain(b.result, primary.better) > gain(a.result, primary.better) ? b : a,
    );
    reasons.push(
      `${primary.metric} is significantly better for ${best.result.variant} after correction: ${describe(best.result, 'relative')} (adjusted ${pIs(best.result.adjustedPValue)}).`,
    );
    reasons.push(
      guardrails.length > 0
        ? `No guardrail is significantly worse (${guardrails.map((g) => g.metric).join(', ')}).`
        : 'No guardrails are declared.',
    );
    return done('ship', best.result.variant);
  }

  for (const s of statuses) {
    const r = s.result;
    if (r.significant && r.direction === 'worse')
      reasons.push(`${primary.metric} is significantly worse for ${r.variant}: ${describe(r, 'relative')}.`);
    if (s.harms.length > 0) reasons.push(`Guardrails harmed by ${r.variant}: ${s.harms.join('; ')}.`);
  }
  const harmless = statuses.filter(
    (s) => s.harms.length === 0 && !(s.result.significant && s.result.direction === 'worse'),
  );
  // Still open: no test yet (too few users, no variance), or short of the sample the MDE needs.
  const open = harmless.filter((s) => s.result.pValue === null || s.plan?.reached === false);
  if (open.length > 0) {
    const days = open.map((s) => (s.result.pValue === null ? null : (s.plan?.daysNeeded ?? null)));
    const daysNeeded = days.some((d) => d === null) ? null : Math.max(...(days as number[]));
    for (const s of open) {
      const r = s.result;
      if (r.pValue === null) {
        const why = r.warnings.map((w) => w.message).join('; ');
        reasons.push(`${primary.metric} could not be tested for ${r.variant} yet${why ? `: ${why}` : ''}.`);
        continue;
      }
      const what = early.includes(s)
        ? `${primary.metric} is already significant for ${r.variant} (${describe(r, 'relative')}), but a fixed-horizon test read before its planned sample overstates significance (declare sequential: true to read it at any time)`
        : `${primary.metric} shows no significant difference for ${r.variant} yet (${describe(r, 'relative')})`;
      reasons.push(
        `${what}; detecting a ${pct(input.mde)} change with the declared power needs ${s.plan!.requiredPerArm!.toLocaleString('en-US')} users per arm.`,
      );
    }
    reasons.push(
      daysNeeded === null
        ? 'Keep running: how many more days it needs cannot be estimated yet.'
        : `Keep running for about ${daysNeeded} more day${daysNeeded === 1 ? '' : 's'} at the observed traffic.`,
    );
    return done('keep running', null, daysNeeded);
  }
  for (const s of harmless) {
    const r = s.result;
    if (r.significant) continue;
    reasons.push(
      s.plan?.reached
        ? `${primary.metric} shows no significant difference for ${r.variant} (${describe(r, 'relative')}) with enough users to detect a ${pct(input.mde)} change: the effect, if any, is smaller than the MDE.`
        : `${primary.metric} shows no significant difference for ${r.variant} (${describe(r, 'relative')}); the sample it would need is unknown (a zero control mean or variance).`,
    );
  }
  return done('do not ship');
}

/** A guardrail is harmed when its own (uncorrected) p-value is below alpha in its worse direction. */
function harmed(result: VariantResult): boolean {
  return result.significant && result.direction === 'worse';
}

function gain(result: VariantResult, better: 'higher' | 'lower'): number {
  const effect = result.relative.effect ?? result.absolute.effect ?? 0;
  return better === 'higher' ? effect : -effect;
}

/** "+4.1% (95% CI +1.2% to +7.0%), p = 0.0031", or the absolute effect when there is no relative one. */
export function describe(result: VariantResult, scale: 'relative' | 'absolute'): string {
  const r = scale === 'relative' && result.relative.effect !== null ? result.relative : result.absolute;
  const relative = r === result.relative;
  const show = (x: number) => (relative ? pct(x, true) : signed(x));
  if (r.effect === null) return 'no effect could be estimated';
  const ci = r.ci ? ` (CI ${show(r.ci[0])} to ${show(r.ci[1])})` : '';
  return `${show(r.effect)}${ci}, ${pIs(result.pValue)}`;
}

export function pct(x: number, sign = false): string {
  const text = `${(x * 100).toFixed(Math.abs(x) < 0.001 ? 3 : 2)}%`;
  return sign && x >= 0 ? `+${text}` : text;
}

function signed(x: number): string {
  const text = Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
  return x >= 0 ? `+${text}` : text;
}

/** "p = 0.0123", or "p < 1e-16" below double precision's resolution of a p-value near 0. */
export function pIs(value: number | null): string {
  return value !== null && value < 1e-16 ? 'p < 1e-16' : `p = ${p(value)}`;
}

/** A p-value with 3 significant digits (or "< 1e-16"). */
export function p(value: number | null): string {
  if (value === null) return 'n/a';
  if (value < 1e-16) return '< 1e-16';
  return value < 0.001 ? value.toExponential(2) : value.toPrecision(3);
}
