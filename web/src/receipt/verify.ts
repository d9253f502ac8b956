// In-browser verification of a delivery receipt, the same checks in the same order as
// `muster verify-receipt` (src/ledger/receipt.hpp; the note format in src/ledger/checkpoint.hpp):
//
//   "malformed field <name>: ..."  structure
//   "signature: ..."               the checkpoint is a C2SP signed note, Ed25519-signed by the key
//   "tree size: ..."               the checkpoint's size equals "tree_size"
//   "inclusion proof: ..."         RFC 9162 inclusion of SHA-256(0x00 || leaf) at "leaf_index"
//   "summons hash: ..."            the leaf is canonical JSON whose "summons_sha256" is the
//                                  SHA-256 of the canonical summons document
//
// Pure functions over bytes, no I/O; Ed25519 from @noble/ed25519, SHA-2 from @noble/hashes.
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { canonicalJson } from './canonical';

ed.hashes.sha512 = sha512;

export interface VerifiedReceipt {
  summonsNumber: string;
  eventType: string;
  time: string;
  leafIndex: number;
  treeSize: number;
  origin: string;
  rootBase64: string;
  keyName: string;
}

export type VerifyResult = { ok: true; receipt: VerifiedReceipt } | { ok: false; error: string };

export interface VerifierKey {
  name: string;
  id: number;
  publicKey: Uint8Array;
}

const utf8 = new TextEncoder();

class Failure extends Error {}
function fail(message: string): never {
  throw new Failure(message);
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(text: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/.test(text)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fromBase64(text: string): Uint8Array | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const bin = atob(text);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function keyId(name: string, publicKey: Uint8Array): number {
  const d = sha256(concat(utf8.encode(name), Uint8Array.of(0x0a, 0x01), publicKey));
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

// "<name>+<key ID, 8 hex>+base64(0x01 || public key)"; null when malformed or the ID is wrong.
export function parseVerifierKey(text: string): VerifierKey | null {
  // The name and the ID hold no '+'; the base64 may.
  const m = /^([^+]+)\+([^+]+)\+(.+)$/.exec(text.trim());
  const parts = m ? m.slice(1) : [];
  if (parts.length !== 3 || !/^[\x21-\x7e]+$/.test(parts[0]) || !/^[0-9a-f]{8}$/.test(parts[1])) return null;
  const raw = fromBase64(parts[2]);
  if (!raw || raw.length !== 33 || raw[0] !== 0x01) return null;
  const key = { name: parts[0], id: parseInt(parts[1], 16), publicKey: raw.slice(1) };
  return keyId(key.name, key.publicKey) === key.id ? key : null;
}

// The note's text once a signature by `key` verifies; throws "signature: ...".
function openNote(note: string, key: VerifierKey): string {
  if (!note.endsWith('\n')) fail('signature: the note does not end in a newline');
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(note)) fail('signature: the note has control characters');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) fail('signature: the note has no signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let verified = false;
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) fail('signature: malformed signature line');
    if (m[1] !== key.name) continue;
    const blob = fromBase64(m[2]);
    if (!blob || blob.length < 4) fail('signature: malformed signature');
    const id = ((blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3]) >>> 0;
    if (id !== key.id) continue;
    if (blob.length !== 68) fail('signature: malformed Ed25519 signature');
    let ok = false;
    try {
      ok = ed.verify(blob.slice(4), utf8.encode(text), key.publicKey);
    } catch {
      ok = false;
    }
    if (!ok) fail(`signature: the signature of ${key.name} does not verify`);
    verified = true;
  }
  if (!verified) fail(`signature: the note has no signature of ${key.name}`);
  return text;
}

function parseCheckpoint(text: string): { origin: string; size: number; root: Uint8Array } {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail('signature: the checkpoint has fewer than three lines');
  const [origin, size, root] = lines;
  if (!origin) fail('signature: the checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    fail('signature: the checkpoint tree size is not a decimal number');
  }
  const rootBytes = fromBase64(root);
  if (!rootBytes || rootBytes.length !== 32) fail('signature: the checkpoint root is not a base64 SHA-256 hash');
  if (lines.slice(3).some((l) => l === '')) fail('signature: empty extension line');
  return { origin, size: Number(size), root: rootBytes };
}

// RFC 9162 2.1.3.2: the root that `proof` gives for `leafHash` at `index` in a tree of `size`.
export function rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[]):
  Uint8Array | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(concat(Uint8Array.of(1), p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = sha256(concat(Uint8Array.of(1), r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// RFC 9162 2.1.4.2: true when `proof` shows that the tree of `size1` leaves with `root1` is a
// prefix of the tree of `size2` leaves with `root2`.
export function verifyConsistency(size1: number, size2: number, proof: Uint8Array[], root1: Uint8Array,
  root2: Uint8Array): boolean {
  if (size1 === 0 || size1 > size2) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (proof.length === 0) return false;
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = sha256(concat(Uint8Array.of(1), c, fr));
      sr = sha256(concat(Uint8Array.of(1), c, sr));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = sha256(concat(Uint8Array.of(1), sr, c));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

// The checkpoint of a signed note once `key`'s Ed25519 signature on it verifies.
export function openCheckpoint(note: string, key: VerifierKey):
  { ok: true; checkpoint: SignedCheckpoint } | { ok: false; error: string } {
  try {
    return { ok: true, checkpoint: parseCheckpoint(openNote(note, key)) };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.message };
    throw e;
  }
}

export { equal as sameBytes, fromBase64, fromHex };

const kMembers = ['version', 'summons', 'leaf', 'leaf_index', 'tree_size', 'inclusion_proof', 'checkpoint',
  'public_key'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(receipt: unknown, trustedKey?: VerifierKey): VerifiedReceipt {
  if (!isObject(receipt)) fail('malformed receipt: not a JSON object');
  for (const k of Object.keys(receipt)) {
    if (!kMembers.includes(k)) fail(`malformed field ${k}: unexpected member`);
  }
  const r = receipt;
  const need = (name: string, ok: boolean, what: string) => {
    if (!(name in r)) fail(`malformed field ${name}: missing`);
    if (!ok) fail(`malformed field ${name}: must be ${what}`);
  };
  need('version', r.version === 1, '1');
  need('summons', isObject(r.summons), 'an object');
  need('leaf', typeof r.leaf === 'string', 'a string');
  need('leaf_index', Number.isSafeInteger(r.leaf_index) && (r.leaf_index as number) >= 0, 'a non-negative integer');
  need('tree_size', Number.isSafeInteger(r.tree_size) && (r.tree_size as number) > 0, 'a positive integer');
  need('inclusion_proof', Array.isArray(r.inclusion_proof), 'an array');
  const proof = (r.inclusion_proof as unknown[]).map((p) => {
    const bytes = typeof p === 'string' ? fromHex(p) : null;
    if (!bytes) fail('malformed field inclusion_proof: each hash must be 64 lower-case hex digits');
    return bytes;
  });
  need('checkpoint', typeof r.checkpoint === 'string', 'a string');
  need('public_key', typeof r.public_key === 'string', 'a string');
  const own = parseVerifierKey(r.public_key as string);
  if (!own) fail('malformed field public_key: not a verifier key with a matching key ID');
  const leafIndex = r.leaf_index as number;
  const treeSize = r.tree_size as number;
  if (leafIndex >= treeSize) fail('malformed field leaf_index: must be less than tree_size');

  let key = own;
  if (trustedKey) {
    if (trustedKey.name !== own.name || trustedKey.id !== own.id || !equal(trustedKey.publicKey, own.publicKey)) {
      fail('signature: the receipt carries a different key than the trusted one');
    }
    key = trustedKey;
  }
  const text = openNote(r.checkpoint as string, key);
  const cp = parseCheckpoint(text);
  if (cp.size !== treeSize) fail(`tree size: the checkpoint is for ${cp.size} entries, the receipt says ${treeSize}`);

  const leaf = r.leaf as string;
  const leafHash = sha256(concat(Uint8Array.of(0), utf8.encode(leaf)));
  const root = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!root || !equal(root, cp.root)) fail('inclusion proof: the proof does not lead to the checkpoint root');

  let event: unknown;
  try {
    event = JSON.parse(leaf);
  } catch {
    fail('summons hash: the leaf is not JSON');
  }
  if (!isObject(event) || canonicalJson(event) !== leaf) fail('summons hash: the leaf is not a canonical JSON object');
  const want = hex(sha256(utf8.encode(canonicalJson(r.summons))));
  if (event.summons_sha256 !== want) fail('summons hash: the leaf does not commit to this summons document');

  const summons = r.summons as Record<string, unknown>;
  return {
    summonsNumber: typeof summons.number === 'string' ? summons.number : '',
    eventType: typeof event.type === 'string' ? event.type : '',
    time: typeof event.time === 'string' ? event.time : '',
    leafIndex,
    treeSize,
    origin: cp.origin,
    rootBase64: btoa(String.fromCharCode(...cp.root)),
    keyName: key.name,
  };
}

export function verifyReceipt(receipt: unknown, trustedKey?: VerifierKey): VerifyResult {
  try {
    return { ok: true, receipt: check(receipt, trustedKey) };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.message };
    throw e;
  }
}

export function verifyReceiptText(text: string, trustedKey?: VerifierKey): VerifyResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `malformed receipt: not JSON (${String(e)})` };
  }
  return verifyReceipt(json, trustedKey);
}
