// The office console: person search and page, issuing a summons (eligibility shown before
// submitting, and the four-eyes override for an ineligible person), the override queue,
// recording an appearance, and the appeals queue.
import {
  api, ApiError, type Appeal, type Eligibility, type List, type Override, type Person, type PersonPage, type Summons,
} from '../api';
import { currentUser, load, navigate, submit, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { formatDate, formatTime, localInputToRfc3339, zoneOf } from '../time';
import { alert, button, clearErrors, facts, field, formValues, h, put, showFieldError, table } from '../ui';
import { showPage } from '../pager';
import { stateTag } from './citizen';
import { reasonLabel } from './reasons';

function fullName(p: Person): string {
  return [p.surname, p.given_name, p.patronymic].filter(Boolean).join(' ');
}

function officeOptions(): [string, string][] {
  return (currentUser()?.offices ?? []).map((o) => [o, o]);
}

const kKinds = Object.keys(t.kinds);

// A search by name, answered by the server within the officer's offices.
async function searchPersons(query: string, out: HTMLElement): Promise<void> {
  const limit = 50;
  const page = await api<List<Person> & { limited: boolean }>('GET',
    `persons?q=${encodeURIComponent(query)}&limit=${limit}`);
  if (!page.items.length) return void out.append(h('p', { class: 'empty', role: 'status' }, t.persons.none));
  out.append(table(t.persons.title, [t.persons.name, t.persons.nationalId, t.persons.birthDate, t.persons.district],
    page.items.map((p) => [h('a', { href: `/office/persons/${p.national_id}`, class: 'usa-link' }, fullName(p)),
      p.national_id, formatDate(p.birth_date), p.district])));
  if (page.limited) out.append(h('p', { class: 'usa-hint', role: 'status' }, fill(t.persons.limited, { count: limit })));
}

// The person part of an actor ("officer:olga" -> "olga"), as the server compares them.
function actorName(actor: string): string {
  const colon = actor.indexOf(':');
  return colon < 0 ? actor : actor.slice(colon + 1);
}

function reasonList(reasons: string[]): HTMLElement {
  return h('ul', { class: 'reasons' }, reasons.map((r) => h('li', { 'data-reason': r }, reasonLabel(r))));
}

// The appointment in the office's zone, naming it.
function officeTime(s: Summons): string {
  return fill(t.summons.localTime, { time: formatTime(s.appear_at, s.office_timezone), zone: zoneOf(s.office_timezone) });
}

function personPage(p: PersonPage): (HTMLElement | null)[] {
  const me = t.persons;
  return [
    h('h2', {}, me.summonses),
    p.summonses.length
      ? table(me.summonses, [me.number, me.kind, me.appointment, me.state, me.deadline],
        p.summonses.map((s) => [s.number, label(t.kinds, s.kind), officeTime(s), stateTag(s.state),
          formatTime(s.deadline, s.office_timezone)]), 'person-summonses')
      : h('p', {}, me.noSummonses),
    h('h2', {}, me.restrictions),
    p.restrictions.length
      ? table(me.restrictions, [me.restriction, me.cause, me.since, me.lifted],
        p.restrictions.map((r) => [label(t.restrictions.kinds, r.kind), r.summons, formatTime(r.effective_at),
          r.lifted_at ? `${formatTime(r.lifted_at)}: ${r.lift_reason}` : me.inForce]), 'person-restrictions')
      : h('p', {}, me.noRestrictions),
    h('h2', {}, me.history),
    h('p', { class: 'usa-hint' }, me.historyIntro),
    p.history_complete ? null : h('p', { class: 'usa-hint' }, fill(me.historyCut, { count: p.history.length })),
    p.history.length
      ? table(me.history, [me.when, me.event, me.by, me.about],
        p.history.map((e) => [formatTime(e.at), label(me.events, e.type), e.actor, e.subject]), 'person-history')
      : h('p', {}, me.noHistory),
  ];
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
        const p = await api<PersonPage>('GET', `persons/${encodeURIComponent(params.id)}`);
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
          p.deferments.length
            ? h('ul', { class: 'person-deferments' }, p.deferments.map((d) => h('li', {}, fill(t.persons.deferment, { kind: d.kind, until: formatDate(d.until),
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
          personPage(p));
      });
    },
  },
  {
    path: '/office/issue',
    roles: ['officer', 'supervisor'],
    title: () => t.issue.title,
    render: ({ main, query }) => {
      const out = h('div', { 'aria-live': 'polite', class: 'issue-result' });
      const check = h('div', { 'aria-live': 'polite', class: 'eligibility' });
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
      // Under the button, so that a result arriving while it is pressed does not move it.
      put(main, h('h1', {}, t.issue.title), out, form, check);

      const request = () => {
        const v = formValues(form);
        return {
          national_id: v.national_id.replace(/[\s-]/g, ''), office: v.office, kind: v.kind,
          appear_at: v.appear_at ? localInputToRfc3339(v.appear_at) : '', place: v.place, purpose: v.purpose,
        };
      };

      // Not eligible: the reasons, and the form that asks a supervisor for an override.
      const ineligible = (reasons: string[]): HTMLElement => {
        const ask = h('form', { class: 'usa-form override-form', 'data-draft': 'override' },
          field({ name: 'justification', label: t.issue.justification, hint: t.issue.justificationHint, textarea: true,
            required: true }),
          h('button', { type: 'submit', class: 'usa-button usa-button--secondary' }, t.issue.requestOverride));
        submit(ask, async (v) => {
          const o = await api<Override>('POST', 'overrides', { ...request(), justification: v.justification });
          check.replaceChildren();
          out.replaceChildren(alert('success', fill(t.issue.overrideRequested, { id: o.id })));
          form.reset();
        });
        return h('div', { class: 'ineligible', 'data-reasons': reasons.join(',') },
          h('div', { class: 'usa-alert usa-alert--warning', role: 'status' },
            h('div', { class: 'usa-alert__body' },
              h('h2', { class: 'usa-alert__heading' }, t.issue.ineligible),
              h('p', { class: 'usa-alert__text' }, t.issue.ineligibleIntro),
              reasonList(reasons),
              h('p', { class: 'usa-alert__text' }, t.issue.overrideNote))),
          ask);
      };

      // Eligibility before submitting: asked again whenever the person, kind or time changes.
      let asked = 0;
      const checkEligibility = async () => {
        const r = request();
        if (!/^\d{11}$/.test(r.national_id) || !r.kind || !r.appear_at) return void check.replaceChildren();
        const seq = ++asked;
        check.querySelector('.eligibility-status')?.remove();
        check.prepend(h('p', { class: 'loading eligibility-status', role: 'status' }, t.issue.checking));
        try {
          const e = await api<Eligibility>('GET', `persons/${r.national_id}/eligibility?kind=${encodeURIComponent(r.kind)}`
            + `&appear_at=${encodeURIComponent(r.appear_at)}`);
          if (seq !== asked) return;
          check.querySelector('.eligibility-status')?.remove();
          // The same reasons again: keep the override form with what was typed in it.
          const shown = check.querySelector<HTMLElement>('.ineligible');
          if (!e.eligible && shown?.dataset.reasons === e.reasons.join(',')) return;
          check.replaceChildren(e.eligible
            ? alert('success', fill(t.issue.eligible, { kind: label(t.kinds, e.kind).toLowerCase() }))
            : ineligible(e.reasons));
        } catch (e) {
          if (seq !== asked) return;
          check.replaceChildren();
          // An unknown person or a bad value: shown next to its field, as a submit would.
          if (e instanceof ApiError && e.status < 500) {
            clearErrors(form);
            showFieldError(form, e.field && e.field !== 'kind' ? e.field : 'national_id', e.message);
          }
        }
      };
      for (const name of ['national_id', 'kind', 'appear_at']) {
        form.querySelector(`[name="${name}"]`)?.addEventListener('change', () => void checkEligibility());
      }
      if (query.get('national_id')) void checkEligibility();

      submit(form, async () => {
        out.replaceChildren();
        try {
          const s = await api<Summons>('POST', 'summonses', request());
          out.append(alert('success', fill(t.issue.done, { number: s.number })));
          check.replaceChildren();
          form.reset();
          out.focus();
        } catch (e) {
          if (e instanceof ApiError && e.status === 409 && e.problem.reasons) {
            return void check.replaceChildren(ineligible(e.problem.reasons));
          }
          throw e;
        }
      });
    },
  },
  {
    path: '/office/overrides',
    roles: ['officer', 'supervisor'],
    title: () => t.overrides.title,
    render: async ({ main, who }) => {
      put(main, h('h1', {}, t.overrides.title), h('p', { class: 'usa-intro' }, t.overrides.intro));
      await load(main, async () => {
        const list = await api<List<Override>>('GET', 'overrides?state=pending');
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.overrides.none));
        put(main, h('ul', { class: 'usa-card-group' }, list.items.map((o) => {
          const card = h('li', { class: 'usa-card override-card', 'data-override': o.id });
          const mine = actorName(o.requested_by) === who?.login;
          let decide: HTMLElement;
          if (who?.role !== 'supervisor') {
            decide = h('p', {}, t.overrides.supervisorDecides);
          } else if (mine) {
            decide = h('p', { class: 'own-request' }, t.overrides.own);
          } else {
            const form = h('form', { class: 'usa-form' },
              h('div', { class: 'usa-button-group' },
                h('button', { type: 'submit', class: 'usa-button', name: 'decision', value: 'approval' }, t.overrides.approve),
                h('button', { type: 'submit', class: 'usa-button usa-button--secondary', name: 'decision', value: 'rejection' },
                  t.overrides.reject)));
            submit(form, async (v) => {
              if (v.decision === 'approval') {
                const r = await api<{ override: Override; summons: Summons }>('POST', `overrides/${o.id}/approval`);
                card.replaceChildren(alert('success', fill(t.overrides.approved, { id: o.id, number: r.summons.number })));
              } else {
                await api<Override>('POST', `overrides/${o.id}/rejection`);
                card.replaceChildren(alert('success', fill(t.overrides.rejected, { id: o.id })));
              }
            });
            decide = form;
          }
          card.append(h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' },
              h('h2', { class: 'usa-card__heading' }, fill(t.overrides.heading, { id: o.id, national_id: o.national_id }))),
            h('div', { class: 'usa-card__body' },
              facts([
                [t.overrides.person, h('a', { href: `/office/persons/${o.national_id}`, class: 'usa-link' }, o.national_id)],
                [t.overrides.kind, label(t.kinds, o.kind)],
                [t.overrides.appointment, formatTime(o.appear_at)],
                [t.overrides.reasons, reasonList(o.reasons)],
                [t.overrides.justification, o.justification],
                [t.overrides.requestedBy, o.requested_by],
                [t.overrides.requestedAt, formatTime(o.requested_at)],
              ]),
              decide)));
          return card;
        })));
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
        const path = 'appeals?state=pending';
        const list = await api<List<Appeal>>('GET', path);
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.queue.none));
        const cards = h('ul', { class: 'usa-card-group' });
        put(main, cards);
        showPage(path, list, cards, (a) => {
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
        });
      });
    },
  },
];
