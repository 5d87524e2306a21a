import { describe, expect, it } from 'vitest';
import { createSilence, listSilences } from '../../src/automation/alerts/silences.ts';
import { listNotifications } from '../../src/automation/alerts/state-store.ts';
import { twoDropsWarehouse } from './two-drops.ts';

/**
 * Silences and quiet hours of the alert job, on the warehouse of `alert-job.test.ts`: a small warehouse with two planted drops of hourly users: both OS on 29 March
 * 06:00–12:00 UTC, Android alone on 2 April 06:00–16:00 UTC. The rule (`for: 2h`, `recovery: 2`) fires
 * on 29 March at the 08:00 evaluation (sent by the 09:00 run) for both groups and resolves Android at the
 * 13:00 evaluation and iOS at 14:00; on 2 April it fires Android at the 09:00 evaluation (10:00 run) and
 * resolves it at 17:00 (18:00 run): `replayAlertRule` over the same data gives these transitions.
 */
const drops = twoDropsWarehouse('sl-alert-quiet-');
const runner = drops.runner;

describe('alert job: silences and quiet hours', () => {
  it('records a silenced alert without sending it, and notifies it when the silence ends while it still fires', async () => {
    await createSilence(
      drops.warehouse,
      'default',
      {
        matchers: { rule: 'silenced', group: { os: 'Android' } },
        startsAt: Date.parse('2026-04-02T00:00:00Z'),
        endsAt: Date.parse('2026-04-02T12:00:00Z'),
        comment: 'deploying a fix',
      },
      Date.parse('2026-04-02T00:00:00Z'),
    );
    // A silence over the whole incident: nothing is sent, the resolve is folded.
    await createSilence(
      drops.warehouse,
      'default',
      {
        matchers: { rule: 'silenced_all' },
        startsAt: Date.parse('2026-04-02T00:00:00Z'),
        endsAt: Date.parse('2026-04-03T00:00:00Z'),
      },
      Date.parse('2026-04-02T00:00:00Z'),
    );
    const r = runner('silenced');
    await r.hourly('2026-04-02T04:00:00Z', '2026-04-02T20:00:00Z');
    expect(r.lines()).toEqual(['04-02T12:00 team firing os=Android', '04-02T18:00 team resolved os=Android']);
    const history = await listNotifications(drops.warehouse, 'default', 'silenced');
    expect(history.map((h) => `${h.at.slice(5, 16)} ${h.status} ${h.group}`)).toEqual([
      '04-02T10:00 silenced os=Android',
      '04-02T12:00 firing os=Android',
      '04-02T18:00 resolved os=Android',
    ]);
    const all = runner('silenced_all');
    await all.hourly('2026-04-02T04:00:00Z', '2026-04-02T20:00:00Z');
    expect(all.lines()).toEqual([]);
    expect(
      (await listNotifications(drops.warehouse, 'default', 'silenced_all')).map((h) => h.status),
    ).toEqual(['silenced', 'folded']);
    expect(
      (await listSilences(drops.warehouse, 'default', { activeAt: Date.parse('2026-04-02T11:00:00Z') }))
        .length,
    ).toBe(2);
  }, 60_000);

  it('holds notifications in quiet hours and sends them when they end; an alert that fires and ends inside is folded', async () => {
    // 11:00–13:00 in Berlin is 09:00–11:00 UTC in April: the 10:00 firing waits for the 11:00 run.
    const held = runner('quiet_firing', {
      quietHours: { from: '11:00', to: '13:00', timezone: 'Europe/Berlin' },
    });
    await held.hourly('2026-04-02T04:00:00Z', '2026-04-02T20:00:00Z');
    expect(held.lines()).toEqual([
      '04-02T11:00 team firing os=Android',
      '04-02T18:00 team resolved os=Android',
    ]);
    // The resolve at 18:00 UTC falls in 18:00–22:00: sent at 22:00.
    const resolve = runner('quiet_resolve', { quietHours: { from: '18:00', to: '22:00' } });
    await resolve.hourly('2026-04-02T04:00:00Z', '2026-04-02T23:00:00Z');
    expect(resolve.lines()).toEqual([
      '04-02T10:00 team firing os=Android',
      '04-02T22:00 team resolved os=Android',
    ]);
    const folded = runner('quiet_all', { quietHours: { from: '05:00', to: '21:00' } });
    await folded.hourly('2026-04-02T04:00:00Z', '2026-04-02T23:00:00Z');
    expect(folded.lines()).toEqual([]);
    expect(
      (await listNotifications(drops.warehouse, 'default', 'quiet_all')).map(
        (h) => `${h.status} ${h.at.slice(11, 16)}`,
      ),
    ).toEqual(['held 10:00', 'folded 18:00']);
  }, 60_000);
});
