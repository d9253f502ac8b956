-- The escalation of unopened summonses (core/notification.hpp's Escalation,
-- notify/escalation.hpp): one row per summons once a step of the policy's [escalation] ladder was
-- taken after its delivery, with the last step and its time, and when no step was left
-- (unreachable). A summons with no row is still at the ladder's first step, its delivery.
CREATE TABLE escalations (
  summons_id     INTEGER PRIMARY KEY REFERENCES summonses (id),
  summons_number TEXT NOT NULL,
  office         TEXT NOT NULL,
  person_id      INTEGER NOT NULL,
  step           TEXT NOT NULL,                 -- the last step taken: email, sms, paper
  stepped_at     INTEGER NOT NULL,
  unreachable_at INTEGER
);
-- The unreachable summonses, listed by office.
CREATE INDEX escalations_unreachable ON escalations (office, summons_id) WHERE unreachable_at IS NOT NULL;
