/**
 * The plain-language report of a causal impact analysis, in the spirit of R CausalImpact's
 * `summary(impact, "report")`: what was observed, what was expected without the intervention, the
 * effect with its interval in absolute and relative terms, and whether it is distinguishable from chance.
 */
import type { CausalImpactResult } from './causal-impact.ts';

type ReportInput = Omit<CausalImpactResult, 'report'>;

/** Formats a number with about three significant digits (thousands kept whole). */
function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1) return x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return x.toPrecision(2);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(Math.abs(x) >= 0.1 ? 0 : 1)}%`;
}

/** The report as paragraphs separated by blank lines. */
export function causalReport(r: ReportInput): string {
  const level = `${Math.round(100 * (1 - r.alpha))}%`;
  const avg = r.average;
  const cum = r.cumulative;
  const [lo, hi] = avg.absoluteEffect.interval;
  const [rlo, rhi] = avg.relativeEffect.interval;
  const direction = avg.absoluteEffect.value >= 0 ? 'increase' : 'decrease';
  const paragraphs = [
    `During the post-intervention period, the response variable had an average value of about ${fmt(avg.actual)}. ` +
      `Without the intervention, we would have expected an average of ${fmt(avg.prediction.value)} ` +
      `(${level} interval ${fmt(avg.prediction.interval[0])} to ${fmt(avg.prediction.interval[1])}). ` +
      `Subtracting this prediction from the observed response gives an estimated effect of ${fmt(avg.absoluteEffect.value)} ` +
      `per point (${level} interval ${fmt(lo)} to ${fmt(hi)}).`,
    `Summed over the post-intervention period, the response was ${fmt(cum.actual)} against an expected ` +
      `${fmt(cum.prediction.value)} (${level} interval ${fmt(cum.prediction.interval[0])} to ${fmt(cum.prediction.interval[1])}), ` +
      `an effect of ${fmt(cum.absoluteEffect.value)} (${fmt(cum.absoluteEffect.interval[0])} to ${fmt(cum.absoluteEffect.interval[1])}).`,
    `In relative terms, the response showed ${avg.relativeEffect.value >= 0 ? 'an increase' : 'a decrease'} of ` +
      `${pct(Math.abs(avg.relativeEffect.value))} (${level} interval ${pct(rlo)} to ${pct(rhi)}).`,
  ];
  if (r.significant) {
    const excludes = lo > 0 || hi < 0;
    paragraphs.push(
      `The probability of obtaining an effect this large by chance is very small (tail-area probability p = ${r.p.toPrecision(2)}), ` +
        `so the causal effect can be considered statistically significant: the ${direction} is unlikely to be noise` +
        (excludes ? `, and the ${level} interval excludes zero.` : '.') +
        ' This holds only if the control series were not themselves affected by the intervention and the relationship ' +
        'between them and the response learned in the pre-period continued after it.',
    );
  } else {
    paragraphs.push(
      `The apparent ${direction} could well be due to chance (tail-area probability p = ${r.p.toPrecision(2)}; ` +
        `${pct(r.probabilityOfEffect)} probability of a causal effect), so it is not statistically significant. ` +
        `The ${level} interval of the average effect, ${fmt(lo)} to ${fmt(hi)}, includes zero. ` +
        'This does not mean the intervention had no effect, only that the data cannot distinguish it from noise; ' +
        'a longer post-period or better control series may.',
    );
  }
  for (const w of r.warnings) paragraphs.push(`Note (${w.code}): ${w.message}`);
  return paragraphs.join('\n\n');
}
