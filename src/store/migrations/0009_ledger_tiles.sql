-- The ledger's Merkle tree as tiles (C2SP tlog-tiles, store.hpp's LedgerTile) instead of a row
-- per leaf and a row per complete subtree. Tile `idx` at `level` L holds the hashes of the
-- complete subtrees of height 8L numbered [256 * idx, 256 * idx + n), `hashes` their n 32-byte
-- hashes in order; level 0 holds the leaf hashes. Only the last tile of a level is partial, and
-- it is rewritten as it fills. Appending n leaves now writes about n / 256 rows, not 2n.
--
-- The leaf data is no longer stored beside its event: leaf i is the canonical encoding of the
-- i-th event (ledger/leaf.hpp), recomputed for receipts and entries and checked against the tile
-- hashes by `muster ledger verify`. A level-0 tile names the events its first and last leaves
-- record, so that a leaf is found from its event and an event from its leaf in one tile.
-- The small columns come first so that reading them never touches a tile's overflow pages.
CREATE TABLE ledger_tiles (
  level     INTEGER NOT NULL,
  idx       INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,  -- level 0; 0 above
  last_seq  INTEGER NOT NULL,  -- level 0; 0 above
  hashes    BLOB NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE INDEX ledger_tiles_by_seq ON ledger_tiles (first_seq) WHERE level = 0;

-- The existing tree, moved: leaf hashes into level-0 tiles, subtrees of height 8L into level L.
INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes)
SELECT 0, idx / 256, min(seq), max(seq), CAST(group_concat(hash, '') AS BLOB)
FROM (SELECT idx, seq, hash FROM ledger_leaves ORDER BY idx)
GROUP BY idx / 256;
INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes)
SELECT level / 8, idx / 256, 0, 0, CAST(group_concat(hash, '') AS BLOB)
FROM (SELECT level, idx, hash FROM ledger_subtrees WHERE level % 8 = 0 ORDER BY level, idx)
GROUP BY level, idx / 256;

-- The subtree rows are all derived from the leaf hashes, now in the tiles. The leaf rows are kept,
-- renamed, so that no recorded leaf text is lost should an event no longer encode to it (the
-- encoder's output must not change; `muster ledger verify` says if it did). Once that passes,
-- the table may be dropped; on a database created at this version it is empty.
ALTER TABLE ledger_leaves RENAME TO ledger_leaves_0008;
DROP TABLE ledger_subtrees;
