// Supervisors' and auditors' dashboard: a campaign's funnel, the daily timeline and the table by
// district (GET reports/..., counted by the server; a supervisor's offices only), drawn with
// Chart.js, each chart beside a table of the same numbers for screen readers and keyboards.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { api, type Campaign, type DistrictRow, type Funnel, type List, type TimelineDay } from '../api';
import { load, navigate, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { chooseCampaign, fillDays, funnelSteps } from '../reports';
import { field, formValues, h, table } from '../ui';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend,
  Tooltip);

const kColors = ['#005ea2', '#00a398', '#e5a000', '#b50909'];
const number = (n: number) => n.toLocaleString('en-GB');

function chart(caption: string, height: number): HTMLCanvasElement {
  return h('canvas', { role: 'img', 'aria-label': caption, height });
}

function funnelSection(into: HTMLElement, f: Funnel, name: string): void {
  const steps = funnelSteps(f);
  const summary = steps.map(([k, n]) => `${label(t.dashboard.steps, k)} ${number(n)}`).join(', ');
  const canvas = chart(fill(t.dashboard.funnelChart, { name, summary }), 260);
  into.append(h('div', { class: 'chart' }, canvas),
    table(fill(t.dashboard.funnelTable, { name }), [t.dashboard.step, t.dashboard.summonses],
      steps.map(([k, n]) => [label(t.dashboard.steps, k), number(n)]), 'funnel-table'));
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: steps.map(([k]) => label(t.dashboard.steps, k)),
      datasets: [{ label: t.dashboard.summonses, data: steps.map(([, n]) => n), backgroundColor: kColors[0] }],
    },
    options: { indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

function timelineSection(into: HTMLElement, items: TimelineDay[]): void {
  if (!items.length) return void into.append(h('p', { class: 'empty' }, t.dashboard.timelineNone));
  const days = fillDays(items);
  const keys = ['issued', 'delivered', 'appeared', 'no_show'] as const;
  const canvas = chart(fill(t.dashboard.timelineChart, { from: days[0].day, to: days[days.length - 1].day }), 260);
  into.append(h('div', { class: 'chart' }, canvas),
    table(t.dashboard.timelineTable, [t.dashboard.day, ...keys.map((k) => label(t.dashboard.steps, k))],
      items.map((d) => [d.day, ...keys.map((k) => number(d[k]))]), 'timeline-table'));
  new Chart(canvas, {
    type: 'line',
    data: {
      labels: days.map((d) => d.day),
      datasets: keys.map((k, i) => ({ label: label(t.dashboard.steps, k), data: days.map((d) => d[k]),
        borderColor: kColors[i], backgroundColor: kColors[i], tension: 0 })),
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

function districtSection(into: HTMLElement, rows: DistrictRow[]): void {
  if (!rows.length) return void into.append(h('p', { class: 'empty' }, t.dashboard.districtsNone));
  const s = t.dashboard.steps;
  into.append(table(t.dashboard.districts,
    [t.dashboard.district, s.issued, s.delivered, s.appeared, s.no_show, s.excused, t.dashboard.restrictionsActive],
    rows.map((r) => [r.district, number(r.issued), number(r.delivered), number(r.appeared), number(r.no_show),
      number(r.excused), number(r.restrictions_active)]), 'districts-table'));
}

function section(id: string, title: string, ...more: HTMLElement[]): HTMLElement {
  return h('section', { 'aria-labelledby': id, class: 'report' }, h('h2', { id }, title), ...more);
}

export const dashboardRoutes: Route[] = [
  {
    path: '/dashboard',
    roles: ['supervisor', 'auditor'],
    title: () => t.dashboard.title,
    render: async ({ main, query }) => {
      main.append(h('h1', {}, t.dashboard.title));
      await load(main, async () => {
        const campaigns = (await api<List<Campaign>>('GET', 'campaigns')).items;
        const chosen = chooseCampaign(campaigns.map((c) => c.id), query.get('campaign'));
        const current = campaigns.find((c) => String(c.id) === chosen);
        const from = query.get('from') ?? '';
        const to = query.get('to') ?? '';
        const form = h('form', { class: 'usa-form campaign-choice' },
          field({ name: 'campaign', label: t.dashboard.campaign, value: chosen,
            options: [...campaigns.map((c): [string, string] => [String(c.id), c.name]), ['', t.dashboard.allCampaigns]] }),
          field({ name: 'from', label: t.dashboard.from, type: 'date', value: from }),
          field({ name: 'to', label: t.dashboard.to, type: 'date', value: to }),
          h('button', { type: 'submit', class: 'usa-button usa-button--outline' }, t.dashboard.show));
        const go = () => {
          const v = formValues(form);
          navigate(`/dashboard?${new URLSearchParams({ campaign: v.campaign, from: v.from, to: v.to })}`);
        };
        form.querySelector('select')!.addEventListener('change', go);
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          go();
        });
        main.append(form);
        if (!campaigns.length) main.append(h('p', { class: 'usa-hint' }, t.dashboard.noCampaigns));
        const q = chosen ? `?campaign=${chosen}` : '';
        const range = new URLSearchParams({ ...(chosen ? { campaign: chosen } : {}), ...(from ? { from } : {}),
          ...(to ? { to } : {}) }).toString();
        const funnel = section('funnel-title', current ? fill(t.dashboard.funnel, { name: current.name }) : t.dashboard.funnelAll);
        const timeline = section('timeline-title', t.dashboard.timeline, h('p', { class: 'usa-hint' }, t.dashboard.timelineHint));
        const districts = section('districts-title', t.dashboard.districts);
        main.append(current ? funnel : h('p', { class: 'usa-hint' }, t.dashboard.funnelAll), timeline, districts);
        await Promise.all([
          current ? load(funnel, async () => {
            funnelSection(funnel, await api<Funnel>('GET', `reports/campaigns/${current.id}/funnel`), current.name);
          }) : Promise.resolve(true),
          load(timeline, async () => {
            timelineSection(timeline, (await api<List<TimelineDay>>('GET', `reports/timeline${range ? `?${range}` : ''}`)).items);
          }),
          load(districts, async () => {
            districtSection(districts, (await api<List<DistrictRow>>('GET', `reports/districts${q}`)).items);
          }),
        ]);
      });
    },
  },
];
