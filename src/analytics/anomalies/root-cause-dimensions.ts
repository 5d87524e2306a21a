/**
 * The segments a change is attributed over: each dimension (or pair) read from the warehouse becomes
 * elements with actual and expected values, or is skipped with a reason (an identifier, one value, a
 * dimension whose values overlap); long dimensions are cut to their largest movers, duplicates dropped,
 * and pairs formed from the single dimensions that point somewhere.
 */
import { type DimensionInput, type ElementInput, scoreElements } from '../../math/anomaly/attribution.ts';
import type { Measure } from './root-cause-measure.ts';

/** A dimension with more values than this is cut to its TOP_VALUES largest movers plus one remainder. */
export const MAX_LISTED_VALUES = 50;
export const TOP_VALUES = 20;
/** A dimension with more values than this in the windows read is skipped (an identifier). */
export const MAX_VALUES = 20_000;
/** Pairs are formed from this many of the most telling single dimensions. */
export const PAIR_DIMENSIONS = 4;
/** Distinct users may count in two values of a dimension (an upgrade mid-day); beyond this share it is not a partition. */
const PARTITION_SLACK = 1.05;

/** One dimension value's numerator (n) and denominator (d) per window read. */
export interface KeyHistory {
  readonly values: (string | null)[];
  readonly n: Float64Array;
  readonly d: Float64Array;
}

export interface Whole {
  readonly actual: number;
  readonly expected: number;
  readonly actualBase?: number;
  readonly expectedBase?: number;
}

/**
 * A set's elements with actual (window 0) and expected (from the history windows), or null (with the
 * reason in `skipped`) when it has too many values or its values overlap (a user in several of them).
 */
export function buildDimension(
  set: readonly string[],
  table: Map<string, KeyHistory> | undefined,
  measure: Measure,
  whole: Whole,
  shareWindows: readonly number[],
  expected: { n: (slots: readonly number[]) => number; d: (slots: readonly number[]) => number },
  skipped: { dimensions: string; reason: string }[],
): DimensionInput | null {
  const name = set.join(' × ');
  const entries = [...(table?.values() ?? [])];
  if (entries.length > MAX_VALUES) {
    skipped.push({ dimensions: name, reason: `${entries.length} values: an identifier, not a segment` });
    return null;
  }
  if (entries.length < 2) {
    skipped.push({ dimensions: name, reason: 'one value: nothing to split' });
    return null;
  }
  const ratio = measure.denominator !== undefined;
  let elements: ElementInput[] = entries.map((e) => {
    const shares = (values: Float64Array): number[] => shareWindows.map((i) => values[i] as number);
    const element: ElementInput = {
      values: e.values.slice(0, set.length),
      actual: e.n[0] as number,
      expected: expected.n(shares(e.n)),
      ...(ratio ? { actualBase: e.d[0] as number, expectedBase: expected.d(shares(e.d)) } : {}),
    };
    return element;
  });
  const users = [measure.numerator, measure.denominator].some((p) => p?.aggregate.kind === 'users');
  if (users) {
    const sum = (f: (e: ElementInput) => number): number => elements.reduce((a, e) => a + f(e), 0);
    const overlap = Math.max(
      sum((e) => e.actual) / Math.max(1, whole.actual),
      sum((e) => e.expected) / Math.max(1e-9, whole.expected),
    );
    if (overlap > PARTITION_SLACK) {
      skipped.push({
        dimensions: name,
        reason: `users count in several of its values (the values add up to ${Math.round(overlap * 100)}% of the whole), so it does not split the metric`,
      });
      return null;
    }
  }
  if (elements.length > MAX_LISTED_VALUES) elements = keepTopMovers(elements, ratio);
  return { dimensions: set, elements };
}

/** The TOP_VALUES elements that moved the whole most, and the rest lumped into one remainder. */
function keepTopMovers(elements: ElementInput[], ratio: boolean): ElementInput[] {
  const moved = (e: ElementInput): number =>
    ratio
      ? Math.abs(e.actual - e.expected) + Math.abs((e.actualBase ?? 0) - (e.expectedBase ?? 0))
      : Math.abs(e.actual - e.expected);
  const sorted = [...elements].sort((a, b) => moved(b) - moved(a));
  const kept = sorted.slice(0, TOP_VALUES);
  const rest = sorted.slice(TOP_VALUES);
  const add = (f: (e: ElementInput) => number | undefined): number =>
    rest.reduce((a, e) => a + (f(e) ?? 0), 0);
  const remainder: ElementInput = {
    values: (kept[0]?.values ?? []).map(() => `(${rest.length} others)`),
    actual: add((e) => e.actual),
    expected: add((e) => e.expected),
    ...(ratio ? { actualBase: add((e) => e.actualBase), expectedBase: add((e) => e.expectedBase) } : {}),
    remainder: true,
  };
  return [...kept, remainder];
}

/**
 * Drops a dimension whose elements equal an earlier one's (`source` and the named `acquisition_source`
 * over the same column), so one segment is not offered twice under two names.
 */
export function dedupe(
  inputs: DimensionInput[],
  skipped: { dimensions: string; reason: string }[],
): DimensionInput[] {
  const seen = new Map<string, string>();
  const out: DimensionInput[] = [];
  for (const input of inputs) {
    const signature = JSON.stringify(
      input.elements
        .map((e) => [e.values.join('\u0000'), e.actual, e.expected, e.actualBase ?? 0, e.expectedBase ?? 0])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const earlier = seen.get(signature);
    const name = input.dimensions.join(' × ');
    if (earlier !== undefined) {
      skipped.push({ dimensions: name, reason: `the same segments as ${earlier}` });
      continue;
    }
    seen.set(signature, name);
    out.push(input);
  }
  return out;
}

/**
 * Pairs of the PAIR_DIMENSIONS single dimensions whose best element explains most of the change beyond
 * its size (EP × concentration), ties by order; a pair is searched only where a single dimension already
 * points somewhere, which keeps the second query small.
 */
export function pairsOf(singles: readonly DimensionInput[], ratio: boolean): string[][] {
  const scored = singles.map((input, index) => {
    let best = 0;
    for (const s of scoreElements(input, { ratio }))
      if (s.explanatoryPower > 0.1) best = Math.max(best, s.explanatoryPower * Math.max(0, s.concentration));
    return { input, best, index };
  });
  const top = scored
    .filter((s) => s.best > 0)
    .sort((a, b) => b.best - a.best || a.index - b.index)
    .slice(0, PAIR_DIMENSIONS);
  // Each pair in the order the dimensions were listed, so os × app_version reads the same every time.
  const ordered = top.sort((a, b) => a.index - b.index).map((s) => s.input.dimensions[0] as string);
  const pairs: string[][] = [];
  for (let i = 0; i < ordered.length; i++)
    for (let j = i + 1; j < ordered.length; j++) pairs.push([ordered[i] as string, ordered[j] as string]);
  return pairs;
}

/** The largest EP of any listed element (not a remainder), for "no segment explains more than X%". */
export function bestShare(inputs: readonly DimensionInput[], ratio: boolean): number {
  let best = 0;
  for (const input of inputs) {
    const scored = scoreElements(input, { ratio });
    input.elements.forEach((e, i) => {
      const ep = scored[i]?.explanatoryPower ?? 0;
      if (!e.remainder && Number.isFinite(ep)) best = Math.max(best, ep);
    });
  }
  return best;
}
