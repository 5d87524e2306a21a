/**
 * The dotted path of the first string (a value or a key) longer than `maxChars` anywhere in `value`, or
 * null. Lengths are UTF-16 code units, like every character limit in IngestLimits.
 */
export function findLongString(value: unknown, maxChars: number): string | null {
  const path = walk(value, maxChars);
  return path === null ? null : path.reverse().join('.') || '(the record)';
}

function walk(value: unknown, maxChars: number): string[] | null {
  if (typeof value === 'string') return value.length > maxChars ? [] : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], maxChars);
      if (found !== null) {
        found.push(String(i));
        return found;
      }
    }
    return null;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    if (key.length > maxChars) return [`${key.slice(0, 20)}… (a key)`];
    const found = walk(obj[key], maxChars);
    if (found !== null) {
      found.push(key);
      return found;
    }
  }
  return null;
}
