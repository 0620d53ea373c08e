package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
)

// raiseSafetyAlert opens a safety alert for a measure that calls for one, in
// the transaction that stores the measure, addressed to the client's
// primary counselor of the active episode (the clinical directors see every
// open alert).
func raiseSafetyAlert(ctx context.Context, tx *sql.Tx, m *care.Measure, now time.Time) (string, error) {
	reason := care.AlertReason(*m)
	if reason == "" {
		return "", nil
	}
	var counselor sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT primary_counselor_id FROM episodes WHERE client_id = $1 AND status = 'active'
		ORDER BY admission_date DESC LIMIT 1`, m.ClientID).Scan(&counselor)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	id := model.NewID()
	_, err = tx.ExecContext(ctx, `INSERT INTO safety_alerts (id, client_id, measure_id, reason, counselor_id, raised_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, m.ClientID, m.ID, reason, nullable(counselor.String), now)
	return id, err
}

// SafetyAlertQuery selects safety alerts. Zero fields do not filter.
type SafetyAlertQuery struct {
	OpenOnly    bool
	ClientID    string
	CounselorID string
	Since       time.Time // raised at or after
	Limit       int       // default 200
}

const safetyAlertSelect = `SELECT a.id, a.client_id, c.first_name || ' ' || c.last_name, a.measure_id, m.instrument, a.reason,
		COALESCE(a.counselor_id, ''), COALESCE(cu.name, ''), a.raised_at, a.responded_at, a.action, a.response,
		COALESCE(a.responded_by, ''), COALESCE(ru.name, '')
	FROM safety_alerts a JOIN clients c ON c.id = a.client_id JOIN measures m ON m.id = a.measure_id
	LEFT JOIN users cu ON cu.id = a.counselor_id LEFT JOIN users ru ON ru.id = a.responded_by`

func scanSafetyAlert(s scanner) (care.SafetyAlert, error) {
	var a care.SafetyAlert
	var at sql.NullTime
	var r care.SafetyResponse
	err := s.Scan(&a.ID, &a.ClientID, &a.ClientName, &a.MeasureID, &a.Instrument, &a.Reason, &a.CounselorID, &a.CounselorName,
		&a.RaisedAt, &at, &r.Action, &r.Note, &r.ByID, &r.ByName)
	if at.Valid {
		r.At = at.Time
		a.Response = &r
	}
	return a, err
}

// SafetyAlerts lists safety alerts, open ones first, newest first within.
func (db *DB) SafetyAlerts(ctx context.Context, q SafetyAlertQuery) ([]care.SafetyAlert, error) {
	where, args := " WHERE a.raised_at >= $1", []any{q.Since.UTC()}
	if q.OpenOnly {
		where += " AND a.responded_at IS NULL"
	}
	if q.ClientID != "" {
		args = append(args, q.ClientID)
		where += " AND a.client_id = " + placeholder(len(args))
	}
	if q.CounselorID != "" {
		args = append(args, q.CounselorID)
		where += " AND a.counselor_id = " + placeholder(len(args))
	}
	if q.Limit <= 0 {
		q.Limit = 200
	}
	args = append(args, q.Limit)
	rows, err := db.query(ctx, safetyAlertSelect+where+` ORDER BY a.responded_at IS NULL DESC, a.raised_at DESC LIMIT `+placeholder(len(args)), args...)
	out, err := collect(rows, err, scanSafetyAlert)
	return out, model.Wrap("store.SafetyAlerts", model.KindInternal, err)
}

// SafetyAlert returns one alert of a client.
func (db *DB) SafetyAlert(ctx context.Context, clientID, id string) (care.SafetyAlert, error) {
	a, err := scanSafetyAlert(db.queryRow(ctx, safetyAlertSelect+` WHERE a.id = $1 AND a.client_id = $2`, id, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, model.NotFound("store.SafetyAlert", "safety alert")
	}
	return a, model.Wrap("store.SafetyAlert", model.KindInternal, err)
}

// SafetyAlertForMeasure returns the alert a measure raised, if it raised one.
func (db *DB) SafetyAlertForMeasure(ctx context.Context, clientID, measureID string) (care.SafetyAlert, bool, error) {
	a, err := scanSafetyAlert(db.queryRow(ctx, safetyAlertSelect+` WHERE a.measure_id = $1 AND a.client_id = $2`, measureID, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, model.Wrap("store.SafetyAlertForMeasure", model.KindInternal, err)
}

// RespondToSafetyAlert records what a clinician did about an open alert. An
// alert is answered once; a second response is a conflict.
func (db *DB) RespondToSafetyAlert(ctx context.Context, clientID, id string, r care.SafetyResponse, rec audit.Record) error {
	const op = "store.RespondToSafetyAlert"
	if err := model.Invalid(op, r.Problems()); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.safety_alert", audit.ActionUpdate, clientID, id
	rec.Detail = "response: " + string(r.Action)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var found int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM safety_alerts WHERE id = $1 AND client_id = $2`, id, clientID).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "safety alert")
		} else if err != nil {
			return err
		}
		return updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "Someone has already recorded a response to this alert."),
			`UPDATE safety_alerts SET responded_at = $1, responded_by = $2, action = $3, response = $4
			WHERE id = $5 AND responded_at IS NULL`, db.Now(), r.ByID, string(r.Action), r.Note, id)
	}, &rec)
}

// CountOpenSafetyAlerts counts open alerts, for one counselor or ("") all.
func (db *DB) CountOpenSafetyAlerts(ctx context.Context, counselorID string) (int, error) {
	var n int
	var err error
	if counselorID == "" {
		err = db.queryRow(ctx, `SELECT COUNT(*) FROM safety_alerts WHERE responded_at IS NULL`).Scan(&n)
	} else {
		err = db.queryRow(ctx, `SELECT COUNT(*) FROM safety_alerts WHERE responded_at IS NULL AND counselor_id = $1`, counselorID).Scan(&n)
	}
	return n, model.Wrap("store.CountOpenSafetyAlerts", model.KindInternal, err)
}

// MeasureSchedules lists the measure schedules of one program, or of every
// program when programID is "".
func (db *DB) MeasureSchedules(ctx context.Context, programID string) ([]care.MeasureSchedule, error) {
	q := `SELECT s.program_id, s.instrument, s.every_days, s.at_admission, s.set_by, u.name, s.set_at
		FROM measure_schedules s JOIN users u ON u.id = s.set_by`
	var args []any
	if programID != "" {
		q += ` WHERE s.program_id = $1`
		args = append(args, programID)
	}
	rows, err := db.query(ctx, q+` ORDER BY s.program_id, s.instrument`, args...)
	out, err := collect(rows, err, func(s scanner) (care.MeasureSchedule, error) {
		var m care.MeasureSchedule
		return m, s.Scan(&m.ProgramID, &m.Instrument, &m.EveryDays, &m.AtAdmission, &m.SetByID, &m.SetByName, &m.SetAt)
	})
	return out, model.Wrap("store.MeasureSchedules", model.KindInternal, err)
}

// SetMeasureSchedule adds an instrument to a program's schedule or changes
// its cadence.
func (db *DB) SetMeasureSchedule(ctx context.Context, s care.MeasureSchedule, rec audit.Record) error {
	const op = "store.SetMeasureSchedule"
	rec.Category, rec.Action, rec.EntityID = "program.measure_schedule", audit.ActionUpdate, s.ProgramID
	rec.Detail = s.Instrument + ": " + s.Cadence()
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM programs WHERE id = $1`, s.ProgramID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return model.NotFound(op, "program")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO measure_schedules (program_id, instrument, every_days, at_admission, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (program_id, instrument) DO UPDATE SET every_days = excluded.every_days,
				at_admission = excluded.at_admission, set_by = excluded.set_by, set_at = excluded.set_at`,
			s.ProgramID, s.Instrument, s.EveryDays, s.AtAdmission, s.SetByID, db.Now())
		return err
	}, &rec)
}

// RemoveMeasureSchedule takes an instrument off a program's schedule.
// Assignments already made stay.
func (db *DB) RemoveMeasureSchedule(ctx context.Context, programID, instrumentCode string, rec audit.Record) error {
	const op = "store.RemoveMeasureSchedule"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.measure_schedule", audit.ActionDelete, programID, instrumentCode+" removed"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound(op, "scheduled measure"),
			`DELETE FROM measure_schedules WHERE program_id = $1 AND instrument = $2`, programID, instrumentCode)
	}, &rec)
}

// ScheduledEpisodes returns the active episodes in programs that have a
// measure schedule, with when each client last took each instrument and the
// latest due date the schedule already assigned.
func (db *DB) ScheduledEpisodes(ctx context.Context) ([]care.ScheduledEpisode, error) {
	const op = "store.ScheduledEpisodes"
	rows, err := db.query(ctx, `SELECT e.client_id, e.program_id, e.admission_date FROM episodes e
		WHERE e.status = 'active' AND e.program_id IN (SELECT program_id FROM measure_schedules)
		ORDER BY e.client_id`)
	eps, err := collect(rows, err, func(s scanner) (care.ScheduledEpisode, error) {
		ep := care.ScheduledEpisode{LastGiven: map[string]model.Date{}, LastScheduled: map[string]model.Date{}}
		return ep, s.Scan(&ep.ClientID, &ep.ProgramID, &ep.Admitted)
	})
	if err != nil || len(eps) == 0 {
		return eps, model.Wrap(op, model.KindInternal, err)
	}
	index := make(map[string]int, len(eps))
	for i, ep := range eps {
		index[ep.ClientID] = i
	}
	// Both lists are per client and instrument over the active episodes only.
	for _, part := range []struct {
		query string
		into  func(ep *care.ScheduledEpisode) map[string]model.Date
	}{
		{`SELECT m.client_id, m.instrument, MAX(m.administered_on) FROM measures m
			JOIN episodes e ON e.client_id = m.client_id AND e.status = 'active' GROUP BY m.client_id, m.instrument`,
			func(ep *care.ScheduledEpisode) map[string]model.Date { return ep.LastGiven }},
		{`SELECT a.client_id, a.instrument, MAX(a.due_on) FROM measure_assignments a
			JOIN episodes e ON e.client_id = a.client_id AND e.status = 'active' WHERE a.scheduled GROUP BY a.client_id, a.instrument`,
			func(ep *care.ScheduledEpisode) map[string]model.Date { return ep.LastScheduled }},
	} {
		rows, err := db.query(ctx, part.query)
		if err != nil {
			return nil, model.Wrap(op, model.KindInternal, err)
		}
		for rows.Next() {
			var client, code string
			var on model.Date
			if err := rows.Scan(&client, &code, &on); err != nil {
				rows.Close()
				return nil, model.Wrap(op, model.KindInternal, err)
			}
			if i, ok := index[client]; ok {
				part.into(&eps[i])[code] = on
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, model.Wrap(op, model.KindInternal, err)
		}
	}
	return eps, nil
}

// AddScheduledAssignments stores the assignments a measure schedule made,
// each with its audit record, and returns how many were new: one already
// made for the same client, instrument and due date (by another replica, or
// an earlier run) is skipped, so running the job twice assigns nothing twice.
func (db *DB) AddScheduledAssignments(ctx context.Context, list []care.Assignment, rec audit.Record) (int, error) {
	const op = "store.AddScheduledAssignments"
	added := 0
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		added = 0
		now := db.Now()
		var recs []audit.Record
		for i := range list {
			a := &list[i]
			a.ID, a.At, a.Scheduled = model.NewID(), now, true
			res, err := tx.ExecContext(ctx, `INSERT INTO measure_assignments (id, client_id, instrument, due_on, note, assigned_by, assigned_at, scheduled)
				VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE) ON CONFLICT DO NOTHING`, a.ID, a.ClientID, a.Instrument, a.DueOn, a.Note, a.ByID, a.At)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				added++
				r := rec
				r.Category, r.Action, r.ClientID, r.EntityID = "client.measure", audit.ActionCreate, a.ClientID, a.ID
				r.Detail = "assigned " + a.Instrument + " by the program schedule"
				recs = append(recs, r)
			}
		}
		if len(recs) == 0 {
			return nil
		}
		return appendAudit(ctx, tx, recs)
	})
	return added, err
}

// DueMeasure is an open assignment due by a date, for the measures-due list.
type DueMeasure struct {
	care.Assignment
	ClientName    string
	CounselorName string
}

// MeasuresDue lists open assignments due on or before by for clients in
// active care, for one counselor's caseload or ("") everyone, soonest first.
func (db *DB) MeasuresDue(ctx context.Context, by model.Date, counselorID string) ([]DueMeasure, error) {
	q := `SELECT a.id, a.client_id, a.instrument, a.due_on, a.note, a.scheduled, c.first_name || ' ' || c.last_name, COALESCE(u.name, '')
		FROM measure_assignments a JOIN clients c ON c.id = a.client_id
		JOIN episodes e ON e.client_id = a.client_id AND e.status = 'active'
		LEFT JOIN users u ON u.id = e.primary_counselor_id
		WHERE a.completed_measure_id IS NULL AND a.cancelled_at IS NULL AND a.due_on <= $1`
	args := []any{by}
	if counselorID != "" {
		q += ` AND e.primary_counselor_id = $2`
		args = append(args, counselorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY a.due_on, c.last_name, c.first_name, a.instrument LIMIT 500`, args...)
	out, err := collect(rows, err, func(s scanner) (DueMeasure, error) {
		var d DueMeasure
		return d, s.Scan(&d.ID, &d.ClientID, &d.Instrument, &d.DueOn, &d.Note, &d.Scheduled, &d.ClientName, &d.CounselorName)
	})
	return out, model.Wrap("store.MeasuresDue", model.KindInternal, err)
}

// ScoreChange is a client's first and latest total on an instrument in
// their current episode.
type ScoreChange struct {
	Instrument    string
	First, Latest int
	Count         int
}

// ScoreChanges returns, for the clients named, the first and latest totals
// of each of the instruments in their current episode, in one query: for a
// caseload list.
func (db *DB) ScoreChanges(ctx context.Context, clientIDs, instruments []string) (map[string][]ScoreChange, error) {
	const op = "store.ScoreChanges"
	out := map[string][]ScoreChange{}
	if len(clientIDs) == 0 || len(instruments) == 0 {
		return out, nil
	}
	clients, args := inList(clientIDs, 0)
	ins, more := inList(instruments, len(clientIDs))
	rows, err := db.query(ctx, `SELECT m.client_id, m.instrument, m.total FROM measures m JOIN clients c ON c.id = m.client_id
		WHERE m.client_id IN (`+clients+`) AND m.instrument IN (`+ins+`) AND m.episode_id = c.current_episode_id
		ORDER BY m.client_id, m.instrument, m.administered_on, m.created_at`, append(args, more...)...)
	type row struct {
		client, instrument string
		total              int
	}
	list, err := collect(rows, err, func(s scanner) (row, error) {
		var x row
		return x, s.Scan(&x.client, &x.instrument, &x.total)
	})
	if err != nil {
		return nil, model.Wrap(op, model.KindInternal, err)
	}
	for _, x := range list {
		changes := out[x.client]
		if n := len(changes); n > 0 && changes[n-1].Instrument == x.instrument {
			changes[n-1].Latest, changes[n-1].Count = x.total, changes[n-1].Count+1
			continue
		}
		out[x.client] = append(changes, ScoreChange{Instrument: x.instrument, First: x.total, Latest: x.total, Count: 1})
	}
	return out, nil
}
