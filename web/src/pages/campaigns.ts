// Campaigns: create -> preview (counts by exclusion reason and office) -> issue as a job, with a
// progress bar fed by polling jobs/{id}.
import { api, type Campaign, type CampaignPlan, type Job, type List } from '../api';
import { currentUser, load, navigate, submit, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { formatDate } from '../time';
import { alert, button, field, h, put, table } from '../ui';
import { reasonLabel } from './reasons';

const n = (x: number) => x.toLocaleString('en-GB');

function districtsField(): HTMLElement {
  const offices = currentUser()?.offices ?? [];
  return h('fieldset', { class: 'usa-fieldset usa-form-group', 'data-field': 'districts' },
    h('legend', { class: 'usa-legend usa-label' }, t.campaigns.districts, h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    offices.map((o, i) => h('div', { class: 'usa-checkbox' },
      h('input', { class: 'usa-checkbox__input', type: 'checkbox', id: `district-${i}`, name: `district:${o}`, value: o,
        checked: offices.length === 1 }),
      h('label', { class: 'usa-checkbox__label', for: `district-${i}` }, o))));
}

function progressView(job: Job): HTMLElement {
  const total = Math.max(job.total, 0);
  const bar = h('progress', { id: 'issue-progress', max: total || 1, value: job.done, 'aria-labelledby': 'progress-label' });
  return h('div', { class: 'job-progress', 'data-state': job.state },
    h('h2', { id: 'progress-label' }, t.campaigns.progress), bar,
    h('p', { class: 'progress-text' }, fill(t.campaigns.progressText, { done: n(job.done), total: n(total) })));
}

async function watchJob(jobId: number, out: HTMLElement, status: HTMLElement): Promise<void> {
  for (;;) {
    const job = await api<Job>('GET', `jobs/${jobId}`);
    out.replaceChildren(progressView(job));
    if (job.state === 'done') {
      status.replaceChildren(alert('success', fill(t.campaigns.finished, { done: n(job.done) })));
      return;
    }
    if (job.state === 'failed') {
      status.replaceChildren(alert('error', fill(t.campaigns.failed, { error: job.error ?? '' })));
      return;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}

export const campaignRoutes: Route[] = [
  {
    path: '/office/campaigns',
    roles: ['supervisor'],
    title: () => t.campaigns.title,
    render: async ({ main }) => {
      put(main, h('h1', {}, t.campaigns.title));
      await load(main, async () => {
        const list = await api<List<Campaign>>('GET', 'campaigns');
        put(main, list.items.length
          ? table(t.campaigns.title, [t.campaigns.name, t.campaigns.kind, t.campaigns.districts, t.campaigns.appearFrom],
            list.items.map((c) => [h('a', { href: `/office/campaigns/${c.id}`, class: 'usa-link' }, c.name),
              label(t.kinds, c.kind), c.districts.join(', '), formatDate(c.appear_from)]))
          : h('p', { class: 'empty' }, t.campaigns.none));
      });
      const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'campaign' },
        field({ name: 'name', label: t.campaigns.name, required: true }),
        field({ name: 'kind', label: t.campaigns.kind, required: true, options: Object.entries(t.kinds) }),
        field({ name: 'basis', label: t.campaigns.basis, hint: t.campaigns.basisHint, required: true }),
        districtsField(),
        field({ name: 'age_min', label: t.campaigns.ageMin, hint: t.campaigns.ageHint, type: 'number', inputmode: 'numeric' }),
        field({ name: 'age_max', label: t.campaigns.ageMax, type: 'number', inputmode: 'numeric' }),
        field({ name: 'quota', label: t.campaigns.quota, type: 'number', inputmode: 'numeric' }),
        field({ name: 'appear_from', label: t.campaigns.appearFrom, type: 'date', required: true }),
        field({ name: 'appear_until', label: t.campaigns.appearUntil, type: 'date', required: true }),
        field({ name: 'place', label: t.campaigns.place }),
        field({ name: 'purpose', label: t.campaigns.purpose }),
        h('button', { type: 'submit', class: 'usa-button' }, t.campaigns.submit));
      put(main, h('h2', {}, t.campaigns.create), form);
      submit(form, async (v) => {
        const districts = Array.from(form.querySelectorAll<HTMLInputElement>('input[name^="district:"]:checked'))
          .map((c) => c.value);
        const int = (x: string) => (x.trim() ? Number.parseInt(x, 10) : undefined);
        const c = await api<Campaign>('POST', 'campaigns', {
          name: v.name, kind: v.kind, basis: v.basis, districts, age_min: int(v.age_min), age_max: int(v.age_max),
          quota: int(v.quota), appear_from: v.appear_from, appear_until: v.appear_until, place: v.place, purpose: v.purpose,
        });
        navigate(`/office/campaigns/${c.id}`);
      });
    },
  },
  {
    path: '/office/campaigns/:id',
    roles: ['supervisor'],
    title: () => t.campaigns.title,
    render: async ({ main, params }) => {
      put(main, h('a', { href: '/office/campaigns', class: 'usa-link back-link' }, t.campaigns.title));
      await load(main, async () => {
        const [c, plan] = await Promise.all([
          api<Campaign>('GET', `campaigns/${encodeURIComponent(params.id)}`),
          api<CampaignPlan>('GET', `campaigns/${encodeURIComponent(params.id)}/preview`),
        ]);
        document.title = `${fill(t.campaigns.preview, { name: c.name })} · ${t.site.name}`;
        const progress = h('div', { class: 'progress-area', 'aria-live': 'polite' });
        const status = h('div', { role: 'status' });
        const issue = button(fill(t.campaigns.issueNow, { count: n(plan.planned) }), {
          onclick: async () => {
            issue.disabled = true;
            const ok = await load(progress, async () => {
              const job = await api<Job>('POST', `campaigns/${c.id}/issue`);
              await watchJob(job.id, progress, status);
            });
            if (!ok) issue.disabled = false;
          },
        });
        put(main, 
          h('h1', {}, fill(t.campaigns.preview, { name: c.name })),
          h('p', { class: 'usa-intro' }, t.campaigns.previewIntro),
          h('ul', { class: 'stats' }, ([
            [t.campaigns.candidates, plan.candidates], [t.campaigns.planned, plan.planned],
            [t.campaigns.alreadyIssued, plan.already_issued], [t.campaigns.excluded, plan.excluded],
            [t.campaigns.noCapacity, plan.no_capacity], [t.campaigns.overQuota, plan.over_quota],
          ] as [string, number][]).map(([k, v]) => h('li', {}, h('span', { class: 'stat-value' }, n(v)), h('span', {}, k)))),
          table(t.campaigns.byReason, [t.campaigns.reason, t.campaigns.count],
            Object.entries(plan.excluded_by_reason).map(([r, v]) => [reasonLabel(r), n(v)])),
          table(t.campaigns.byDistrict, [t.campaigns.office, t.campaigns.candidates, t.campaigns.planned,
            t.campaigns.alreadyIssued, t.campaigns.excluded, t.campaigns.noCapacity, t.campaigns.overQuota],
          Object.entries(plan.by_district).map(([d, x]) => [d, n(x.candidates), n(x.planned), n(x.already_issued),
            n(x.excluded), n(x.no_capacity), n(x.over_quota)])),
          plan.planned > 0 ? issue : null, progress, status);
      });
    },
  },
];
