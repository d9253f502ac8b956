-- Restriction checks for other agencies (GET /api/v1/restriction-check/{kind}/{national_id}):
-- the restriction kinds an agency API key may ask about, comma-separated (empty for other
-- roles), and the kind each recorded check asked about (the exit checks before: exit_ban).
ALTER TABLE api_keys ADD COLUMN kinds TEXT NOT NULL DEFAULT '';
ALTER TABLE exit_checks ADD COLUMN kind TEXT NOT NULL DEFAULT 'exit_ban';
