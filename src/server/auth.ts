/**
 * Who is asking: every route of the API scope needs `Authorization: Bearer KEY` unless it declares
 * `config: { public: true }`. The key decides the project; routes never take one from the request.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Warehouse } from '../data/warehouse/warehouse.ts';
import { SightlineError } from '../errors/index.ts';
import { ROLES, type Role } from './context.ts';
import { verifyKey } from './keys.ts';

/** Route options read by the auth hook. */
export interface AuthRouteConfig {
  /** No key needed (health, docs). */
  public?: boolean;
  /**
   * The key may come as `?key=`: only for the live-updates stream, because a browser's EventSource
   * cannot send an Authorization header. A key in a URL can land in proxy logs, so no other route takes one.
   */
  keyInQuery?: boolean;
}

function presentedKey(request: FastifyRequest, config: AuthRouteConfig): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : '';
  }
  if (config.keyInQuery) {
    const key = (request.query as Record<string, unknown> | undefined)?.['key'];
    if (typeof key === 'string') return key;
  }
  return null;
}

/** Adds the onRequest hook that sets `request.principal` on every non-public route of `app`'s scope. */
export function addAuthHook(app: FastifyInstance, warehouse: Warehouse): void {
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    const config = (request.routeOptions.config ?? {}) as AuthRouteConfig;
    if (config.public) return;
    const key = presentedKey(request, config);
    if (key === null) {
      throw new SightlineError('SL_AUTH_MISSING', 'this request needs an API key', {
        hint: 'send `Authorization: Bearer KEY`; create a key with `sightline keys create --project P --role viewer`',
      });
    }
    const principal = await verifyKey(warehouse, key);
    if (!principal) throw new SightlineError('SL_AUTH_INVALID', 'the API key is unknown or revoked');
    request.principal = principal;
  });
}

/** Throws `SL_AUTH_FORBIDDEN` unless the request's key has at least `role` (viewer < editor < admin). */
export function requireRole(request: FastifyRequest, role: Role): void {
  const have = request.principal?.role;
  if (!have) throw new SightlineError('SL_AUTH_MISSING', 'this request needs an API key');
  if (ROLES.indexOf(have) < ROLES.indexOf(role)) {
    throw new SightlineError(
      'SL_AUTH_FORBIDDEN',
      `this needs a key with the ${role} role; this key's role is ${have}`,
      {
        hint: `create one with \`sightline keys create --project ${request.principal.projectId} --role ${role}\``,
      },
    );
  }
}
