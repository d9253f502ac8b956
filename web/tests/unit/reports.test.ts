// The dashboard's pure helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseCampaign, fillDays, funnelSteps } from '../../src/reports.ts';

test('the funnel in its order, every step', () => {
  const f = { campaign_id: 1, issued: 9, delivered: 8, viewed: 5, appeared: 3, excused: 1, no_show: 2, cancelled: 1 };
  assert.deepEqual(funnelSteps(f), [['issued', 9], ['delivered', 8], ['viewed', 5], ['appeared', 3], ['excused', 1],
    ['no_show', 2], ['cancelled', 1]]);
});

test('the timeline gets its quiet days, across a month end, and keeps the latest when long', () => {
  const a = { day: '2027-01-30', issued: 5, delivered: 5, appeared: 0, no_show: 0 };
  const b = { day: '2027-02-02', issued: 0, delivered: 0, appeared: 2, no_show: 1 };
  const filled = fillDays([a, b]);
  assert.deepEqual(filled.map((d) => d.day), ['2027-01-30', '2027-01-31', '2027-02-01', '2027-02-02']);
  assert.deepEqual(filled[1], { day: '2027-01-31', issued: 0, delivered: 0, appeared: 0, no_show: 0 });
  assert.equal(filled[3], b);
  assert.deepEqual(fillDays([a, b], 2).map((d) => d.day), ['2027-02-01', '2027-02-02']);
  assert.deepEqual(fillDays([]), []);
});

test('which campaign the dashboard shows', () => {
  assert.equal(chooseCampaign([1, 7, 3], null), '7');
  assert.equal(chooseCampaign([1, 7, 3], '3'), '3');
  assert.equal(chooseCampaign([1, 7, 3], '99'), '7');
  assert.equal(chooseCampaign([1, 7, 3], ''), '');
  assert.equal(chooseCampaign([], null), '');
});
