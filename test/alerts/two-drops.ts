import { afterAll, beforeAll } from 'vitest';
import { alertAction } from '../../src/automation/alerts/alert-job.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';
import { alertDeps, buildAlertWarehouse } from './alert-fixture.ts';
import { AlertRunner } from './run-context.ts';

/**
 * The warehouse of the alert job's tests, built once per test file: two planted drops of hourly users,
 * both OS on 29 March 06:00–12:00 UTC and Android alone on 2 April 06:00–16:00 UTC. `runner(rule)` runs
 * the alert job of a rule on it (`for: 2h`, `recovery: 2`, grouped by os, `repeat: 1d` unless `extra`
 * says otherwise) to Telegram channels that are never reached: the runner's context records deliveries.
 */
export function twoDropsWarehouse(prefix: string): {
  readonly warehouse: Warehouse;
  runner(rule: string, extra?: Record<string, unknown>, channels?: string[]): AlertRunner;
} {
  const { dir, cleanup } = tempDir(prefix);
  let warehouse: Warehouse | undefined;
  beforeAll(async () => {
    warehouse = await buildAlertWarehouse(dir, {
      from: '2026-03-01',
      days: 35,
      drops: [
        { os: ['Android', 'iOS'], start: '2026-03-29T06:00:00Z', end: '2026-03-29T12:00:00Z', factor: 0.1 },
        { os: ['Android'], start: '2026-04-02T06:00:00Z', end: '2026-04-02T16:00:00Z', factor: 0.1 },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await warehouse?.close();
    cleanup();
  });
  const built = (): Warehouse => {
    if (!warehouse) throw new Error('the warehouse is built in beforeAll');
    return warehouse;
  };
  return {
    get warehouse() {
      return built();
    },
    runner(rule, extra = {}, channels = ['team']) {
      const deps = alertDeps(
        built(),
        {
          [rule]: {
            metric: 'dau',
            interval: 'hour',
            direction: 'down',
            for: '2h',
            recovery: 2,
            groupBy: ['os'],
            channels,
            repeat: '1d',
            ...extra,
          },
        },
        channels.map(telegram),
      );
      return new AlertRunner(alertAction(deps, { explain: false }), rule);
    },
  };
}

const telegram = (name: string): ChannelDefinition => ({
  name,
  type: 'telegram',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a channel reference, substituted at delivery
  token: '${T}',
  chatId: '1',
  apiUrl: 'http://127.0.0.1:9',
});
