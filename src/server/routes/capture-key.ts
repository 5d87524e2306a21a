/**
 * The key of the PostHog and Segment endpoints. Their SDKs cannot send `Authorization: Bearer`, so these
 * routes are public to the server's auth hook and check the project key where each SDK puts it (PostHog:
 * `api_key` or `token` in the body; Segment: the Basic-auth user name). The key is a Sightline key: it
 * names the project, and like `POST /api/v1/capture` it must be an editor's or an admin's.
 */

import { SightlineError } from '../../errors/index.ts';
import type { Principal, ServerContext } from '../context.ts';
import { verifyKey } from '../keys.ts';

/** The principal of a project key sent by an SDK, or a 401/403 error naming where the key was looked for. */
export async function sdkPrincipal(
  context: ServerContext,
  key: string | null,
  where: string,
): Promise<Principal> {
  if (key === null || key === '') {
    throw new SightlineError('SL_AUTH_MISSING', `no project key: send it as ${where}`, {
      hint: 'create one with `sightline keys create --project P --role editor`',
    });
  }
  const principal = await verifyKey(context.warehouse, key);
  if (!principal) throw new SightlineError('SL_AUTH_INVALID', 'the project key is unknown or revoked');
  if (principal.role === 'viewer') {
    throw new SightlineError(
      'SL_AUTH_FORBIDDEN',
      'sending events needs an editor or admin key, not a viewer key',
      {
        hint: 'create one with `sightline keys create --project P --role editor`',
      },
    );
  }
  return principal;
}
