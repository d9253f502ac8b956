-- 0019_escalations.sql with PostgreSQL types (64-bit integers). Same table, columns and index.
CREATE TABLE escalations (
  summons_id     BIGINT PRIMARY KEY REFERENCES summonses (id),
  summons_number TEXT NOT NULL,
  office         TEXT NOT NULL,
  person_id      BIGINT NOT NULL,
  step           TEXT NOT NULL,                 -- the last step taken: email, sms, paper
  stepped_at     BIGINT NOT NULL,
  unreachable_at BIGINT
);
-- The unreachable summonses, listed by office.
CREATE INDEX escalations_unreachable ON escalations (office, summons_id) WHERE unreachable_at IS NOT NULL;
