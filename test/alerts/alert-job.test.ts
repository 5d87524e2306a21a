import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { twoDropsWarehouse } from './two-drops.ts';

/**
 * The alert job on a small warehouse with two planted drops of hourly users: both OS on 29 March
 * 06:00–12:00 UTC, Android alone on 2 April 06:00–16:00 UTC. The rule (`for: 2h`, `recovery: 2`) fires
 * on 29 March at the 08:00 evaluation (sent by the 09:00 run) for both groups and resolves Android at the
 * 13:00 evaluation and iOS at 14:00; on 2 April it fires Android at the 09:00 evaluation (10:00 run) and
 * resolves it at 17:00 (18:00 run): `replayAlertRule` over the same data gives these transitions.
 */
const drops = twoDropsWarehouse('sl-alert-job-');
const runner = drops.runner;

describe('alert job', () => {
  it('groups two OS firing in one evaluation into one notification, and resolves each when it ends', async () => {
    const r = runner('grouped');
    await r.hourly('2026-03-29T03:00:00Z', '2026-03-29T17:00:00Z');
    expect(r.lines()).toEqual([
      '03-29T09:00 team firing os=Android; os=iOS',
      '03-29T14:00 team resolved os=Android',
      '03-29T15:00 team resolved os=iOS',
    ]);
    const firing = r.sent[0]!.document;
    expect(firing.title).toBe('Daily active users below expected: os=Android; os=iOS');
    expect(firing.kind).toBe('alert');
    expect(firing.generatedAt).toBe('2026-03-29T09:00:00Z');
    expect(
      firing.blocks.filter((b) => b.kind === 'heading').map((b) => b.kind === 'heading' && b.text),
    ).toEqual(['os=Android', 'os=iOS']);
    expect(firing.alert!.alerts.map((a) => [a.group, a.status, a.startsAt])).toEqual([
      ['os=Android', 'firing', '2026-03-29T06:00:00Z'],
      ['os=iOS', 'firing', '2026-03-29T06:00:00Z'],
    ]);
    expect(r.sent[0]!.key).toBe(`firing:${firing.alert!.alerts.map((a) => a.fingerprint).join('+')}`);
    // The resolve carries the same fingerprint as the firing it ends.
    expect(r.sent[1]!.document.alert!.alerts[0]!.fingerprint).toBe(firing.alert!.alerts[0]!.fingerprint);
    expect(r.sent[1]!.document.title).toBe('Daily active users back within expected: os=Android');
    const chart = firing.blocks.find((b) => b.kind === 'chart');
    expect(
      chart?.kind === 'chart' && chart.chart.panels[0]!.series.map((s) => `${s.kind}:${s.name}`),
    ).toEqual(['band:Expected band', 'line:Expected', 'line:Actual', 'scatter:Breach']);
    // The breach points marked are the three evaluated hours 06:00–08:00 before the 09:00 run.
    const scatter = chart?.kind === 'chart' ? chart.chart.panels[0]!.series[3]! : undefined;
    expect(scatter?.data.map((d) => d[0])).toEqual([
      '2026-03-29T06:00:00Z',
      '2026-03-29T07:00:00Z',
      '2026-03-29T08:00:00Z',
    ]);
  }, 60_000);

  it('evaluates a 15-minute rule every 15 minutes: one firing and one resolve for the Android drop', async () => {
    const r = runner('quarter', { interval: '15m', for: 1 });
    await r.every(900_000, '2026-04-02T03:00:00Z', '2026-04-02T19:00:00Z');
    // The drop (06:00–16:00) is flagged in the 06:45 bucket and held while the values stay beyond half the
    // band, though the detector's score sags as its baseline learns the outage; it resolves after two
    // quarters back (16:00 and 16:15), at the 16:30 run.
    expect(r.lines()).toEqual(['04-02T07:00 team firing os=Android', '04-02T16:30 team resolved os=Android']);
    expect(r.sent[0]!.document.alert!.alerts.map((a) => a.startsAt)).toEqual(['2026-04-02T06:45:00Z']);
  }, 60_000);

  it('notifies a still-firing alert again after the repeat interval', async () => {
    const r = runner('repeating', { repeat: '3h' });
    await r.hourly('2026-04-02T04:00:00Z', '2026-04-02T20:00:00Z');
    expect(r.lines()).toEqual([
      '04-02T10:00 team firing os=Android',
      '04-02T13:00 team repeat os=Android',
      '04-02T16:00 team repeat os=Android',
      '04-02T18:00 team resolved os=Android',
    ]);
    expect(r.sent[1]!.document.title).toBe('Daily active users below expected: os=Android');
    expect(r.sent[1]!.document.alert!.status).toBe('repeat');
    expect(r.sent[1]!.key).toMatch(/^repeat:[0-9a-f]{16}@2026-04-02T13:00:00.000Z$/);
  }, 60_000);

  it('sends nothing twice when a run is re-run after a crash, before or after it stored its state', async () => {
    const r = runner('crash');
    await r.hourly('2026-04-02T04:00:00Z', '2026-04-02T10:00:00Z');
    r.killAfterSend = true;
    await expect(r.run('2026-04-02T10:00:00Z')).rejects.toThrow('killed after sending');
    expect(r.lines()).toEqual(['04-02T10:00 team firing os=Android']);
    // The re-run derives the same notification with the same key: the ledger answers it.
    await r.run('2026-04-02T10:00:00Z');
    expect(r.ledgerHits).toBe(1);
    // Re-run once more after it stored its state: nothing to send, nothing asked of the ledger.
    await r.run('2026-04-02T10:00:00Z');
    expect(r.ledgerHits).toBe(1);
    await r.hourly('2026-04-02T11:00:00Z', '2026-04-02T20:00:00Z');
    expect(r.lines()).toEqual(['04-02T10:00 team firing os=Android', '04-02T18:00 team resolved os=Android']);
  }, 60_000);

  it('a channel that refuses fails the run and is told on the next run; the other channel is told once', async () => {
    const r = runner('refused', {}, ['team', 'pager']);
    await r.hourly('2026-04-02T04:00:00Z', '2026-04-02T10:00:00Z');
    r.down.add('pager');
    await expect(r.run('2026-04-02T10:00:00Z')).rejects.toBeInstanceOf(DeliveryError);
    r.down.delete('pager');
    await r.hourly('2026-04-02T11:00:00Z', '2026-04-02T20:00:00Z');
    expect(r.lines()).toEqual([
      '04-02T10:00 team firing os=Android',
      '04-02T11:00 pager firing os=Android',
      '04-02T18:00 team resolved os=Android',
      '04-02T18:00 pager resolved os=Android',
    ]);
  }, 60_000);
});
