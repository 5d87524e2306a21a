import type { Warehouse } from './warehouse.ts';

export interface WarehouseStatus {
  location: string;
  tables: { table: string; rows: number }[];
  projects: {
    project: string;
    events: number;
    users: number;
    firstEvent: string | null;
    lastEvent: string | null;
    days: number;
  }[];
  lastIngests: {
    runId: number;
    project: string;
    startedAt: string;
    finishedAt: string | null;
    status: string;
    files: number;
    read: number;
    accepted: number;
    rejected: number;
    duplicates: number;
  }[];
  deadLetters: { path: string; rejected: number }[];
}

/** What is in the warehouse: tables, per-project coverage, the latest ingests and the dead letters. */
export async function warehouseStatus(warehouse: Warehouse): Promise<WarehouseStatus> {
  const tables = (await warehouse.tables()).map((t) => ({ table: `${t.schema}.${t.name}`, rows: t.rows }));
  const projects = await warehouse.query<WarehouseStatus['projects'][number]>(
    `SELECT p.project_id AS project, coalesce(e.events, 0) AS events, coalesce(u.users, 0) AS users,
            e.first_event AS "firstEvent", e.last_event AS "lastEvent", coalesce(e.days, 0) AS days
     FROM meta.projects p
     LEFT JOIN (SELECT project_id, count(*) AS events, min(ts) AS first_event, max(ts) AS last_event,
                       count(DISTINCT ts::DATE) AS days FROM events GROUP BY project_id) e USING (project_id)
     LEFT JOIN (SELECT project_id, count(*) AS users FROM users GROUP BY project_id) u USING (project_id)
     ORDER BY p.project_id`,
  );
  const lastIngests = await warehouse.query<WarehouseStatus['lastIngests'][number]>(
    `SELECT run_id AS "runId", project_id AS project, started_at AS "startedAt", finished_at AS "finishedAt", status,
            files, read, accepted, rejected, duplicates
     FROM meta.ingest_runs ORDER BY run_id DESC LIMIT 5`,
  );
  const deadLetters = await warehouse.query<WarehouseStatus['deadLetters'][number]>(
    'SELECT path, rejected FROM meta.dead_letter_files WHERE rejected > 0 ORDER BY path',
  );
  return { location: warehouse.location, tables, projects, lastIngests, deadLetters };
}
