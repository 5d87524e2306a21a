/**
 * What every route of the HTTP API is given, and who is asking. The server opens the warehouse once,
 * for writing (DuckDB allows one writing process), and every route shares it; routes are plugins of the
 * form `(app, context) => void` registered by `app.ts`, each in its own file under `routes/`.
 */

import type { FastifyInstance } from 'fastify';
import type { Automations } from '../automation/automation.ts';
import type { ProjectFile } from '../config/project-file.ts';
import type { EventStore } from '../data/warehouse/event-store.ts';
import type { Warehouse } from '../data/warehouse/warehouse.ts';

/** What a key may do: viewers read; editors also write data and saved objects; admins also manage keys. */
export type Role = 'viewer' | 'editor' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The caller behind a request's key. A key sees one project only. */
export interface Principal {
  readonly keyId: string;
  readonly projectId: string;
  readonly role: Role;
}

/** Raised by ingestion paths (capture, PostHog, Segment) after a commit: open dashboards refresh. */
export interface DataChange {
  readonly projectId: string;
  /** The project's data version after the change (the result cache keys on it). */
  readonly version: number;
  readonly accepted: number;
}

export interface ServerContext {
  readonly warehouse: Warehouse;
  readonly events: EventStore;
  readonly databasePath: string;
  readonly project: ProjectFile;
  /** Where rejected records of API ingestion go (one dead-letter file beside the database). */
  readonly deadLetterPath: string;
  /** The data version of a project: bumped by every ingestion that accepted records. */
  dataVersion(projectId: string): number;
  /** Called by ingestion routes after a commit; bumps the version and notifies subscribers. */
  dataChanged(projectId: string, accepted: number): DataChange;
  /** Subscribes to data changes of one project; returns the unsubscribe function. */
  onDataChange(projectId: string, listener: (change: DataChange) => void): () => void;
  /**
   * Runs a read query under the server's time limit (on expiry the database query is interrupted and
   * `SL_QUERY_TIMEOUT` is thrown). With a `cacheKey` the result is cached under the project, its data
   * version and the key normalised (object keys sorted), so new data invalidates it.
   */
  run<T>(projectId: string, cacheKey: unknown | null, compute: () => Promise<T>): Promise<T>;
  /** The scheduler and jobs of each project (started by `serve` unless --no-scheduler). */
  readonly automations: Automations;
}

/** One file of routes. */
export type RoutePlugin = (app: FastifyInstance, context: ServerContext) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route but the public ones (health, docs, static files). */
    principal: Principal;
  }
}
