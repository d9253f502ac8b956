// The citizen's cabinet: summonses (and the state of their data-correction requests), one summons
// (opening it records viewed_at), restrictions, appeals, and the receipt check.
import { api, type Appeal, type Correction, type List, type Restriction, type Summons } from '../api';
import { load, navigate, submit, type Route } from '../app';
import { fill, label, t } from '../i18n';
import { verifyReceiptText, type VerifyResult } from '../receipt/verify';
import { formatTime, zoneOf } from '../time';
import { alert, button, facts, field, h, put, table } from '../ui';

const kOpenStates = ['issued', 'delivered', 'viewed', 'no_show'];

export function stateTag(state: string): HTMLElement {
  return h('span', { class: `usa-tag state-tag state-${state}` }, label(t.states, state));
}

// "Monday, 15 January 2027 at 09:00 (Europe/Moscow, office time)"
function appointment(s: Summons): string {
  const zone = zoneOf(s.office_timezone);
  return fill(s.office_timezone ? t.summons.localTime : t.summons.yourTime,
    { time: formatTime(s.appear_at, s.office_timezone), zone });
}

// appear_at + the policy's grace period, as the server computes it for the sweep.
function deadline(s: Summons): string {
  return formatTime(s.deadline, s.office_timezone);
}

function consequences(): HTMLElement {
  return h('div', { class: 'usa-summary-box consequences', role: 'region', 'aria-labelledby': 'consequences-title' },
    h('div', { class: 'usa-summary-box__body' },
      h('h2', { class: 'usa-summary-box__heading', id: 'consequences-title' }, t.cabinet.consequencesTitle),
      h('p', {}, t.cabinet.ifNotAppear),
      h('p', {}, t.cabinet.howToAppeal, ' ', h('a', { href: '/appeals/new', class: 'usa-link' }, t.cabinet.fileAppeal))));
}

function summonsCard(s: Summons): HTMLElement {
  return h('li', { class: 'usa-card summons-card' },
    h('div', { class: 'usa-card__container' },
      h('div', { class: 'usa-card__header' },
        h('h2', { class: 'usa-card__heading' }, label(t.kinds, s.kind)), stateTag(s.state)),
      h('div', { class: 'usa-card__body' }, facts([
        [t.cabinet.number, s.number],
        [t.cabinet.appointment, appointment(s)],
        [t.cabinet.deadline, kOpenStates.includes(s.state) ? deadline(s) : null],
      ])),
      h('div', { class: 'usa-card__footer' },
        h('a', { href: `/cabinet/${encodeURIComponent(s.number)}`, class: 'usa-button' ,
          'aria-label': fill(t.cabinet.open, { number: s.number }) }, fill(t.cabinet.open, { number: '' }).trim()))));
}

async function downloadReceipt(number: string, out: HTMLElement): Promise<void> {
  out.replaceChildren();
  let response: Response;
  try {
    response = await fetch(`/api/v1/me/summonses/${encodeURIComponent(number)}/receipt`, { credentials: 'same-origin' });
  } catch {
    out.append(alert('error', t.errors.network));
    return;
  }
  if (response.status === 404 || response.status === 405) {
    out.append(alert('info', t.summons.receiptMissing));
    return;
  }
  const text = await response.text();
  if (!response.ok) {
    out.append(alert('error', t.errors.server));
    return;
  }
  const blob = new Blob([text], { type: 'application/json' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `receipt-${number}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  out.append(verificationResult(verifyReceiptText(text)));
}

export function verificationResult(result: VerifyResult): HTMLElement {
  if (!result.ok) return alert('error', fill(t.verify.bad, { reason: result.error }));
  const r = result.receipt;
  return h('div', { class: 'receipt-result' }, alert('success', t.verify.ok),
    facts([
      [t.verify.summons, r.summonsNumber],
      [t.verify.event, r.eventType],
      [t.verify.time, formatTime(r.time)],
      [t.verify.position, fill(t.verify.positionValue, { index: r.leafIndex + 1, size: r.treeSize })],
      [t.verify.key, r.keyName],
    ]));
}

export const citizenRoutes: Route[] = [
  {
    path: '/cabinet',
    roles: ['citizen'],
    title: () => t.cabinet.title,
    render: async ({ main }) => {
      put(main, h('h1', {}, t.cabinet.title), h('p', { class: 'usa-intro' }, t.cabinet.intro));
      const corrections = h('section', { 'aria-labelledby': 'corrections-title', class: 'cabinet-corrections' },
        h('h2', { id: 'corrections-title' }, t.corrections.listTitle));
      await load(main, async () => {
        const list = await api<List<Summons>>('GET', 'me/summonses');
        if (!list.items.length) put(main, h('p', { class: 'empty' }, t.cabinet.none));
        else put(main, h('ul', { class: 'usa-card-group summons-list' }, list.items.map(summonsCard)));
        if (list.items.some((s) => kOpenStates.includes(s.state))) put(main, consequences());
      });
      put(main, corrections);
      await load(corrections, async () => {
        const mine = await api<List<Correction>>('GET', 'me/corrections');
        put(corrections, mine.items.length
          ? table(t.corrections.listTitle, [t.corrections.field, t.corrections.value, t.cabinet.state],
            mine.items.map((c) => [label(t.corrections.fields, c.field), c.value, label(t.corrections.states, c.state)]))
          : h('p', { class: 'empty' }, t.corrections.none),
        h('a', { href: '/corrections', class: 'usa-link' }, t.corrections.new));
      });
    },
  },
  {
    path: '/cabinet/:number',
    roles: ['citizen'],
    title: () => t.cabinet.title,
    render: async ({ main, params }) => {
      put(main, h('a', { href: '/cabinet', class: 'usa-link back-link' }, t.summons.back));
      await load(main, async () => {
        const s = await api<Summons>('GET', `me/summonses/${encodeURIComponent(params.number)}`);
        document.title = `${fill(t.summons.title, { number: s.number })} · ${t.site.name}`;
        const receiptOut = h('div', { 'aria-live': 'polite' });
        const open = kOpenStates.includes(s.state);
        put(main, 
          h('h1', {}, fill(t.summons.title, { number: s.number })),
          h('p', {}, stateTag(s.state)),
          facts([
            [t.cabinet.kind, label(t.kinds, s.kind)],
            [t.cabinet.appointment, appointment(s)],
            [t.cabinet.deadline, open ? deadline(s) : null],
            [t.summons.office, s.office],
            [t.summons.place, s.place],
            [t.summons.purpose, s.purpose],
            [t.summons.issuedAt, formatTime(s.issued_at)],
            [t.summons.deliveredAt, formatTime(s.delivered_at)],
            [t.summons.viewedAt, formatTime(s.viewed_at)],
            [t.summons.appearedAt, formatTime(s.appeared_at)],
            [t.summons.closedAt, formatTime(s.closed_at)],
            [t.summons.closeReason, s.close_reason],
          ]),
          open ? consequences() : null,
          open ? h('a', { href: `/appeals/new?summons=${encodeURIComponent(s.number)}`, class: 'usa-button usa-button--outline' },
            t.summons.appealIt) : null,
          h('section', { 'aria-labelledby': 'receipt-title', class: 'receipt' },
            h('h2', { id: 'receipt-title' }, t.summons.receipt),
            h('p', {}, t.summons.receiptIntro),
            button(t.summons.download, { onclick: () => void downloadReceipt(s.number, receiptOut) }),
            receiptOut));
      });
    },
  },
  {
    path: '/restrictions',
    roles: ['citizen'],
    title: () => t.restrictions.title,
    render: async ({ main }) => {
      put(main, h('h1', {}, t.restrictions.title), h('p', { class: 'usa-intro' }, t.restrictions.intro));
      await load(main, async () => {
        const list = await api<List<Restriction>>('GET', 'me/restrictions');
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.restrictions.none));
        put(main, h('ul', { class: 'usa-card-group' }, list.items.map((r) => h('li', { class: 'usa-card' },
          h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' }, h('h2', { class: 'usa-card__heading' }, label(t.restrictions.kinds, r.kind))),
            h('div', { class: 'usa-card__body' },
              facts([
                [t.restrictions.cause, h('a', { href: `/cabinet/${encodeURIComponent(r.summons)}`, class: 'usa-link' }, r.summons)],
                [t.restrictions.since, formatTime(r.effective_at)],
                [t.cabinet.state, r.lifted_at ? fill(t.restrictions.lifted, { time: formatTime(r.lifted_at), reason: r.lift_reason })
                  : t.restrictions.active],
              ]),
              r.lifted_at ? null : h('p', {}, t.restrictions.howToLift)))))));
      });
    },
  },
  {
    path: '/appeals',
    roles: ['citizen'],
    title: () => t.appeal.listTitle,
    render: async ({ main, query }) => {
      put(main, h('h1', {}, t.appeal.listTitle), query.get('filed') ? alert('success', t.appeal.done) : null,
        h('a', { href: '/appeals/new', class: 'usa-button' }, t.appeal.title));
      await load(main, async () => {
        const list = await api<List<Appeal>>('GET', 'me/appeals');
        if (!list.items.length) return void put(main, h('p', { class: 'empty' }, t.appeal.none));
        put(main, h('ul', { class: 'usa-card-group' }, list.items.map((a) => h('li', { class: 'usa-card' },
          h('div', { class: 'usa-card__container' },
            h('div', { class: 'usa-card__header' },
              h('h2', { class: 'usa-card__heading' }, `${t.appeal.summons} ${a.summons}`),
              h('span', { class: `usa-tag appeal-${a.state}` }, label(t.appeal.states, a.state))),
            h('div', { class: 'usa-card__body' }, facts([
              [t.appeal.reason, label(t.appeal.reasons, a.reason)],
              [t.appeal.text, a.text],
              [t.appeal.filedAt, formatTime(a.filed_at)],
              [t.appeal.decision, a.decision_reason],
            ])))))));
      });
    },
  },
  {
    path: '/appeals/new',
    roles: ['citizen'],
    title: () => t.appeal.title,
    render: async ({ main, query }) => {
      put(main, h('h1', {}, t.appeal.title), h('p', { class: 'usa-intro' }, t.appeal.intro));
      await load(main, async () => {
        const list = await api<List<Summons>>('GET', 'me/summonses');
        const open = list.items.filter((s) => kOpenStates.includes(s.state));
        if (!open.length) return void put(main, h('p', { class: 'empty' }, t.appeal.noSummons));
        const form = h('form', { class: 'usa-form usa-form--large', 'data-draft': 'appeal' },
          field({ name: 'summons', label: t.appeal.summons, required: true, value: query.get('summons') ?? open[0].number,
            options: open.map((s) => [s.number, `${s.number} — ${label(t.kinds, s.kind)}`]) }),
          field({ name: 'reason', label: t.appeal.reason, required: true,
            options: Object.entries(t.appeal.reasons) }),
          field({ name: 'text', label: t.appeal.text, hint: t.appeal.textHint, textarea: true }),
          h('button', { type: 'submit', class: 'usa-button' }, t.appeal.submit));
        put(main, form);
        submit(form, async (v) => {
          await api('POST', 'me/appeals', { summons: v.summons, reason: v.reason, text: v.text });
          navigate('/appeals?filed=1');
        });
      });
    },
  },
  {
    path: '/verify',
    roles: ['citizen', 'auditor', 'officer', 'supervisor', 'admin'],
    title: () => t.verify.title,
    render: ({ main }) => {
      const out = h('div', { 'aria-live': 'polite' });
      const input = h('input', { type: 'file', id: 'receipt-file', name: 'receipt', class: 'usa-file-input__input',
        accept: 'application/json,.json' });
      input.addEventListener('change', async () => {
        out.replaceChildren();
        const file = input.files?.[0];
        if (file) out.append(verificationResult(verifyReceiptText(await file.text())));
      });
      put(main, h('h1', {}, t.verify.title), h('p', { class: 'usa-intro' }, t.verify.intro),
        h('div', { class: 'usa-form-group' }, h('label', { class: 'usa-label', for: 'receipt-file' }, t.verify.file), input),
        out);
    },
  },
];

