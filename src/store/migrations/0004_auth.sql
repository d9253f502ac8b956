-- Authentication: accounts (staff and citizens), one-time activation codes, sessions and API
-- keys. No secret is stored: passwords and codes as Argon2id strings, tokens and keys as
-- BLAKE2b-256 digests in hex.

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,   -- staff: a chosen name; citizens: their national ID
  role          TEXT NOT NULL,          -- citizen|officer|supervisor|auditor|admin
  display_name  TEXT NOT NULL,
  national_id   TEXT NOT NULL DEFAULT '',
  offices       TEXT NOT NULL DEFAULT '',  -- comma-separated office codes (officers, supervisors)
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_by    TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);

-- At most one code per person; a new code replaces the old one.
CREATE TABLE activation_codes (
  national_id TEXT PRIMARY KEY,
  code_hash   TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;

CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL,             -- border|auditor
  key_hash   TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
