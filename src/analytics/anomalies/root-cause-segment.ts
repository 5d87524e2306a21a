/**
 * The segment a root-cause explanation is limited to: dimension = value pairs that all hold (`os=Android`,
 * or `os=Android, app_version=5.2`), the shape of the segments attribution itself names and of an alert
 * rule's group, so a cause can be drilled into and a grouped alert explained within its group. It becomes
 * a filter of the metrics layer (compiled as `--where "os = 'Android'"` is), checked by the layer's own
 * validation; the dimensions it fixes are taken out of the search, since each has one value there.
 */

import { SightlineError } from '../../errors/index.ts';
import type { FilterNode } from '../metrics/filter-expression.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';
import type { Measure } from './root-cause-measure.ts';

/** Dimension reference → value; null for a missing value. */
export type Segment = Readonly<Record<string, string | null>>;

/** How a missing value is written, as attribution's segment names write it (`os=(none)`). */
export const MISSING_VALUE = '(none)';

/**
 * The segment of `--where dim=value` texts (split at the first `=`; a value in single quotes as the filter
 * language writes it, `os = 'Android'`, is unquoted; `(none)` is a missing value). Throws
 * SL_EXPLAIN_INVALID for a text without `=` or a dimension given twice (no event has two values of it).
 */
export function parseSegment(texts: readonly string[]): Segment {
  const segment: Record<string, string | null> = {};
  for (const text of texts) {
    const at = text.indexOf('=');
    const ref = at < 0 ? '' : text.slice(0, at).trim();
    if (ref === '')
      throw new SightlineError(
        'SL_EXPLAIN_INVALID',
        `--where ${JSON.stringify(text)} is not dimension=value`,
        {
          hint: 'give one dimension=value per --where, e.g. --where os=Android --where app_version=5.2',
        },
      );
    let value = text.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'"))
      value = value.slice(1, -1).replaceAll("''", "'");
    if (Object.hasOwn(segment, ref))
      throw new SightlineError('SL_EXPLAIN_INVALID', `--where gives ${ref} twice`, {
        hint: 'a segment fixes each dimension to one value',
      });
    segment[ref] = value === MISSING_VALUE ? null : value;
  }
  return segment;
}

/** `os=Android, app_version=5.2`, as attribution names its segments; '' for no segment. */
export function segmentLabel(segment: Segment): string {
  return Object.entries(segment)
    .map(([ref, value]) => `${ref}=${value ?? MISSING_VALUE}`)
    .join(', ');
}

/**
 * The segment as a filter of the metrics layer (an equality per dimension, `is null` for a missing
 * value), or undefined for an empty segment. Its references are checked by the layer: an unknown
 * dimension throws SL_UNKNOWN_DIMENSION with the closest name.
 */
export function segmentFilter(layer: SemanticLayer, segment: Segment): FilterNode | undefined {
  const items: FilterNode[] = Object.entries(segment).map(([ref, value]) =>
    value === null ? { kind: 'null', ref, negated: false } : { kind: 'compare', ref, op: '=', value },
  );
  if (items.length === 0) return undefined;
  const node: FilterNode = items.length === 1 ? (items[0] as FilterNode) : { kind: 'and', items };
  layer.checkFilter(node);
  return node;
}

/**
 * The measure counted only within the segment: the filter joins every part's own filters, so the whole,
 * every sub-segment and its history are read inside it (and a ratio's numerator and denominator alike).
 */
export function scopedMeasure(measure: Measure, filter: FilterNode | undefined): Measure {
  if (!filter) return measure;
  const numerator = { ...measure.numerator, filters: [...measure.numerator.filters, filter] };
  const denominator = measure.denominator
    ? { ...measure.denominator, filters: [...measure.denominator.filters, filter] }
    : undefined;
  return { ...measure, numerator, denominator };
}

/**
 * The references to search, without those the segment fixes: the segment's own dimensions and any other
 * name for the same column or property (a named `acquisition_source` over `user.source`), each of which
 * has one value inside the segment. The fixed ones are returned with the segment's value they carry.
 */
export function withoutFixed(
  layer: SemanticLayer,
  refs: readonly string[],
  segment: Segment,
): { searched: string[]; fixed: { ref: string; by: string }[] } {
  const fixedBy = new Map<string, string>();
  for (const [ref, value] of Object.entries(segment))
    fixedBy.set(JSON.stringify(layer.dimension(ref)), `${ref}=${value ?? MISSING_VALUE}`);
  const searched: string[] = [];
  const fixed: { ref: string; by: string }[] = [];
  for (const ref of refs) {
    const by = fixedBy.get(JSON.stringify(layer.dimension(ref)));
    if (by === undefined) searched.push(ref);
    else fixed.push({ ref, by });
  }
  return { searched, fixed };
}
