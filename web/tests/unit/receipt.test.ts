// The in-browser receipt verifier against tests/data/ledger/receipt.json, a receipt written by an
// independent implementation (tests/data/ledger/make_receipt.py), and tampered copies of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '../../src/receipt/canonical.ts';
import {
  hex,
  parseVerifierKey,
  rootFromInclusionProof,
  verifyReceipt,
  verifyReceiptText,
} from '../../src/receipt/verify.ts';

const data = new URL('../../../tests/data/ledger/', import.meta.url);
const text = readFileSync(new URL('receipt.json', data), 'utf8');
const good = JSON.parse(text);
const pub = readFileSync(new URL('ledger.pub', data), 'utf8');

function tampered(change: (r: any) => void): unknown {
  const r = structuredClone(good);
  change(r);
  return r;
}

function expectFailure(receipt: unknown, prefix: string): void {
  const result = verifyReceipt(receipt);
  assert.equal(result.ok, false, `expected a failure starting with "${prefix}"`);
  if (!result.ok) assert.ok(result.error.startsWith(prefix), `"${result.error}" should start with "${prefix}"`);
}

test('the known-good receipt verifies and says what it proves', () => {
  const result = verifyReceiptText(text);
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.deepEqual(
    { ...result.receipt, rootBase64: undefined },
    {
      summonsNumber: '26-00000042-7',
      eventType: 'summons.delivered',
      time: '2026-11-29T04:28:16.000Z',
      leafIndex: 6,
      treeSize: 11,
      origin: 'muster.example/ledger',
      rootBase64: undefined,
      keyName: 'muster.example/ledger',
    },
  );
});

test('verifies against a trusted key, and rejects a receipt carrying another key', () => {
  const key = parseVerifierKey(pub);
  assert.ok(key);
  assert.ok(verifyReceipt(good, key).ok);
  const other = { ...key, publicKey: key.publicKey.map((b, i) => (i === 0 ? b ^ 1 : b)) };
  const result = verifyReceipt(good, other);
  assert.ok(!result.ok && result.error.startsWith('signature:'));
});

test('verifier keys: the key ID must match the name and key', () => {
  assert.ok(parseVerifierKey(pub));
  assert.equal(parseVerifierKey(pub.replace('+62e46605+', '+62e46606+')), null);
  assert.equal(parseVerifierKey('no-plus-signs'), null);
  assert.equal(parseVerifierKey('name+62e46605+AQ=='), null);
});

const cases: [string, (r: any) => void, string][] = [
  ['not an object', () => {}, 'malformed receipt'],
  ['an unexpected member', (r) => (r.extra = 1), 'malformed field extra'],
  ['a missing leaf', (r) => delete r.leaf, 'malformed field leaf'],
  ['version 2', (r) => (r.version = 2), 'malformed field version'],
  ['a negative index', (r) => (r.leaf_index = -1), 'malformed field leaf_index'],
  ['an index past the tree', (r) => (r.leaf_index = 11), 'malformed field leaf_index'],
  ['an upper-case proof hash', (r) => (r.inclusion_proof[0] = r.inclusion_proof[0].toUpperCase()), 'malformed field inclusion_proof'],
  ['a key with a wrong ID', (r) => (r.public_key = r.public_key.replace('62e46605', '62e46604')), 'malformed field public_key'],
  ['a changed checkpoint root', (r) => (r.checkpoint = r.checkpoint.replace('SeRBG', 'SeRBH')), 'signature:'],
  ['a changed signature', (r) => (r.checkpoint = r.checkpoint.replace('YuRmBdkVTwk', 'YuRmBdkVTwA')), 'signature:'],
  ['no signature line', (r) => (r.checkpoint = r.checkpoint.slice(0, r.checkpoint.indexOf('\u2014'))), 'signature:'],
  ['a different tree size', (r) => (r.tree_size = 12), 'tree size:'],
  ['another leaf index', (r) => (r.leaf_index = 5), 'inclusion proof:'],
  ['a changed proof hash', (r) => (r.inclusion_proof[1] = '0'.repeat(64)), 'inclusion proof:'],
  ['a shortened proof', (r) => r.inclusion_proof.pop(), 'inclusion proof:'],
  ['a changed leaf', (r) => (r.leaf = r.leaf.replace('"seq":6', '"seq":7')), 'inclusion proof:'],
  ['a changed summons place', (r) => (r.summons.place = 'elsewhere'), 'summons hash:'],
  ['a changed appointment', (r) => (r.summons.appear_at = '2026-12-11T09:00:00.000Z'), 'summons hash:'],
];

for (const [name, change, prefix] of cases) {
  test(`rejects ${name}`, () => {
    expectFailure(name === 'not an object' ? [good] : tampered(change), prefix);
  });
}

test('rejects text that is not JSON', () => {
  const result = verifyReceiptText('{"version":');
  assert.ok(!result.ok && result.error.startsWith('malformed receipt: not JSON'));
});

// RFC 9162 reference: MTH and PATH, straight from the definitions.
const leaves = readFileSync(new URL('leaves.txt', data), 'utf8').trim().split('\n')
  .map((l) => Uint8Array.from(l.match(/../g)!.map((b) => parseInt(b, 16))));
const cat = (...p: Uint8Array[]) => Uint8Array.from(p.flatMap((x) => Array.from(x)));
const leafHash = (d: Uint8Array) => sha256(cat(Uint8Array.of(0), d));
const split = (n: number) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
function mth(h: Uint8Array[]): Uint8Array {
  if (h.length === 1) return h[0];
  const k = split(h.length);
  return sha256(cat(Uint8Array.of(1), mth(h.slice(0, k)), mth(h.slice(k))));
}
function path(m: number, h: Uint8Array[]): Uint8Array[] {
  if (h.length <= 1) return [];
  const k = split(h.length);
  return m < k ? [...path(m, h.slice(0, k)), mth(h.slice(k))] : [...path(m - k, h.slice(k)), mth(h.slice(0, k))];
}

test('inclusion proofs agree with RFC 9162 for every index of every tree up to 11 leaves', () => {
  const hashes = leaves.map(leafHash);
  for (let size = 1; size <= hashes.length; size++) {
    const tree = hashes.slice(0, size);
    const root = hex(mth(tree));
    for (let i = 0; i < size; i++) {
      const got = rootFromInclusionProof(i, size, tree[i], path(i, tree));
      assert.equal(got && hex(got), root, `index ${i} of ${size}`);
      assert.equal(rootFromInclusionProof(i, size, tree[(i + 1) % size], path(i, tree)) && size > 1
        ? hex(rootFromInclusionProof(i, size, tree[(i + 1) % size], path(i, tree))!) === root : false, false);
    }
    assert.equal(rootFromInclusionProof(size, size, tree[0], path(0, tree)), null);
  }
});

test('canonical JSON sorts keys by code point and writes no white space', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], A: { z: '\u0001"\\\n' } }),
    '{"A":{"z":"\\u0001\\"\\\\\\n"},"a":[true,null,"x"],"b":1}');
  assert.equal(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 }), '{"\uFFFF":2,"\u{1F600}":1}');
  assert.equal(canonicalJson({ 'я': 'Центральный' }), '{"я":"Центральный"}');
  assert.equal(canonicalJson(good.summons).length > 0, true);
  assert.equal(hex(sha256(new TextEncoder().encode(canonicalJson(good.summons)))), JSON.parse(good.leaf).summons_sha256);
});
