/**
 * A Slack bot channel under the scheduler, against a local Web API, delivered through
 * `RunContext.deliver` and its ledger: a Web API that stays down ends in a failed run with Slack's answer
 * recorded, and a run retried after a failed chart upload posts the report once, its charts in its thread.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { MemoryProgress } from '../../src/automation/channels/progress.ts';
import type { AutomationDeps } from '../../src/automation/project.ts';
import { ManualClock } from '../../src/automation/scheduler/clock.ts';
import type { JobDefinition } from '../../src/automation/scheduler/job.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';
import { deliveringScheduler, job, openDeps, runTwice } from '../scheduler/helpers.ts';
import { fixtureDocument } from './fixture.ts';
import type { Answer } from './local-server.ts';
import { type SlackApiServer, startSlackApi, TEST_TOKEN } from './slack-api-server.ts';

const definition: ChannelDefinition = {
  name: 'eng',
  type: 'slack',
  token: '${SLACK_BOT_TOKEN}',
  channel: 'C0123456789',
  apiUrl: '${SLACK_API_URL}',
};
const document = fixtureDocument(2);

let dir: { dir: string; cleanup: () => void };
let warehouse: Warehouse;
let deps: AutomationDeps;
let server: SlackApiServer | undefined;

beforeEach(async () => {
  dir = tempDir('sl-slack-scheduled-');
  ({ warehouse, deps } = await openDeps(dir.dir));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await warehouse.close();
  dir.cleanup();
});

function schedulerFor(
  slack: SlackApiServer,
  clock: ManualClock,
  definitionOf: JobDefinition,
  waits: number[],
) {
  const channel = createChannel(
    definition,
    { SLACK_BOT_TOKEN: TEST_TOKEN, SLACK_API_URL: slack.apiUrl },
    { sleep: async (ms) => void waits.push(ms), progress: new MemoryProgress() },
  );
  return deliveringScheduler({ deps, channel, document, job: definitionOf, clock });
}

describe('Slack bot deliveries run by the scheduler', () => {
  it('a Web API that stays down ends in a failed run with its answer recorded, in the run and the ledger', async () => {
    server = await startSlackApi(() => ({ status: 503, body: 'service unavailable' }));
    const clock = new ManualClock('2026-09-27T09:00:00Z');
    const waits: number[] = [];
    const s = schedulerFor(server, clock, job('daily', { retries: 1, retryBackoffMs: 60_000 }), waits);
    await runTwice(s, clock);
    const [run] = await s.runs.list();
    const error = `${server.origin} chat.postMessage (message): HTTP 503: service unavailable (after 4 attempts)`;
    expect(run).toMatchObject({ status: 'failed', attempts: 2, error });
    expect(run?.details?.['deliveries']).toEqual([
      { channel: 'eng', key: '', status: 'failed', attempts: 2, requests: 0, ids: [], error },
    ]);
    expect(JSON.stringify(run)).not.toContain(TEST_TOKEN);
    expect(server.requests).toHaveLength(8);
    expect(waits).toEqual([1000, 2000, 4000, 1000, 2000, 4000]);
  });

  it('a run retried after its second chart failed to upload posts the report once, both charts in its thread', async () => {
    let uploads = 0;
    // The second upload fails on all four attempts of the first run, then succeeds.
    const down: Answer = { status: 502, body: 'bad gateway' };
    server = await startSlackApi((request) =>
      request.method === 'upload' && ++uploads >= 2 && uploads <= 5 ? down : undefined,
    );
    const clock = new ManualClock('2026-09-27T09:00:00Z');
    const s = schedulerFor(server, clock, job('daily', { retries: 2, retryBackoffMs: 60_000 }), []);
    await s.tick();
    await s.idle();
    let [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'queued', attempts: 1 });
    expect(server.shared).toHaveLength(0);
    clock.set('2026-09-27T09:01:00Z');
    await s.tick();
    await s.idle();
    [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(server.messages).toHaveLength(1);
    const ts = server.messages[0]!.ts;
    expect(server.shared.map((f) => [f.filename, f.threadTs])).toEqual([
      ['chart-1.png', ts],
      ['chart-2.png', ts],
    ]);
    expect(run?.details?.['deliveries']).toEqual([
      {
        channel: 'eng',
        key: '',
        status: 'sent',
        attempts: 2,
        requests: 6,
        ids: [ts, ...server.shared.map((f) => f.id)],
      },
    ]);
  });
});
