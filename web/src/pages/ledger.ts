// The ledger page for supervisors and auditors: the latest signed checkpoint and a Verify button
// that checks it in this browser (receipt/checkpoint.ts): the signature by the published key,
// and consistency with the checkpoint this browser kept from an earlier visit (localStorage).
import { api, ApiError, type Checkpoint, type ConsistencyProof } from '../api';
import { load, type Route } from '../app';
import { fill, t } from '../i18n';
import { checkLedger, type KeptCheckpoint } from '../receipt/checkpoint';
import { formatTime } from '../time';
import { alert, button, facts, h } from '../ui';

const kKept = 'muster.ledger.checkpoint';

function kept(): KeptCheckpoint | null {
  try {
    const v = JSON.parse(localStorage.getItem(kKept) ?? 'null') as KeptCheckpoint | null;
    return v && typeof v.note === 'string' && typeof v.public_key === 'string' ? v : null;
  } catch {
    return null;
  }
}

async function verify(cp: Checkpoint, out: HTMLElement, by: HTMLButtonElement): Promise<void> {
  out.replaceChildren(h('p', { role: 'status' }, t.ledger.verifying));
  by.disabled = true;
  try {
    const result = await checkLedger({
      current: { note: cp.checkpoint, public_key: cp.public_key, origin: cp.origin, tree_size: cp.tree_size, root: cp.root },
      previous: kept(),
      proof: async (from, to) => (await api<ConsistencyProof>('GET', `ledger/proof/consistency?from=${from}&to=${to}`)).proof,
    });
    if (!result.ok) {
      out.replaceChildren(alert('error', fill(t.ledger.failed, { reason: result.error })));
      return;
    }
    localStorage.setItem(kKept, JSON.stringify({ note: cp.checkpoint, public_key: cp.public_key }));
    out.replaceChildren(alert('success', h('span', {}, t.ledger.ok, ' ',
      result.previousSize === null ? t.ledger.first : fill(t.ledger.consistent, { size: result.previousSize }))));
  } catch (e) {
    const reason = e instanceof ApiError ? `consistency: ${e.message}` : t.errors.network;
    out.replaceChildren(alert('error', fill(t.ledger.failed, { reason })));
  } finally {
    by.disabled = false;
  }
}

export const ledgerRoutes: Route[] = [
  {
    path: '/ledger',
    roles: ['supervisor', 'auditor'],
    title: () => t.ledger.title,
    render: async ({ main }) => {
      main.append(h('h1', {}, t.ledger.title), h('p', { class: 'usa-intro' }, t.ledger.intro));
      await load(main, async () => {
        let cp: Checkpoint;
        try {
          cp = await api<Checkpoint>('GET', 'ledger/checkpoint');
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) return void main.append(h('p', { class: 'empty' }, t.ledger.none));
          throw e;
        }
        const signatures = cp.checkpoint.split('\n').filter((l) => l.startsWith('\u2014 '));
        const out = h('div', { 'aria-live': 'polite', class: 'ledger-result' });
        const by = button(t.ledger.verify);
        by.addEventListener('click', () => void verify(cp, out, by));
        main.append(
          facts([
            [t.ledger.origin, cp.origin],
            [t.ledger.size, cp.tree_size.toLocaleString('en-GB')],
            [t.ledger.root, h('code', { class: 'hash' }, cp.root)],
            [t.ledger.signature, h('code', { class: 'hash' }, signatures.join('\n'))],
            [t.ledger.signedAt, formatTime(cp.created_at)],
            [t.ledger.key, h('code', { class: 'hash' }, cp.public_key)],
          ]),
          by, out);
      });
    },
  },
];
