import type { Command } from 'commander';
import type { MetricDefinition } from '../../analytics/metrics/definitions.ts';
import { EVENT_DIMENSIONS, USER_DIMENSIONS } from '../../analytics/metrics/dimensions.ts';
import type { SemanticLayer } from '../../analytics/metrics/semantic-layer.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions } from '../context.ts';
import { formatTable } from '../format.ts';

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

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('list the metrics, dimensions, named filters and cohorts of the project file')
    .option('--json', 'print them as one JSON object')
    .action(
      action(async (flags: { json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const described = describeLayer(context.project.layer);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(described)}\n`);
          return;
        }
        const source = context.project.file ?? 'no project file (built-in dimensions only)';
        let out = `Metrics layer of ${source}\n\n`;
        out += `Metrics\n${formatTable(described.metrics, ['name', 'type', 'definition', 'label'])}\n\n`;
        out += `Dimensions\n${formatTable(described.dimensions, ['name', 'ref', 'kind'])}\n\n`;
        if (described.filters.length > 0) out += `Named filters\n${formatTable(described.filters)}\n\n`;
        if (described.cohorts.length > 0)
          out += `Cohorts\n${formatTable(described.cohorts, ['name', 'where', 'behavior'])}\n`;
        process.stdout.write(out);
      }),
    );
}
