import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type AlertRule, alertsSchema, buildAlertRules } from '../analytics/anomalies/alert-rules.ts';
import { buildExperiments, type Experiment } from '../analytics/experiments/experiment.ts';
import { experimentsSchema } from '../analytics/experiments/experiment-definition.ts';
import { metricsLayerSchema } from '../analytics/metrics/definitions.ts';
import { SemanticLayer } from '../analytics/metrics/semantic-layer.ts';
import { buildChannels, type ChannelDefinition, channelsSchema } from '../automation/channels/definitions.ts';
import { buildReports, type ReportDefinition, reportsSchema } from '../automation/reports/definitions.ts';
import { buildJobs } from '../automation/scheduler/build-jobs.ts';
import { type JobDefinition, jobsSchema } from '../automation/scheduler/job.ts';
import { DEFAULT_LIMITS, type IngestLimits } from '../data/events/event.ts';
import { type FieldMapping, fieldMappingSchema } from '../data/events/field-mapping.ts';
import { closest, SightlineError } from '../errors/index.ts';

/** The schema of sightline.yaml; it is also where the TypeScript type comes from. */
export const projectFileSchema = z.strictObject({
  project: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .default('default'),
  warehouse: z
    .strictObject({
      engine: z.literal('duckdb').default('duckdb'),
      path: z.string().min(1).optional(),
    })
    .optional(),
  ingest: z
    .strictObject({
      mapping: fieldMappingSchema.optional(),
      deadLetter: z.string().min(1).optional(),
      limits: z
        .strictObject({
          maxRecordBytes: z.number().int().positive().optional(),
          maxIdChars: z.number().int().positive().optional(),
          maxStringChars: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .optional(),
  ...metricsLayerSchema,
  ...experimentsSchema,
  ...alertsSchema,
  ...channelsSchema,
  ...reportsSchema,
  ...jobsSchema,
});

export type ProjectFileSource = z.infer<typeof projectFileSchema>;

/** The project file after defaults and path resolution. */
export interface ProjectFile {
  /** The file it came from, or null when none was found and defaults apply. */
  file: string | null;
  project: string;
  warehousePath: string | undefined;
  deadLetter: string | undefined;
  mapping: FieldMapping | undefined;
  limits: IngestLimits;
  /** The validated metrics layer: metrics, dimensions, named filters and cohorts. */
  layer: SemanticLayer;
  /** The declared experiments, validated against the metrics layer. */
  experiments: ReadonlyMap<string, Experiment>;
  /** The declared alert rules, validated against the metrics layer and the detector registry. */
  alerts: ReadonlyMap<string, AlertRule>;
  /** Where reports and alerts go (secrets as `${VAR}`, read at delivery). */
  channels: ReadonlyMap<string, ChannelDefinition>;
  reports: ReadonlyMap<string, ReportDefinition>;
  /** The declared jobs and one per alert rule (`alert:<rule>`), checked against the above. */
  jobs: ReadonlyMap<string, JobDefinition>;
}

export const PROJECT_FILE_NAME = 'sightline.yaml';

/**
 * Loads the project file: `explicit` (from --config or SIGHTLINE_CONFIG) must exist; otherwise
 * ./sightline.yaml is used when present, and defaults when not. Every problem in the file is collected
 * before failing, each with its location and, for a misspelt key, the closest valid one.
 */
export function loadProjectFile(explicit?: string, cwd: string = process.cwd()): ProjectFile {
  const file = explicit ? path.resolve(cwd, explicit) : path.resolve(cwd, PROJECT_FILE_NAME);
  if (!existsSync(file)) {
    if (explicit) throw new SightlineError('SL_CONFIG_NOT_FOUND', `no project file at ${file}`);
    return resolve(null, projectFileSchema.parse({}));
  }
  return resolve(file, parseProjectFile(readFileSync(file, 'utf8'), file));
}

export function parseProjectFile(text: string, file = PROJECT_FILE_NAME): ProjectFileSource {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const problems = document.errors.map(
      (e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`,
    );
    throw new SightlineError('SL_CONFIG_INVALID', problems.join('; '));
  }
  const result = projectFileSchema.safeParse(document.toJS() ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, file));
  throw new SightlineError('SL_CONFIG_INVALID', problems.join('; '), {
    details: { problems },
  });
}

function describeIssue(issue: z.core.$ZodIssue, file: string): string[] {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known);
      const location = issue.path.length > 0 ? `${where}.${key}` : key;
      return `${file}: unknown key "${location}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
  }
  return [`${file}: ${where}: ${issue.message}`];
}

/** The keys the schema accepts at `at`, for suggestions. */
function knownKeys(at: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = projectFileSchema;
  for (const key of at) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) schema = inner.shape[key as string] as z.ZodType;
    else if (inner instanceof z.ZodRecord) schema = inner.valueType as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  if (inner instanceof z.ZodRecord && inner.keyType instanceof z.ZodEnum)
    return inner.keyType.options.map(String);
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault)
    current = current.unwrap() as z.ZodType;
  return current;
}

function resolve(file: string | null, source: ProjectFileSource): ProjectFile {
  const base = file ? path.dirname(file) : process.cwd();
  const relative = (p: string | undefined): string | undefined => (p ? path.resolve(base, p) : undefined);
  const layer = buildLayer(source, file ?? PROJECT_FILE_NAME);
  const alerts = withFile(file ?? PROJECT_FILE_NAME, () => buildAlertRules(source.alerts, layer));
  const channels = withFile(file ?? PROJECT_FILE_NAME, () => buildChannels(source.channels));
  const experiments = withFile(file ?? PROJECT_FILE_NAME, () => buildExperiments(source.experiments, layer));
  const reports = withFile(file ?? PROJECT_FILE_NAME, () =>
    buildReports(source.reports, { layer, experiments }),
  );
  return {
    file,
    project: source.project,
    warehousePath: relative(source.warehouse?.path),
    deadLetter: relative(source.ingest?.deadLetter),
    mapping: source.ingest?.mapping,
    limits: { ...DEFAULT_LIMITS, ...source.ingest?.limits },
    layer,
    experiments,
    alerts,
    channels,
    reports,
    jobs: withFile(file ?? PROJECT_FILE_NAME, () => buildJobs(source.jobs, { alerts, reports, channels })),
  };
}

/** The metrics layer's cross-reference problems, each prefixed with the file like the schema's. */
function buildLayer(source: ProjectFileSource, file: string): SemanticLayer {
  try {
    return SemanticLayer.build(source);
  } catch (error) {
    if (error instanceof SightlineError && error.code === 'SL_METRICS_INVALID') {
      const problems = ((error.details?.problems ?? []) as string[]).map((p) => `${file}: ${p}`);
      throw new SightlineError('SL_METRICS_INVALID', problems.join('; '), { details: { problems } });
    }
    throw error;
  }
}

/** Runs a cross-reference check, prefixing each problem it reports with the file like the schema's. */
function withFile<T>(file: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (
      error instanceof SightlineError &&
      (error.code === 'SL_EXPERIMENT_INVALID' ||
        error.code === 'SL_ALERT_RULE_INVALID' ||
        error.code === 'SL_JOB_INVALID' ||
        error.code === 'SL_REPORT_INVALID' ||
        error.code === 'SL_CHANNEL_INVALID')
    ) {
      const problems = ((error.details?.problems ?? []) as string[]).map((p) => `${file}: ${p}`);
      throw new SightlineError(error.code, problems.join('; '), { details: { problems } });
    }
    throw error;
  }
}
