-- The exit-ban change feed: each exit ban imposed or lifted, numbered in commit order and written
-- in the transaction that imposes or lifts it. Every `muster serve` applies the rows after the
-- last one it has seen to its in-memory exit-check index, so that a change made by another
-- process (another server, `muster sweep`) reaches its border checks (Tx::ListExitBanChanges).
CREATE TABLE exit_ban_changes (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  national_id    TEXT NOT NULL,
  restriction_id INTEGER NOT NULL,
  banned         INTEGER NOT NULL CHECK (banned IN (0, 1)),  -- 1: imposed, 0: lifted
  effective_at   INTEGER NOT NULL,  -- when the ban takes effect (ms since the epoch)
  at             INTEGER NOT NULL   -- when it was imposed or lifted
);
