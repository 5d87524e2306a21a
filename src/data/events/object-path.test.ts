import { describe, expect, it } from 'vitest';
import { getPath, hasKeys, isPlainObject, removePath, setOwn, takePath } from './object-path.ts';

describe('object paths', () => {
  it('getPath reads own keys only and stops at non-objects', () => {
    const obj = { a: { b: { c: 1 } }, l: [1] };
    expect(getPath(obj, ['a', 'b', 'c'])).toBe(1);
    expect(getPath(obj, ['a', 'x', 'c'])).toBeUndefined();
    expect(getPath(obj, ['l', '0'])).toBeUndefined();
    expect(getPath(obj, ['toString'])).toBeUndefined();
  });

  it('removePath copies shared objects on the path and prunes emptied ones', () => {
    const shared = { b: { c: 1 }, d: 2 };
    const root = { a: shared };
    removePath(root, ['a', 'b', 'c']);
    expect(root).toEqual({ a: { d: 2 } });
    expect(shared).toEqual({ b: { c: 1 }, d: 2 });
    removePath(root, ['a', 'd']);
    expect(root).toEqual({});
  });

  it('takePath returns present values only', () => {
    const root: Record<string, unknown> = { a: { b: null, c: 0 } };
    expect(takePath(root, ['a', 'b'])).toBeUndefined();
    expect(takePath(root, ['a', 'c'])).toBe(0);
    expect(root).toEqual({ a: { b: null } });
  });

  it('setOwn stores __proto__ as an own key', () => {
    const obj: Record<string, unknown> = {};
    setOwn(obj, '__proto__', 1);
    expect(JSON.stringify(obj)).toBe('{"__proto__":1}');
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
  });

  it('isPlainObject and hasKeys', () => {
    expect([{}, [], null, 'x'].map(isPlainObject)).toEqual([true, false, false, false]);
    expect(hasKeys({})).toBe(false);
    expect(hasKeys({ a: undefined })).toBe(true);
  });
});
