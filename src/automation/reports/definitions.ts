/**
 * The `reports:` key of sightline.yaml: a report is a title, a period (the day or week before the run, in
 * a time zone), the channels it goes to, and a list of blocks, each built from the warehouse when the
 * report runs.
 */
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a letter, then letters, digits, _ -');

/** One block of a report definition; `build-report.ts` turns each into `ReportBlock`s. */
export const reportBlockSchema = z.union([
  z.strictObject({ summary: z.strictObject({ max: z.number().int().min(1).max(20).default(5) }) }),
  z.strictObject({ metrics: z.array(z.string().min(1)).min(1) }),
  z.strictObject({
    chart: z.strictObject({
      title: z.string().optional(),
      kind: z.enum(['line', 'bar', 'retention', 'funnel']).default('line'),
      metrics: z.array(z.string().min(1)).optional(),
      days: z.number().int().min(2).max(366).default(7),
      steps: z.array(z.string().min(1)).optional(),
      breakdown: z.string().optional(),
    }),
  }),
  z.strictObject({
    table: z.strictObject({
      title: z.string().optional(),
      metrics: z.array(z.string().min(1)).min(1),
      by: z.string().min(1),
      limit: z.number().int().min(1).max(100).default(10),
    }),
  }),
  z.strictObject({ experiment: z.strictObject({ name: z.string().min(1) }) }),
  z.strictObject({
    forecast: z.strictObject({
      metric: z.string().min(1),
      horizon: z.number().int().min(1).max(90).default(7),
    }),
  }),
  z.strictObject({
    anomalies: z.strictObject({
      metrics: z.array(z.string().min(1)).min(1),
      interval: z.enum(['hour', 'day']).default('hour'),
    }),
  }),
]);

export type ReportBlockDefinition = z.infer<typeof reportBlockSchema>;

export const reportDefinitionSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  period: z.enum(['day', 'week']).default('day'),
  timezone: z.string().min(1).default('UTC'),
  channels: z.array(z.string().min(1)).default([]),
  blocks: z.array(reportBlockSchema).min(1),
});

export type ReportDefinitionSource = z.infer<typeof reportDefinitionSchema>;

export type ReportDefinition = ReportDefinitionSource & { readonly name: string };

export const reportsSchema = {
  reports: z.record(name, reportDefinitionSchema).optional(),
};

/** The declared reports by name. */
export function buildReports(
  source: Readonly<Record<string, ReportDefinitionSource>> | undefined,
): ReadonlyMap<string, ReportDefinition> {
  return new Map(
    Object.entries(source ?? {}).map(([key, definition]) => [key, { ...definition, name: key }]),
  );
}
