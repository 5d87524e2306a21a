import type { Warehouse } from '../../../data/warehouse/warehouse.ts';
import { isSightlineError, SightlineError } from '../../../errors/index.ts';
import type { CohortDefinition } from '../../metrics/definitions.ts';
import { parseFilter } from '../../metrics/filter-expression.ts';
import type { Cohort, SemanticLayer } from '../../metrics/semantic-layer.ts';
import type { InsightWarning } from '../insight-type.ts';
import { cohortReferences, savedCohort } from './cohort-definition.ts';

/**
 * Cohorts saved in the warehouse's metadata (`meta.cohorts`, migration 2), per project. Each is checked
 * against the metrics layer before it is stored, and again when it is loaded, since sightline.yaml may
 * have changed in between.
 */

export interface StoredCohort {
  name: string;
  definition: CohortDefinition;
  createdAt: string;
  updatedAt: string;
}

const TABLE = 'meta.cohorts';

/** False on a database created before migration 2 and opened read-only (so never migrated). */
async function hasTable(warehouse: Warehouse): Promise<boolean> {
  return (await warehouse.describe(TABLE)).length > 0;
}

/** The project's saved cohorts by name (none on a database without the table). */
export async function listSavedCohorts(warehouse: Warehouse, project: string): Promise<StoredCohort[]> {
  if (!(await hasTable(warehouse))) return [];
  const rows = await warehouse.query<{
    name: string;
    definition: string;
    created_at: string;
    updated_at: string;
  }>(
    `SELECT name, CAST(definition AS VARCHAR) AS definition, created_at, updated_at FROM ${TABLE} WHERE project_id = ? ORDER BY name`,
    [project],
  );
  return rows.map((r) => ({
    name: r.name,
    definition: JSON.parse(r.definition) as CohortDefinition,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export interface SaveOutcome {
  cohort: StoredCohort;
  /** False when a saved cohort of the name was replaced. */
  created: boolean;
  warnings: InsightWarning[];
}

/**
 * Validates and stores a cohort (replacing a saved one of the same name). `layer` is the project file's
 * layer with the other saved cohorts loaded, so a cohort may refer to those.
 */
export async function saveCohort(
  warehouse: Warehouse,
  project: string,
  layer: SemanticLayer,
  name: string,
  input: unknown,
): Promise<SaveOutcome> {
  const cohort = savedCohort(layer, name, input);
  const warnings: InsightWarning[] = [];
  if (layer.cohorts.get(name)?.source !== 'saved' && layer.cohorts.has(name)) warnings.push(shadowed(name));
  const definition = JSON.stringify(cohort.definition);
  const existing = await warehouse.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${TABLE} WHERE project_id = ? AND name = ?`,
    [project, name],
  );
  const created = Number(existing[0]?.n ?? 0) === 0;
  await warehouse.execute(
    `INSERT INTO ${TABLE} (project_id, name, definition, created_at, updated_at)
     VALUES (?, ?, ?, now()::TIMESTAMP, now()::TIMESTAMP)
     ON CONFLICT (project_id, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
    [project, name, definition],
  );
  const stored = (await listSavedCohorts(warehouse, project)).find((c) => c.name === name);
  if (!stored) throw new Error(`cohort ${name} was saved but cannot be read back`);
  return { cohort: stored, created, warnings };
}

/**
 * Deletes a saved cohort. Refuses a name that is not saved (naming the yaml one when it is declared
 * there), and one that other saved cohorts still refer to.
 */
export async function deleteCohort(
  warehouse: Warehouse,
  project: string,
  layer: SemanticLayer,
  name: string,
): Promise<void> {
  const saved = await listSavedCohorts(warehouse, project);
  if (!saved.some((c) => c.name === name)) {
    const inFile = layer.cohorts.has(name) && layer.cohorts.get(name)?.source !== 'saved';
    throw new SightlineError(
      'SL_UNKNOWN_COHORT',
      inFile
        ? `cohort "${name}" is declared in sightline.yaml, not saved; remove it from the file instead`
        : `no saved cohort "${name}" in project ${project}`,
      { hint: 'list the cohorts with `sightline cohort list`' },
    );
  }
  const users = [...layer.cohorts.values()].filter(
    (c) => c.name !== name && cohortReferences(c).includes(name),
  );
  if (users.length > 0)
    throw new SightlineError(
      'SL_COHORT_INVALID',
      `cohort "${name}" is used by ${users.map((c) => `"${c.name}"`).join(', ')}; delete or change those first`,
    );
  await warehouse.execute(`DELETE FROM ${TABLE} WHERE project_id = ? AND name = ?`, [project, name]);
}

export interface LoadedCohorts {
  layer: SemanticLayer;
  warnings: InsightWarning[];
}

/**
 * The layer with the project's saved cohorts added, so `cohort = 'name'` works for them everywhere. A
 * cohort of the same name in sightline.yaml wins (with a warning); a saved cohort that no longer checks
 * against the layer (a dimension or cohort it uses is gone) is left out with a warning, and so is one
 * that refers to a cohort left out.
 */
export async function withSavedCohorts(
  warehouse: Warehouse,
  project: string,
  layer: SemanticLayer,
): Promise<LoadedCohorts> {
  const warnings: InsightWarning[] = [];
  const candidates = new Map<string, StoredCohort>();
  for (const stored of await listSavedCohorts(warehouse, project)) {
    if (layer.cohorts.has(stored.name)) warnings.push(shadowed(stored.name));
    else candidates.set(stored.name, stored);
  }
  // Each pass checks every candidate against the layer with all the others; a failure removes it and
  // the next pass checks whether any other relied on it.
  for (;;) {
    const provisional = layer.withCohorts(
      new Map([...candidates.keys()].map((name) => [name, provisionalCohort(name, candidates)])),
    );
    const loaded = new Map<string, Cohort>();
    let removed = false;
    for (const [name, stored] of candidates) {
      try {
        loaded.set(name, savedCohort(provisional, name, stored.definition));
      } catch (error) {
        if (!isSightlineError(error)) throw error;
        candidates.delete(name);
        removed = true;
        warnings.push({
          code: 'SL_COHORT_INVALID',
          message: `saved cohort "${name}" is left out: ${error.message}`,
        });
      }
    }
    if (!removed) return { layer: layer.withCohorts(loaded), warnings };
  }
}

/**
 * A saved cohort as the layer holds it while the others are being checked: its filters parsed (so that
 * references between saved cohorts, and cycles, are seen) but not yet resolved.
 */
function provisionalCohort(name: string, candidates: ReadonlyMap<string, StoredCohort>): Cohort {
  const definition = candidates.get(name)?.definition as CohortDefinition;
  const parse = (text: unknown) => {
    if (typeof text !== 'string') return undefined;
    try {
      return parseFilter(text);
    } catch {
      return undefined; // reported when the cohort itself is checked
    }
  };
  return {
    name,
    definition,
    where: parse(definition?.where),
    behaviorWhere: parse(definition?.behavior?.where),
    source: 'saved',
  };
}

function shadowed(name: string): InsightWarning {
  return {
    code: 'SL_COHORT_SHADOWED',
    message: `cohort "${name}" is both declared in sightline.yaml and saved; the one in sightline.yaml is used`,
  };
}
