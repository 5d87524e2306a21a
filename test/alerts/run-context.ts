import type { DeliveryReceipt } from '../../src/automation/channels/channel.ts';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import type { ReportDocument } from '../../src/automation/reports/document.ts';
import type { JobAction, RunContext, RunResult } from '../../src/automation/scheduler/job.ts';

export interface Sent {
  readonly at: string;
  readonly channel: string;
  readonly key: string;
  readonly document: ReportDocument;
}

/**
 * Runs an alert job's action at given scheduled times with the delivery contract of `RunContext`:
 * once per run, channel and key (a repeat returns the first receipt without sending). Channels named in
 * `down` refuse (DeliveryError); `killAfterSend` makes the next delivery succeed and then throws as a
 * process killed right after sending would, before the run stores anything.
 */
export class AlertRunner {
  readonly sent: Sent[] = [];
  readonly down = new Set<string>();
  killAfterSend = false;
  /** Deliveries asked for that the ledger answered without sending. */
  ledgerHits = 0;
  private readonly ledger = new Map<string, DeliveryReceipt>();

  constructor(
    private readonly action: JobAction,
    private readonly rule: string,
  ) {}

  async run(at: number | string): Promise<RunResult> {
    const scheduledAt = typeof at === 'string' ? Date.parse(at) : at;
    const runId = `alert:${this.rule}@${scheduledAt}`;
    const context: RunContext = {
      runId,
      job: {
        name: `alert:${this.rule}`,
        description: undefined,
        schedule: '0 * * * *',
        timezone: 'UTC',
        run: { alert: this.rule },
        catchUp: 'all',
        retries: 0,
        retryBackoffMs: 60_000,
        timeoutMs: 600_000,
        enabled: true,
        origin: 'alert-rule',
      },
      project: 'default',
      scheduledAt,
      attempt: 1,
      signal: new AbortController().signal,
      deliver: async (channel, document, key = '') => {
        const id = `${runId}\0${channel}\0${key}`;
        const known = this.ledger.get(id);
        if (known) {
          this.ledgerHits++;
          return known;
        }
        if (this.down.has(channel)) throw new DeliveryError(channel, 'the receiver answered 503', true, 503);
        const receipt: DeliveryReceipt = {
          channel,
          type: 'telegram',
          requests: 1,
          ids: [String(this.sent.length)],
        };
        this.sent.push({ at: new Date(scheduledAt).toISOString(), channel, key, document });
        this.ledger.set(id, receipt);
        if (this.killAfterSend) {
          this.killAfterSend = false;
          throw new Error('killed after sending');
        }
        return receipt;
      },
      log: () => {},
    };
    return this.action(context);
  }

  /** Runs every hour in [from, to). */
  async hourly(from: string, to: string): Promise<void> {
    await this.every(3_600_000, from, to);
  }

  /** Runs every `stepMs` in [from, to). */
  async every(stepMs: number, from: string, to: string): Promise<void> {
    for (let t = Date.parse(from); t < Date.parse(to); t += stepMs) await this.run(t);
  }

  /** `10:00 firing os=Android; os=iOS` per message, for exact comparisons. */
  lines(): string[] {
    return this.sent.map(
      (s) =>
        `${s.at.slice(5, 16)} ${s.channel} ${s.document.alert!.status} ${s.document.alert!.alerts.map((a) => a.group).join('; ')}`,
    );
  }
}
