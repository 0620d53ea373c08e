-- API tokens for the FHIR API, for PostgreSQL. Keep in step with sqlite/0027_api_token_scopes.sql.
-- scopes: SMART-style scopes, space-separated ("" = none: the JSON API as before, no FHIR).
-- outside_system: the token belongs to another organization's system; it reads a
-- client's record only under a Part 2 consent naming it (the token's name), and
-- each read is recorded as a disclosure.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN outside_system BOOLEAN NOT NULL DEFAULT FALSE;
