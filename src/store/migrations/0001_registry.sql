-- Registry: recruitment offices, persons liable for service, deferments.
-- Timestamps are INTEGER milliseconds since the Unix epoch (UTC); dates are TEXT YYYY-MM-DD.

CREATE TABLE offices (
  code           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  region         TEXT NOT NULL,
  timezone       TEXT NOT NULL,
  daily_capacity INTEGER NOT NULL CHECK (daily_capacity > 0)
);

CREATE TABLE persons (
  id          INTEGER PRIMARY KEY,
  national_id TEXT NOT NULL UNIQUE,
  surname     TEXT NOT NULL,
  given_name  TEXT NOT NULL,
  patronymic  TEXT NOT NULL DEFAULT '',
  birth_date  TEXT NOT NULL,
  sex         TEXT NOT NULL CHECK (sex IN ('M', 'F')),
  district    TEXT NOT NULL REFERENCES offices (code),
  category    TEXT NOT NULL CHECK (category IN ('conscript', 'reservist')),
  fitness     TEXT NOT NULL,
  address     TEXT NOT NULL DEFAULT '',
  email       TEXT NOT NULL DEFAULT '',
  phone       TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'active',
  version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX persons_by_district ON persons (district);

CREATE TABLE deferments (
  id          INTEGER PRIMARY KEY,
  person_id   INTEGER NOT NULL REFERENCES persons (id),
  kind        TEXT NOT NULL,
  until_date  TEXT NOT NULL,
  basis       TEXT NOT NULL,
  ended_at    INTEGER,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX deferments_by_person ON deferments (person_id);
