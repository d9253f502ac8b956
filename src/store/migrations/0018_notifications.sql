-- The outbox of notifications (core/notification.hpp, store/notification_port.hpp): one row per
-- message to send, queued by the outbox subscriber in the transaction that moves its cursor, and
-- every attempt at sending one with the other side's answer.
CREATE TABLE notifications (
  id               INTEGER PRIMARY KEY,
  event_seq        INTEGER NOT NULL,             -- the event that queued it
  summons_number   TEXT NOT NULL DEFAULT '',     -- empty: about no summons (a correction)
  person_id        INTEGER NOT NULL REFERENCES persons (id),
  channel          TEXT NOT NULL,                -- email, webhook
  template         TEXT NOT NULL,
  template_version INTEGER NOT NULL,
  lang             TEXT NOT NULL,
  address          TEXT NOT NULL,
  params           TEXT NOT NULL,                -- the template's placeholder values (JSON)
  status           TEXT NOT NULL,                -- queued, sending, delivered, temporary-failure, permanent-failure
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,             -- while sending: the end of the lease
  lease_until      INTEGER,
  lease_owner      TEXT NOT NULL DEFAULT '',
  message_id       TEXT NOT NULL UNIQUE,
  reason           TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (event_seq, channel)
);
-- What a dispatcher may claim, per channel, soonest first.
CREATE INDEX notifications_due ON notifications (channel, next_attempt_at, id)
  WHERE status IN ('queued', 'sending', 'temporary-failure');
CREATE INDEX notifications_by_summons ON notifications (summons_number, id);
CREATE INDEX notifications_by_status ON notifications (status, id);

CREATE TABLE notification_attempts (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications (id),
  at              INTEGER NOT NULL,
  outcome         TEXT NOT NULL,                 -- delivered, temporary-failure, permanent-failure
  answer          TEXT NOT NULL
);
CREATE INDEX notification_attempts_by_notification ON notification_attempts (notification_id, id);
