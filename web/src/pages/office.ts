// The office console: person search and page, issuing a summons, recording an appearance, and
// the appeals queue.
import { api, ApiError, type Appeal, type List, type Person, type Summons } from '../api';
import { currentUser, load, navigate, submit, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { formatDate, formatTime, localInputToRfc3339, zoneOf } from '../time';
import { alert, button, facts, field, h, put, showFieldError, table } from '../ui';
import { stateTag } from './citizen';
import { reasonLabel } from './reasons';

function fullName(p: Person): string {
  return [p.surname, p.given_name, p.patronymic].filter(Boolean).join(' ');
}

function officeOptions(): [string, string][] {
  return (currentUser()?.offices ?? []).map((o) => [o, o]);
}

const kKinds = Object.keys(t.kinds);

// "11223344595 is not eligible for conscription: age_above, deferment:study; an override ..."
function ineligibility(detail: string): string[] | null {
  const m = /is not eligible for [^:]+: ([^;]+)/.exec(detail);
  return m ? m[1].split(',').map((r) => r.trim()).filter(Boolean) : null;
}


async function searchPersons(query: string, out: HTMLElement, after = ''): Promise<void> {
  const needle = query.toLocaleLowerCase();
  const found: Person[] = [];
  let cursor: string | null = after;
  // The server lists persons by national ID only; a name is matched here, page by page.
  do {
    const page: List<Person> = await api<List<Person>>('GET',
      `persons?limit=1000${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
    found.push(...page.items.filter((p) => fullName(p).toLocaleLowerCase().includes(needle)));
    cursor = page.next_cursor ?? null;
  } while (cursor && found.length < 20);
  out.querySelector('.more')?.remove();
  if (!found.length && !after) return void out.append(h('p', { class: 'empty', role: 'status' }, t.persons.none));
  out.append(table(t.persons.title, [t.persons.name, t.persons.nationalId, t.persons.birthDate, t.persons.district],
    found.map((p) => [h('a', { href: `/office/persons/${p.national_id}`, class: 'usa-link' }, fullName(p)), p.national_id,
      formatDate(p.birth_date), p.district])));
  if (cursor) {
    const next = cursor;
    out.append(button(t.persons.more, { class: 'usa-button usa-button--outline more',
      onclick: () => void load(out, () => searchPersons(query, out, next)) }));
  }
}

export const officeRoutes: Route[] = [
  {
    path: '/office/persons',
    roles: ['officer', 'supervisor'],
    title: () => t.persons.title,
    render: ({ main, query }) => {
      const out = h('div', { class: 'results' });
      const form = h('form', { class: 'usa-search-form', role: 'search', 'data-draft': 'search' },
        field({ name: 'q', label: t.persons.search, hint: t.persons.searchHint, required: true, value: query.get('q') ?? '' }),
        h('button', { type: 'submit', class: 'usa-button' }, t.persons.submit));
      put(main, h('h1', {}, t.persons.title), form, out);
      submit(form, async (v) => {
        const q = v.q.trim();
        if (/^\d{11}$/.test(q.replace(/[\s-]/g, ''))) {
          return navigate(`/office/persons/${q.replace(/[\s-]/g, '')}`);
        }
        out.replaceChildren();
        await searchPersons(q, out);
      });
      (form.querySelector('input') as HTMLInputElement).focus();
    },
  },
  {
    path: '/office/persons/:id',
    roles: ['officer', 'supervisor'],
    title: () => t.persons.title,
    render: async ({ main, params }) => {
      put(main, h('a', { href: '/office/persons', class: 'usa-link back-link' }, t.persons.title));
      await load(main, async () => {
        const p = await api<Person>('GET', `persons/${encodeURIComponent(params.id)}`);
        document.title = `${fullName(p)} · ${t.site.name}`;
        const codeOut = h('div', { 'aria-live': 'polite' });
        put(main, h('h1', {}, fullName(p)),
          facts([
            [t.persons.nationalId, p.national_id],
            [t.persons.birthDate, formatDate(p.birth_date)],
            [t.persons.district, p.district],
            [t.persons.category, p.category],
            [t.persons.fitness, p.fitness],
            [t.persons.status, p.status],
            [t.persons.address, p.address],
            [t.persons.contact, [p.email, p.phone].filter(Boolean).join(', ')],
          ]),
          h('h2', {}, t.persons.deferments),
          p.deferments?.length
            ? h('ul', {}, p.deferments.map((d) => h('li', {}, fill(t.persons.deferment, { kind: d.kind, until: formatDate(d.until),
              basis: d.basis }), d.ended_at ? ` — ${fill(t.persons.ended, { time: formatTime(d.ended_at) })}` : '')))
            : h('p', {}, t.persons.noDeferments),
          h('div', { class: 'actions' },
            h('a', { href: `/office/issue?national_id=${p.national_id}`, class: 'usa-button' }, t.persons.issueFor),
            button(t.persons.activationCode, { class: 'usa-button usa-button--outline', onclick: async () => {
              codeOut.replaceChildren();
              await load(codeOut, async () => {
                const r = await api<{ code: string }>('POST', 'activation-codes', { national_id: p.national_id });
                codeOut.append(alert('info', fill(t.persons.codeIs, { id: p.national_id, code: r.code })));
              });
            } })),
          codeOut,
          h('p', { class: 'usa-hint' }, t.persons.missing));
      });
    },
  },
  {
    path: '/office/issue',
    roles: ['officer', 'supervisor'],
    title: () => t.issue.title,
    render: ({ main, query }) => {
      const out = h('div', { 'aria-live': 'polite' });
      const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'issue' },
        field({ name: 'national_id', label: t.issue.nationalId, required: true, inputmode: 'numeric',
          value: query.get('national_id') ?? '' }),
        field({ name: 'office', label: t.issue.office, required: true, options: officeOptions() }),
        field({ name: 'kind', label: t.issue.kind, required: true, options: kKinds.map((k) => [k, label(t.kinds, k)]) }),
        field({ name: 'appear_at', label: t.issue.appearAt, hint: fill(t.issue.appearAtHint, { zone: zoneOf() }),
          type: 'datetime-local', required: true }),
        field({ name: 'place', label: t.issue.place }),
        field({ name: 'purpose', label: t.issue.purpose }),
        h('button', { type: 'submit', class: 'usa-button' }, t.issue.submit));
      put(main, h('h1', {}, t.issue.title), out, form);
      submit(form, async (v) => {
        out.replaceChildren();
        try {
          const s = await api<Summons>('POST', 'summonses', {
            national_id: v.national_id.replace(/[\s-]/g, ''), office: v.office, kind: v.kind,
            appear_at: localInputToRfc3339(v.appear_at), place: v.place, purpose: v.purpose,
          });
          out.append(alert('success', fill(t.issue.done, { number: s.number })));
          form.reset();
          out.focus();
        } catch (e) {
          // An unknown person answers 404 without naming the field: it is the national ID.
          if (e instanceof ApiError && e.status === 404 && !e.field) {
            return void showFieldError(form, 'national_id', e.message);
          }
          const reasons = e instanceof ApiError && e.status === 409 ? ineligibility(e.message) : null;
          if (!reasons) throw e;
          out.append(h('div', { class: 'usa-alert usa-alert--error ineligible', role: 'alert' },
            h('div', { class: 'usa-alert__body' },
              h('h2', { class: 'usa-alert__heading' }, t.issue.ineligible),
              h('p', { class: 'usa-alert__text' }, t.issue.ineligibleIntro),
              h('ul', {}, reasons.map((r) => h('li', { 'data-reason': r }, reasonLabel(r)))),
              h('p', { class: 'usa-alert__text' }, t.issue.overrideNote))));
        }
      });
    },
  },
  {
    path: '/office/appearance',
    roles: ['officer', 'supervisor'],
    title: () => t.appearance.title,
    render: ({ main }) => {
      const out = h('div', { 'aria-live': 'polite', class: 'appearance-result' });
      const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'appearance' },
        field({ name: 'number', label: t.appearance.number, hint: t.appearance.numberHint, required: true,
          autocomplete: 'off' }),
        h('button', { type: 'submit', class: 'usa-button' }, t.appearance.find));
      put(main, h('h1', {}, t.appearance.title), form, out);
      submit(form, async (v) => {
        out.replaceChildren();
        const number = v.number.trim();
        const s = await api<Summons>('GET', `summonses/${encodeURIComponent(number)}`);
        const record = button(t.appearance.record, { onclick: async () => {
          record.disabled = true;
          await load(out, async () => {
            const done = await api<Summons>('POST', `summonses/${encodeURIComponent(s.number)}/appearance`);
            out.replaceChildren(alert('success', fill(t.appearance.done, { number: done.number })));
          });
          record.disabled = false;
        } });
        put(out, h('h2', {}, fill(t.summons.title, { number: s.number })), h('p', {}, stateTag(s.state)),
          facts([
            [t.appearance.person, s.national_id],
            [t.cabinet.kind, label(t.kinds, s.kind)],
            [t.cabinet.appointment, formatTime(s.appear_at)],
            [t.summons.office, s.office],
          ]),
          ['issued', 'delivered', 'viewed', 'no_show'].includes(s.state) ? record : null);
      });
    },
  },
  {
    path: '/office/appeals',
    roles: ['officer', 'supervisor'],
    title: () => t.queue.title,
    render: async ({ main }) => {
      put(main, h('h1', {}, t.queue.title));
      await load(main, async () => {
        const list = await api<List<Appeal>>('GET', 'appeals?state=pending');
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.queue.none));
        put(main, h('ul', { class: 'usa-card-group' }, list.items.map((a) => {
          const card = h('li', { class: 'usa-card appeal-card', 'data-appeal': a.id });
          const form = h('form', { class: 'usa-form', 'data-draft': `appeal-${a.id}` },
            field({ name: 'reason', label: t.queue.decisionReason, required: true }),
            h('div', { class: 'usa-button-group' },
              h('button', { type: 'submit', class: 'usa-button', name: 'grant', value: 'true' }, t.queue.grant),
              h('button', { type: 'submit', class: 'usa-button usa-button--secondary', name: 'grant', value: 'false' },
                t.queue.deny)));
          submit(form, async (v) => {
            const d = await api<Appeal>('POST', `appeals/${a.id}/decision`, { grant: v.grant === 'true', reason: v.reason });
            const msg = alert('success', fill(t.queue.decided, { id: d.id, state: label(t.appeal.states, d.state).toLowerCase() }));
            card.replaceChildren(msg);
          });
          card.append(h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' }, h('h2', { class: 'usa-card__heading' }, `${t.queue.summons} ${a.summons}`)),
            h('div', { class: 'usa-card__body' },
              facts([
                [t.queue.reason, label(t.appeal.reasons, a.reason)],
                [t.queue.text, a.text],
                [t.queue.filed, formatTime(a.filed_at)],
              ]),
              form)));
          return card;
        })));
      });
    },
  },
];
