// The ledger page's check, in the browser: the latest checkpoint's Ed25519 signature by the
// published key, and, when this browser kept an earlier checkpoint, that the ledger only grew
// since (an RFC 9162 consistency proof from the earlier tree to the new one, checked against the
// roots of the two signed notes, never against roots the server merely states). Failures name
// what failed:
//
//   "key: ..."          the published key is malformed, or differs from the earlier one's
//   "signature: ..."    a note does not carry a valid signature of the key
//   "checkpoint: ..."   the signed note says other than the server's JSON
//   "consistency: ..."  the ledger shrank, or the proof does not join the two roots
import { type SignedCheckpoint, fromHex, hex, openCheckpoint, parseVerifierKey, sameBytes, verifyConsistency }
  from './verify';

export interface KeptCheckpoint {
  note: string;
  public_key: string;
}

export interface LedgerCheckInput {
  current: KeptCheckpoint & { origin: string; tree_size: number; root: string };
  previous: KeptCheckpoint | null;
  // The consistency proof's hashes (hex) from tree size `from` to `to`.
  proof: (from: number, to: number) => Promise<string[]>;
}

export type LedgerCheck =
  | { ok: true; checkpoint: SignedCheckpoint; previousSize: number | null }
  | { ok: false; error: string };

export async function checkLedger(input: LedgerCheckInput): Promise<LedgerCheck> {
  const key = parseVerifierKey(input.current.public_key);
  if (!key) return { ok: false, error: 'key: the published key is not a verifier key with a matching key ID' };
  const opened = openCheckpoint(input.current.note, key);
  if (!opened.ok) return opened;
  const cp = opened.checkpoint;
  if (cp.origin !== input.current.origin || cp.size !== input.current.tree_size || hex(cp.root) !== input.current.root) {
    return { ok: false, error: 'checkpoint: the signed note does not match the origin, size or root shown' };
  }
  if (!input.previous) return { ok: true, checkpoint: cp, previousSize: null };
  if (input.previous.public_key !== input.current.public_key) {
    return { ok: false, error: 'key: the ledger is now signed with another key than the checkpoint seen before' };
  }
  const before = openCheckpoint(input.previous.note, key);
  if (!before.ok) return { ok: false, error: `${before.error} (the checkpoint seen before)` };
  const old = before.checkpoint;
  if (old.origin !== cp.origin) return { ok: false, error: 'consistency: the ledger origin changed' };
  if (old.size > cp.size) {
    return { ok: false, error: `consistency: the ledger shrank from ${old.size} to ${cp.size} entries` };
  }
  let ok: boolean;
  if (old.size === 0 || old.size === cp.size) {
    ok = old.size === cp.size ? sameBytes(old.root, cp.root) : true;
  } else {
    const hashes = (await input.proof(old.size, cp.size)).map(fromHex);
    ok = hashes.every((x) => x !== null) && verifyConsistency(old.size, cp.size, hashes as Uint8Array[], old.root, cp.root);
  }
  if (!ok) {
    return { ok: false, error: `consistency: the tree of ${cp.size} entries does not extend the one of ${old.size} seen before` };
  }
  return { ok: true, checkpoint: cp, previousSize: old.size };
}
