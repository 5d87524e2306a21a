import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandWord } from './command-table.ts';

describe('command table', () => {
  it('finds the command word after the program options', () => {
    expect(commandWord(['ingest', 'a.ndjson', '--json'])).toBe('ingest');
    expect(commandWord(['--db', 'x.duckdb', 'insight', 'trends'])).toBe('insight');
    expect(commandWord(['--config', 'ingest', 'status'])).toBe('status');
    expect(commandWord(['--db=x.duckdb', 'demo'])).toBe('demo');
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });

  it('each entry registers exactly the commands it is named for, and every command has an entry', async () => {
    const all = new Command();
    for (const entry of COMMANDS) {
      const alone = new Command();
      for (const register of await entry.load()) {
        register(alone);
        register(all);
      }
      expect(alone.commands.map((c) => c.name())).toEqual(entry.names);
    }
    expect(all.commands.map((c) => c.name())).toEqual(COMMANDS.flatMap((c) => c.names));
  });
});
