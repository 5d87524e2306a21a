/**
 * Root-cause attribution of a change in a metric to segments of its dimensions, after Adtributor
 * (Bhagwan, Kumar, Ramjee, Varghese, Mohapatra, Manoharan, Bhat: "Adtributor: Revenue Debugging in
 * Advertising Systems", NSDI 2014). For each element ij (a value of a dimension, or of a pair of dimensions)
 * with actual A_ij and expected F_ij of the measure:
 *
 * - explanatory power EP_ij: the share of the total change that element carries. For an additive measure
 *   (event counts, sums, users) EP_ij = (A_ij − F_ij) / (A − F). For a ratio m = N / D (CTR = likes /
 *   views) the paper's derived-measure form: the change of the ratio when only ij moves from expected to
 *   actual, EP_ij = (N_F + ΔN_ij) / (D_F + ΔD_ij) − N_F / D_F, over A_m − F_m. These need not sum to 1.
 * - surprise S_ij: the element's term of the Jensen-Shannon divergence between the expected distribution
 *   p_ij = F_ij / F and the actual q_ij = A_ij / A over the dimension's elements,
 *   S_ij = ½ (p log2(2p / (p + q)) + q log2(2q / (p + q))), with 0 log 0 = 0 (so S ∈ [0, ½], log base 2). For a
 *   ratio, the sum of the numerator's and the denominator's surprise (the paper's rule for derived measures).
 *
 * Per dimension the candidate set is the paper's Algorithm 1: elements in decreasing surprise, each kept if
 * EP_ij > T_EP (0.1), until their EP sum exceeds T_EEP (0.67); a dimension whose elements never reach T_EEP
 * has no candidate set. Candidate sets are ranked by their total surprise (the paper's ranking).
 *
 * Two additions, because a person acts on one segment, not on a list of sets:
 *
 * - Concentration c_ij = (EP_ij − p_ij) / (1 − p_ij), with p_ij the element's expected share of the base (the
 *   denominator for a ratio). For an additive measure it equals 1 − r_rest / r, where r is the whole
 *   metric's relative change and r_rest that of everything outside the element: 1 when the rest did not
 *   move at all, 0 when the element moved in proportion to everything else. A change that hits every
 *   segment alike (a logging fault, a global outage) gives EP_ij ≈ p_ij everywhere, so EP alone would
 *   "explain" 64% of it by a segment that merely holds 64% of the traffic; concentration tells the two apart.
 * - Specificity: a pair segment (os=Android ∧ app_version=5.2) is ranked in place of a marginal
 *   (os=Android) it refines when it carries at least `pairShareOfParent` (85%) of the marginal's EP and
 *   more than its expected share of the marginal: the pair then explains the same change with a narrower
 *   segment, which is the more useful answer.
 * - Mix shifts: for an additive measure the EP denominator is the larger of |A − F| and the half total
 *   variation ½ Σ_j |A_ij − F_ij| of the dimension, so a shift between elements with a flat whole (a viral
 *   post taking views from the others) gets shares in [−1, 1] instead of dividing by nearly zero.
 *
 * The ranked segments are the candidate-set members with concentration at least `minConcentration` (0.5)
 * by decreasing EP × concentration (the change they carry beyond their size: a new post that carries 87%
 * of a rise outranks an app version carrying 91% of it that already held 65% of the traffic), then the
 * others by decreasing EP; `cause` is the first when it is concentrated.
 */
import type { StatWarning } from '../stats/result.ts';

/** One element of a dimension (or of a pair of dimensions) with its actual and expected measure. */
export interface ElementInput {
  /** One value per dimension of the set; null is a missing value (a segment of its own). */
  readonly values: readonly (string | null)[];
  /** The additive measure, or a ratio's numerator. */
  readonly actual: number;
  readonly expected: number;
  /** A ratio's denominator (omit for an additive measure). */
  readonly actualBase?: number;
  readonly expectedBase?: number;
  /**
   * The lumped values of a dimension with too many to list: counted in the totals and distributions (so
   * the dimension still sums to the whole) but never offered as a cause.
   */
  readonly remainder?: boolean;
}

/** The elements of one dimension (`['os']`) or one pair of dimensions (`['os', 'app_version']`). */
export interface DimensionInput {
  readonly dimensions: readonly string[];
  readonly elements: readonly ElementInput[];
}

/** The whole metric: an additive measure, or a ratio when the bases are given. */
export interface TotalInput {
  readonly actual: number;
  readonly expected: number;
  readonly actualBase?: number;
  readonly expectedBase?: number;
}

export interface AttributionOptions {
  /** T_EP: an element must carry more than this share of the change to be a candidate (paper: 0.1). */
  readonly minExplanatoryPower?: number;
  /** T_EEP: a candidate set must carry more than this share together (paper: 0.67). */
  readonly minSetExplanatoryPower?: number;
  /** A concentration at least this makes a segment a cause rather than a bystander. */
  readonly minConcentration?: number;
  /** A refinement replaces a coarser segment when it carries at least this share of its EP. */
  readonly pairShareOfParent?: number;
}

export const ATTRIBUTION_DEFAULTS: Required<AttributionOptions> = {
  minExplanatoryPower: 0.1,
  minSetExplanatoryPower: 0.67,
  minConcentration: 0.5,
  pairShareOfParent: 0.85,
};

export interface AttributedSegment {
  readonly dimensions: readonly string[];
  readonly values: readonly (string | null)[];
  /** The measure in the segment: the count, sum or users, or the segment's own ratio. */
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  /** change / expected; null when nothing was expected. */
  readonly relativeChange: number | null;
  /** EP: the share of the whole change this segment carries (1 = all of it). */
  readonly explanatoryPower: number;
  /** The segment's Jensen-Shannon surprise term (base 2). */
  readonly surprise: number;
  /** p: the segment's expected share of the base (of the measure, or of a ratio's denominator). */
  readonly expectedShare: number;
  /** q: its actual share of the base. */
  readonly actualShare: number;
  /** How much of the change stays unexplained by the segment's size; see the module comment. */
  readonly concentration: number;
}

/** A dimension's Adtributor candidate set. */
export interface DimensionAttribution {
  readonly dimensions: readonly string[];
  /** Total surprise of the set, by which dimensions are ranked. */
  readonly surprise: number;
  /** EP of the set together (above T_EEP). */
  readonly explanatoryPower: number;
  readonly segments: readonly AttributedSegment[];
}

export interface AttributionResult {
  /** The whole metric (a ratio's value for a ratio). */
  readonly actual: number;
  readonly expected: number;
  readonly change: number;
  readonly relativeChange: number | null;
  /** Candidate sets, by decreasing surprise. */
  readonly dimensions: readonly DimensionAttribution[];
  /** Candidate segments, causes first; see the module comment. */
  readonly segments: readonly AttributedSegment[];
  /** The segment that explains the change, or null when none is concentrated enough. */
  readonly cause: AttributedSegment | null;
  readonly warnings: readonly StatWarning[];
}

/**
 * The Jensen-Shannon divergence term of one element (Bhagwan et al. 2014, after Lin 1991) between its
 * expected share p and actual share q, base 2: ½ (p log2(2p/(p+q)) + q log2(2q/(p+q))), 0 log 0 = 0.
 * Returns 0 when p = q, ½ · max(p, q) when one of them is 0.
 */
export function jsSurprise(p: number, q: number): number {
  const m = p + q;
  if (!(m > 0)) return 0;
  const term = (x: number): number => (x > 0 ? x * Math.log2((2 * x) / m) : 0);
  return 0.5 * (term(p) + term(q));
}

/** The value of the measure: the count itself, or numerator / denominator (NaN over a zero base). */
function measure(numerator: number, base: number | undefined): number {
  if (base === undefined) return numerator;
  return base === 0 ? Number.NaN : numerator / base;
}

function isRatio(total: TotalInput): boolean {
  return total.actualBase !== undefined && total.expectedBase !== undefined;
}

/**
 * Scores every element of every dimension set against the whole and ranks the causes (Adtributor,
 * Bhagwan et al. 2014, with the concentration and specificity rules of the module comment). Returns the
 * whole's change, the candidate sets by surprise, and the ranked segments; a change of zero, or a ratio
 * with no base, returns no segments and a warning, never NaN.
 */
export function attribute(
  total: TotalInput,
  dimensions: readonly DimensionInput[],
  options: AttributionOptions = {},
): AttributionResult {
  const o = { ...ATTRIBUTION_DEFAULTS, ...options };
  const ratio = isRatio(total);
  const actual = measure(total.actual, ratio ? total.actualBase : undefined);
  const expected = measure(total.expected, ratio ? total.expectedBase : undefined);
  const change = actual - expected;
  const relativeChange = expected !== 0 && Number.isFinite(expected) ? change / Math.abs(expected) : null;
  const warnings: StatWarning[] = [];
  const empty = (message: string): AttributionResult => {
    warnings.push({ code: 'SL_EXPLAIN_NO_CHANGE', message });
    return {
      actual: Number.isFinite(actual) ? actual : 0,
      expected: Number.isFinite(expected) ? expected : 0,
      change: Number.isFinite(change) ? change : 0,
      relativeChange,
      dimensions: [],
      segments: [],
      cause: null,
      warnings,
    };
  };
  if (!Number.isFinite(actual) || !Number.isFinite(expected))
    return empty('the ratio has no denominator (nothing in the base), so its change cannot be attributed');
  if (change === 0) return empty('the metric equals its expected value: there is no change to attribute');

  const sets: DimensionAttribution[] = [];
  const all: AttributedSegment[] = [];
  for (const dimension of dimensions) {
    const scored = scoreDimension(dimension, ratio);
    all.push(...scored.filter((s) => s.candidate).map((s) => s.segment));
    const candidate = candidateSet(scored, o);
    if (candidate) sets.push(candidate);
  }
  sets.sort((a, b) => b.surprise - a.surprise || b.explanatoryPower - a.explanatoryPower);

  const members = new Map<string, AttributedSegment>();
  for (const set of sets) for (const s of set.segments) members.set(segmentKey(s), s);
  const segments = rankSegments([...members.values()], all, o);
  const first = segments[0];
  const cause = first && first.concentration >= o.minConcentration ? first : null;
  return { actual, expected, change, relativeChange, dimensions: sets, segments, cause, warnings };
}

interface ScoredElement {
  readonly segment: AttributedSegment;
  readonly candidate: boolean;
}

/**
 * Every element of one dimension set scored against the dimension's own sums (equal to the whole for a
 * partition): EP, surprise, shares and concentration as defined in the module comment (Adtributor, Bhagwan
 * et al. 2014). Returns the segments in input order, the remainder included.
 */
export function scoreElements(dimension: DimensionInput, options: { ratio: boolean }): AttributedSegment[] {
  return scoreDimension(dimension, options.ratio).map((s) => s.segment);
}

function scoreDimension(dimension: DimensionInput, ratio: boolean): ScoredElement[] {
  // The dimension's own sums: equal to the whole for a partition, and they keep p and q distributions.
  let sumA = 0;
  let sumF = 0;
  let sumAB = 0;
  let sumFB = 0;
  for (const e of dimension.elements) {
    sumA += e.actual;
    sumF += e.expected;
    sumAB += e.actualBase ?? 0;
    sumFB += e.expectedBase ?? 0;
  }
  const wholeA = ratio ? sumA / sumAB : sumA;
  const wholeF = ratio ? sumF / sumFB : sumF;
  let wholeChange = wholeA - wholeF;
  if (!ratio) {
    // When the whole barely moves but its mix does (one post takes views from the others), (A − F) is
    // near 0 and every EP explodes; the half total variation ½ Σ |A_ij − F_ij| is the size of the
    // movement between elements, and it is at most |A − F| whenever all elements move the same way.
    let variation = 0;
    for (const e of dimension.elements) variation += Math.abs(e.actual - e.expected);
    variation /= 2;
    if (variation > Math.abs(wholeChange)) wholeChange = (wholeChange < 0 ? -1 : 1) * variation;
  }
  return dimension.elements.map((e) => {
    const aB = e.actualBase ?? 0;
    const fB = e.expectedBase ?? 0;
    let ep: number;
    let surprise: number;
    let p: number;
    let q: number;
    let segA: number;
    let segF: number;
    if (ratio) {
      // Only this element moves: (N_F + ΔN_ij) / (D_F + ΔD_ij) − N_F / D_F (Adtributor's derived measure).
      const moved = (sumF + e.actual - e.expected) / (sumFB + aB - fB);
      ep = Number.isFinite(moved) && wholeChange !== 0 ? (moved - wholeF) / wholeChange : 0;
      surprise =
        jsSurprise(share(e.expected, sumF), share(e.actual, sumA)) +
        jsSurprise(share(fB, sumFB), share(aB, sumAB));
      p = share(fB, sumFB);
      q = share(aB, sumAB);
      segA = aB === 0 ? 0 : e.actual / aB;
      segF = fB === 0 ? 0 : e.expected / fB;
    } else {
      ep = wholeChange === 0 ? 0 : (e.actual - e.expected) / wholeChange;
      p = share(e.expected, sumF);
      q = share(e.actual, sumA);
      surprise = jsSurprise(p, q);
      segA = e.actual;
      segF = e.expected;
    }
    const segChange = segA - segF;
    const segment: AttributedSegment = {
      dimensions: dimension.dimensions,
      values: e.values,
      actual: segA,
      expected: segF,
      change: segChange,
      relativeChange: segF !== 0 ? segChange / Math.abs(segF) : null,
      explanatoryPower: ep,
      surprise,
      expectedShare: p,
      actualShare: q,
      concentration: p < 1 ? (ep - p) / (1 - p) : 0,
    };
    return { segment, candidate: e.remainder !== true };
  });
}

function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** Adtributor's Algorithm 1 for one dimension: the fewest most surprising elements that explain T_EEP. */
function candidateSet(
  scored: readonly ScoredElement[],
  o: Required<AttributionOptions>,
): DimensionAttribution | undefined {
  const order = scored
    .filter((s) => s.candidate)
    .map((s) => s.segment)
    .sort((a, b) => b.surprise - a.surprise || b.explanatoryPower - a.explanatoryPower);
  const chosen: AttributedSegment[] = [];
  let explains = 0;
  let surprise = 0;
  for (const s of order) {
    if (!(s.explanatoryPower > o.minExplanatoryPower)) continue;
    chosen.push(s);
    explains += s.explanatoryPower;
    surprise += s.surprise;
    if (explains > o.minSetExplanatoryPower) break;
  }
  if (!(explains > o.minSetExplanatoryPower) || chosen.length === 0) return undefined;
  const first = chosen[0] as AttributedSegment;
  return { dimensions: first.dimensions, surprise, explanatoryPower: explains, segments: chosen };
}

/**
 * Concentrated segments by decreasing EP × concentration, then the rest by decreasing EP; a refinement that carries at
 * least `pairShareOfParent` of a coarser segment's EP takes that segment's place and the coarser one
 * follows it. Refinements are looked up among every scored element, so a pair outside any candidate set
 * still replaces its marginal.
 */
function rankSegments(
  members: readonly AttributedSegment[],
  all: readonly AttributedSegment[],
  o: Required<AttributionOptions>,
): AttributedSegment[] {
  const byEp = (a: AttributedSegment, b: AttributedSegment): number =>
    b.explanatoryPower - a.explanatoryPower ||
    b.dimensions.length - a.dimensions.length ||
    b.surprise - a.surprise;
  const byExplainedBeyondSize = (a: AttributedSegment, b: AttributedSegment): number =>
    b.explanatoryPower * b.concentration - a.explanatoryPower * a.concentration || byEp(a, b);
  const causes = members.filter((s) => s.concentration >= o.minConcentration).sort(byExplainedBeyondSize);
  const rest = members.filter((s) => s.concentration < o.minConcentration).sort(byEp);
  const out: AttributedSegment[] = [];
  const placed = new Set<string>();
  const place = (s: AttributedSegment): void => {
    const key = segmentKey(s);
    if (placed.has(key)) return;
    const refinement = bestRefinement(s, all, o);
    if (refinement && !placed.has(segmentKey(refinement))) {
      placed.add(segmentKey(refinement));
      out.push(refinement);
    }
    placed.add(key);
    out.push(s);
  };
  for (const s of causes) place(s);
  for (const s of rest) place(s);
  return out;
}

/** The refinement of `s` (its values and more) with the largest EP, if it carries enough of s's EP. */
function bestRefinement(
  s: AttributedSegment,
  all: readonly AttributedSegment[],
  o: Required<AttributionOptions>,
): AttributedSegment | undefined {
  if (!(s.explanatoryPower > 0)) return undefined;
  let best: AttributedSegment | undefined;
  for (const t of all) {
    if (t.dimensions.length <= s.dimensions.length || !refines(t, s)) continue;
    const carried = t.explanatoryPower / s.explanatoryPower;
    if (carried < o.pairShareOfParent) continue;
    // A refinement by a bystander carries the parent's change in proportion to its size within the parent
    // (a viral post's views on Android are 72% of its views because Android is 72% of users); only one
    // that carries more than its size narrows the cause.
    if (!(s.expectedShare > 0) || !(carried > t.expectedShare / s.expectedShare)) continue;
    if (!best || t.explanatoryPower > best.explanatoryPower) best = t;
  }
  return best;
}

/** True when t fixes every dimension value s fixes (t is s narrowed further). */
function refines(t: AttributedSegment, s: AttributedSegment): boolean {
  return s.dimensions.every((d, i) => {
    const j = t.dimensions.indexOf(d);
    return j >= 0 && t.values[j] === s.values[i];
  });
}

/** A stable text key of a segment: `os=Android,app_version=5.2`. */
export function segmentKey(s: Pick<AttributedSegment, 'dimensions' | 'values'>): string {
  return s.dimensions.map((d, i) => `${d}=${s.values[i] ?? '(none)'}`).join(',');
}
