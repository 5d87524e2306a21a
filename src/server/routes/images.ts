/**
 * `GET /images/<id>.png`: chart images of delivered reports (`automation/channels/image-host.ts`), at the
 * server's root and without a key, because Slack fetches them from the URL in a message and can send no
 * key. The 128-bit random id is the capability: the URL grants the image to whoever holds it (the people
 * in the channel it was sent to), ids cannot be listed or guessed, and an image of one project is not
 * reachable from another's key or id. Images are immutable, so they may be cached for good.
 */
import { readImage } from '../../automation/channels/image-host.ts';
import { SightlineError } from '../../errors/index.ts';
import type { RoutePlugin } from '../context.ts';

export const imageRoutes: RoutePlugin = (app, context) => {
  app.get(
    '/images/:file',
    {
      config: { public: true },
      schema: {
        summary: 'A chart image of a delivered report (the unguessable id is the capability; no key)',
        tags: ['reports'],
        security: [],
        params: { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] },
      },
    },
    async (request, reply) => {
      const id = /^([0-9a-f]{32})\.png$/.exec((request.params as { file: string }).file)?.[1];
      const png = id ? await readImage(context.warehouse, id) : null;
      if (!png)
        throw new SightlineError('SL_NOT_FOUND', 'no such image (it may have been pruned after 30 days)');
      return reply
        .type('image/png')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(png));
    },
  );
};
