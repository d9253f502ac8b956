// A citizen asks for a correction of their registry data (a bad value is refused at the field),
// follows it in the cabinet, and an officer of the office approves it: the person is changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiCall, check, ids, kPassword, login, nav, world } from './harness.mjs';

test('citizen asks to correct the surname; an officer approves it', async (t) => {
  const w = await world(t);
  const citizen = await w.newPage({ width: 390, height: 844 });
  await citizen.goto('/login');
  await apiCall(citizen, 'POST', 'activation', { national_id: ids.citizen, code: w.code, password: kPassword });
  await login(citizen, ids.citizen);
  await nav(citizen, 'Correct my data');
  await citizen.getByRole('heading', { name: 'Correct my data', exact: true }).waitFor();
  await citizen.getByText('You have not asked for any correction.').waitFor();

  await citizen.getByLabel('What is wrong').selectOption('birth_date');
  await citizen.getByLabel('The correct value').fill('2099-01-01');
  await citizen.getByRole('button', { name: 'Send the request' }).click();
  const error = citizen.locator('[data-field="value"] .usa-error-message');
  await error.waitFor();
  assert.match(await error.innerText(), /birth_date 2099-01-01 is in the future/);
  await check(citizen, 'corrections-error');

  await citizen.getByLabel('What is wrong').selectOption('surname');
  await citizen.getByLabel('The correct value').fill('Ivanova-Smirnova');
  await citizen.getByLabel('Explanation').fill('Changed at marriage; certificate 123');
  await citizen.getByRole('button', { name: 'Send the request' }).click();
  await citizen.getByText('Your request has been sent to your recruitment office.').waitFor();
  const mine = citizen.locator('.correction-card', { hasText: 'Ivanova-Smirnova' });
  await mine.waitFor();
  assert.match(await mine.innerText(), /Pending/i);
  await check(citizen, 'corrections');

  const officer = await w.newPage();
  await login(officer, 'olga');
  await nav(officer, 'Data corrections');
  const card = officer.locator('.correction-card', { hasText: 'Ivanova-Smirnova' });
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(ids.citizen));
  await check(officer, 'corrections-queue');
  // Rejecting needs a reason; the server names the field.
  await card.getByRole('button', { name: 'Reject' }).click();
  await card.locator('[data-field="reason"] .usa-error-message').waitFor();
  await card.getByRole('button', { name: 'Approve' }).click();
  await officer.getByText(/Request \d+ approved\./).waitFor();
  const person = await apiCall(officer, 'GET', `persons/${ids.citizen}`);
  assert.equal(person.surname, 'Ivanova-Smirnova');
  assert.ok(person.history.some((e) => e.type === 'person.corrected'));

  await citizen.reload();
  await mine.waitFor();
  assert.match(await mine.innerText(), /Approved/i);
  assert.match(await mine.innerText(), /Replaced value\s+Ivanov/);
  await nav(citizen, 'My summonses');
  const inCabinet = citizen.getByRole('table', { name: 'My requests to correct my data' });
  await inCabinet.waitFor();
  assert.match(await inCabinet.innerText(), /Surname\tIvanova-Smirnova\tApproved/);
  await check(citizen, 'cabinet-corrections');
});
