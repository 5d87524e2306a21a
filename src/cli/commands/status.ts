import type { Command } from 'commander';
import { type WarehouseStatus, warehouseStatus } from '../../data/warehouse/status.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatCount, formatTable } from '../format.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('tables, row counts, date range, last ingests and dead letters')
    .option('--json', 'print the status as one JSON object')
    .action(
      action(async (flags: { json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'read');
        try {
          const status = await warehouseStatus(warehouse);
          process.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : describeStatus(status));
        } finally {
          await warehouse.close();
        }
      }),
    );
}

export function describeStatus(s: WarehouseStatus): string {
  let out = `Warehouse ${s.location}\n\n`;
  out += `${formatTable(s.projects)}\n\n`;
  out += `${formatTable(s.tables)}\n\n`;
  out += s.lastIngests.length > 0 ? `Last ingests\n${formatTable(s.lastIngests)}\n` : 'No ingests yet.\n';
  const rejected = s.deadLetters.reduce((n, d) => n + d.rejected, 0);
  if (rejected > 0) {
    out += `\nDead letters: ${formatCount(rejected)} rejected record(s) in ${s.deadLetters.map((d) => d.path).join(', ')}\n`;
  }
  return out;
}
