-- The exit-ban change feed on PostgreSQL: 0007_exit_ban_changes.sql with an identity column.
-- Writes hold the store's advisory lock until they commit, so seq order is commit order; each
-- transaction that adds rows also sends NOTIFY muster_exit_ban_changes, which wakes the servers
-- that follow the feed before their next periodic poll.
CREATE TABLE exit_ban_changes (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  national_id    TEXT NOT NULL,
  restriction_id BIGINT NOT NULL,
  banned         SMALLINT NOT NULL CHECK (banned IN (0, 1)),  -- 1: imposed, 0: lifted
  effective_at   BIGINT NOT NULL,  -- when the ban takes effect (ms since the epoch)
  at             BIGINT NOT NULL   -- when it was imposed or lifted
);
