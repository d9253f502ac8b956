// The ledger page's checks: RFC 9162 consistency proofs against the transparency-dev vectors in
// tests/data/rfc6962, and checkLedger over checkpoints signed here with a fresh Ed25519 key.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ed from '@noble/ed25519';
import { checkLedger, type LedgerCheckInput } from '../../src/receipt/checkpoint.ts';
import { hex, keyId, verifyConsistency } from '../../src/receipt/verify.ts';

const vectors = new URL('../../../tests/data/rfc6962/consistency/', import.meta.url);
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

interface Vector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string;
  wantErr: boolean }

function allVectors(): [string, Vector][] {
  const out: [string, Vector][] = [];
  for (const dir of readdirSync(vectors)) {
    for (const file of readdirSync(new URL(`${dir}/`, vectors))) {
      out.push([`${dir}/${file}`, JSON.parse(readFileSync(new URL(`${dir}/${file}`, vectors), 'utf8'))]);
    }
  }
  return out;
}

test('consistency proofs: every RFC 6962 vector', () => {
  const cases = allVectors();
  assert.ok(cases.length > 80, `${cases.length} vectors`);
  for (const [name, v] of cases) {
    const got = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1 ?? ''), b64(v.root2 ?? ''));
    assert.equal(got, !v.wantErr, `${name}: ${v.desc}`);
  }
});

// A signed note of the checkpoint (origin, size, root) as the server writes it (ledger/checkpoint.hpp).
const secret = ed.utils.randomSecretKey();
const pub = ed.getPublicKey(secret);
const name = 'muster.test/ledger';
const id = keyId(name, pub);
const idBytes = Uint8Array.of(id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255);
const publicKey = `${name}+${id.toString(16).padStart(8, '0')}+${btoa(String.fromCharCode(1, ...pub))}`;

function note(size: number, root: Uint8Array, origin = 'muster.test/ledger', key = secret): string {
  const text = `${origin}\n${size}\n${btoa(String.fromCharCode(...root))}\n`;
  const sig = ed.sign(new TextEncoder().encode(text), key);
  return `${text}\n\u2014 ${name} ${btoa(String.fromCharCode(...idBytes, ...sig))}\n`;
}

const happy: Vector = JSON.parse(readFileSync(new URL('1/happy-path.json', vectors), 'utf8'));
const root1 = b64(happy.root1);
const root2 = b64(happy.root2);

function input(over: Partial<LedgerCheckInput> = {}, proof = happy.proof!): LedgerCheckInput {
  return {
    current: { note: note(8, root2), public_key: publicKey, origin: 'muster.test/ledger', tree_size: 8, root: hex(root2) },
    previous: { note: note(1, root1), public_key: publicKey },
    proof: async (from, to) => {
      assert.deepEqual([from, to], [1, 8]);
      return proof.map((p) => hex(b64(p)));
    },
    ...over,
  };
}

async function failure(i: LedgerCheckInput, prefix: string): Promise<void> {
  const r = await checkLedger(i);
  assert.equal(r.ok, false, `expected "${prefix}"`);
  if (!r.ok) assert.ok(r.error.startsWith(prefix), `"${r.error}" should start with "${prefix}"`);
}

test('checkLedger: the signature, then consistency with the checkpoint seen before', async () => {
  const first = await checkLedger(input({ previous: null }));
  assert.ok(first.ok && first.previousSize === null && first.checkpoint.size === 8);
  const grown = await checkLedger(input());
  assert.ok(grown.ok && grown.previousSize === 1, JSON.stringify(grown));
  const same = await checkLedger(input({ previous: { note: note(8, root2), public_key: publicKey } }));
  assert.ok(same.ok && same.previousSize === 8);
});

test('checkLedger names what failed', async () => {
  const other = ed.utils.randomSecretKey();
  const base = input();
  await failure(input({ current: { ...base.current, note: note(8, root2, undefined, other) } }), 'signature:');
  await failure(input({ current: { ...base.current, public_key: 'nonsense' } }), 'key:');
  await failure(input({ current: { ...base.current, tree_size: 9 } }), 'checkpoint:');
  await failure(input({ current: { ...base.current, root: hex(root1) } }), 'checkpoint:');
  await failure(input({ previous: { note: note(1, root1, undefined, other), public_key: publicKey } }), 'signature:');
  await failure(input({ previous: { note: note(1, root1), public_key: publicKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+') } }),
    'key:');
  await failure(input({ previous: { note: note(9, root1), public_key: publicKey } }), 'consistency: the ledger shrank');
  await failure(input({ previous: { note: note(8, root1), public_key: publicKey } }), 'consistency:');
  await failure(input({}, happy.proof!.slice(0, 2)), 'consistency:');
  await failure(input({ previous: { note: note(1, root1, 'elsewhere'), public_key: publicKey } }), 'consistency:');
});
