// A citizen activates the account with the office's one-time code, logs in, sees the summons in
// the cabinet, opens it (which records viewed_at), checks restrictions and files an appeal; a
// session that expires mid-form returns to login and back with the text kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, ids, kPassword, nav, world } from './harness.mjs';

test('citizen: activate, log in, open a summons, appeal', async (t) => {
  const w = await world(t);
  const page = await w.newPage({ width: 390, height: 844 });

  await page.goto('/');
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await check(page, 'login');
  await page.getByRole('link', { name: /Activate your account/ }).click();
  await page.getByRole('heading', { name: 'Activate your account' }).waitFor();
  await check(page, 'activate');

  // A wrong code is reported next to the code field.
  await page.getByLabel('National ID').fill(w.ids?.citizen ?? ids.citizen);
  await page.getByLabel('Activation code').fill('WRONG-CODE');
  await page.getByLabel('New password', { exact: false }).fill(kPassword);
  await page.getByLabel('Repeat the password').fill(kPassword);
  await page.getByRole('button', { name: 'Activate account' }).click();
  await page.locator('.usa-form-group--error').first().waitFor();

  await page.getByLabel('Activation code').fill(w.code);
  await page.getByLabel('New password', { exact: false }).fill(kPassword);
  await page.getByLabel('Repeat the password').fill(kPassword);
  await page.getByRole('button', { name: 'Activate account' }).click();
  await page.getByText('Your account is active').waitFor();

  await page.getByLabel(/^Password/).fill(kPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'My summonses' }).waitFor();
  const card = page.locator('.summons-card', { hasText: w.summons });
  await card.waitFor();
  assert.match(await card.innerText(), /Delivered/i);
  await page.getByRole('heading', { name: 'If you do not appear' }).waitFor();
  await check(page, 'cabinet');

  await card.getByRole('link').click();
  await page.getByRole('heading', { name: `Summons ${w.summons}` }).waitFor();
  assert.match(await page.locator('.facts').innerText(), /First opened/);
  assert.match(await page.locator('main').innerText(), /Opened/i);
  await check(page, 'summons');

  await page.getByRole('button', { name: 'Download and check the receipt' }).click();
  await page.locator('.receipt [role="status"], .receipt [role="alert"], .receipt .receipt-result').first().waitFor();

  await nav(page, 'Restrictions');
  await page.getByText('You have no restrictions.').waitFor();
  await check(page, 'restrictions');

  await nav(page, 'My appeals');
  await page.getByText('You have not filed any appeals.').waitFor();
  await page.getByRole('link', { name: 'File an appeal' }).first().click();
  await page.getByLabel(/^Reason/).selectOption('illness');
  await page.getByLabel('Explanation').fill('In hospital until next month; certificate 12/2026.');
  await check(page, 'appeal-form');

  // The session ends while the form is filled in: log in again and find the text still there.
  await page.context().clearCookies();
  await page.getByRole('button', { name: 'File appeal' }).click();
  await page.getByText('Your session has ended').first().waitFor();
  await page.getByLabel('Login or national ID').fill(ids.citizen);
  await page.getByLabel(/^Password/).fill(kPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'File an appeal' }).waitFor();
  assert.equal(await page.getByLabel('Explanation').inputValue(), 'In hospital until next month; certificate 12/2026.');
  assert.equal(await page.getByLabel(/^Reason/).inputValue(), 'illness');

  await page.getByRole('button', { name: 'File appeal' }).click();
  await page.getByText('Your appeal has been filed').waitFor();
  // The list of appeals loads after the confirmation is shown.
  await page.locator('main .usa-card').first().waitFor();
  assert.match(await page.locator('main').innerText(), /Awaiting decision/i);
  await check(page, 'appeals');

  await page.goto('/verify');
  await page.getByRole('heading', { name: 'Check a delivery receipt' }).waitFor();
  await page.getByLabel('Receipt file (JSON)').setInputFiles(new URL('../../../tests/data/ledger/receipt.json', import.meta.url).pathname);
  await page.getByText('The receipt is valid.').waitFor();
  await check(page, 'verify');
});
