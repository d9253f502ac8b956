// Shared setup for the browser tests: a fresh database with offices, persons, staff accounts
// and an issued summons; a real `muster serve` on a free loopback port (killed by PID when the
// test ends); Debian's Chromium through playwright-core; axe-core scans and screenshots. Pages
// run under the server's Content-Security-Policy: a violation fails the next check().
//
// Environment: MUSTER (the binary; default build/muster), WEB_DIST (default web/dist),
// WEB_ARTIFACTS (screenshots; default build/web-artifacts), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
export const muster = process.env.MUSTER ?? join(repo, 'build/muster');
const webDist = process.env.WEB_DIST ?? join(repo, 'web/dist');
export const artifacts = process.env.WEB_ARTIFACTS ?? join(repo, 'build/web-artifacts');
const axeSource = readFileSync(join(repo, 'web/node_modules/axe-core/axe.min.js'), 'utf8');

export const kPassword = 'correct horse battery';
export const kTimezone = 'Europe/Berlin';

// An 11-digit national ID with the SNILS check number (DESIGN §4) from a 9-digit body > 001001998.
export function snils(body) {
  const digits = String(body).padStart(9, '0');
  let s = 0;
  for (let i = 0; i < 9; i++) s += Number(digits[i]) * (9 - i);
  let check = s < 100 ? s : s === 100 || s === 101 ? 0 : s % 101;
  if (check === 100) check = 0;
  return digits + String(check).padStart(2, '0');
}

export const ids = {
  citizen: snils(123456789),
  walkIn: snils(223456789),
  unfit: snils(323456789),
};

// A weekday at 10:00 office time, `days` from now, as RFC 3339 and as the datetime-local value.
export function appointment(days) {
  const d = new Date(Date.now() + days * 86400e3);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  const day = d.toISOString().slice(0, 10);
  return { day, local: `${day}T10:00`, rfc3339: `${day}T10:00:00+01:00` };
}

// Creates the database; returns what the tests need (the citizen's activation code, a summons).
export function makeDatabase(dir) {
  const db = join(dir, 'muster.db');
  const run = (...args) => execFileSync(muster, ['--db', db, ...args], { encoding: 'utf8' }).trim();
  run('init');
  run('office', 'add', '--code', 'D01', '--name', 'Central', '--region', 'North', '--timezone', kTimezone, '--capacity', '100');
  const rows = ['national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone',
    `${ids.citizen},Ivanov,Pavel,,2001-04-12,M,D01,conscript,A,"1 Long Street, North",,`,
    `${ids.walkIn},Petrov,Anton,,2000-09-30,M,D01,conscript,A,2 Short Street,,`,
    `${ids.unfit},Sidorov,Oleg,,2002-01-15,M,D01,conscript,D,3 Side Street,,`];
  for (let i = 0; i < 40; i++) {
    rows.push(`${snils(400000000 + i * 1013)},Reservist,Number${String.fromCharCode(65 + (i % 26))},,${1985 + (i % 15)}-03-0${1 + (i % 9)},M,D01,reservist,${i % 5 === 0 ? 'C' : 'B'},,,`);
  }
  const csv = join(dir, 'persons.csv');
  writeFileSync(csv, rows.join('\n') + '\n');
  run('import', 'persons', csv);
  const pw = join(dir, 'password');
  writeFileSync(pw, kPassword + '\n');
  run('user', 'add', '--role', 'officer', '--name', 'olga', '--office', 'D01', '--password-file', pw);
  run('user', 'add', '--role', 'officer', '--name', 'oleg', '--office', 'D01', '--password-file', pw);
  run('user', 'add', '--role', 'supervisor', '--name', 'sam', '--office', 'D01', '--password-file', pw);
  run('user', 'add', '--role', 'auditor', '--name', 'audrey', '--password-file', pw);
  const code = run('user', 'activation-code', ids.citizen);
  const issued = JSON.parse(run('--json', '--as', 'officer:olga', 'summons', 'issue', ids.citizen, '--office', 'D01', '--kind',
    'conscription', '--appear-at', appointment(14).rfc3339, '--place', 'Room 4', '--purpose', 'Medical board'));
  return { db, code, summons: issued.number ?? issued.summons?.number };
}

// Starts `muster serve` on a free port. Returns { url, stop }.
export async function startServer(db) {
  const child = spawn(muster, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--web', webDist, '--threads', '2',
    '--sweep-interval', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /listening on (https?:\/\/\S+?:\d+)/.exec(line);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`muster serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.on('exit', done);
      process.kill(child.pid, 'SIGTERM');
    }),
  };
}

export async function launchBrowser() {
  // playwright gives each launch a fresh temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

// A fresh world for one test file: database, server, browser. `t.after` tears it all down.
export async function world(t) {
  const dir = mkdtempSync(join(tmpdir(), 'muster-web-'));
  const data = makeDatabase(dir);
  const server = await startServer(data.db);
  const { browser, close } = await launchBrowser();
  t.after(async () => {
    await close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ baseURL: server.url, timezoneId: kTimezone, locale: 'en-GB', viewport,
      acceptDownloads: true });
    const page = await context.newPage();
    page.cspViolations = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) page.cspViolations.push(message.text());
    });
    return page;
  };
  return { ...data, url: server.url, browser, newPage };
}

export async function login(page, name, password = kPassword) {
  await page.goto('/login');
  await page.getByLabel('Login or national ID').fill(name);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out', includeHidden: true }).waitFor({ state: 'attached' });
}

// Runs axe-core in the page; fails on any serious or critical violation, and on any CSP violation
// the page reported. Saves a screenshot.
export async function check(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  assert.deepEqual(page.cspViolations ?? [], [], `Content-Security-Policy violations on ${name}`);
  // Evaluated, not added as an inline <script>, which the page's CSP refuses.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe on ${name}: ${JSON.stringify(bad, null, 1)}`);
}

// Follows a link of the main navigation, opening the menu first on a phone.
export async function nav(page, name) {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) {
    await menu.click();
    await page.locator('#primary-nav.is-open').waitFor();
  }
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

// Calls the API from inside `page` as its logged-in user (session cookie, CSRF token echoed on
// writes), for setting up what a test does not walk through in the portal. Returns the JSON.
export async function apiCall(page, method, path, body) {
  const { status, json } = await page.evaluate(async ([m, p, b]) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('muster_csrf='))?.slice('muster_csrf='.length);
    const headers = { Accept: 'application/json' };
    if (b !== undefined) headers['Content-Type'] = 'application/json';
    if (m !== 'GET' && csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf);
    const r = await fetch(`/api/v1/${p}`, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [method, path, body]);
  assert.ok(status < 300, `${method} ${path}: ${status} ${JSON.stringify(json)}`);
  return json;
}
