// An officer finds a person, issues a summons (and sees why another person may not be summoned),
// records an appearance by the summons number, and a second officer decides an appeal on a
// summons the first one issued.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { appointment, check, ids, login, muster, nav, snils, world } from './harness.mjs';

// A second pending appeal, by a reservist, so that the queue has two pages of one.
function secondAppeal(db) {
  const reservist = snils(400001013);
  const issued = JSON.parse(execFileSync(muster, ['--db', db, '--json', '--as', 'officer:olga', 'summons', 'issue', reservist,
    '--office', 'D01', '--kind', 'data_verification', '--appear-at', appointment(15).rfc3339, '--place', 'Room 5',
    '--purpose', 'Records check'], { encoding: 'utf8' }));
  const number = issued.number ?? issued.summons?.number;
  execFileSync(muster, ['--db', db, '--as', `citizen:${reservist}`, 'appeal', 'file', number, '--reason', 'other',
    '--text', 'Abroad on the date.']);
  return number;
}

test('officer: search, issue, appearance, appeal decision', async (t) => {
  const w = await world(t);
  execFileSync(muster, ['--db', w.db, '--as', `citizen:${ids.citizen}`, 'appeal', 'file', w.summons, '--reason', 'illness',
    '--text', 'In hospital until next month.']);
  const later = secondAppeal(w.db);
  const page = await w.newPage();
  await login(page, 'olga');
  await page.getByRole('heading', { name: 'Persons' }).waitFor();
  await check(page, 'office-persons');

  await page.getByLabel(/^National ID or name/).fill('petrov');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Petrov Anton' }).click();
  await page.getByRole('heading', { name: 'Petrov Anton' }).waitFor();
  await check(page, 'office-person');

  await page.getByRole('link', { name: 'Issue a summons to this person' }).click();
  await page.getByRole('heading', { name: 'Issue a summons' }).waitFor();
  assert.equal(await page.getByLabel(/^National ID/).inputValue(), ids.walkIn);
  // The server's answer for an unknown national ID is shown next to that field.
  await page.getByLabel(/^National ID/).fill(snils(987654321));
  await page.getByLabel(/^Appointment/).fill(appointment(10).local);
  await page.getByLabel(/^Place/).fill('Room 7');
  await page.getByLabel(/^Reason/).fill('Medical board');
  await page.getByRole('button', { name: 'Issue summons' }).click();
  await page.locator('[data-field="national_id"].usa-form-group--error').waitFor();
  await check(page, 'office-issue-error');

  await page.getByLabel(/^National ID/).fill(ids.walkIn);
  await page.getByRole('button', { name: 'Issue summons' }).click();
  const done = page.getByText(/Summons \S+ issued\./);
  await done.waitFor();
  const number = /Summons (\S+) issued/.exec(await done.innerText())[1];

  await page.getByLabel(/^National ID/).fill(ids.unfit);
  await page.getByLabel(/^Appointment/).fill(appointment(10).local);
  await page.getByLabel(/^Place/).fill('Room 7');
  await page.getByLabel(/^Reason/).fill('Medical board');
  await page.getByRole('button', { name: 'Issue summons' }).click();
  await page.getByRole('heading', { name: 'This person may not be summoned' }).waitFor();
  await page.locator('[data-reason="fitness"]').waitFor();
  await check(page, 'office-issue-ineligible');

  await nav(page, 'Record appearance');
  await page.getByLabel(/^Summons number/).fill(`  ${number} `);
  await page.getByRole('button', { name: 'Find summons' }).click();
  await page.getByRole('heading', { name: `Summons ${number}` }).waitFor();
  await check(page, 'office-appearance');
  await page.getByRole('button', { name: 'Record appearance now' }).click();
  await page.getByText(`Appearance recorded for summons ${number}`).waitFor();

  // olga issued the citizen's summons, so she may not decide the appeal on it.
  await nav(page, 'Appeals queue');
  const card = page.locator('.appeal-card', { hasText: w.summons });
  await card.getByLabel(/^Reason for the decision/).fill('Certificate seen');
  await card.getByRole('button', { name: 'Grant' }).click();
  await card.locator('.usa-alert--error').waitFor();

  const other = await w.newPage();
  // Pages of one appeal: the queue shows the oldest and fetches the next with "Show more".
  await other.route(/\/api\/v1\/appeals\?state=pending/, (route) => route.continue({ url: `${route.request().url()}&limit=1` }));
  await login(other, 'oleg');
  await nav(other, 'Appeals queue');
  await other.getByRole('heading', { name: 'Appeals queue' }).waitFor();
  const theirs = other.locator('.appeal-card', { hasText: w.summons });
  await theirs.waitFor();
  assert.equal(await other.locator('.appeal-card').count(), 1);
  await other.getByRole('button', { name: 'Show more' }).click();
  await other.locator('.appeal-card', { hasText: later }).waitFor();
  assert.equal(await other.locator('.appeal-card').count(), 2);
  assert.equal(await other.getByRole('button', { name: 'Show more' }).count(), 0);
  await check(other, 'office-appeals');
  await theirs.getByLabel(/^Reason for the decision/).fill('Hospital certificate 12/2026 seen');
  await theirs.getByRole('button', { name: 'Grant' }).click();
  await other.getByText(/Appeal \d+ granted\./).waitFor();
});
