/**
 * The channels under the scheduler: a real Telegram channel against a local Bot API, delivered through
 * `RunContext.deliver` and its ledger, so what the issue asks of the pair is checked end to end: a channel
 * that stays down ends in a failed run with the receiver's error recorded (never a silent drop), and a
 * run retried after a partial delivery does not post what the chat already has.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { MemoryProgress } from '../../src/automation/channels/progress.ts';
import type { AutomationDeps } from '../../src/automation/project.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';
import { renderTelegram } from '../../src/automation/reports/render/telegram.ts';
import { ManualClock } from '../../src/automation/scheduler/clock.ts';
import type { JobDefinition } from '../../src/automation/scheduler/job.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';
import { deliveringScheduler, job, openDeps } from '../scheduler/helpers.ts';
import { type BotApiServer, botError, startBotApi } from './bot-api-server.ts';
import { fixtureDocument } from './fixture.ts';

const definition: ChannelDefinition = {
  name: 'team',
  type: 'telegram',
  token: '${TG_TOKEN}',
  chatId: '${TG_CHAT}',
  apiUrl: '${TG_API}',
};
const document = fixtureDocument(1);

let dir: { dir: string; cleanup: () => void };
let warehouse: Warehouse;
let deps: AutomationDeps;
let server: BotApiServer | undefined;

beforeEach(async () => {
  dir = tempDir('sl-channels-scheduled-');
  ({ warehouse, deps } = await openDeps(dir.dir));
});

afterEach(async () => {
  await server?.close();
  await warehouse.close();
  dir.cleanup();
});

function schedulerFor(bot: BotApiServer, clock: ManualClock, definitionOf: JobDefinition, waits: number[]) {
  const channel = createChannel(
    definition,
    { TG_TOKEN: '42:token', TG_CHAT: '-100777', TG_API: bot.url },
    { sleep: async (ms) => void waits.push(ms), progress: new MemoryProgress() },
  );
  return deliveringScheduler({ deps, channel, document, job: definitionOf, clock });
}

describe('Telegram deliveries run by the scheduler', () => {
  it('a Bot API that stays down ends in a failed run with its answer recorded, in the run and the ledger', async () => {
    server = await startBotApi(() => botError(502, 'Bad Gateway'));
    const clock = new ManualClock('2026-09-27T09:00:00Z');
    const waits: number[] = [];
    const s = schedulerFor(server, clock, job('daily', { retries: 1, retryBackoffMs: 60_000 }), waits);
    await s.tick();
    await s.idle();
    clock.set('2026-09-27T09:01:00Z');
    await s.tick();
    await s.idle();
    const [run] = await s.runs.list();
    const origin = new URL(server.url).origin;
    const error = `${origin} sendMessage (message 1/${renderTelegram(document, await renderChartImages(document)).messages.length}): Bad Gateway (after 4 attempts)`;
    expect(run).toMatchObject({ status: 'failed', attempts: 2, error });
    expect(run?.details?.['deliveries']).toEqual([
      { channel: 'team', key: '', status: 'failed', attempts: 2, requests: 0, ids: [], error },
    ]);
    // Four requests in each of the run's two attempts, with the channel's own waits between them.
    expect(server.calls).toHaveLength(8);
    expect(waits).toEqual([1000, 2000, 4000, 1000, 2000, 4000]);
  });

  it('a run retried after its photo failed sends the photo only: the chat does not get the messages twice', async () => {
    let photoCalls = 0;
    server = await startBotApi((call) =>
      call.method === 'sendPhoto' && photoCalls++ < 4 ? botError(503, 'Service Unavailable') : undefined,
    );
    const clock = new ManualClock('2026-09-27T09:00:00Z');
    const s = schedulerFor(server, clock, job('daily', { retries: 2, retryBackoffMs: 60_000 }), []);
    await s.tick();
    await s.idle();
    let [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'queued', attempts: 1 });
    clock.set('2026-09-27T09:01:00Z');
    await s.tick();
    await s.idle();
    [run] = await s.runs.list();
    const plan = renderTelegram(document, await renderChartImages(document));
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    const methods = server.calls.map((c) => c.method);
    expect(methods.filter((m) => m === 'sendMessage')).toHaveLength(plan.messages.length);
    expect(methods.filter((m) => m === 'sendPhoto')).toHaveLength(5);
    const accepted = server.calls.flatMap((c) => c.messageIds.map(String));
    expect(run?.details?.['deliveries']).toEqual([
      {
        channel: 'team',
        key: '',
        status: 'sent',
        attempts: 2,
        requests: plan.messages.length + 1,
        ids: accepted,
      },
    ]);
  });
});
