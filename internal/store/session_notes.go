package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
)

// SessionNote returns a client's appointment with its note, or an empty
// note (no id) if none was started. An appointment of another client is
// not found.
func (db *DB) SessionNote(ctx context.Context, clientID, appointmentID string) (schedule.Appointment, notes.SessionNote, error) {
	const op = "store.SessionNote"
	n := notes.SessionNote{ClientID: clientID, AppointmentID: appointmentID, Parts: map[string]string{}}
	list, err := loadAppointments(ctx, db.r, "WHERE a.id = $1 AND a.client_id = $2", appointmentID, clientID)
	if err != nil {
		return schedule.Appointment{}, n, model.Wrap(op, model.KindInternal, err)
	}
	if len(list) == 0 {
		return schedule.Appointment{}, n, model.NotFound(op, "appointment")
	}
	a := list[0]
	n.ServiceType, n.Minutes = string(a.Kind), int(a.End.Sub(a.Start)/time.Minute)
	var parts string
	var signed, cosigned sql.NullTime
	err = db.queryRow(ctx, `SELECT n.id, n.format, n.parts, n.minutes, n.service_type, u.name, n.signed_at, s.name, n.cosign_needed,
			n.cosigned_at, c.name
		FROM session_notes n JOIN users u ON u.id = n.author_id LEFT JOIN users s ON s.id = n.signed_by LEFT JOIN users c ON c.id = n.cosigned_by
		WHERE n.appointment_id = $1`, appointmentID).
		Scan(&n.ID, &n.Format, &parts, &n.Minutes, &n.ServiceType, &n.AuthorName, &signed, nullString{&n.SignedByName}, &n.CoSignNeeded,
			&cosigned, nullString{&n.CoSignedName})
	if errors.Is(err, sql.ErrNoRows) {
		return a, n, nil
	}
	if err != nil {
		return a, n, model.Wrap(op, model.KindInternal, err)
	}
	n.SignedAt, n.CoSignedAt = signed.Time, cosigned.Time
	if err := json.Unmarshal([]byte(parts), &n.Parts); err != nil {
		return a, n, model.Wrap(op, model.KindInternal, err)
	}
	linked, err := db.noteObjectives(ctx, "session", n.ID)
	if err != nil {
		return a, n, err
	}
	n.Objectives = linked[clientID]
	n.Addenda, err = db.addenda(ctx, sessionNoteTables, n.ID)
	return a, n, err
}

// SaveSessionNote saves a draft of an appointment's note, or signs it. The
// appointment must be the client's, not cancelled, and already begun (notes
// are written about sessions that happened). A signed note cannot be saved.
func (db *DB) SaveSessionNote(ctx context.Context, n *notes.SessionNote, sign bool, byID string, rec audit.Record) error {
	const op = "store.SaveSessionNote"
	if err := model.Invalid(op, n.Problems(sign)); err != nil {
		return err
	}
	parts := map[string]string{}
	for _, f := range notes.FieldsOf(n.Format) {
		parts[f.Key] = strings.TrimSpace(n.Parts[f.Key])
	}
	encoded, err := json.Marshal(parts)
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	now := db.Now()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.note", audit.ActionUpdate, n.ClientID, n.AppointmentID
	rec.Detail = "session note (" + n.Format + ")"
	if sign {
		rec.Detail += " signed"
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "snote:"+n.AppointmentID); err != nil {
			return err
		}
		var kind string
		var start time.Time
		var cancelled, noShow sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT kind, starts_at, cancelled_at, no_show_at FROM appointments WHERE id = $1 AND client_id = $2`,
			n.AppointmentID, n.ClientID).Scan(&kind, &start, &cancelled, &noShow)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "appointment")
		case err != nil:
			return err
		case cancelled.Valid:
			return model.Invalid(op, map[string]string{"appointment": "This appointment was cancelled: there is no session to document."})
		case noShow.Valid:
			return model.Invalid(op, map[string]string{"appointment": "The client did not come to this appointment: there is no session to document."})
		case start.After(now):
			return model.Invalid(op, map[string]string{"appointment": "This session has not started yet: write its note after it takes place."})
		}
		var id string
		var signed sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT id, signed_at FROM session_notes WHERE appointment_id = $1`, n.AppointmentID).Scan(&id, &signed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = model.NewID()
			var cosign bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM episodes e JOIN programs p ON p.id = e.program_id
				WHERE e.client_id = $1 AND e.status = 'active' AND p.cosign_required)`, n.ClientID).Scan(&cosign); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO session_notes (id, client_id, appointment_id, format, parts, minutes, service_type,
				author_id, cosign_needed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
				id, n.ClientID, n.AppointmentID, n.Format, string(encoded), n.Minutes, kind, byID, cosign, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case signed.Valid:
			return errSigned
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE session_notes SET format = $1, parts = $2, minutes = $3, updated_at = $4 WHERE id = $5`,
				n.Format, string(encoded), n.Minutes, now, id); err != nil {
				return err
			}
		}
		n.ID, n.ServiceType = id, kind
		if _, err := tx.ExecContext(ctx, `DELETE FROM note_objectives WHERE note_kind = 'session' AND note_id = $1`, id); err != nil {
			return err
		}
		if err := linkObjectives(ctx, tx, "session", id, n.ClientID, n.Objectives, "objectives"); err != nil {
			return err
		}
		if sign {
			// Whether a co-signature is needed is the program's rule when the note is signed.
			_, err := tx.ExecContext(ctx, `UPDATE session_notes SET signed_at = $1, signed_by = $2,
				cosign_needed = EXISTS (SELECT 1 FROM episodes e JOIN programs p ON p.id = e.program_id
					WHERE e.client_id = session_notes.client_id AND e.status = 'active' AND p.cosign_required)
				WHERE id = $3`, now, byID, id)
			return err
		}
		return nil
	}, &rec)
}

// SessionNoteSummary is a line of a client's session notes.
type SessionNoteSummary struct {
	AppointmentID string
	Start         time.Time
	Kind          schedule.AppointmentKind
	Format        string
	Minutes       int
	AuthorName    string
	Signed        bool
}

// ClientSessionNotes lists a client's session notes, drafts included,
// newest first.
func (db *DB) ClientSessionNotes(ctx context.Context, clientID string) ([]SessionNoteSummary, error) {
	rows, err := db.query(ctx, `SELECT n.appointment_id, a.starts_at, n.service_type, n.format, n.minutes, u.name, n.signed_at IS NOT NULL
		FROM session_notes n JOIN appointments a ON a.id = n.appointment_id JOIN users u ON u.id = n.author_id
		WHERE n.client_id = $1 ORDER BY a.starts_at DESC`, clientID)
	out, err := collect(rows, err, func(s scanner) (SessionNoteSummary, error) {
		var x SessionNoteSummary
		var kind string
		err := s.Scan(&x.AppointmentID, &x.Start, &kind, &x.Format, &x.Minutes, &x.AuthorName, &x.Signed)
		x.Kind = schedule.AppointmentKind(kind)
		return x, err
	})
	return out, model.Wrap("store.ClientSessionNotes", model.KindInternal, err)
}

// PendingSession is an appointment that took place without a signed note.
type PendingSession struct {
	AppointmentID, ClientID, ClientName, ClinicianID, Clinician string
	Kind                                                        schedule.AppointmentKind
	End                                                         time.Time
}

// PendingSessionNotes lists appointments that ended since a time, were not
// cancelled and have no signed note, oldest first, optionally only one
// clinician's.
func (db *DB) PendingSessionNotes(ctx context.Context, clinicianID string, since time.Time) ([]PendingSession, error) {
	q := `SELECT a.id, a.client_id, c.first_name, c.last_name, c.preferred_name, a.clinician_id, u.name, a.kind, a.ends_at
		FROM appointments a JOIN users u ON u.id = a.clinician_id JOIN clients c ON c.id = a.client_id
		WHERE a.cancelled_at IS NULL AND a.no_show_at IS NULL AND a.ends_at >= $1 AND a.ends_at <= $2
		AND NOT EXISTS (SELECT 1 FROM session_notes n WHERE n.appointment_id = a.id AND n.signed_at IS NOT NULL)`
	args := []any{since.UTC(), db.Now().UTC()}
	if clinicianID != "" {
		q += ` AND a.clinician_id = $3`
		args = append(args, clinicianID)
	}
	rows, err := db.query(ctx, q+` ORDER BY a.ends_at, a.id`, args...)
	out, err := collect(rows, err, func(s scanner) (PendingSession, error) {
		var p PendingSession
		var kind string
		var c model.Client
		err := s.Scan(&p.AppointmentID, &p.ClientID, &c.FirstName, &c.LastName, &c.PreferredName, &p.ClinicianID, &p.Clinician, &kind, &p.End)
		p.Kind, p.ClientName = schedule.AppointmentKind(kind), c.DisplayName()
		return p, err
	})
	return out, model.Wrap("store.PendingSessionNotes", model.KindInternal, err)
}

// SignedSessionMinutes returns the documented minutes of signed session
// notes, by appointment, for appointments starting in [from, to): of the
// clients named, or of every client.
func (db *DB) SignedSessionMinutes(ctx context.Context, from, to time.Time, clientIDs ...string) (map[string]int, error) {
	q := `SELECT n.appointment_id, n.minutes FROM session_notes n
		JOIN appointments a ON a.id = n.appointment_id WHERE n.signed_at IS NOT NULL AND a.starts_at >= $1 AND a.starts_at < $2`
	args := []any{from.UTC(), to.UTC()}
	if len(clientIDs) > 0 {
		marks, ids := inList(clientIDs, 2)
		q += " AND a.client_id IN (" + marks + ")"
		args = append(args, ids...)
	}
	return db.countsByID(ctx, "store.SignedSessionMinutes", q, args...)
}

// SetNoShow records that the client did not come to an appointment that has
// begun and has no note, or (noShow false) takes that back.
func (db *DB) SetNoShow(ctx context.Context, clientID, id string, noShow bool, byID string, rec audit.Record) error {
	const op = "store.SetNoShow"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.schedule", audit.ActionUpdate, clientID, id
	rec.Detail = map[bool]string{true: "no-show", false: "no-show taken back"}[noShow]
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var start time.Time
		var cancelled sql.NullTime
		var noted bool
		err := tx.QueryRowContext(ctx, `SELECT a.starts_at, a.cancelled_at, EXISTS (SELECT 1 FROM session_notes n WHERE n.appointment_id = a.id)
			FROM appointments a WHERE a.id = $1 AND a.client_id = $2`, id, clientID).Scan(&start, &cancelled, &noted)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "appointment")
		case err != nil:
			return err
		case cancelled.Valid:
			return model.Invalid(op, map[string]string{"appointment": "This appointment was cancelled."})
		case noShow && start.After(db.Now()):
			return model.Invalid(op, map[string]string{"appointment": "This appointment has not started yet: a no-show is recorded after its start."})
		case noShow && noted:
			return model.Invalid(op, map[string]string{"appointment": "This session has a note: it took place."})
		}
		var at, by any
		if noShow {
			at, by = db.Now(), byID
		}
		_, err = tx.ExecContext(ctx, `UPDATE appointments SET no_show_at = $1, no_show_by = $2, version = version + 1 WHERE id = $3`, at, by, id)
		return err
	}, &rec)
}
