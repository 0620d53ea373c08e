package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
)

var errSigned = &model.Error{Op: "store", Kind: model.KindConflict, Msg: "this note is signed and cannot change; add a dated addendum instead"}

// GroupNote returns the note of a group meeting, or an empty note (no id)
// if none was started.
func (db *DB) GroupNote(ctx context.Context, seriesID string, date model.Date) (notes.GroupNote, error) {
	const op = "store.GroupNote"
	n := notes.GroupNote{SeriesID: seriesID, Date: date, Sections: map[string]notes.Section{}}
	var signed, cosigned sql.NullTime
	err := db.queryRow(ctx, `SELECT g.id, g.topic, g.interventions, g.dynamics, g.author_id, a.name, g.signed_at, s.name, g.cosign_needed,
			g.cosigned_at, c.name, g.updated_at
		FROM group_notes g JOIN users a ON a.id = g.author_id LEFT JOIN users s ON s.id = g.signed_by LEFT JOIN users c ON c.id = g.cosigned_by
		WHERE g.series_id = $1 AND g.occurrence_date = $2`, seriesID, date).
		Scan(&n.ID, &n.Topic, &n.Interventions, &n.Dynamics, &n.AuthorID, &n.AuthorName, &signed, nullString{&n.SignedByName},
			&n.CoSignNeeded, &cosigned, nullString{&n.CoSignedName}, &n.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	}
	if err != nil {
		return n, model.Wrap(op, model.KindInternal, err)
	}
	n.SignedAt, n.CoSignedAt = signed.Time, cosigned.Time
	rows, err := db.query(ctx, `SELECT client_id, participation, response, progress, plan FROM group_note_sections WHERE note_id = $1`, n.ID)
	list, err := collect(rows, err, func(s scanner) (notes.Section, error) {
		var x notes.Section
		return x, s.Scan(&x.ClientID, &x.Participation, &x.Response, &x.Progress, &x.Plan)
	})
	if err != nil {
		return n, model.Wrap(op, model.KindInternal, err)
	}
	linked, err := db.noteObjectives(ctx, "group", n.ID)
	if err != nil {
		return n, err
	}
	for _, s := range list {
		s.Objectives = linked[s.ClientID]
		n.Sections[s.ClientID] = s
	}
	if n.Addenda, err = db.addenda(ctx, groupNoteTables, n.ID); err != nil {
		return n, err
	}
	return n, nil
}

func (db *DB) addenda(ctx context.Context, t noteTables, noteID string) ([]notes.Addendum, error) {
	rows, err := db.query(ctx, `SELECT a.text, u.name, a.written_at FROM `+t.addenda+` a JOIN users u ON u.id = a.written_by
		WHERE a.note_id = $1 ORDER BY a.written_at`, noteID)
	out, err := collect(rows, err, func(s scanner) (notes.Addendum, error) {
		var a notes.Addendum
		return a, s.Scan(&a.Text, &a.ByName, &a.At)
	})
	return out, model.Wrap("store.addenda", model.KindInternal, err)
}

// SaveGroupNote saves a draft of a meeting's note, or signs it. The
// sections are replaced by the ones given. A signed note cannot be saved.
func (db *DB) SaveGroupNote(ctx context.Context, n *notes.GroupNote, attended []string, sign bool, byID string, rec audit.Record) error {
	const op = "store.SaveGroupNote"
	if err := model.Invalid(op, n.Problems(attended, sign)); err != nil {
		return err
	}
	now := db.Now()
	var recs []*audit.Record
	for id := range n.Sections {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID = "client.note", audit.ActionUpdate, id, n.SeriesID
		r.Detail = "group note " + n.Date.String()
		if sign {
			r.Detail += " signed"
		}
		recs = append(recs, &r)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "note:"+n.SeriesID+":"+n.Date.String()); err != nil {
			return err
		}
		var id string
		var signed sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT id, signed_at FROM group_notes WHERE series_id = $1 AND occurrence_date = $2`, n.SeriesID, n.Date).Scan(&id, &signed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = model.NewID()
			var cosign bool
			if err := tx.QueryRowContext(ctx, `SELECT p.cosign_required FROM group_series g JOIN tracks t ON t.id = g.track_id
				JOIN programs p ON p.id = t.program_id WHERE g.id = $1`, n.SeriesID).Scan(&cosign); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_notes (id, series_id, occurrence_date, author_id, cosign_needed, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, id, n.SeriesID, n.Date, byID, cosign, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case signed.Valid:
			return errSigned
		}
		n.ID = id
		if _, err := tx.ExecContext(ctx, `UPDATE group_notes SET topic = $1, interventions = $2, dynamics = $3, updated_at = $4 WHERE id = $5`,
			n.Topic, n.Interventions, n.Dynamics, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_note_sections WHERE note_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM note_objectives WHERE note_kind = 'group' AND note_id = $1`, id); err != nil {
			return err
		}
		for cid, s := range n.Sections {
			if s.Empty() {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_note_sections (note_id, client_id, participation, response, progress, plan)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, cid, s.Participation, s.Response, s.Progress, s.Plan); err != nil {
				return err
			}
			if err := linkObjectives(ctx, tx, "group", id, cid, s.Objectives, "objectives_"+cid); err != nil {
				return err
			}
		}
		if sign {
			// Whether a co-signature is needed is the program's rule when the note is signed.
			_, err := tx.ExecContext(ctx, `UPDATE group_notes SET signed_at = $1, signed_by = $2,
				cosign_needed = (SELECT p.cosign_required FROM group_series g JOIN tracks t ON t.id = g.track_id
					JOIN programs p ON p.id = t.program_id WHERE g.id = group_notes.series_id)
				WHERE id = $3`, now, byID, id)
			return err
		}
		return nil
	}, recs...)
}

// noteTables names the tables of one kind of note, for the signing rules
// every kind shares. The names are constants, never input.
type noteTables struct{ notes, addenda, what string }

var (
	groupNoteTables   = noteTables{"group_notes", "note_addenda", "group note"}
	sessionNoteTables = noteTables{"session_notes", "session_note_addenda", "session note"}
)

// AddAddendum adds a dated addendum to a signed group note.
func (db *DB) AddAddendum(ctx context.Context, noteID, text, byID string, rec audit.Record) error {
	return db.addAddendum(ctx, "store.AddAddendum", groupNoteTables, "", noteID, text, byID, rec)
}

// AddSessionAddendum adds a dated addendum to a client's signed session note.
func (db *DB) AddSessionAddendum(ctx context.Context, clientID, noteID, text, byID string, rec audit.Record) error {
	return db.addAddendum(ctx, "store.AddSessionAddendum", sessionNoteTables, clientID, noteID, text, byID, rec)
}

// addAddendum adds an addendum to a signed note of the kind t; with a
// client id, only to a note of that client.
func (db *DB) addAddendum(ctx context.Context, op string, t noteTables, clientID, noteID, text, byID string, rec audit.Record) error {
	if t := strings.TrimSpace(text); t == "" || len([]rune(t)) > 4000 {
		return model.Invalid(op, map[string]string{"addendum": "Write the addendum (up to 4000 characters)."})
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "client.note", audit.ActionUpdate, noteID, t.what+" addendum"
	if clientID != "" {
		rec.ClientID = clientID
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		q, args := `SELECT signed_at FROM `+t.notes+` WHERE id = $1`, []any{noteID}
		if clientID != "" {
			q, args = q+` AND client_id = $2`, append(args, clientID)
		}
		var signed sql.NullTime
		err := tx.QueryRowContext(ctx, q, args...).Scan(&signed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.NotFound(op, "note")
		case err != nil:
			return err
		case !signed.Valid:
			return model.Invalid(op, map[string]string{"addendum": "The note is not signed yet: edit it instead."})
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+t.addenda+` (id, note_id, text, written_by, written_at) VALUES ($1, $2, $3, $4, $5)`,
			model.NewID(), noteID, strings.TrimSpace(text), byID, db.Now())
		return err
	}, &rec)
}

// CoSign adds a supervisor's co-signature to a signed group note that
// needs one.
func (db *DB) CoSign(ctx context.Context, noteID, byID string, rec audit.Record) error {
	return db.coSign(ctx, "store.CoSign", groupNoteTables, "", noteID, byID, rec)
}

// CoSignSession adds a supervisor's co-signature to a client's signed
// session note that needs one.
func (db *DB) CoSignSession(ctx context.Context, clientID, noteID, byID string, rec audit.Record) error {
	return db.coSign(ctx, "store.CoSignSession", sessionNoteTables, clientID, noteID, byID, rec)
}

// coSign co-signs a note of the kind t; never the signer's own note.
func (db *DB) coSign(ctx context.Context, op string, t noteTables, clientID, noteID, byID string, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "client.note", audit.ActionUpdate, noteID, t.what+" co-signed"
	if clientID != "" {
		rec.ClientID = clientID
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		q, args := `UPDATE `+t.notes+` SET cosigned_at = $1, cosigned_by = $2
			WHERE id = $3 AND signed_at IS NOT NULL AND cosign_needed AND cosigned_at IS NULL AND signed_by <> $2`, []any{db.Now(), byID, noteID}
		if clientID != "" {
			q, args = q+` AND client_id = $4`, append(args, clientID)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &model.Error{Op: op, Kind: model.KindConflict, Msg: "this note cannot be co-signed (not signed yet, already co-signed, not required, or you signed it)"}
		}
		return nil
	}, &rec)
}

// ClientNote is a client's copy of a group note: the shared part and their
// own section, never anyone else's.
type ClientNote struct {
	Title   string
	Date    model.Date
	Note    notes.GroupNote // Sections holds only this client's
	Section notes.Section
}

// ClientGroupNotes lists a client's copies of signed group notes, newest
// first.
func (db *DB) ClientGroupNotes(ctx context.Context, clientID string) ([]ClientNote, error) {
	rows, err := db.query(ctx, `SELECT g.id, g.series_id, s.title, g.occurrence_date, g.topic, g.interventions, g.dynamics, g.signed_at, u.name,
			x.participation, x.response, x.progress, x.plan
		FROM group_note_sections x JOIN group_notes g ON g.id = x.note_id JOIN group_series s ON s.id = g.series_id
		LEFT JOIN users u ON u.id = g.signed_by
		WHERE x.client_id = $1 AND g.signed_at IS NOT NULL ORDER BY g.occurrence_date DESC`, clientID)
	out, err := collect(rows, err, func(s scanner) (ClientNote, error) {
		var c ClientNote
		var signed sql.NullTime
		err := s.Scan(&c.Note.ID, &c.Note.SeriesID, &c.Title, &c.Date, &c.Note.Topic, &c.Note.Interventions, &c.Note.Dynamics, &signed,
			nullString{&c.Note.SignedByName}, &c.Section.Participation, &c.Section.Response, &c.Section.Progress, &c.Section.Plan)
		c.Note.SignedAt = signed.Time
		return c, err
	})
	if err != nil {
		return nil, model.Wrap("store.ClientGroupNotes", model.KindInternal, err)
	}
	for i := range out {
		if out[i].Note.Addenda, err = db.addenda(ctx, groupNoteTables, out[i].Note.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PendingNote is a meeting someone attended whose note is not signed.
type PendingNote struct {
	SeriesID, Title, Facilitator, FacilitatorID string
	Date                                        model.Date
	EndMinute                                   int
}

// PendingNotes lists meetings with attendance but no signed note, oldest
// first, optionally only those a facilitator leads.
func (db *DB) PendingNotes(ctx context.Context, facilitatorID string, since model.Date) ([]PendingNote, error) {
	q := `SELECT DISTINCT a.series_id, s.title, u.name, s.facilitator_id, a.occurrence_date, s.start_minute + s.minutes
		FROM attendance a JOIN group_series s ON s.id = a.series_id JOIN users u ON u.id = s.facilitator_id
		WHERE a.minutes > 0 AND a.occurrence_date >= $1
		AND NOT EXISTS (SELECT 1 FROM group_notes g WHERE g.series_id = a.series_id AND g.occurrence_date = a.occurrence_date AND g.signed_at IS NOT NULL)`
	args := []any{since}
	if facilitatorID != "" {
		q += ` AND (s.facilitator_id = $2 OR s.co_facilitator_id = $2)`
		args = append(args, facilitatorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY a.occurrence_date, s.title`, args...)
	out, err := collect(rows, err, func(s scanner) (PendingNote, error) {
		var p PendingNote
		return p, s.Scan(&p.SeriesID, &p.Title, &p.Facilitator, &p.FacilitatorID, &p.Date, &p.EndMinute)
	})
	return out, model.Wrap("store.PendingNotes", model.KindInternal, err)
}

// SetCoSignRequired sets whether a program's notes need a co-signature.
func (db *DB) SetCoSignRequired(ctx context.Context, programID string, required bool, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID = "program.program", audit.ActionUpdate, programID
	rec.Detail = "co-signature required: " + map[bool]string{true: "yes", false: "no"}[required]
	return db.write(ctx, "store.SetCoSignRequired", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE programs SET cosign_required = $1 WHERE id = $2`, required, programID)
		return err
	}, &rec)
}

// End is when a pending note's meeting ended, for its age.
func (p PendingNote) End(loc *time.Location) time.Time {
	return time.Date(p.Date.Year, p.Date.Month, p.Date.Day, 0, 0, 0, 0, loc).Add(time.Duration(p.EndMinute) * time.Minute)
}

// linkObjectives records which plan objectives a note addressed for a
// client. Each must be an objective of that client's plan: a note cannot
// point at another client's objective.
func linkObjectives(ctx context.Context, tx *sql.Tx, kind, noteID, clientID string, objectiveIDs []string, field string) error {
	seen := map[string]bool{}
	for _, oid := range objectiveIDs {
		if oid == "" || seen[oid] {
			continue
		}
		seen[oid] = true
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM plan_objectives WHERE client_id = $1 AND objective_id = $2)`,
			clientID, oid).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return model.Invalid("store.linkObjectives", map[string]string{field: "Choose objectives from this client's own treatment plan."})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO note_objectives (note_kind, note_id, client_id, objective_id) VALUES ($1, $2, $3, $4)`,
			kind, noteID, clientID, oid); err != nil {
			return err
		}
	}
	return nil
}

// noteObjectives returns the objectives a note addressed, by client.
func (db *DB) noteObjectives(ctx context.Context, kind, noteID string) (map[string][]string, error) {
	rows, err := db.query(ctx, `SELECT client_id, objective_id FROM note_objectives WHERE note_kind = $1 AND note_id = $2
		ORDER BY client_id, objective_id`, kind, noteID)
	pairs, err := collect(rows, err, func(s scanner) ([2]string, error) {
		var p [2]string
		return p, s.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, model.Wrap("store.noteObjectives", model.KindInternal, err)
	}
	out := map[string][]string{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, nil
}

// ObjectiveNote is a note that addressed one of a client's objectives: the
// evidence a plan review shows beside it.
type ObjectiveNote struct {
	ObjectiveID string
	Kind        string // "group" or "session"
	When        time.Time
	Date        model.Date
	Title       string // the group's name, or the kind of session
	Progress    string // what the note said about progress
	Signed      bool
	Link        string
}

// ObjectiveNotes lists the group-note sections and session notes that
// addressed a client's objectives, newest first.
func (db *DB) ObjectiveNotes(ctx context.Context, clientID string) ([]ObjectiveNote, error) {
	rows, err := db.query(ctx, `SELECT o.objective_id, g.series_id, g.occurrence_date, s.title, gs.progress, g.signed_at IS NOT NULL
		FROM note_objectives o JOIN group_notes g ON g.id = o.note_id JOIN group_series s ON s.id = g.series_id
		JOIN group_note_sections gs ON gs.note_id = g.id AND gs.client_id = o.client_id
		WHERE o.note_kind = 'group' AND o.client_id = $1`, clientID)
	out, err := collect(rows, err, func(sc scanner) (ObjectiveNote, error) {
		n := ObjectiveNote{Kind: "group"}
		var series string
		err := sc.Scan(&n.ObjectiveID, &series, &n.Date, &n.Title, &n.Progress, &n.Signed)
		n.Link = "/program/groups/" + series + "/note?date=" + n.Date.String()
		return n, err
	})
	if err != nil {
		return nil, model.Wrap("store.ObjectiveNotes", model.KindInternal, err)
	}
	rows, err = db.query(ctx, `SELECT o.objective_id, n.appointment_id, a.starts_at, n.service_type, n.parts, n.signed_at IS NOT NULL
		FROM note_objectives o JOIN session_notes n ON n.id = o.note_id JOIN appointments a ON a.id = n.appointment_id
		WHERE o.note_kind = 'session' AND o.client_id = $1`, clientID)
	sessions, err := collect(rows, err, func(sc scanner) (ObjectiveNote, error) {
		n := ObjectiveNote{Kind: "session"}
		var appt, parts string
		var kind string
		err := sc.Scan(&n.ObjectiveID, &appt, &n.When, &kind, &parts, &n.Signed)
		n.Title = schedule.AppointmentKind(kind).Label() + " session"
		n.Date = model.DateOf(n.When)
		n.Progress = sessionProgress(parts)
		n.Link = "/clients/" + clientID + "/appointments/" + appt + "/note"
		return n, err
	})
	if err != nil {
		return nil, model.Wrap("store.ObjectiveNotes", model.KindInternal, err)
	}
	out = append(out, sessions...)
	slices.SortFunc(out, func(a, b ObjectiveNote) int { return strings.Compare(b.Date.String(), a.Date.String()) })
	return out, nil
}

// sessionProgress picks the part of a session note that speaks to progress
// (assessment in DAP and SOAP, response in BIRP).
func sessionProgress(parts string) string {
	var m map[string]string
	if json.Unmarshal([]byte(parts), &m) != nil {
		return ""
	}
	for _, k := range []string{"assessment", "response", "progress"} {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}
