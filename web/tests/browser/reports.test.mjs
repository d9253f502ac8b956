// A supervisor issues a campaign and reads its funnel, timeline and district table on the
// dashboard; an auditor verifies the latest signed checkpoint on the ledger page, and again
// once the ledger has grown, which checks a consistency proof against the one seen before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiCall, appointment, check, ids, kPassword, login, nav, world } from './harness.mjs';

test('dashboard funnel for a supervisor; ledger verification for an auditor', async (t) => {
  const w = await world(t);

  const auditor = await w.newPage();
  await login(auditor, 'audrey');
  await nav(auditor, 'Ledger');
  await auditor.getByRole('heading', { name: 'Ledger' }).waitFor();
  const size1 = Number((await auditor.locator('dd').nth(1).innerText()).replace(/\D/g, ''));
  assert.ok(size1 > 0);
  await auditor.getByRole('button', { name: 'Verify' }).click();
  await auditor.getByText('The checkpoint is signed by the published key.').waitFor();
  assert.match(await auditor.locator('.ledger-result').innerText(), /had not seen a checkpoint before/);
  await check(auditor, 'ledger');

  const sam = await w.newPage();
  await login(sam, 'sam');
  const c = await apiCall(sam, 'POST', 'campaigns', { kind: 'conscription', name: 'Autumn call-up', basis: 'Order 9',
    districts: ['D01'], appear_from: appointment(20).day, appear_until: appointment(30).day });
  let job = await apiCall(sam, 'POST', `campaigns/${c.id}/issue`);
  for (let i = 0; i < 600 && !['done', 'failed'].includes(job.state); i++) {
    await sam.waitForTimeout(100);
    job = await apiCall(sam, 'GET', `jobs/${job.id}`);
  }
  assert.equal(job.state, 'done');
  assert.ok(job.done > 0);
  await nav(sam, 'Dashboard');
  const funnel = sam.getByRole('table', { name: 'Funnel of Autumn call-up' });
  await funnel.waitFor();
  const rows = Object.fromEntries((await funnel.locator('tbody tr').allInnerTexts())
    .map((r) => r.split('\t').map((x) => x.trim())));
  assert.deepEqual(rows, { Issued: String(job.done), Delivered: String(job.done), Viewed: '0', Appeared: '0',
    Excused: '0', 'No-show': '0', Cancelled: '0' });
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await sam.getByRole('table', { name: 'Daily timeline' }).innerText(), new RegExp(`${today}\\t${job.done}\\t`));
  assert.match(await sam.getByRole('table', { name: 'By district' }).innerText(), new RegExp(`D01\\t${job.done}\\t`));
  assert.equal(await sam.getByRole('img', { name: /Bar chart of the funnel of Autumn call-up/ }).count(), 1);
  await check(sam, 'dashboard');
  // All campaigns: no funnel, the timeline counts the single summons too.
  await sam.getByLabel('Campaign').selectOption('');
  await sam.getByText('Choose a campaign to see its funnel.').first().waitFor();
  assert.match(await sam.getByRole('table', { name: 'By district' }).innerText(), new RegExp(`D01\\t${job.done + 1}\\t`));
  // A timeline from tomorrow on has nothing yet.
  const tomorrow = new Date(Date.now() + 86400e3).toISOString().slice(0, 10);
  await sam.getByLabel('Timeline from').fill(tomorrow);
  await sam.getByRole('button', { name: 'Show' }).click();
  await sam.getByText('Nothing has happened yet.').waitFor();
  assert.equal(new URL(sam.url()).searchParams.get('from'), tomorrow);

  // The ledger grows: a new summons, whose receipt the citizen downloads, is covered by a new checkpoint.
  const olga = await w.newPage();
  await login(olga, 'olga');
  const s = await apiCall(olga, 'POST', 'summonses', { national_id: ids.citizen, office: 'D01', kind: 'conscription',
    appear_at: appointment(16).rfc3339, place: 'Room 2', purpose: 'Second board' });
  const citizen = await w.newPage();
  await citizen.goto('/login');
  await apiCall(citizen, 'POST', 'activation', { national_id: ids.citizen, code: w.code, password: kPassword });
  await login(citizen, ids.citizen);
  await apiCall(citizen, 'GET', `me/summonses/${s.number}/receipt`);

  await auditor.reload();
  await auditor.getByRole('button', { name: 'Verify' }).click();
  await auditor.getByText('The checkpoint is signed by the published key.').waitFor();
  assert.match(await auditor.locator('.ledger-result').innerText(),
    new RegExp(`consistent with the checkpoint of ${size1} entries`));
  const size2 = Number((await auditor.locator('dd').nth(1).innerText()).replace(/\D/g, ''));
  assert.ok(size2 > size1, `${size2} > ${size1}`);
  // A checkpoint kept from another ledger does not verify, and the page says why.
  await auditor.evaluate(() => {
    const kept = JSON.parse(localStorage.getItem('muster.ledger.checkpoint'));
    kept.note = kept.note.replace(/\n\n\u2014 (\S+) \S+\n$/, '\n\n\u2014 $1 AAAAAAAA\n');
    localStorage.setItem('muster.ledger.checkpoint', JSON.stringify(kept));
  });
  await auditor.getByRole('button', { name: 'Verify' }).click();
  await auditor.getByText(/Verification failed: signature: .*\(the checkpoint seen before\)/).waitFor();
  await check(auditor, 'ledger-failed');
});
