import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '../data/events/event.ts';
import { ERROR_CODES } from './codes.ts';
import { SightlineError } from './sightline-error.ts';

const docs = readFileSync(path.resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');

describe('error catalogue', () => {
  it('documents every error code in docs/errors.md', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !docs.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('documents every reject reason in docs/errors.md', () => {
    const missing = Object.keys(REJECT_REASONS).filter((reason) => !docs.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });

  it('codes are SL_ and upper snake case', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^SL_[A-Z0-9_]+$/);
  });

  it('prints one line with the code and the catalogue hint when none is given', () => {
    const error = new SightlineError('SL_SQL_READ_ONLY', 'INSERT statements are not allowed here');
    expect(error.toLine()).toBe(
      `SL_SQL_READ_ONLY: INSERT statements are not allowed here (${ERROR_CODES.SL_SQL_READ_ONLY.hint})`,
    );
  });
});
