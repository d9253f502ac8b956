#!/usr/bin/env node
// Runs the browser suite (tests/browser/*.test.mjs) with node's test runner, one file at a time:
// each file starts its own `muster serve` on a fresh database. Checks first that what it needs
// is there, and says how to get it when not.
// Usage: MUSTER=build/muster node web/tests/run.mjs [more node --test options]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '..');
const repo = resolve(web, '..');
const muster = process.env.MUSTER ?? join(repo, 'build/muster');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const missing = [
  [existsSync(muster), `the muster binary (${muster}): run make build or set MUSTER`],
  [existsSync(join(web, 'node_modules/playwright-core')), 'web/node_modules: run make build (npm ci in web/)'],
  [existsSync(join(web, 'dist/index.html')), 'web/dist: run make build (npm run build in web/)'],
  [existsSync(chromium), `${chromium}: run scripts/install-deps (apt-get install chromium)`],
].filter(([ok]) => !ok);
if (missing.length) {
  for (const [, what] of missing) console.error(`web tests: missing ${what}`);
  process.exit(1);
}
const dir = join(here, 'browser');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(dir, f));
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...process.argv.slice(2), ...files], {
  stdio: 'inherit',
  env: { ...process.env, MUSTER: resolve(muster) },
});
process.exit(result.status ?? 1);
