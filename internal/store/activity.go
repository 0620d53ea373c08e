package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/schedule"
)

// Activity is a stretch of a center's past work written at once: the demo
// center's weeks before today, or a load from another system. Ids and times
// are set by the caller.
type Activity struct {
	Marks        []intensity.Mark // recorded by the group's facilitator at RecordedAt
	RecordedAt   time.Time
	Screens      []intensity.Screen
	ScreenBy     map[string]string // client id -> who recorded their screens
	GroupNotes   []notes.GroupNote // written by AuthorID; signed by them when SignedAt is set
	Appointments []schedule.Appointment
	SessionNotes []notes.SessionNote // of Appointments, written and signed by the appointment's clinician
}

// ImportActivity writes an Activity in one transaction, with an audit
// record per client record written. It skips the checks of the one-at-a-time
// paths (past bookings, signing order): the caller vouches for the data.
func (db *DB) ImportActivity(ctx context.Context, a Activity, rec audit.Record) error {
	const op = "store.ImportActivity"
	var recs []*audit.Record
	add := func(category, clientID, entityID, detail string) {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = category, audit.ActionCreate, clientID, entityID, detail
		recs = append(recs, &r)
	}
	for _, m := range a.Marks {
		add("client.attendance", m.ClientID, m.SeriesID, m.Date.String()+" "+string(m.Status))
	}
	for _, s := range a.Screens {
		add("client.drug_screen", s.ClientID, s.ID, s.Outcome)
	}
	for _, n := range a.GroupNotes {
		for id := range n.Sections {
			add("client.note", id, n.SeriesID, "group note "+n.Date.String())
		}
	}
	for _, ap := range a.Appointments {
		add("client.schedule", ap.ClientID, ap.ID, string(ap.Kind)+" appointment")
	}
	for _, n := range a.SessionNotes {
		add("client.note", n.ClientID, n.AppointmentID, "session note ("+n.Format+")")
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, m := range a.Marks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (series_id, occurrence_date, client_id, status, minutes, late_minutes,
					left_early_minutes, telehealth, recorded_by, recorded_at)
				SELECT $1, $2, $3, $4, $5, $6, $7, $8, facilitator_id, $9 FROM group_series WHERE id = $1`,
				m.SeriesID, m.Date, m.ClientID, string(m.Status), m.Minutes, m.Late, m.LeftEarly, m.Telehealth, a.RecordedAt); err != nil {
				return err
			}
		}
		for _, s := range a.Screens {
			results, _ := json.Marshal(s.Results)
			if _, err := tx.ExecContext(ctx, `INSERT INTO drug_screens (id, client_id, screen_date, outcome, specimen, observed, results,
					prescribed, confirmation, response, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				s.ID, s.ClientID, s.Date, s.Outcome, s.Specimen, s.Observed, string(results), s.Prescribed, s.Confirmation, s.Response,
				a.ScreenBy[s.ClientID], a.RecordedAt); err != nil {
				return err
			}
		}
		for _, n := range a.GroupNotes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_notes (id, series_id, occurrence_date, topic, interventions, dynamics, author_id,
					signed_at, signed_by, cosign_needed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $10)`,
				n.ID, n.SeriesID, n.Date, n.Topic, n.Interventions, n.Dynamics, n.AuthorID, nullTime(n.SignedAt), signer(n.SignedAt, n.AuthorID),
				writtenAt(n.SignedAt, a.RecordedAt)); err != nil {
				return err
			}
			for id, s := range n.Sections {
				if _, err := tx.ExecContext(ctx, `INSERT INTO group_note_sections (note_id, client_id, participation, response, progress, plan)
					VALUES ($1, $2, $3, $4, $5, $6)`, n.ID, id, s.Participation, s.Response, s.Progress, s.Plan); err != nil {
					return err
				}
				if err := linkObjectives(ctx, tx, "group", n.ID, id, s.Objectives, "objectives"); err != nil {
					return err
				}
			}
		}
		for _, ap := range a.Appointments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO appointments (id, client_id, clinician_id, kind, starts_at, ends_at, room, telehealth_url,
					family, note, version, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $3, $11)`,
				ap.ID, ap.ClientID, ap.ClinicianID, string(ap.Kind), ap.Start.UTC(), ap.End.UTC(), ap.Room, ap.TelehealthURL, ap.Family, ap.Note,
				a.RecordedAt); err != nil {
				return err
			}
		}
		clinician := map[string]schedule.Appointment{}
		for _, ap := range a.Appointments {
			clinician[ap.ID] = ap
		}
		for _, n := range a.SessionNotes {
			parts, _ := json.Marshal(n.Parts)
			ap := clinician[n.AppointmentID]
			if _, err := tx.ExecContext(ctx, `INSERT INTO session_notes (id, client_id, appointment_id, format, parts, minutes, service_type,
					author_id, signed_at, signed_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
				n.ID, n.ClientID, n.AppointmentID, n.Format, string(parts), n.Minutes, string(ap.Kind), ap.ClinicianID, nullTime(n.SignedAt),
				signer(n.SignedAt, ap.ClinicianID), writtenAt(n.SignedAt, a.RecordedAt)); err != nil {
				return err
			}
			if err := linkObjectives(ctx, tx, "session", n.ID, n.ClientID, n.Objectives, "objectives"); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

// writtenAt is when an imported note was written: when it was signed, if
// it was, so that no note is signed before it was written.
func writtenAt(signed, recorded time.Time) time.Time {
	if !signed.IsZero() && signed.Before(recorded) {
		return signed.UTC()
	}
	return recorded
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func signer(signedAt time.Time, id string) any {
	if signedAt.IsZero() {
		return nil
	}
	return id
}
