import type { MetricDefinition } from './definitions.ts';
import { EVENT_DIMENSIONS, USER_DIMENSIONS } from './dimensions.ts';
import type { SemanticLayer } from './semantic-layer.ts';

/** The metrics layer as plain data: what `sightline metrics --json` prints and the API serves. */
export function describeLayer(layer: SemanticLayer) {
  return {
    metrics: [...layer.metrics].map(([name, m]) => ({
      name,
      type: m.type,
      definition: summarize(m),
      label: m.label ?? null,
      description: m.description ?? null,
    })),
    dimensions: [
      ...[...layer.dimensions.values()].map((d) => ({
        name: d.name,
        ref: d.ref,
        kind: d.resolved.kind,
        description: d.description ?? null,
      })),
      ...EVENT_DIMENSIONS.map((name) => ({ name, ref: name, kind: 'event', description: null })),
      ...USER_DIMENSIONS.map((name) => ({ name, ref: name, kind: 'user', description: null })),
      {
        name: 'properties.<key>',
        ref: 'properties.<key>',
        kind: 'property',
        description: 'any event property',
      },
    ],
    filters: [...layer.filters.keys()].map((name) => ({ name: `@${name}` })),
    cohorts: [...layer.cohorts.values()].map((c) => ({
      name: c.name,
      where: c.definition.where ?? null,
      behavior: c.definition.behavior
        ? `${c.definition.behavior.event} at least ${c.definition.behavior.atLeast}x in the last ${c.definition.behavior.days} days`
        : null,
      description: c.definition.description ?? null,
    })),
  };
}

function summarize(m: MetricDefinition): string {
  switch (m.type) {
    case 'ratio':
      return `${m.numerator} / ${m.denominator}`;
    case 'formula':
      return m.formula;
    case 'unique_users':
      return `unique users of ${m.event}${m.window > 1 ? ` over ${m.window} days` : ''}${m.where ? ` where ${m.where}` : ''}`;
    case 'percentile':
      return `p${m.percentile} of ${m.property} on ${m.event}${m.where ? ` where ${m.where}` : ''}`;
    case 'per_user':
      return `${m.aggregate} per user of ${m.event} count${m.where ? ` where ${m.where}` : ''}`;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return `${m.type} of ${m.property} on ${m.event}${m.where ? ` where ${m.where}` : ''}`;
    default:
      return `${m.type} of ${m.event}${m.where ? ` where ${m.where}` : ''}`;
  }
}
