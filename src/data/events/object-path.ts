/** Reading and removing values at dotted paths without mutating objects the caller still shares. */

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Assign an own property. `obj[key] = v` with key `__proto__` would replace the prototype instead, and the
 * key would vanish from the JSON (JSON.parse does create such own keys).
 */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Copy of an object's own enumerable keys (`{...o}` also keeps a `__proto__` own key as an own key). */
export function shallowCopy(obj: JsonObject): JsonObject {
  return { ...obj };
}

export function hasKeys(obj: JsonObject): boolean {
  for (const _ in obj) return true;
  return false;
}

/** The value at `path` (an array of keys), or undefined when a step is missing or not an object. */
export function getPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Remove the value at `path` from `root`, which the caller owns (a copy); objects below it may be shared
 * with the input, so each one on the path is copied before it changes. Objects left empty by the removal
 * are removed too.
 */
export function removePath(root: JsonObject, path: readonly string[], depth = 0): void {
  const key = path[depth]!;
  if (depth === path.length - 1) {
    delete root[key];
    return;
  }
  const child = root[key];
  if (!isPlainObject(child)) return;
  const copy = shallowCopy(child);
  removePath(copy, path, depth + 1);
  if (hasKeys(copy)) setOwn(root, key, copy);
  else delete root[key];
}

/** getPath then removePath when the value is present (neither undefined nor null). */
export function takePath(root: JsonObject, path: readonly string[]): unknown {
  const value = getPath(root, path);
  if (value === undefined || value === null) return undefined;
  removePath(root, path);
  return value;
}
