/**
 * The job action of `run: { report: NAME }`: builds the report as of the run's scheduled time (so a retry
 * or a re-run after a crash builds the same document) and delivers it to each of the report's channels
 * through `ctx.deliver`, whose ledger sends each channel's copy once per run. One channel's failure does
 * not stop the others; the run then fails with every failed channel named, and a retry delivers only to
 * those (the ledger answers for the rest).
 */
import { DeliveryError, type DeliveryReceipt } from '../channels/channel.ts';
import type { AutomationDeps } from '../project.ts';
import type { JobAction } from '../scheduler/job.ts';
import { buildReport, findReport } from './build-report.ts';

/** Runs report jobs with `deps`. */
export function reportAction(deps: AutomationDeps): JobAction {
  return async (ctx) => {
    const spec = ctx.job.run;
    if (!('report' in spec)) throw new Error(`job ${ctx.job.name} does not run a report`);
    const definition = findReport(deps.project.reports, spec.report);
    const document = await buildReport(deps, spec.report, { at: ctx.scheduledAt });
    ctx.signal.throwIfAborted();
    const receipts: DeliveryReceipt[] = [];
    const failures: { channel: string; error: Error }[] = [];
    for (const channel of definition.channels) {
      ctx.signal.throwIfAborted();
      try {
        receipts.push(await ctx.deliver(channel, document));
        ctx.log(`sent ${spec.report} to ${channel}`);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        failures.push({ channel, error });
        ctx.log(`${channel}: ${error.message}`);
      }
    }
    const period =
      document.period.from === document.period.to
        ? document.period.from
        : `${document.period.from}..${document.period.to}`;
    if (failures.length > 0) {
      // Retrying helps when any channel may accept later (it was down, or rate-limited); a refusal such
      // as a wrong token will not change by itself.
      const retryable = failures.some((f) => !(f.error instanceof DeliveryError) || f.error.retryable);
      throw new DeliveryError(
        failures.map((f) => f.channel).join(', '),
        `report ${spec.report} (${period}) not delivered to ${failures.length} of ${definition.channels.length} channels: ${failures.map((f) => `${f.channel}: ${f.error.message}`).join('; ')}`,
        retryable,
      );
    }
    const messages = receipts.reduce((n, r) => n + r.requests, 0);
    return {
      summary:
        definition.channels.length === 0
          ? `built ${spec.report} (${period}); it has no channels`
          : `sent ${spec.report} (${period}) to ${definition.channels.join(', ')} (${messages} message${messages === 1 ? '' : 's'})`,
      details: {
        report: spec.report,
        period: document.period,
        blocks: document.blocks.length,
        receipts,
      },
    };
  };
}
