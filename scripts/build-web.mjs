#!/usr/bin/env node
// Builds the dashboard: web/src/main.ts (with ECharts and the shared chart option builders of
// src/automation/charts) bundled and minified into web/dist/app.js, web/src/styles.css into
// web/dist/app.css, and web/index.html copied beside them. The server serves web/dist at /.
//
// Plain JavaScript (not .ts) because `npm ci` runs it from the `prepare` script, before anything else
// could compile it. The output is deterministic: no hashes, dates or absolute paths, sources sorted by
// esbuild itself, so two builds of the same tree give the same bytes (checked by test/e2e/build.test.ts).
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const out = path.join(web, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/src/main.ts', 'app-css': 'web/src/styles.css' },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  // Chromium from Debian 12 and current evergreen browsers; ES2020 keeps optional chaining native.
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  platform: 'browser',
  legalComments: 'none',
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
  // ECharts' sources test this to strip its development warnings.
  define: { 'process.env.NODE_ENV': '"production"', __DEV__: 'false' },
});
// esbuild names a CSS entry after its key; the page links app.css.
renameSync(path.join(out, 'app-css.css'), path.join(out, 'app.css'));
copyFileSync(path.join(web, 'index.html'), path.join(out, 'index.html'));

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
const ms = Math.round(performance.now() - started);
process.stdout.write(`web/dist: ${(bytes / 1024).toFixed(0)} KiB in ${ms} ms\n`);
