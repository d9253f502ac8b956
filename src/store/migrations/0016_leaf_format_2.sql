-- Ledger leaf format 2 (ledger/leaf.hpp): pseudonyms and digests scoped to one summons,
-- deferment, override or correction, and a deferment's kind digested. Leaves are recomputed from
-- their events, and those already in the ledger must keep their bytes, so the format goes by
-- position: the events up to the last one in the ledger now keep format 1, every later event
-- (those committed and not yet appended included) is in format 2. On a new database every leaf
-- is in format 2.
CREATE TABLE ledger_leaf_formats (
  version   INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL  -- the first event whose leaf is in this format
);
INSERT INTO ledger_leaf_formats (version, first_seq)
SELECT 2, coalesce(max(last_seq), 0) + 1 FROM ledger_tiles WHERE level = 0;
