import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../data/events/event.ts';
import { closest } from '../errors/did-you-mean.ts';
import { loadProjectFile, parseProjectFile } from './project-file.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sightline.yaml', () => {
  it('falls back to defaults when there is no project file', () => {
    const project = loadProjectFile(undefined, dir);
    expect(project).toMatchObject({
      file: null,
      project: 'default',
      mapping: undefined,
      limits: DEFAULT_LIMITS,
    });
  });

  it('resolves paths against the file and merges limits over the defaults', () => {
    writeFileSync(
      path.join(dir, 'sightline.yaml'),
      'project: shop\nwarehouse:\n  path: data/shop.duckdb\ningest:\n  mapping:\n    user_id: meta.uid\n  limits:\n    maxRecordBytes: 2048\n',
    );
    const project = loadProjectFile(undefined, dir);
    expect(project).toMatchObject({
      project: 'shop',
      warehousePath: path.join(dir, 'data/shop.duckdb'),
      mapping: { user_id: 'meta.uid' },
      limits: { ...DEFAULT_LIMITS, maxRecordBytes: 2048 },
    });
  });

  it('collects every problem at once, with the location and a did-you-mean for misspelt keys', () => {
    const text = 'projet: x\ningest:\n  maping:\n    user_id: uid\n  limits:\n    maxRecordBytes: -1\n';
    let error: unknown;
    try {
      parseProjectFile(text, 'sightline.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SL_CONFIG_INVALID' });
    const problems = (error as { details: { problems: string[] } }).details.problems;
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        'sightline.yaml: unknown key "projet" (did you mean "project"?)',
        'sightline.yaml: unknown key "ingest.maping" (did you mean "mapping"?)',
        expect.stringMatching(/^sightline\.yaml: ingest\.limits\.maxRecordBytes: /),
      ]),
    );
  });

  it('rejects a mapping to a column that does not exist, suggesting the closest', () => {
    expect(() => parseProjectFile('ingest:\n  mapping:\n    usr_id: uid\n')).toThrow(/usr_id/);
  });

  it('reports YAML syntax errors with a line number', () => {
    expect(() => parseProjectFile('project: [unclosed\n', 'p.yaml')).toThrow(/p\.yaml:\d+:/);
  });

  it('an explicit project file that does not exist is an error, not a silent default', () => {
    expect(() => loadProjectFile('missing.yaml', dir)).toThrow(
      expect.objectContaining({ code: 'SL_CONFIG_NOT_FOUND' }),
    );
  });
});

describe('did you mean', () => {
  it('suggests the nearest key within a third of its length, and nothing when none is near', () => {
    expect(closest('evnet', ['event', 'user_id'])).toBe('event');
    expect(closest('zzzzzz', ['event', 'user_id'])).toBeUndefined();
  });
});
