/**
 * Jobs created through the API, in `meta.jobs` per project: stored as the validated definition a
 * sightline.yaml job would be, checked by the same `buildJobs` against the project file's reports, alert
 * rules and channels, and kept in memory so the scheduler reads them on every tick without a query.
 */
import { z } from 'zod';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import { SightlineError } from '../../errors/index.ts';
import type { AutomationProject } from '../project.ts';
import { buildJobs } from './build-jobs.ts';
import { type JobDefinition, type JobDefinitionSource, jobDefinitionSchema } from './job.ts';

/** The body of `POST /api/v1/jobs`: a job as in sightline.yaml, and its name. */
export const apiJobSchema = jobDefinitionSchema.extend({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_:-]{0,63}$/, 'a letter, then letters, digits, _ : -'),
});

export type ApiJobSource = z.input<typeof apiJobSchema>;

export class ApiJobs {
  private cache: JobDefinition[] = [];

  constructor(
    private readonly warehouse: Warehouse,
    private readonly project: AutomationProject,
  ) {}

  /** The jobs as last loaded or changed here. */
  list(): readonly JobDefinition[] {
    return this.cache;
  }

  /** Reads the project's API jobs; a stored job that no longer checks (its report was removed) is left out. */
  async load(): Promise<readonly JobDefinition[]> {
    const rows = await this.warehouse.query<{ name: string; definition: string }>(
      'SELECT name, definition FROM meta.jobs WHERE project_id = ? ORDER BY name',
      [this.project.project],
    );
    const jobs: JobDefinition[] = [];
    for (const row of rows) {
      try {
        jobs.push(this.validate(row.name, JSON.parse(row.definition) as JobDefinitionSource));
      } catch {
        // Reported by `problems()`; a job that names something removed from the file cannot run.
      }
    }
    this.cache = jobs;
    return jobs;
  }

  /** Validates and stores a job; the name may not be one of the project file's jobs. */
  async create(body: unknown, now: number): Promise<JobDefinition> {
    const parsed = apiJobSchema.safeParse(body);
    if (!parsed.success)
      throw new SightlineError(
        'SL_JOB_INVALID',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      );
    const { name, ...source } = parsed.data;
    if (this.project.jobs.has(name))
      throw new SightlineError('SL_JOB_INVALID', `a job "${name}" is declared in sightline.yaml`, {
        hint: 'choose another name (jobs of the project file are changed in the file)',
      });
    const job = this.validate(name, source);
    await this.warehouse.execute(
      `INSERT INTO meta.jobs (project_id, name, definition, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, name) DO UPDATE SET definition = excluded.definition`,
      [this.project.project, name, JSON.stringify(source), new Date(now)],
    );
    this.cache = [...this.cache.filter((j) => j.name !== name), job].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    return job;
  }

  /** Deletes an API job; false when there was none of that name. */
  async delete(name: string): Promise<boolean> {
    const changed = await this.warehouse.execute('DELETE FROM meta.jobs WHERE project_id = ? AND name = ?', [
      this.project.project,
      name,
    ]);
    this.cache = this.cache.filter((j) => j.name !== name);
    return changed > 0;
  }

  private validate(name: string, source: JobDefinitionSource): JobDefinition {
    const parsed = jobDefinitionSchema.parse(source);
    const built = buildJobs({ [name]: parsed }, this.project, 'api');
    const job = built.get(name);
    if (!job) throw new SightlineError('SL_JOB_INVALID', `job "${name}" could not be built`);
    return job;
  }
}
