// Data corrections: the citizen asks for one field of their registration record to be
// corrected and follows the request; officers decide the requests of their offices' persons.
// The value is checked by the server with the import's rules; a bad one is shown at the field.
import { api, type Correction, type List } from '../api';
import { load, navigate, submit, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { formatTime } from '../time';
import { alert, facts, field, h, put } from '../ui';

function stateTag(state: string): HTMLElement {
  return h('span', { class: `usa-tag correction-${state}` }, label(t.corrections.states, state));
}

function fieldName(f: string): string {
  return label(t.corrections.fields, f);
}

export const correctionRoutes: Route[] = [
  {
    path: '/corrections',
    roles: ['citizen'],
    title: () => t.corrections.title,
    render: async ({ main, query }) => {
      put(main, h('h1', {}, t.corrections.title), query.get('filed') ? alert('success', t.corrections.done) : null,
        h('p', { class: 'usa-intro' }, t.corrections.intro));
      const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'correction' },
        field({ name: 'field', label: t.corrections.field, required: true, options: Object.entries(t.corrections.fields) }),
        field({ name: 'value', label: t.corrections.value, hint: t.corrections.valueHint }),
        field({ name: 'explanation', label: t.corrections.explanation, hint: t.corrections.explanationHint, textarea: true }),
        h('button', { type: 'submit', class: 'usa-button' }, t.corrections.submit));
      submit(form, async (v) => {
        await api('POST', 'me/corrections', { field: v.field, value: v.value, explanation: v.explanation });
        navigate('/corrections?filed=1');
      });
      const list = h('section', { 'aria-labelledby': 'my-corrections' }, h('h2', { id: 'my-corrections' }, t.corrections.listTitle));
      put(main, h('section', { 'aria-labelledby': 'new-correction' }, h('h2', { id: 'new-correction' }, t.corrections.new), form),
        list);
      await load(list, async () => {
        const mine = await api<List<Correction>>('GET', 'me/corrections');
        if (!mine.items.length) return void put(list, h('p', { class: 'empty' }, t.corrections.none));
        put(list, h('ul', { class: 'usa-card-group' }, mine.items.map((c) => h('li', { class: 'usa-card correction-card' },
          h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' }, h('h3', { class: 'usa-card__heading' }, fieldName(c.field)), stateTag(c.state)),
            h('div', { class: 'usa-card__body' }, facts([
              [t.corrections.value, c.value],
              [t.corrections.explanation, c.explanation],
              [t.corrections.requestedAt, formatTime(c.requested_at)],
              [t.corrections.decision, c.decision_reason],
              [t.corrections.previous, c.state === 'approved' ? c.previous_value : null],
            ])))))));
      });
    },
  },
  {
    path: '/office/corrections',
    roles: ['officer', 'supervisor'],
    title: () => t.corrections.queueTitle,
    render: async ({ main }) => {
      put(main, h('h1', {}, t.corrections.queueTitle));
      await load(main, async () => {
        const list = await api<List<Correction>>('GET', 'corrections?state=pending');
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.corrections.queueNone));
        put(main, h('ul', { class: 'usa-card-group' }, list.items.map((c) => {
          const card = h('li', { class: 'usa-card correction-card', 'data-correction': c.id });
          const form = h('form', { class: 'usa-form', 'data-draft': `correction-${c.id}` },
            field({ name: 'reason', label: t.corrections.reason }),
            h('div', { class: 'usa-button-group' },
              h('button', { type: 'submit', class: 'usa-button', name: 'approve', value: 'true' }, t.corrections.approve),
              h('button', { type: 'submit', class: 'usa-button usa-button--secondary', name: 'approve', value: 'false' },
                t.corrections.reject)));
          submit(form, async (v) => {
            const d = await api<Correction>('POST', `corrections/${c.id}/decision`,
              { approve: v.approve === 'true', reason: v.reason });
            card.replaceChildren(alert('success',
              fill(t.corrections.decided, { id: d.id, state: label(t.corrections.states, d.state).toLowerCase() })));
          });
          card.append(h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' }, h('h2', { class: 'usa-card__heading' }, fieldName(c.field))),
            h('div', { class: 'usa-card__body' },
              facts([
                [t.corrections.person, h('a', { href: `/office/persons/${encodeURIComponent(c.national_id)}`, class: 'usa-link' },
                  c.national_id)],
                [t.corrections.proposed, c.value],
                [t.corrections.explanation, c.explanation],
                [t.corrections.requestedAt, formatTime(c.requested_at)],
              ]),
              form)));
          return card;
        })));
      });
    },
  },
];
