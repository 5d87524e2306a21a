import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../golden-sql');

/**
 * Compares SQL with its golden file `test/golden-sql/<dialect>/<name>.sql`. On a mismatch it writes
 * `<name>-changed.sql` beside it (review with `diff`) and fails; `UPDATE_GOLDEN=1 npx vitest run …`
 * accepts the new text. A missing golden file is written and the test fails, so a new case is reviewed
 * once before it guards anything.
 */
export function expectGoldenSql(dialect: string, name: string, sqlText: string): void {
  const dir = path.join(ROOT, dialect);
  const file = path.join(dir, `${name}.sql`);
  const changed = path.join(dir, `${name}-changed.sql`);
  const actual = `${sqlText.trim()}\n`;
  mkdirSync(dir, { recursive: true });
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return;
  }
  if (!existsSync(file)) {
    writeFileSync(file, actual);
    throw new Error(`golden SQL ${file} did not exist and was written; review it and run again`);
  }
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual) writeFileSync(changed, actual);
  else rmSync(changed, { force: true });
  expect(actual, `golden SQL ${name} changed; see ${changed}`).toBe(expected);
}
