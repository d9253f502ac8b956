// The four-eyes override: an officer sees before submitting that a person may not be summoned,
// asks for an override with a justification, and a supervisor approves it, which issues the
// summons. A supervisor's own request waits for another supervisor: the page offers no approval
// and the server refuses one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { appointment, check, ids, kPassword, login, muster, nav, world } from './harness.mjs';

async function askForOverride(page, when, justification) {
  await nav(page, 'Issue a summons');
  await page.getByRole('heading', { name: 'Issue a summons' }).waitFor();
  await page.getByLabel(/^National ID/).fill(ids.unfit);
  await page.getByLabel(/^Appointment/).fill(when);
  await page.getByLabel(/^Place/).fill('Room 7');
  await page.getByLabel(/^Reason/).fill('Medical board');
  // Shown before anything is submitted: the eligibility check runs as the fields change.
  await page.locator('.eligibility [data-reason="fitness"]').waitFor();
  await page.getByLabel(/^Justification for the override/).fill(justification);
  await page.getByRole('button', { name: 'Ask for an override' }).click();
  const sent = page.getByText(/Override request \d+ sent/);
  await sent.waitFor();
  return Number(/request (\d+) sent/.exec(await sent.innerText())[1]);
}

test('override: officer asks, supervisor approves, never their own', async (t) => {
  const w = await world(t);
  const pw = join(tmpdir(), `muster-pw-${process.pid}`);
  writeFileSync(pw, `${kPassword}\n`);
  execFileSync(muster, ['--db', w.db, 'user', 'add', '--role', 'supervisor', '--name', 'sue', '--office', 'D01',
    '--password-file', pw]);

  const officer = await w.newPage();
  await login(officer, 'olga');
  await nav(officer, 'Issue a summons');
  await officer.getByLabel(/^National ID/).fill(ids.walkIn);
  await officer.getByLabel(/^Appointment/).fill(appointment(9).local);
  await officer.getByLabel(/^Place/).focus();
  await officer.getByText('The person may be summoned for conscription on that day.').waitFor();

  const first = await askForOverride(officer, appointment(10).local, 'Court order 12/2026 requires the board.');
  await check(officer, 'office-override-requested');
  await nav(officer, 'Overrides');
  const pending = officer.locator(`.override-card[data-override="${first}"]`);
  await pending.getByText('A supervisor of the office decides.').waitFor();
  assert.match(await pending.innerText(), /Fitness category does not allow it/);
  assert.equal(await pending.getByRole('button', { name: 'Approve and issue' }).count(), 0);
  await check(officer, 'office-overrides-officer');

  const sam = await w.newPage();
  await login(sam, 'sam');
  await nav(sam, 'Overrides');
  await sam.getByRole('heading', { name: 'Override requests' }).waitFor();
  const card = sam.locator(`.override-card[data-override="${first}"]`);
  assert.match(await card.innerText(), /Court order 12\/2026/);
  await check(sam, 'office-overrides');
  await card.getByRole('button', { name: 'Approve and issue' }).click();
  const approved = sam.getByText(new RegExp(`Override ${first} approved: summons (\\S+) issued\\.`));
  await approved.waitFor();
  const number = /summons (\S+) issued/.exec(await approved.innerText())[1];

  // The summons exists, issued by the officer and approved by the supervisor.
  const shown = JSON.parse(execFileSync(muster, ['--db', w.db, '--json', 'summons', 'show', number], { encoding: 'utf8' }));
  const summons = shown.summons ?? shown;
  assert.equal(summons.national_id, ids.unfit);
  assert.match(summons.override.approved_by, /sam$/);

  // sam's own request: no approval offered to him, and the server refuses it too.
  const own = await askForOverride(sam, appointment(11).local, 'Second board ordered by the court.');
  await nav(sam, 'Overrides');
  const ownCard = sam.locator(`.override-card[data-override="${own}"]`);
  await ownCard.getByText('You asked for this override').waitFor();
  assert.equal(await ownCard.getByRole('button', { name: 'Approve and issue' }).count(), 0);
  await check(sam, 'office-overrides-own');
  const session = await fetch(`${w.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'sam', password: kPassword }) }).then((r) => r.json());
  const refused = await fetch(`${w.url}/api/v1/overrides/${own}/approval`, { method: 'POST',
    headers: { Authorization: `Bearer ${session.token}` } });
  assert.equal(refused.status, 403);

  // Another supervisor decides it.
  const sue = await w.newPage();
  await login(sue, 'sue');
  await nav(sue, 'Overrides');
  const theirs = sue.locator(`.override-card[data-override="${own}"]`);
  await theirs.getByRole('button', { name: 'Reject' }).click();
  await sue.getByText(`Override ${own} rejected.`).waitFor();
  await sue.reload();
  await sue.getByText('No override requests await a decision.').waitFor();
});
