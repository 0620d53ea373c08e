package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/outcomes"
)

// OutcomeFilter selects what the outcomes page counts: a period, and
// optionally one program, one track (the episode's current track) and one
// payer type.
type OutcomeFilter struct {
	From, To           model.Date
	ProgramID, TrackID string
	// Payer is a cost.Payer, outcomes.NoPayer for episodes with none
	// recorded, or "" for every episode. An episode's payer type is its
	// client's primary coverage on the day of admission, else the payer named
	// on the client's inquiry.
	Payer string
}

// OutcomeRows reads the rows the outcomes figures need: the episodes in care
// in the period or admitted since outcomes.Since(From) (for retention), and
// their clients' attendance, drug screens, PHQ-9 and GAD-7 scores and
// level-of-care changes. Aggregates are left to internal/outcomes; the rows
// carry no names.
func (db *DB) OutcomeRows(ctx context.Context, f OutcomeFilter) (outcomes.Input, error) {
	const op = "store.OutcomeRows"
	in := outcomes.Input{From: f.From, To: f.To}
	where := `e.admission_date <= $2 AND (e.discharge_date IS NULL OR e.discharge_date >= $1 OR e.admission_date >= $3)`
	args := []any{f.From, f.To, outcomes.Since(f.From)}
	if f.ProgramID != "" {
		args = append(args, f.ProgramID)
		where += " AND e.program_id = $" + strconv.Itoa(len(args))
	}
	if f.TrackID != "" {
		args = append(args, f.TrackID)
		where += " AND e.track_id = $" + strconv.Itoa(len(args))
	}
	clientsOf := `(SELECT e.client_id FROM episodes e WHERE ` + where + `)`

	// The inquiry that led to each client's admission: the latest marked admitted.
	type inquiry struct {
		at    time.Time
		payer string
	}
	inquiries := map[string]inquiry{}
	rows, err := db.query(ctx, `SELECT q.client_id, q.created_at, q.payer, q.status FROM inquiries q
		WHERE q.client_id IN `+clientsOf+` ORDER BY q.created_at`, args...)
	_, err = collect(rows, err, func(s scanner) (struct{}, error) {
		var id, payer, status string
		var at time.Time
		if err := s.Scan(&id, &at, &payer, &status); err != nil {
			return struct{}{}, err
		}
		q := inquiries[id]
		if status == "admitted" {
			q.at = at
		}
		if payer != "" {
			q.payer = payer
		}
		inquiries[id] = q
		return struct{}{}, nil
	})
	if err != nil {
		return in, model.Wrap(op, model.KindInternal, err)
	}

	rows, err = db.query(ctx, `SELECT e.id, e.client_id, e.program_id, e.track_id, e.admission_date, e.discharge_date,
			d.discharge_type, p.min_weekly_minutes,
			(SELECT py.type FROM coverages cv JOIN payers py ON py.id = cv.payer_id
				WHERE cv.client_id = e.client_id AND cv.priority = 'primary' AND cv.starts_on <= e.admission_date
					AND (cv.ends_on IS NULL OR cv.ends_on >= e.admission_date)
				ORDER BY cv.starts_on DESC, cv.id LIMIT 1)
		FROM episodes e JOIN programs p ON p.id = e.program_id LEFT JOIN discharges d ON d.episode_id = e.id
		WHERE `+where+` ORDER BY e.admission_date, e.id`, args...)
	episodes, err := collect(rows, err, func(s scanner) (outcomes.Episode, error) {
		var e outcomes.Episode
		var payer string
		err := s.Scan(&e.ID, &e.ClientID, &e.ProgramID, nullString{&e.TrackID}, &e.Admitted, &e.Discharged,
			nullString{&e.DischargeType}, &e.MinWeeklyMinutes, nullString{&payer})
		q := inquiries[e.ClientID]
		if payer == "" {
			payer = q.payer
		}
		e.Payer, e.InquiredAt = payer, q.at
		return e, err
	})
	if err != nil {
		return in, model.Wrap(op, model.KindInternal, err)
	}
	for _, e := range episodes {
		switch {
		case f.Payer == "", f.Payer == e.Payer, f.Payer == outcomes.NoPayer && e.Payer == "":
			in.Episodes = append(in.Episodes, e)
		}
	}

	period := append([]any{}, args...)
	rows, err = db.query(ctx, `SELECT a.client_id, a.occurrence_date, a.status, a.minutes FROM attendance a
		WHERE a.occurrence_date BETWEEN $1 AND $2 AND a.client_id IN `+clientsOf, period...)
	in.Marks, err = collect(rows, err, func(s scanner) (outcomes.Mark, error) {
		var m outcomes.Mark
		return m, s.Scan(&m.ClientID, &m.Date, &m.Status, &m.Minutes)
	})
	if err != nil {
		return in, model.Wrap(op, model.KindInternal, err)
	}

	rows, err = db.query(ctx, `SELECT s.client_id, s.screen_date, s.outcome, s.results FROM drug_screens s
		WHERE s.screen_date BETWEEN $1 AND $2 AND s.client_id IN `+clientsOf, period...)
	in.Screens, err = collect(rows, err, func(sc scanner) (outcomes.Screen, error) {
		var s outcomes.Screen
		var outcome, results string
		if err := sc.Scan(&s.ClientID, &s.Date, &outcome, &results); err != nil {
			return s, err
		}
		var r map[string]string
		if err := json.Unmarshal([]byte(results), &r); err != nil {
			return s, err
		}
		s.Negative = outcomes.NegativeScreen(outcome, r)
		return s, nil
	})
	if err != nil {
		return in, model.Wrap(op, model.KindInternal, err)
	}

	rows, err = db.query(ctx, `SELECT m.client_id, m.instrument, m.administered_on, m.total FROM measures m
		WHERE m.instrument IN ('phq-9', 'gad-7') AND m.administered_on <= $2 AND m.client_id IN `+clientsOf, period...)
	in.Scores, err = collect(rows, err, func(s scanner) (outcomes.Score, error) {
		var m outcomes.Score
		return m, s.Scan(&m.ClientID, &m.Instrument, &m.Date, &m.Total)
	})
	if err != nil {
		return in, model.Wrap(op, model.KindInternal, err)
	}

	rows, err = db.query(ctx, `SELECT ev.episode_id, ev.kind, ev.event_date FROM episode_events ev JOIN episodes e ON e.id = ev.episode_id
		WHERE ev.kind IN ('step_down', 'step_up') AND ev.event_date BETWEEN $1 AND $2 AND `+where, period...)
	in.Changes, err = collect(rows, err, func(s scanner) (outcomes.Change, error) {
		var c outcomes.Change
		return c, s.Scan(&c.EpisodeID, &c.Kind, &c.Date)
	})
	return in, model.Wrap(op, model.KindInternal, err)
}
