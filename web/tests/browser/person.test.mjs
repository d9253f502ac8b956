// The person page: deferments, summonses with their deadline, restrictions and the history an
// officer reads, found by a search by name on the server. And the citizen's cabinet of an office
// in another time zone than the browser's: the appointment and the deadline in office time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { appointment, check, ids, kPassword, login, muster, snils, world } from './harness.mjs';

test('person page: deferments, summonses, restrictions, history', async (t) => {
  const w = await world(t);
  const cli = (...args) => execFileSync(muster, ['--db', w.db, ...args], { encoding: 'utf8' }).trim();
  cli('--as', 'officer:olga', 'deferment', 'add', ids.walkIn, '--kind', 'family', '--until', '2031-06-30',
    '--basis', 'Two children under three');
  // The citizen's summons falls due unanswered: no_show and an exit ban.
  const sweepAt = new Date(Date.now() + 40 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  cli('sweep', '--now', sweepAt);

  const page = await w.newPage();
  await login(page, 'olga');
  await page.getByLabel(/^National ID or name/).fill('ivanov pav');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Ivanov Pavel' }).click();
  await page.getByRole('heading', { name: 'Ivanov Pavel' }).waitFor();

  const summonses = page.locator('table.person-summonses');
  assert.match(await summonses.innerText(), new RegExp(`${w.summons}[\\s\\S]*Did not appear`, 'i'));
  assert.match(await summonses.innerText(), /Europe\/Berlin, office time/);
  const restrictions = page.locator('table.person-restrictions');
  assert.match(await restrictions.innerText(), new RegExp(`Ban on leaving the country\\s+${w.summons}[\\s\\S]*In force`));
  const history = await page.locator('table.person-history').innerText();
  const steps = ['Summons issued', 'Summons delivered', 'Did not appear', 'Restriction imposed'];
  let at = -1;
  for (const step of steps) {
    const i = history.indexOf(step, at + 1);
    assert.ok(i > at, `history lists "${step}" in order: ${history}`);
    at = i;
  }
  assert.match(history, /officer:olga/);
  await check(page, 'office-person-page');

  await page.goto(`/office/persons/${ids.walkIn}`);
  await page.getByRole('heading', { name: 'Petrov Anton' }).waitFor();
  assert.match(await page.locator('.person-deferments').innerText(), /family until 30 June 2031 \(Two children under three\)/);
  assert.match(await page.locator('table.person-history').innerText(), /Deferment added/);
  await page.getByText('No summonses.').waitFor();
  await page.getByText('No restrictions.').waitFor();
  await check(page, 'office-person-deferment');
});

test('cabinet: appointment and deadline in the office time zone', async (t) => {
  const w = await world(t);
  const cli = (...args) => execFileSync(muster, ['--db', w.db, ...args], { encoding: 'utf8' }).trim();
  cli('office', 'add', '--code', 'D09', '--name', 'Far East', '--region', 'East', '--timezone', 'Asia/Vladivostok');
  const id = snils(523456789);
  const csv = join(tmpdir(), `muster-far-${process.pid}.csv`);
  writeFileSync(csv, 'national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n'
    + `${id},Morozov,Ilya,,2003-02-11,M,D09,conscript,A,,,\n`);
  cli('import', 'persons', csv);
  const day = appointment(12).day;
  const issued = JSON.parse(cli('--json', '--as', 'officer:olga', 'summons', 'issue', id, '--office', 'D09', '--kind',
    'conscription', '--appear-at', `${day}T09:30:00+10:00`, '--place', 'Room 2', '--purpose', 'Medical board'));
  const number = issued.number ?? issued.summons?.number;
  const code = cli('user', 'activation-code', id);
  const activated = await fetch(`${w.url}/api/v1/activation`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ national_id: id, code, password: kPassword }) });
  assert.equal(activated.status, 201);

  const page = await w.newPage({ width: 390, height: 844 });  // the browser is in Europe/Berlin
  await page.goto('/login');
  await page.getByLabel('Login or national ID').fill(id);
  await page.getByLabel(/^Password/).fill(kPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'My summonses' }).waitFor();
  const card = page.locator('.summons-card', { hasText: number });
  await card.waitFor();
  const text = await card.innerText();
  // The day as the browser writes it (its ICU, not node's).
  const [date, next] = await page.evaluate((d) => [0, 1].map((k) => new Intl.DateTimeFormat('en-GB',
    { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.parse(`${d}T00:00:00Z`) + k * 86400e3))), day);
  // 09:30 in Vladivostok, not the browser's 01:30; the deadline 24 hours later, also in office time.
  assert.match(text, new RegExp(`${date} at 09:30 \\(Asia/Vladivostok, office time\\)`));
  assert.match(text, new RegExp(`Appear by\\s+${next} at 09:30`));
  await check(page, 'cabinet-office-time');
});
