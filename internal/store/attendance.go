package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

// Roster is who is enrolled in a group, for taking attendance.
type Roster struct {
	ClientID, Name, MRN string
}

// GroupRoster lists the clients enrolled (not waitlisted) in a group.
func (db *DB) GroupRoster(ctx context.Context, seriesID string) ([]Roster, error) {
	rows, err := db.query(ctx, `SELECT c.id, c.first_name, c.last_name, c.preferred_name, c.mrn FROM series_enrolments e
		JOIN clients c ON c.id = e.client_id WHERE e.series_id = $1 AND e.status = 'enrolled' ORDER BY c.last_name, c.first_name, c.id`, seriesID)
	out, err := collect(rows, err, func(s scanner) (Roster, error) {
		var r Roster
		var c model.Client
		err := s.Scan(&r.ClientID, &c.FirstName, &c.LastName, &c.PreferredName, &r.MRN)
		r.Name = c.DisplayName()
		return r, err
	})
	return out, model.Wrap("store.GroupRoster", model.KindInternal, err)
}

// SaveAttendance records attendance at one meeting of a group, replacing
// what was recorded before for those clients. Every client must be enrolled
// in the group and every mark must fit the session; otherwise nothing is
// stored and the problems are keyed by client id.
func (db *DB) SaveAttendance(ctx context.Context, seriesID string, date model.Date, marks []intensity.Mark, byID string, rec audit.Record) error {
	const op = "store.SaveAttendance"
	s, err := db.Series(ctx, seriesID)
	if err != nil {
		return err
	}
	if len(s.Recurrence.Dates(date, date)) == 0 {
		return model.Invalid(op, map[string]string{"date": fmt.Sprintf("%s does not meet on %s.", s.Title, date.Format("Mon Jan 2"))})
	}
	roster, err := db.GroupRoster(ctx, seriesID)
	if err != nil {
		return err
	}
	enrolled := map[string]bool{}
	for _, r := range roster {
		enrolled[r.ClientID] = true
	}
	p := map[string]string{}
	for i := range marks {
		m := &marks[i]
		if !enrolled[m.ClientID] {
			p[m.ClientID] = "This client is not enrolled in the group."
			continue
		}
		if err := m.Count(s.Minutes); err != nil {
			p[m.ClientID] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:] + "."
		}
	}
	if len(p) > 0 {
		return model.Invalid(op, p)
	}
	var recs []*audit.Record
	for _, m := range marks {
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID = "client.attendance", audit.ActionUpdate, m.ClientID, seriesID
		r.Detail = date.String() + " " + string(m.Status)
		recs = append(recs, &r)
	}
	now := db.Now()
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for _, m := range marks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (series_id, occurrence_date, client_id, status, minutes, late_minutes,
					left_early_minutes, telehealth, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (series_id, occurrence_date, client_id) DO UPDATE SET status = $4, minutes = $5, late_minutes = $6,
					left_early_minutes = $7, telehealth = $8, recorded_by = $9, recorded_at = $10`,
				seriesID, date, m.ClientID, string(m.Status), m.Minutes, m.Late, m.LeftEarly, m.Telehealth, byID, now); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

const markColumns = `SELECT series_id, occurrence_date, client_id, status, minutes, late_minutes, left_early_minutes, telehealth FROM attendance`

func scanMark(s scanner) (intensity.Mark, error) {
	var m intensity.Mark
	var status string
	err := s.Scan(&m.SeriesID, &m.Date, &m.ClientID, &status, &m.Minutes, &m.Late, &m.LeftEarly, &m.Telehealth)
	m.Status = intensity.Status(status)
	return m, err
}

// Attendance returns the marks of one meeting by client.
func (db *DB) Attendance(ctx context.Context, seriesID string, date model.Date) (map[string]intensity.Mark, error) {
	rows, err := db.query(ctx, markColumns+` WHERE series_id = $1 AND occurrence_date = $2`, seriesID, date)
	list, err := collect(rows, err, scanMark)
	if err != nil {
		return nil, model.Wrap("store.Attendance", model.KindInternal, err)
	}
	out := map[string]intensity.Mark{}
	for _, m := range list {
		out[m.ClientID] = m
	}
	return out, nil
}

// ClientMarks lists a client's attendance from a date on, oldest first.
func (db *DB) ClientMarks(ctx context.Context, clientID string, from model.Date) ([]intensity.Mark, error) {
	rows, err := db.query(ctx, markColumns+` WHERE client_id = $1 AND occurrence_date >= $2 ORDER BY occurrence_date, series_id`, clientID, from)
	out, err := collect(rows, err, scanMark)
	return out, model.Wrap("store.ClientMarks", model.KindInternal, err)
}

// AckAlert records that a counselor has seen an alert and what they did.
func (db *DB) AckAlert(ctx context.Context, a intensity.Alert, note, byID string, rec audit.Record) error {
	const op = "store.AckAlert"
	if strings.TrimSpace(note) == "" {
		return model.Invalid(op, map[string]string{"note": "Say what you did (for example: called, left a message)."})
	}
	rec.Category, rec.Action, rec.ClientID, rec.Detail = "client.alert", audit.ActionUpdate, a.ClientID, a.Kind+" acknowledged"
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO alert_acks (client_id, kind, alert_key, note, acked_by, acked_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.ClientID, a.Kind, a.Key, note, byID, db.Now())
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return nil // already acknowledged
	}
	return err
}

// Acked reports which of a client's alerts were acknowledged, as kind|key.
func (db *DB) Acked(ctx context.Context, clientID string) (map[string]bool, error) {
	rows, err := db.query(ctx, `SELECT kind, alert_key FROM alert_acks WHERE client_id = $1`, clientID)
	keys, err := collect(rows, err, func(s scanner) (string, error) {
		var k, v string
		err := s.Scan(&k, &v)
		return k + "|" + v, err
	})
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = true
	}
	return out, model.Wrap("store.Acked", model.KindInternal, err)
}

// GroupServices lists attended group minutes per client and meeting date.
func (db *DB) GroupServices(ctx context.Context, from, to model.Date, clientIDs ...string) ([]intensity.Service, error) {
	args := []any{from, to}
	only := ""
	if len(clientIDs) > 0 {
		in, ids := inList(clientIDs, 2)
		only, args = " AND a.client_id IN ("+in+")", append(args, ids...)
	}
	rows, err := db.query(ctx, `SELECT a.client_id, c.mrn, c.first_name, c.last_name, c.preferred_name, a.occurrence_date, a.minutes, g.type, a.telehealth,
			EXISTS (SELECT 1 FROM group_notes n JOIN group_note_sections x ON x.note_id = n.id
				WHERE n.series_id = a.series_id AND n.occurrence_date = a.occurrence_date AND n.signed_at IS NOT NULL AND x.client_id = a.client_id)
		FROM attendance a JOIN clients c ON c.id = a.client_id JOIN group_series g ON g.id = a.series_id
		WHERE a.occurrence_date BETWEEN $1 AND $2 AND a.minutes > 0`+only+` ORDER BY c.last_name, c.first_name, a.client_id, a.occurrence_date`, args...)
	out, err := collect(rows, err, func(s scanner) (intensity.Service, error) {
		var m intensity.Service
		var c model.Client
		var typ string
		var tele bool
		err := s.Scan(&m.ClientID, &m.MRN, &c.FirstName, &c.LastName, &c.PreferredName, &m.Date, &m.Minutes, &typ, &tele, &m.Documented)
		m.Name, m.What = c.FirstName+" "+c.LastName, "group:"+typ
		if tele {
			m.What += " (telehealth)"
		}
		return m, err
	})
	return out, model.Wrap("store.GroupServices", model.KindInternal, err)
}

// CreateScreen records a drug or alcohol screen.
func (db *DB) CreateScreen(ctx context.Context, s *intensity.Screen, byID string, rec audit.Record) error {
	const op = "store.CreateScreen"
	if err := model.Invalid(op, s.Problems(model.DateOf(db.Now()))); err != nil {
		return err
	}
	results, _ := json.Marshal(s.Results)
	s.ID = model.NewID()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.drug_screen", audit.ActionCreate, s.ClientID, s.ID, s.Outcome
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO drug_screens (id, client_id, screen_date, outcome, specimen, observed, results, prescribed,
				confirmation, response, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			s.ID, s.ClientID, s.Date, s.Outcome, s.Specimen, s.Observed, string(results), s.Prescribed, s.Confirmation, s.Response, byID, db.Now())
		return err
	}, &rec)
}

// Screens lists a client's screens, newest first.
func (db *DB) Screens(ctx context.Context, clientID string) ([]intensity.Screen, error) {
	rows, err := db.query(ctx, `SELECT d.id, d.client_id, d.screen_date, d.outcome, d.specimen, d.observed, d.results, d.prescribed,
			d.confirmation, d.response, u.name
		FROM drug_screens d JOIN users u ON u.id = d.recorded_by WHERE d.client_id = $1 ORDER BY d.screen_date DESC, d.recorded_at DESC`, clientID)
	out, err := collect(rows, err, func(sc scanner) (intensity.Screen, error) {
		var s intensity.Screen
		var results string
		if err := sc.Scan(&s.ID, &s.ClientID, &s.Date, &s.Outcome, &s.Specimen, &s.Observed, &results, &s.Prescribed, &s.Confirmation,
			&s.Response, &s.ByName); err != nil {
			return s, err
		}
		return s, json.Unmarshal([]byte(results), &s.Results)
	})
	return out, model.Wrap("store.Screens", model.KindInternal, err)
}
