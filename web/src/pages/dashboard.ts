// Supervisors' and auditors' dashboard: summonses by state (from /metrics, the only aggregate the
// server offers so far), drawn with Chart.js beside the same numbers as a table, and the campaigns.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { api, type Campaign, type List } from '../api';
import { load, type Route } from '../app';
import { label, t } from '../i18n';
import { formatDate } from '../time';
import { h, table } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const kStates = ['issued', 'delivered', 'viewed', 'appeared', 'excused', 'no_show', 'cancelled'];

// muster_summonses{state="viewed"} 12
export function summonsesByState(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics.matchAll(/^muster_summonses\{state="([a-z_]+)"\} (\d+(?:\.\d+)?)$/gm)) {
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export const dashboardRoutes: Route[] = [
  {
    path: '/dashboard',
    roles: ['supervisor', 'auditor'],
    title: () => t.dashboard.title,
    render: async ({ main }) => {
      main.append(h('h1', {}, t.dashboard.title));
      const states = h('section', { 'aria-labelledby': 'by-state' }, h('h2', { id: 'by-state' }, t.dashboard.byState));
      const campaigns = h('section', { 'aria-labelledby': 'campaigns-title' },
        h('h2', { id: 'campaigns-title' }, t.dashboard.campaigns));
      main.append(states, campaigns, h('p', { class: 'usa-hint' }, t.dashboard.missing));
      await Promise.all([
        load(states, async () => {
          const res = await fetch('/metrics');
          const counts = summonsesByState(await res.text());
          const names = kStates.filter((s) => s in counts || ['issued', 'appeared', 'no_show'].includes(s));
          const canvas = h('canvas', { role: 'img', 'aria-label': t.dashboard.byState, height: 220 });
          states.append(h('div', { class: 'chart' }, canvas),
            table(t.dashboard.byState, [t.cabinet.state, t.dashboard.chartLabel],
              names.map((s) => [label(t.states, s), (counts[s] ?? 0).toLocaleString('en-GB')])));
          new Chart(canvas, {
            type: 'bar',
            data: {
              labels: names.map((s) => label(t.states, s)),
              datasets: [{ label: t.dashboard.chartLabel, data: names.map((s) => counts[s] ?? 0), backgroundColor: '#005ea2' }],
            },
            options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
          });
        }),
        load(campaigns, async () => {
          const list = await api<List<Campaign>>('GET', 'campaigns');
          campaigns.append(list.items.length
            ? table(t.dashboard.campaigns, [t.campaigns.name, t.campaigns.kind, t.campaigns.districts, t.campaigns.appearFrom,
              t.campaigns.appearUntil], list.items.map((c) => [c.name, label(t.kinds, c.kind), c.districts.join(', '),
              formatDate(c.appear_from), formatDate(c.appear_until)]))
            : h('p', { class: 'empty' }, t.campaigns.none));
        }),
      ]);
    },
  },
];
