import type { Command } from 'commander';
import { describeLayer } from '../../analytics/metrics/describe-layer.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions } from '../context.ts';
import { formatTable } from '../format.ts';

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
