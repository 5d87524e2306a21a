import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openWarehouse } from '../../data/warehouse/open-warehouse.ts';
import { warehouseStatus } from '../../data/warehouse/status.ts';
import { defaultEndDate } from '../../demo/generate.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions } from '../context.ts';
import { DEMO_DEFAULTS, describeDemo, runDemo } from './demo.ts';
import { describeStatus } from './status.ts';

async function hasEvents(databasePath: string): Promise<boolean> {
  if (!existsSync(databasePath)) return false;
  const { warehouse } = await openWarehouse({ path: databasePath });
  try {
    const [row] = await warehouse.query<{ n: number }>('SELECT count(*) AS n FROM events');
    return (row?.n ?? 0) > 0;
  } finally {
    await warehouse.close();
  }
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('build the demo warehouse if the database holds no events, then print its status')
    .action(
      action(async (_flags: unknown, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        if (!(await hasEvents(context.databasePath))) {
          process.stdout.write(`No events in ${context.databasePath}: building the demo startup.\n`);
          const result = await runDemo(context, {
            users: DEMO_DEFAULTS.users,
            days: DEMO_DEFAULTS.days,
            seed: DEMO_DEFAULTS.seed,
            endDate: defaultEndDate(new Date()),
            outDir: DEMO_DEFAULTS.out,
            fresh: false,
          });
          process.stdout.write(`${describeDemo(result, context.databasePath)}\n`);
        }
        const { warehouse } = await openWarehouse({ path: context.databasePath, readOnly: true });
        try {
          process.stdout.write(describeStatus(await warehouseStatus(warehouse)));
        } finally {
          await warehouse.close();
        }
      }),
    );
}
