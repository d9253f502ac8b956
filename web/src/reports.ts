// Pure helpers of the dashboard (no DOM, no chart library): the funnel's steps in order, the
// timeline with the quiet days filled in, and which campaign to show.
import type { Funnel, TimelineDay } from './api';

export const kFunnelSteps = ['issued', 'delivered', 'viewed', 'appeared', 'excused', 'no_show', 'cancelled'] as const;

export function funnelSteps(f: Funnel): [string, number][] {
  return kFunnelSteps.map((k) => [k, f[k]]);
}

const kDay = 86400e3;

// Every day from the first to the last of `days` (sorted, YYYY-MM-DD), the missing ones with
// zeros, so that a chart's axis is even. At most `limit` days, the latest kept.
export function fillDays(days: TimelineDay[], limit = 400): TimelineDay[] {
  if (!days.length) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const first = Date.parse(`${days[0].day}T00:00:00Z`);
  const last = Date.parse(`${days[days.length - 1].day}T00:00:00Z`);
  const out: TimelineDay[] = [];
  for (let t = Math.max(first, last - (limit - 1) * kDay); t <= last; t += kDay) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, issued: 0, delivered: 0, appeared: 0, no_show: 0 });
  }
  return out;
}

// The campaign to show: the one asked for when it is in the list, "" for all campaigns when
// asked so, otherwise the newest one (highest id), or "" when there is none.
export function chooseCampaign(ids: number[], asked: string | null): string {
  if (asked === '') return '';
  if (asked !== null && ids.includes(Number(asked))) return asked;
  return ids.length ? String(Math.max(...ids)) : '';
}
