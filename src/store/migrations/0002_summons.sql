-- Summons lifecycle: campaigns, summonses, appeals, restrictions, eligibility overrides,
-- exit checks and the domain events that the ledger records.

CREATE TABLE campaigns (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  basis        TEXT NOT NULL,
  districts    TEXT NOT NULL,   -- comma-separated office codes
  age_min      INTEGER NOT NULL,
  age_max      INTEGER NOT NULL,
  categories   TEXT NOT NULL,   -- comma-separated
  fitness      TEXT NOT NULL,   -- comma-separated
  quota        INTEGER NOT NULL,
  appear_from  TEXT NOT NULL,
  appear_until TEXT NOT NULL,
  place        TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);

CREATE TABLE summonses (
  id                   INTEGER PRIMARY KEY,
  number               TEXT NOT NULL UNIQUE,
  person_id            INTEGER NOT NULL REFERENCES persons (id),
  office               TEXT NOT NULL REFERENCES offices (code),
  kind                 TEXT NOT NULL,
  campaign_id          INTEGER REFERENCES campaigns (id),
  appear_at            INTEGER NOT NULL,
  place                TEXT NOT NULL,
  purpose              TEXT NOT NULL,
  state                TEXT NOT NULL,
  issued_at            INTEGER NOT NULL,
  issued_by            TEXT NOT NULL,
  delivered_at         INTEGER,
  viewed_at            INTEGER,
  appeared_at          INTEGER,
  closed_at            INTEGER,
  close_reason         TEXT NOT NULL DEFAULT '',
  override_reason      TEXT NOT NULL DEFAULT '',
  override_approved_by TEXT NOT NULL DEFAULT '',
  UNIQUE (campaign_id, person_id)
);
CREATE INDEX summonses_by_person ON summonses (person_id);
CREATE INDEX summonses_by_state_appear ON summonses (state, appear_at);
CREATE INDEX summonses_by_office_appear ON summonses (office, appear_at);

CREATE TABLE appeals (
  id              INTEGER PRIMARY KEY,
  summons_id      INTEGER NOT NULL REFERENCES summonses (id),
  reason          TEXT NOT NULL,
  text            TEXT NOT NULL,
  state           TEXT NOT NULL,
  filed_by        TEXT NOT NULL,
  filed_at        INTEGER NOT NULL,
  decided_by      TEXT NOT NULL DEFAULT '',
  decided_at      INTEGER,
  decision_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appeals_by_summons ON appeals (summons_id);
CREATE INDEX appeals_by_state ON appeals (state);

CREATE TABLE restrictions (
  id           INTEGER PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES persons (id),
  summons_id   INTEGER NOT NULL REFERENCES summonses (id),
  kind         TEXT NOT NULL,
  imposed_at   INTEGER NOT NULL,
  effective_at INTEGER NOT NULL,
  lifted_at    INTEGER,
  lift_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX restrictions_by_person ON restrictions (person_id);
CREATE INDEX restrictions_by_summons ON restrictions (summons_id);
CREATE INDEX restrictions_active ON restrictions (kind) WHERE lifted_at IS NULL;

CREATE TABLE overrides (
  id            INTEGER PRIMARY KEY,
  person_id     INTEGER NOT NULL REFERENCES persons (id),
  office        TEXT NOT NULL REFERENCES offices (code),
  kind          TEXT NOT NULL,
  appear_at     INTEGER NOT NULL,
  place         TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  reasons       TEXT NOT NULL,  -- the eligibility reasons overridden, comma-separated
  justification TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  state         TEXT NOT NULL,  -- pending, approved, rejected
  decided_by    TEXT NOT NULL DEFAULT '',
  decided_at    INTEGER,
  summons_id    INTEGER REFERENCES summonses (id)
);

CREATE TABLE exit_checks (
  reference   TEXT PRIMARY KEY,
  national_id TEXT NOT NULL,
  decision    TEXT NOT NULL,
  asked_by    TEXT NOT NULL,
  asked_at    INTEGER NOT NULL
);

CREATE TABLE events (
  seq     INTEGER PRIMARY KEY,
  type    TEXT NOT NULL,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL
);
