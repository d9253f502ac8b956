-- The sweep (overdue summonses) and the delivery of after_days (those still issued) look only at
-- open summonses: issued, delivered or viewed. The index of summonses by state and appearance now
-- holds those alone. A summons that closes (no-show, appearance, cancellation, excuse) leaves it
-- instead of moving to another part of it, and closed summonses, which only accumulate, no longer
-- fill it. The queries repeat this WHERE clause word for word (SQLite uses a partial index only
-- for a query that has its terms).
DROP INDEX IF EXISTS summonses_by_state_appear;
CREATE INDEX summonses_open_by_state_appear ON summonses (state, appear_at)
  WHERE state IN ('issued', 'delivered', 'viewed');
