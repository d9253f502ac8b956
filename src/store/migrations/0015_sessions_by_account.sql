-- A password reset, a deactivation or a change of role or offices ends every session of the
-- account: find them by account.
CREATE INDEX sessions_by_account ON sessions (account_id) WHERE revoked_at IS NULL;
