package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

// Why a clinician may open a client's record under the care-team rule.
const (
	AccessRuleOff     = "care-team access is off"
	AccessCounselor   = "primary counselor"
	AccessFacilitator = "facilitates a group of the client"
	AccessAppointment = "has an appointment with the client"
	AccessCareTeam    = "on the care team"
	AccessSubstitute  = "substitute facilitator of a group of the client"
	AccessEmergency   = "emergency access"
	// AccessIntake: a client not yet admitted has no care team; the
	// clinicians who assess and admit them are the intake team.
	AccessIntake = "not yet admitted"
)

// careTeamRules are the ways onto a client's care team, in the order
// CareTeamAccess names them: one definition for the single-client check
// and for the list filter, so the two cannot drift apart. In each, {client} is
// the client, {user} the user and {now} the time now.
var careTeamRules = []struct{ why, cond string }{
	{AccessRuleOff, `NOT COALESCE((SELECT care_team_access FROM organization WHERE id = 1), TRUE)`},
	{AccessIntake, `NOT EXISTS (SELECT 1 FROM episodes ci WHERE ci.client_id = {client})`},
	{AccessCounselor, `EXISTS (SELECT 1 FROM episodes ce WHERE ce.client_id = {client} AND ce.primary_counselor_id = {user})`},
	{AccessFacilitator, `EXISTS (SELECT 1 FROM series_enrolments cse JOIN group_series cgs ON cgs.id = cse.series_id
		WHERE cse.client_id = {client} AND (cgs.facilitator_id = {user} OR cgs.co_facilitator_id = {user}))`},
	{AccessSubstitute, `EXISTS (SELECT 1 FROM series_enrolments cse JOIN group_substitutes gsub ON gsub.series_id = cse.series_id
		WHERE cse.client_id = {client} AND gsub.user_id = {user} AND gsub.access_until > {now})`},
	{AccessAppointment, `EXISTS (SELECT 1 FROM appointments ca WHERE ca.client_id = {client} AND ca.clinician_id = {user})`},
	{AccessCareTeam, `EXISTS (SELECT 1 FROM care_team ct WHERE ct.client_id = {client} AND ct.user_id = {user})`},
	{AccessEmergency, `EXISTS (SELECT 1 FROM emergency_access ea WHERE ea.client_id = {client} AND ea.user_id = {user} AND ea.expires_at > {now})`},
}

func fillCareTeam(cond, client, user, now string) string {
	return strings.NewReplacer("{client}", client, "{user}", user, "{now}", now).Replace(cond)
}

// careTeamSQL is the condition that userArg cares for the client in
// clientCol, for queries that list clients.
func careTeamSQL(clientCol, userArg, nowArg string) string {
	conds := make([]string, len(careTeamRules))
	for i, r := range careTeamRules {
		conds[i] = fillCareTeam(r.cond, clientCol, userArg, nowArg)
	}
	return "(" + strings.Join(conds, "\n\t\tOR ") + ")"
}

// careTeamClientsSQL selects the clients userArg cares for, starting from
// the user, so that a care-team list costs what the user's clients cost and
// not what the center's do. It is a superset of careTeamSQL with the rule on
// (callers keep that condition as the exact test); intake adds the clients
// not yet admitted, whom the rule lets every clinician open.
func careTeamClientsSQL(userArg, nowArg string, intake bool) string {
	q := `SELECT client_id FROM episodes WHERE primary_counselor_id = {user}
		UNION SELECT cse.client_id FROM group_series cgs JOIN series_enrolments cse ON cse.series_id = cgs.id WHERE cgs.facilitator_id = {user}
		UNION SELECT cse.client_id FROM group_series cgs JOIN series_enrolments cse ON cse.series_id = cgs.id WHERE cgs.co_facilitator_id = {user}
		UNION SELECT cse.client_id FROM group_substitutes gsub JOIN series_enrolments cse ON cse.series_id = gsub.series_id WHERE gsub.user_id = {user} AND gsub.access_until > {now}
		UNION SELECT client_id FROM appointments WHERE clinician_id = {user}
		UNION SELECT client_id FROM care_team WHERE user_id = {user}
		UNION SELECT client_id FROM emergency_access WHERE user_id = {user} AND expires_at > {now}`
	if intake {
		q += `
		UNION SELECT id FROM clients WHERE care_status = 'registered'`
	}
	return fillCareTeam(q, "", userArg, nowArg)
}

// CareTeamAccess says why userID may open clientID's record at now, or ""
// when nothing lets them: the center's setting is off, the client is not
// yet admitted, they care for the client, or they hold emergency access
// that has not run out.
func (db *DB) CareTeamAccess(ctx context.Context, clientID, userID string, now time.Time) (string, error) {
	var b strings.Builder
	b.WriteString("SELECT CASE")
	for i, r := range careTeamRules {
		fmt.Fprintf(&b, " WHEN %s THEN $%d", fillCareTeam(r.cond, "$1", "$2", "$3"), i+4)
	}
	b.WriteString(" ELSE '' END")
	args := []any{clientID, userID, now.UTC()}
	for _, r := range careTeamRules {
		args = append(args, r.why)
	}
	var why string
	if err := db.queryRow(ctx, b.String(), args...).Scan(&why); err != nil {
		return "", model.Wrap("store.CareTeamAccess", model.KindInternal, err)
	}
	return why, nil
}

// CareTeamRule reports whether the center limits clinicians to their
// clients' records.
func (db *DB) CareTeamRule(ctx context.Context) (bool, error) {
	var on bool
	err := db.queryRow(ctx, `SELECT care_team_access FROM organization WHERE id = 1`).Scan(&on)
	return on, model.Wrap("store.CareTeamRule", model.KindInternal, err)
}

// SetCareTeamRule turns the care-team rule on or off.
func (db *DB) SetCareTeamRule(ctx context.Context, on bool, rec audit.Record) error {
	const op = "store.SetCareTeamRule"
	rec.Category, rec.Action, rec.Detail = "settings.care_team_access", audit.ActionUpdate, fmt.Sprintf("care-team access %s", map[bool]string{true: "on", false: "off"}[on])
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE organization SET care_team_access = $1, updated_at = $2 WHERE id = 1`, on, db.Now())
		return err
	}, &rec)
}

// CareTeamMember is a staff member a director named on a client's care team.
type CareTeamMember struct {
	UserID, Name, Role string
	AddedBy            string
	AddedAt            time.Time
}

// CareTeam lists the staff named on a client's care team.
func (db *DB) CareTeam(ctx context.Context, clientID string) ([]CareTeamMember, error) {
	rows, err := db.query(ctx, `SELECT t.user_id, u.name, u.role, a.name, t.added_at FROM care_team t
		JOIN users u ON u.id = t.user_id JOIN users a ON a.id = t.added_by WHERE t.client_id = $1 ORDER BY u.name`, clientID)
	out, err := collect(rows, err, func(s scanner) (CareTeamMember, error) {
		var m CareTeamMember
		return m, s.Scan(&m.UserID, &m.Name, &m.Role, &m.AddedBy, &m.AddedAt)
	})
	return out, model.Wrap("store.CareTeam", model.KindInternal, err)
}

// AddToCareTeam names a staff member on a client's care team; naming them
// twice changes nothing.
func (db *DB) AddToCareTeam(ctx context.Context, clientID, userID, byID string, rec audit.Record) error {
	const op = "store.AddToCareTeam"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.care_team", audit.ActionCreate, clientID, userID, "added to the care team"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT active FROM users WHERE id = $1`, userID).Scan(&active)
		if err == sql.ErrNoRows || err == nil && !active {
			return model.Invalid(op, map[string]string{"user": "Choose an active staff member."})
		} else if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM clients WHERE id = $1)`, clientID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return model.NotFound(op, "client")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO care_team (client_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (client_id, user_id) DO NOTHING`, clientID, userID, byID, db.Now())
		return err
	}, &rec)
}

// RemoveFromCareTeam takes a staff member off a client's care team.
func (db *DB) RemoveFromCareTeam(ctx context.Context, clientID, userID string, rec audit.Record) error {
	const op = "store.RemoveFromCareTeam"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.care_team", audit.ActionDelete, clientID, userID, "removed from the care team"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound(op, "care-team member"),
			`DELETE FROM care_team WHERE client_id = $1 AND user_id = $2`, clientID, userID)
	}, &rec)
}

// EmergencyGrant is one use of emergency access.
type EmergencyGrant struct {
	ID, ClientID, ClientName, MRN string
	UserID, UserName              string
	Reason                        string
	GrantedAt, ExpiresAt          time.Time
	ReviewedBy                    string
	ReviewedAt                    time.Time
}

// MaxEmergencyReason bounds the reason for emergency access.
const MaxEmergencyReason = 500

// GrantEmergencyAccess opens the record with record number mrn to userID
// until now+d, for the reason given, flagged in the audit as emergency
// access. An unknown record number is not found (and audited as a failed
// attempt).
func (db *DB) GrantEmergencyAccess(ctx context.Context, mrn, userID, reason string, d time.Duration, rec audit.Record) (EmergencyGrant, error) {
	const op = "store.GrantEmergencyAccess"
	reason = strings.TrimSpace(reason)
	problems := map[string]string{}
	if len(reason) < 10 {
		problems["reason"] = "Say why you need this record now (at least a few words); the clinical director reviews every use."
	} else if len(reason) > MaxEmergencyReason {
		problems["reason"] = fmt.Sprintf("Keep the reason under %d characters.", MaxEmergencyReason)
	}
	mrn = strings.TrimSpace(mrn)
	if mrn == "" {
		problems["mrn"] = "Give the client's record number."
	}
	if err := model.Invalid(op, problems); err != nil {
		return EmergencyGrant{}, err
	}
	g := EmergencyGrant{ID: model.NewID(), UserID: userID, Reason: reason, GrantedAt: db.Now(), MRN: mrn}
	g.ExpiresAt = g.GrantedAt.Add(d)
	err := db.queryRow(ctx, `SELECT id, first_name || ' ' || last_name FROM clients WHERE mrn = $1`, mrn).Scan(&g.ClientID, &g.ClientName)
	if err == sql.ErrNoRows {
		fail := rec
		fail.Category, fail.Action, fail.Outcome, fail.Detail = "client.emergency_access", audit.ActionEmergency, audit.OutcomeFailure, "no client with record number "+mrn+": "+reason
		if err := db.AppendAudit(ctx, []audit.Record{fail}); err != nil {
			return g, err
		}
		return g, model.Invalid(op, map[string]string{"mrn": "No client has that record number."})
	} else if err != nil {
		return g, model.Wrap(op, model.KindInternal, err)
	}
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.emergency_access", audit.ActionEmergency, g.ClientID, g.ID
	rec.Detail = "emergency access until " + g.ExpiresAt.UTC().Format(time.RFC3339) // the reason stays in emergency_access, out of the PHI-free audit
	err = db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO emergency_access (id, client_id, user_id, reason, granted_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, g.ID, g.ClientID, userID, reason, g.GrantedAt, g.ExpiresAt)
		return err
	}, &rec)
	return g, err
}

// EmergencyGrants lists emergency access granted since a time, newest
// first; unreviewed only when asked.
func (db *DB) EmergencyGrants(ctx context.Context, since time.Time, unreviewedOnly bool) ([]EmergencyGrant, error) {
	cond := ""
	if unreviewedOnly {
		cond = " AND g.reviewed_at IS NULL"
	}
	rows, err := db.query(ctx, `SELECT g.id, g.client_id, c.first_name || ' ' || c.last_name, c.mrn, g.user_id, u.name, g.reason,
		g.granted_at, g.expires_at, COALESCE(r.name, ''), g.reviewed_at
		FROM emergency_access g JOIN clients c ON c.id = g.client_id JOIN users u ON u.id = g.user_id LEFT JOIN users r ON r.id = g.reviewed_by
		WHERE g.granted_at >= $1`+cond+` ORDER BY g.granted_at DESC LIMIT 200`, since.UTC())
	out, err := collect(rows, err, func(s scanner) (EmergencyGrant, error) {
		var g EmergencyGrant
		var reviewed sql.NullTime
		err := s.Scan(&g.ID, &g.ClientID, &g.ClientName, &g.MRN, &g.UserID, &g.UserName, &g.Reason, &g.GrantedAt, &g.ExpiresAt, &g.ReviewedBy, &reviewed)
		if reviewed.Valid {
			g.ReviewedAt = reviewed.Time
		}
		return g, err
	})
	return out, model.Wrap("store.EmergencyGrants", model.KindInternal, err)
}

// ReviewEmergencyAccess records that the clinical director has looked at
// one use of emergency access.
func (db *DB) ReviewEmergencyAccess(ctx context.Context, id, byID string, rec audit.Record) error {
	const op = "store.ReviewEmergencyAccess"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "client.emergency_access", audit.ActionUpdate, id, "emergency access reviewed"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT client_id FROM emergency_access WHERE id = $1`, id).Scan(&rec.ClientID); err == sql.ErrNoRows {
			return model.NotFound(op, "emergency access")
		} else if err != nil {
			return err
		}
		return updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "This use of emergency access was already reviewed."),
			`UPDATE emergency_access SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3 AND reviewed_at IS NULL`, byID, db.Now(), id)
	}, &rec)
}

// CareTeamClients says which of clientIDs userID may open under the
// care-team rule at now, for filtering lists built by other queries.
func (db *DB) CareTeamClients(ctx context.Context, userID string, now time.Time, clientIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(clientIDs); start += 500 {
		chunk := clientIDs[start:min(start+500, len(clientIDs))]
		args := []any{userID, now.UTC()}
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+3)
		}
		rows, err := db.query(ctx, `SELECT c.id FROM clients c WHERE c.id IN (`+strings.Join(marks, ", ")+`) AND `+careTeamSQL("c.id", "$1", "$2"), args...)
		ids, err := collect(rows, err, func(s scanner) (string, error) {
			var id string
			return id, s.Scan(&id)
		})
		if err != nil {
			return nil, model.Wrap("store.CareTeamClients", model.KindInternal, err)
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}
