-- The servers' exit-ban indexes follow the `restriction.imposed` and `restriction.lifted` events
-- (SummonsService::FollowExitBans), which already carry the national ID, the restriction, its
-- kind and when it takes effect, and commit in seq order. The feed table of 0007 copied them: a
-- row more per exit ban imposed or lifted (300,000 in a sweep of as many no-shows), pruned
-- after a day. A server reading events after its position reads a range of seqs, as the ledger
-- does.
DROP TABLE IF EXISTS exit_ban_changes;
