import { Command, CommanderError } from 'commander';
import { reportFailure } from './cli-error.ts';
import { COMMANDS, commandWord } from './command-table.ts';

const program = new Command()
  .name('sightline')
  .description('Product analytics and analytics automation on an embedded warehouse.')
  .option('--db <path>', 'the database file (default: $SIGHTLINE_DB, else ./sightline.duckdb)')
  .option(
    '--config <path>',
    'the project file (default: $SIGHTLINE_CONFIG, else ./sightline.yaml if present)',
  )
  .showHelpAfterError()
  .exitOverride();

const word = commandWord(process.argv.slice(2));
const chosen = COMMANDS.filter((c) => word !== undefined && c.names.includes(word));
for (const command of chosen.length > 0 ? chosen : COMMANDS) {
  for (const register of await command.load()) register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version exit 0, usage mistakes 2.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    reportFailure(error);
  }
}
