/**
 * Hash routing (`#/dashboards/builtin:product`): the server serves one index.html and the browser never
 * asks it for a screen's path, so a reload or a shared link works with any static file server.
 */

export interface Route {
  /** The first path segment: `dashboards`, `explore`, `experiments`, `forecast`, `anomalies`, `login`. */
  page: string;
  /** The rest, decoded (`['builtin:product']`). */
  params: string[];
}

/** Returns the route of a location hash; an empty hash is the product dashboard. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (!path) return { page: 'dashboards', params: ['builtin:product'] };
  const [page = '', ...params] = path.split('/').map((p) => decodeURIComponent(p));
  return { page, params };
}

/** The hash of a route, segments encoded. */
export function href(page: string, ...params: string[]): string {
  return `#/${[page, ...params].map((p) => encodeURIComponent(p)).join('/')}`;
}

export function navigate(page: string, ...params: string[]): void {
  location.hash = href(page, ...params);
}
