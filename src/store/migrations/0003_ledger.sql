-- The tamper-evident ledger (ledger/log.hpp): one leaf per domain event, the hashes of the
-- complete subtrees of the RFC 9162 Merkle tree over them, and the signed checkpoints.

-- Leaf `idx` (0-based, gap-free) records event `seq`. `data` is the leaf's canonical JSON, the
-- exact bytes hashed; `hash` = SHA-256(0x00 || data), the level-0 subtree (idx). Leaves follow
-- the events in order, so idx < seq and both grow together; seq has no index of its own (one
-- B-tree fewer per append).
CREATE TABLE ledger_leaves (
  idx  INTEGER PRIMARY KEY,
  seq  INTEGER NOT NULL,
  hash BLOB NOT NULL,
  data TEXT NOT NULL
);

-- The complete subtrees of level >= 1: (level, idx) covers leaves [idx << level, (idx + 1) << level).
CREATE TABLE ledger_subtrees (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed C2SP checkpoints (`note`, the whole signed note) of the tree at `size` leaves.
CREATE TABLE ledger_checkpoints (
  id         INTEGER PRIMARY KEY,
  size       INTEGER NOT NULL,
  root       BLOB NOT NULL,
  note       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- The delivery event of a summons, for receipts.
CREATE INDEX events_delivery ON events (subject) WHERE type = 'summons.delivered';
