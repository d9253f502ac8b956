// A supervisor creates a campaign, reads its preview (counts by exclusion reason and office),
// issues it and watches the progress bar to the end; the dashboard charts its funnel, for the
// supervisor and for an auditor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appointment, check, login, nav, world } from './harness.mjs';

test('supervisor: campaign create, preview, issue with progress; dashboard', async (t) => {
  const w = await world(t);
  const page = await w.newPage();
  await login(page, 'sam');
  await page.getByRole('heading', { name: 'Campaigns' }).first().waitFor();
  await page.getByLabel(/^Name/).fill('Spring reservist training');
  await page.getByLabel(/^Kind/).selectOption('reservist_training');
  await page.getByLabel(/^Legal basis/).fill('Order 5/2027');
  await page.getByLabel(/^Appointments from/).fill(appointment(20).day);
  await page.getByLabel(/^Appointments until/).fill(appointment(40).day);
  await page.getByLabel(/^Place/).fill('Drill hall');
  await page.getByLabel(/^Reason/).fill('Annual training');
  await check(page, 'campaigns');
  await page.getByRole('button', { name: 'Create and preview' }).click();

  await page.getByRole('heading', { name: 'Preview: Spring reservist training' }).waitFor();
  await page.getByRole('table', { name: 'Excluded, by reason' }).waitFor();
  const byOffice = page.getByRole('table', { name: 'By office' });
  assert.match(await byOffice.innerText(), /D01/);
  assert.match(await page.getByRole('table', { name: 'Excluded, by reason' }).innerText(), /Fitness category/);
  await check(page, 'campaign-preview');

  await page.getByRole('button', { name: /^Issue \d+ summonses$/ }).click();
  await page.locator('#issue-progress').waitFor();
  await page.getByText(/Finished: \d+ summonses issued\./).waitFor();
  const bar = page.locator('#issue-progress');
  assert.equal(await bar.getAttribute('value'), await bar.getAttribute('max'));
  await check(page, 'campaign-issued');

  await nav(page, 'Dashboard');
  await page.getByRole('table', { name: 'Funnel of Spring reservist training' }).waitFor();
  await page.getByRole('table', { name: 'By district' }).waitFor();

  const auditor = await w.newPage();
  await login(auditor, 'audrey');
  const funnel = auditor.getByRole('table', { name: 'Funnel of Spring reservist training' });
  await funnel.waitFor();
  assert.match(await funnel.innerText(), /Issued\t[1-9]/);
});
