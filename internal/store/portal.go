package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/portal"
)

// PortalInvite is an invitation to the portal for a client: the hash of
// the one-time code and when it stops working. Reset replaces an account
// already in use: its password and sessions end, the sign-in name stays.
type PortalInvite struct {
	ClientID string
	// ConsentID makes it a family member's invitation, under the client's
	// consent that names them (Name); empty for the client's own.
	ConsentID string
	Name      string
	Email     string
	ByID      string
	CodeHash  string
	Expires   time.Time
	Reset     bool
}

// PortalSession is a signed-in portal visit, joined with its account.
type PortalSession struct {
	TokenHash  string
	Account    portal.Account
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

const portalAccountSelect = `SELECT a.id, a.client_id, a.kind, a.consent_id, a.name, a.email, a.login, u.name, a.invited_at,
		a.invite_expires, a.activated_at, a.disabled_at, a.remind_sessions, a.remind_measures, a.name_program, a.totp_secret <> ''
	FROM portal_accounts a JOIN users u ON u.id = a.invited_by`

func scanPortalAccount(sc scanner) (portal.Account, error) {
	var a portal.Account
	var kind string
	var expires, activated, disabled sql.NullTime
	err := sc.Scan(&a.ID, &a.ClientID, &kind, nullString{&a.ConsentID}, &a.Name, &a.Email, nullString{&a.Login}, &a.InvitedByName,
		&a.InvitedAt, &expires, &activated, &disabled, &a.Reminders.Sessions, &a.Reminders.Measures, &a.Reminders.NameProgram, &a.TwoStep)
	a.Kind, a.InviteExpires, a.ActivatedAt, a.DisabledAt = portal.Kind(kind), expires.Time, activated.Time, disabled.Time
	return a, err
}

// InviteToPortal issues a client's portal invitation. A client has one
// open account: inviting again before it is accepted replaces the code (the
// old one stops working); once accepted, only a reset issues a new code.
func (db *DB) InviteToPortal(ctx context.Context, inv PortalInvite, rec audit.Record) (portal.Account, error) {
	const op = "store.InviteToPortal"
	now := db.Now()
	rec.Category, rec.ClientID, rec.Action = "client.portal", inv.ClientID, audit.ActionCreate
	rec.Detail = "portal invitation issued"
	var id string
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "portal:"+inv.ClientID); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM clients WHERE id = $1)`, inv.ClientID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return model.NotFound(op, "client")
		}
		kind, open := portal.KindClient, `SELECT id, activated_at FROM portal_accounts
			WHERE client_id = $1 AND kind = 'client' AND disabled_at IS NULL`
		args := []any{inv.ClientID}
		if inv.ConsentID != "" {
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM consents WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL)`,
				inv.ConsentID, inv.ClientID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return model.NotFound(op, "consent in force")
			}
			kind, open = portal.KindFamily, `SELECT id, activated_at FROM portal_accounts
				WHERE consent_id = $1 AND kind = 'family' AND disabled_at IS NULL`
			args = []any{inv.ConsentID}
			rec.Detail = "family portal invitation issued under consent " + inv.ConsentID
		}
		var activated sql.NullTime
		err := tx.QueryRowContext(ctx, open, args...).Scan(&id, &activated)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = model.NewID()
			rec.EntityID = id
			_, err := tx.ExecContext(ctx, `INSERT INTO portal_accounts (id, client_id, kind, consent_id, name, email, invite_hash, invite_expires,
					invited_by, invited_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				id, inv.ClientID, string(kind), nullable(inv.ConsentID), inv.Name, inv.Email, inv.CodeHash, inv.Expires.UTC(), inv.ByID, now)
			return err
		case err != nil:
			return err
		case activated.Valid && !inv.Reset:
			return model.Errorf(op, model.KindConflict, "this %s already uses the portal; reset their access to issue a new code",
				map[portal.Kind]string{portal.KindClient: "client", portal.KindFamily: "family member"}[kind])
		}
		rec.EntityID = id
		if activated.Valid {
			rec.Action, rec.Detail = audit.ActionUpdate, "portal access reset: password and sessions ended, new invitation issued"
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE account_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE portal_accounts SET email = $1, invite_hash = $2, invite_expires = $3, invited_by = $4,
				invited_at = $5, password_hash = '', activated_at = NULL, totp_secret = '', totp_pending = '' WHERE id = $6`,
			inv.Email, inv.CodeHash, inv.Expires.UTC(), inv.ByID, now, id)
		return err
	}, &rec)
	if err != nil {
		return portal.Account{}, err
	}
	return db.portalAccount(ctx, `a.id = $1`, id)
}

// ClosePortalAccess ends a client's portal account: sessions end and the
// sign-in no longer works. A new invitation opens a new account.
func (db *DB) ClosePortalAccess(ctx context.Context, clientID string, rec audit.Record) error {
	const op = "store.ClosePortalAccess"
	rec.Category, rec.ClientID, rec.Action, rec.Detail = "client.portal", clientID, audit.ActionUpdate, "portal access closed"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM portal_accounts WHERE client_id = $1 AND kind = 'client' AND disabled_at IS NULL`,
			clientID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "portal account")
		} else if err != nil {
			return err
		}
		rec.EntityID = id
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE account_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE portal_accounts SET disabled_at = $1, invite_hash = NULL, login = NULL WHERE id = $2`, db.Now(), id)
		return err
	}, &rec)
}

// FamilyPortalAccount returns the open family account made under one of
// a client's consents.
func (db *DB) FamilyPortalAccount(ctx context.Context, clientID, consentID string) (portal.Account, error) {
	return db.portalAccount(ctx, `a.consent_id = $1 AND a.client_id = $2 AND a.kind = 'family' AND a.disabled_at IS NULL`, consentID, clientID)
}

// ClientPortalAccount returns a client's open portal account.
func (db *DB) ClientPortalAccount(ctx context.Context, clientID string) (portal.Account, error) {
	return db.portalAccount(ctx, `a.client_id = $1 AND a.kind = 'client' AND a.disabled_at IS NULL`, clientID)
}

// PortalInvitation returns the account an unexpired, unused invitation
// code opens.
func (db *DB) PortalInvitation(ctx context.Context, codeHash string) (portal.Account, error) {
	a, err := db.portalAccount(ctx, `a.invite_hash = $1 AND a.disabled_at IS NULL`, codeHash)
	if err == nil && !db.Now().Before(a.InviteExpires) {
		return portal.Account{}, model.NotFound("store.PortalInvitation", "invitation")
	}
	return a, err
}

func (db *DB) portalAccount(ctx context.Context, where string, args ...any) (portal.Account, error) {
	a, err := scanPortalAccount(db.queryRow(ctx, portalAccountSelect+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, model.NotFound("store.PortalAccount", "portal account")
	}
	return a, model.Wrap("store.PortalAccount", model.KindInternal, err)
}

// AcceptPortalInvite opens the account an invitation code names: the
// chosen sign-in name and password, and the code is spent.
func (db *DB) AcceptPortalInvite(ctx context.Context, codeHash, login, passwordHash string, rec audit.Record) (portal.Account, error) {
	const op = "store.AcceptPortalInvite"
	login = portal.NormalizeLogin(login)
	now := db.Now()
	var id string
	rec.Category, rec.Action, rec.Detail = "client.portal", audit.ActionUpdate, "portal invitation accepted"
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var client string
		var expires time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, client_id, invite_expires FROM portal_accounts
			WHERE invite_hash = $1 AND disabled_at IS NULL`, codeHash).Scan(&id, &client, &expires)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !now.Before(expires) {
			return model.NotFound(op, "invitation")
		} else if err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM portal_accounts WHERE login = $1 AND id <> $2)`, login, id).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return model.Invalid(op, map[string]string{"login": "That sign-in name is taken. Choose another."})
		}
		rec.ClientID, rec.EntityID, rec.ActorID = client, id, "portal:"+id
		return updateOnce(ctx, tx, model.NotFound(op, "invitation"), `UPDATE portal_accounts SET login = $1, password_hash = $2,
				activated_at = $3, invite_hash = NULL, invite_expires = NULL WHERE id = $4 AND invite_hash = $5`,
			login, passwordHash, now, id, codeHash)
	}, &rec)
	if err != nil {
		return portal.Account{}, err
	}
	return db.portalAccount(ctx, `a.id = $1`, id)
}

// PortalAccountByLogin returns an open, activated account and its password
// hash, for sign-in.
func (db *DB) PortalAccountByLogin(ctx context.Context, login string) (portal.Account, string, error) {
	var hash string
	a, err := db.portalAccount(ctx, `a.login = $1 AND a.disabled_at IS NULL AND a.activated_at IS NOT NULL`, portal.NormalizeLogin(login))
	if err != nil {
		return a, "", err
	}
	err = db.queryRow(ctx, `SELECT password_hash FROM portal_accounts WHERE id = $1`, a.ID).Scan(&hash)
	return a, hash, model.Wrap("store.PortalAccountByLogin", model.KindInternal, err)
}

// CreatePortalSession stores a new portal session, replacing the one the
// browser held (as staff sign-in does, against session fixation).
func (db *DB) CreatePortalSession(ctx context.Context, s PortalSession, replaces string, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID = "portal.session", audit.ActionLogin, s.Account.ID
	return db.write(ctx, "store.CreatePortalSession", func(tx *sql.Tx) error {
		if replaces != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, replaces); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO portal_sessions (token_hash, account_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, s.TokenHash, s.Account.ID, s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC())
		return err
	}, &rec)
}

// PortalSessionByToken returns the portal session with that token hash and
// its account. It does not judge expiry; the caller applies the policy.
func (db *DB) PortalSessionByToken(ctx context.Context, tokenHash string) (PortalSession, error) {
	var s PortalSession
	err := db.queryRow(ctx, `SELECT token_hash, account_id, created_at, last_seen_at, expires_at FROM portal_sessions WHERE token_hash = $1`,
		tokenHash).Scan(&s.TokenHash, &s.Account.ID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, model.NotFound("store.PortalSession", "session")
	}
	if err != nil {
		return s, model.Wrap("store.PortalSession", model.KindInternal, err)
	}
	s.Account, err = db.portalAccount(ctx, `a.id = $1`, s.Account.ID)
	return s, err
}

// TouchPortalSession records activity, for the idle timeout.
func (db *DB) TouchPortalSession(ctx context.Context, tokenHash string, at time.Time) error {
	return db.write(ctx, "store.TouchPortalSession", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE portal_sessions SET last_seen_at = $1 WHERE token_hash = $2`, at.UTC(), tokenHash)
		return err
	})
}

// DeletePortalSession ends a portal session; rec is nil when the end is
// not the person's action (expiry).
func (db *DB) DeletePortalSession(ctx context.Context, tokenHash string, rec *audit.Record) error {
	var recs []*audit.Record
	if rec != nil {
		rec.Category, rec.Action = "portal.session", audit.ActionLogout
		recs = append(recs, rec)
	}
	return db.write(ctx, "store.DeletePortalSession", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, tokenHash)
		return err
	}, recs...)
}

// SetPortalReminders stores the reminders a client opted into.
func (db *DB) SetPortalReminders(ctx context.Context, accountID string, r portal.Reminders, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "client.portal", audit.ActionUpdate, accountID, "reminder choices changed"
	return db.write(ctx, "store.SetPortalReminders", func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound("store.SetPortalReminders", "portal account"),
			`UPDATE portal_accounts SET remind_sessions = $1, remind_measures = $2, name_program = $3 WHERE id = $4 AND disabled_at IS NULL`,
			r.Sessions, r.Measures, r.NameProgram, accountID)
	}, &rec)
}

// SaveDailyCheckIn stores a client's daily check-in; a second one on the same
// day is a conflict.
func (db *DB) SaveDailyCheckIn(ctx context.Context, c *portal.CheckIn, rec audit.Record) error {
	const op = "store.SaveDailyCheckIn"
	if err := model.Invalid(op, c.Problems()); err != nil {
		return err
	}
	c.ID, c.At = model.NewID(), db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.checkin", audit.ActionCreate, c.ClientID, c.ID, "daily check-in"
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO daily_checkins (id, client_id, day, craving, mood, used, note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.ClientID, c.Day, c.Craving, c.Mood, c.Used, strings.TrimSpace(c.Note), c.At)
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return model.Errorf(op, model.KindConflict, "you have already checked in today; your counselor has your answers")
	}
	return err
}

// DailyCheckIns lists a client's daily check-ins from a day on, newest first.
func (db *DB) DailyCheckIns(ctx context.Context, clientID string, from model.Date) ([]portal.CheckIn, error) {
	rows, err := db.query(ctx, `SELECT id, client_id, day, craving, mood, used, note, created_at FROM daily_checkins
		WHERE client_id = $1 AND day >= $2 ORDER BY day DESC`, clientID, from)
	out, err := collect(rows, err, func(sc scanner) (portal.CheckIn, error) {
		var c portal.CheckIn
		err := sc.Scan(&c.ID, &c.ClientID, &c.Day, &c.Craving, &c.Mood, &c.Used, &c.Note, &c.At)
		return c, err
	})
	return out, model.Wrap("store.DailyCheckIns", model.KindInternal, err)
}

// ReportAbsence stores a client's notice that they will miss a meeting of a
// group they are in. One open notice per meeting.
func (db *DB) ReportAbsence(ctx context.Context, a *portal.Absence, rec audit.Record) error {
	const op = "store.ReportAbsence"
	a.ID, a.SubmittedAt, a.Status = model.NewID(), db.Now(), portal.AbsencePending
	a.Reason = strings.TrimSpace(a.Reason)
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.attendance", audit.ActionCreate, a.ClientID, a.ID,
		"absence told ahead for "+a.Date.String()
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var enrolled bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM series_enrolments WHERE client_id = $1 AND series_id = $2 AND status = 'enrolled')`,
			a.ClientID, a.SeriesID).Scan(&enrolled); err != nil {
			return err
		}
		if !enrolled {
			return model.NotFound(op, "meeting")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO absence_notices (id, client_id, series_id, meeting_date, reason, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.ClientID, a.SeriesID, a.Date, a.Reason, a.SubmittedAt)
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return model.Errorf(op, model.KindConflict, "you have already told the program you will miss this meeting")
	}
	return err
}

// AbsenceQuery selects absence notices: one client's, or the pending ones
// of a primary counselor's clients (CounselorID), or every pending one.
type AbsenceQuery struct {
	ClientID    string
	CounselorID string
	PendingOnly bool
	From        model.Date // meetings on or after this day
}

// Absences lists absence notices, soonest meeting first.
func (db *DB) Absences(ctx context.Context, q AbsenceQuery) ([]portal.Absence, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", placeholder(len(args))))
	}
	if q.ClientID != "" {
		add("n.client_id = ?", q.ClientID)
	}
	if q.CounselorID != "" {
		add("EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = n.client_id AND e.status = 'active' AND e.primary_counselor_id = ?)", q.CounselorID)
	}
	if q.PendingOnly {
		conds = append(conds, "n.status = 'pending'")
	}
	if !q.From.IsZero() {
		add("n.meeting_date >= ?", q.From)
	}
	query := `SELECT n.id, n.client_id, c.first_name || ' ' || c.last_name, n.series_id, g.title, n.meeting_date, n.reason, n.submitted_at,
			n.status, COALESCE(u.name, ''), n.decided_at, n.decision_note
		FROM absence_notices n JOIN clients c ON c.id = n.client_id JOIN group_series g ON g.id = n.series_id
		LEFT JOIN users u ON u.id = n.decided_by`
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.query(ctx, query+` ORDER BY n.meeting_date, g.title, n.id`, args...)
	out, err := collect(rows, err, func(sc scanner) (portal.Absence, error) {
		var a portal.Absence
		var status string
		var decided sql.NullTime
		err := sc.Scan(&a.ID, &a.ClientID, &a.ClientName, &a.SeriesID, &a.SeriesName, &a.Date, &a.Reason, &a.SubmittedAt,
			&status, &a.DecidedBy, &decided, &a.DecisionNote)
		a.Status, a.DecidedAt = portal.AbsenceStatus(status), decided.Time
		return a, err
	})
	return out, model.Wrap("store.Absences", model.KindInternal, err)
}

// DecideAbsence records the counselor's answer to a pending absence notice.
// Accepted, the meeting is marked absent (excused) unless attendance for it
// is already taken, in which case what the facilitator recorded stands.
func (db *DB) DecideAbsence(ctx context.Context, clientID, id string, accept bool, note, byID string, rec audit.Record) error {
	const op = "store.DecideAbsence"
	status := portal.AbsenceDeclined
	if accept {
		status = portal.AbsenceAccepted
	}
	if len([]rune(note)) > portal.MaxNote {
		return model.Invalid(op, map[string]string{"note": "Keep the note under 1000 characters."})
	}
	now := db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.attendance", audit.ActionUpdate, clientID, id,
		"absence notice "+string(status)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var series string
		var day model.Date
		var current string
		err := tx.QueryRowContext(ctx, `SELECT series_id, meeting_date, status FROM absence_notices WHERE id = $1 AND client_id = $2`,
			id, clientID).Scan(&series, &day, &current)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "absence notice")
		} else if err != nil {
			return err
		}
		if current != string(portal.AbsencePending) {
			return model.Errorf(op, model.KindConflict, "this notice was already answered (%s)", current)
		}
		if err := updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "this notice was already answered"),
			`UPDATE absence_notices SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = 'pending'`,
			string(status), byID, now, strings.TrimSpace(note), id); err != nil {
			return err
		}
		if !accept {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO attendance (series_id, occurrence_date, client_id, status, minutes, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT DO NOTHING`, series, day, clientID, string(intensity.AbsentExcused), byID, now)
		return err
	}, &rec)
}

// WithdrawAbsence takes back a client's pending absence notice (plans
// changed; they will come after all).
func (db *DB) WithdrawAbsence(ctx context.Context, clientID, id string, rec audit.Record) error {
	const op = "store.WithdrawAbsence"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.attendance", audit.ActionUpdate, clientID, id, "absence notice withdrawn"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound(op, "pending absence notice"),
			`UPDATE absence_notices SET status = 'withdrawn' WHERE id = $1 AND client_id = $2 AND status = 'pending'`, id, clientID)
	}, &rec)
}

// PortalImport is a demo client's portal account, already accepted, with
// the check-ins of the days before.
type PortalImport struct {
	ClientID     string
	ConsentID    string // a family member's account, under this consent
	Name         string // the family member's name
	Login        string
	Email        string
	PasswordHash string
	InvitedBy    string
	InvitedAt    time.Time
	Reminders    portal.Reminders
	CheckIns     []portal.CheckIn
}

// ImportPortalAccounts writes demo portal accounts in one transaction.
func (db *DB) ImportPortalAccounts(ctx context.Context, list []PortalImport, rec audit.Record) error {
	rec.Category, rec.Action, rec.Detail = "client.portal", audit.ActionCreate, "demo portal accounts"
	return db.write(ctx, "store.ImportPortalAccounts", func(tx *sql.Tx) error {
		for _, p := range list {
			kind := portal.KindClient
			if p.ConsentID != "" {
				kind = portal.KindFamily
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO portal_accounts (id, client_id, kind, consent_id, name, email, login, password_hash, invited_by,
					invited_at, activated_at, remind_sessions, remind_measures, name_program)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				model.NewID(), p.ClientID, string(kind), nullable(p.ConsentID), p.Name, p.Email, portal.NormalizeLogin(p.Login), p.PasswordHash, p.InvitedBy, p.InvitedAt.UTC(),
				p.InvitedAt.Add(20*time.Minute).UTC(), p.Reminders.Sessions, p.Reminders.Measures, p.Reminders.NameProgram); err != nil {
				return err
			}
			for _, c := range p.CheckIns {
				if _, err := tx.ExecContext(ctx, `INSERT INTO daily_checkins (id, client_id, day, craving, mood, used, note, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, model.NewID(), p.ClientID, c.Day, c.Craving, c.Mood, c.Used, c.Note, c.At.UTC()); err != nil {
					return err
				}
			}
		}
		return nil
	}, &rec)
}

// OutboxMessage is an email queued for a portal account.
type OutboxMessage struct {
	ID        string
	AccountID string
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    time.Time
	Attempts  int
	LastError string
}

// maxSendAttempts is how often a message is tried before it is left for
// people to look at: a bad address should not be retried forever.
const maxSendAttempts = 5

// ReminderAccounts lists the open, accepted client accounts with an email
// address that opted into any reminder.
func (db *DB) ReminderAccounts(ctx context.Context) ([]portal.Account, error) {
	rows, err := db.query(ctx, portalAccountSelect+` WHERE a.kind = 'client' AND a.disabled_at IS NULL AND a.activated_at IS NOT NULL
		AND a.email <> '' AND (a.remind_sessions OR a.remind_measures) ORDER BY a.id`)
	out, err := collect(rows, err, scanPortalAccount)
	return out, model.Wrap("store.ReminderAccounts", model.KindInternal, err)
}

// QueuePortalMessage queues an email to an account once per dedupe key; it
// reports whether this call queued it.
func (db *DB) QueuePortalMessage(ctx context.Context, a portal.Account, m portal.Message, dedupe string, rec audit.Record) (bool, error) {
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.portal", audit.ActionCreate, a.ClientID, a.ID, "reminder queued"
	var queued bool
	err := db.write(ctx, "store.QueuePortalMessage", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO portal_outbox (id, account_id, to_address, subject, body, dedupe_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING`,
			model.NewID(), a.ID, a.Email, m.Subject, m.Body, dedupe, db.Now())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		queued = n == 1
		if !queued {
			return errNothingToAudit
		}
		return err
	}, &rec)
	if errors.Is(err, errNothingToAudit) {
		return false, nil
	}
	return queued, err
}

// errNothingToAudit rolls back a write that changed nothing, so that no
// audit record claims it did.
var errNothingToAudit = errors.New("nothing changed")

// UnsentPortalMessages lists queued messages to try, oldest first.
func (db *DB) UnsentPortalMessages(ctx context.Context, limit int) ([]OutboxMessage, error) {
	rows, err := db.query(ctx, outboxSelect+` WHERE sent_at IS NULL AND attempts < $1 ORDER BY created_at, id LIMIT $2`, maxSendAttempts, limit)
	out, err := collect(rows, err, scanOutbox)
	return out, model.Wrap("store.UnsentPortalMessages", model.KindInternal, err)
}

// PortalOutbox lists the newest queued and sent messages, for the outbox page.
func (db *DB) PortalOutbox(ctx context.Context, limit int) ([]OutboxMessage, error) {
	rows, err := db.query(ctx, outboxSelect+` ORDER BY created_at DESC, id LIMIT $1`, limit)
	out, err := collect(rows, err, scanOutbox)
	return out, model.Wrap("store.PortalOutbox", model.KindInternal, err)
}

const outboxSelect = `SELECT id, account_id, to_address, subject, body, created_at, sent_at, attempts, last_error FROM portal_outbox`

func scanOutbox(sc scanner) (OutboxMessage, error) {
	var m OutboxMessage
	var sent sql.NullTime
	err := sc.Scan(&m.ID, &m.AccountID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &sent, &m.Attempts, &m.LastError)
	m.SentAt = sent.Time
	return m, err
}

// MarkPortalMessage records a send attempt: sent, or the error.
func (db *DB) MarkPortalMessage(ctx context.Context, id string, sendErr error) error {
	return db.write(ctx, "store.MarkPortalMessage", func(tx *sql.Tx) error {
		if sendErr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE portal_outbox SET sent_at = $1, attempts = attempts + 1, last_error = '' WHERE id = $2`, db.Now(), id)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2`, truncate(sendErr.Error(), 300), id)
		return err
	})
}

// FlaggedCheckIn is a recent daily check-in a counselor should look at.
type FlaggedCheckIn struct {
	portal.CheckIn
	ClientName string
}

// FlaggedCheckIns lists check-ins since a day that report use, strong
// cravings or a very low mood, of the clients a counselor is primary
// counselor to (every client's when counselorID is ""), newest first.
func (db *DB) FlaggedCheckIns(ctx context.Context, counselorID string, since model.Date) ([]FlaggedCheckIn, error) {
	q := `SELECT d.id, d.client_id, d.day, d.craving, d.mood, d.used, d.note, d.created_at, c.first_name || ' ' || c.last_name
		FROM daily_checkins d JOIN clients c ON c.id = d.client_id
		WHERE d.day >= $1 AND (d.used OR d.craving >= $2 OR d.mood <= $3)`
	args := []any{since, portal.StrongCraving, portal.LowMood}
	if counselorID != "" {
		q += ` AND EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = d.client_id AND e.status = 'active' AND e.primary_counselor_id = $4)`
		args = append(args, counselorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY d.day DESC, d.created_at DESC`, args...)
	out, err := collect(rows, err, func(sc scanner) (FlaggedCheckIn, error) {
		var f FlaggedCheckIn
		err := sc.Scan(&f.ID, &f.ClientID, &f.Day, &f.Craving, &f.Mood, &f.Used, &f.Note, &f.At, &f.ClientName)
		return f, err
	})
	return out, model.Wrap("store.FlaggedCheckIns", model.KindInternal, err)
}

// SetPortalPendingTOTP keeps a new authenticator key until the person
// proves they added it.
func (db *DB) SetPortalPendingTOTP(ctx context.Context, accountID, secret string) error {
	return db.write(ctx, "store.SetPortalPendingTOTP", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_pending = $1 WHERE id = $2`, db.seal(secret), accountID)
		return err
	})
}

// PortalTOTP returns an account's authenticator key and the pending one.
func (db *DB) PortalTOTP(ctx context.Context, accountID string) (secret, pending string, err error) {
	err = db.queryRow(ctx, `SELECT totp_secret, totp_pending FROM portal_accounts WHERE id = $1`, accountID).Scan(&secret, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", model.NotFound("store.PortalTOTP", "portal account")
	}
	if err == nil {
		secret, pending, err = db.unsealPair(secret, pending)
	}
	return secret, pending, model.Wrap("store.PortalTOTP", model.KindInternal, err)
}

// EnablePortalTOTP turns two-step sign-in on with the pending key, whose
// code for step was just checked.
func (db *DB) EnablePortalTOTP(ctx context.Context, a portal.Account, pending string, step int64, rec audit.Record) error {
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "portal.session", audit.ActionUpdate, a.ClientID, a.ID, "two-step sign-in turned on"
	return db.write(ctx, "store.EnablePortalTOTP", func(tx *sql.Tx) error {
		if err := db.pendingIs(ctx, tx, "store.EnablePortalTOTP", "portal_accounts", a.ID, pending); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_secret = totp_pending, totp_pending = '', totp_last_step = $1 WHERE id = $2`,
			step, a.ID)
		return err
	}, &rec)
}

// DisablePortalTOTP turns two-step sign-in off.
func (db *DB) DisablePortalTOTP(ctx context.Context, a portal.Account, rec audit.Record) error {
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "portal.session", audit.ActionUpdate, a.ClientID, a.ID, "two-step sign-in turned off"
	return db.write(ctx, "store.DisablePortalTOTP", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET totp_secret = '', totp_pending = '' WHERE id = $1`, a.ID)
		return err
	}, &rec)
}

// AcceptPortalTOTPStep records a used code's time step; it reports false
// for a step already used (a code is never good twice).
func (db *DB) AcceptPortalTOTPStep(ctx context.Context, accountID string, step int64) (bool, error) {
	return db.changedOne(ctx, "store.AcceptPortalTOTPStep",
		`UPDATE portal_accounts SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, accountID)
}

// CreatePortalChallenge starts the code step of a portal sign-in.
func (db *DB) CreatePortalChallenge(ctx context.Context, tokenHash, accountID string, expires time.Time) error {
	return db.write(ctx, "store.CreatePortalChallenge", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_challenges WHERE expires_at < $1`, db.Now().UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO portal_challenges (token_hash, account_id, expires_at) VALUES ($1, $2, $3)`,
			tokenHash, accountID, expires.UTC())
		return err
	})
}

// PortalChallenge is the account a challenge token stands for, if unexpired.
func (db *DB) PortalChallenge(ctx context.Context, tokenHash string, now time.Time) (portal.Account, error) {
	var id string
	err := db.queryRow(ctx, `SELECT account_id FROM portal_challenges WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.UTC()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return portal.Account{}, model.NotFound("store.PortalChallenge", "sign-in step")
	}
	if err != nil {
		return portal.Account{}, model.Wrap("store.PortalChallenge", model.KindInternal, err)
	}
	return db.portalAccount(ctx, `a.id = $1 AND a.disabled_at IS NULL`, id)
}

// DeletePortalChallenge ends a challenge once answered.
func (db *DB) DeletePortalChallenge(ctx context.Context, tokenHash string) error {
	return db.write(ctx, "store.DeletePortalChallenge", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM portal_challenges WHERE token_hash = $1`, tokenHash)
		return err
	})
}
