-- The ledger's Merkle tree as tiles: 0009_ledger_tiles.sql with BYTEA and 64-bit integers.
CREATE TABLE ledger_tiles (
  level     BIGINT NOT NULL,
  idx       BIGINT NOT NULL,
  first_seq BIGINT NOT NULL,  -- level 0; 0 above
  last_seq  BIGINT NOT NULL,  -- level 0; 0 above
  hashes    BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE INDEX ledger_tiles_by_seq ON ledger_tiles (first_seq) WHERE level = 0;

INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes)
SELECT 0, idx / 256, min(seq), max(seq), string_agg(hash, ''::bytea ORDER BY idx)
FROM ledger_leaves GROUP BY idx / 256;
INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes)
SELECT level / 8, idx / 256, 0, 0, string_agg(hash, ''::bytea ORDER BY idx)
FROM ledger_subtrees WHERE level % 8 = 0 GROUP BY level / 8, idx / 256;

-- The leaf rows are kept, renamed, as 0009_ledger_tiles.sql explains.
ALTER TABLE ledger_leaves RENAME TO ledger_leaves_0008;
DROP TABLE ledger_subtrees;
