-- Citizens' requests to correct their registry data (registry/correction.hpp), decided by an
-- officer of the person's office. previous_value keeps what an approved request replaced.
CREATE TABLE corrections (
  id              INTEGER PRIMARY KEY,
  person_id       INTEGER NOT NULL REFERENCES persons (id),
  field           TEXT NOT NULL,
  proposed_value  TEXT NOT NULL,
  explanation     TEXT NOT NULL,
  state           TEXT NOT NULL,  -- pending, approved, rejected
  requested_by    TEXT NOT NULL,
  requested_at    INTEGER NOT NULL,
  decided_by      TEXT NOT NULL DEFAULT '',
  decided_at      INTEGER,
  decision_reason TEXT NOT NULL DEFAULT '',
  previous_value  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX corrections_by_person ON corrections (person_id);
CREATE INDEX corrections_by_state ON corrections (state);
