-- Indexes for listing a clinician's care-team clients from the clinician's side (store.careTeamClientsSQL),
-- so the list costs what their clients cost, not what the center's do. Keep in step with postgres/0029.
CREATE INDEX care_team_user ON care_team (user_id, client_id);
CREATE INDEX group_series_co_facilitator ON group_series (co_facilitator_id);
