package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
)

// Organization returns the center's settings, or a not-found error before
// any are saved.
func (db *DB) Organization(ctx context.Context) (model.Organization, error) {
	var o model.Organization
	err := db.queryRow(ctx, `SELECT name, phone, email, address, hours, time_zone, website FROM organization WHERE id = 1`).
		Scan(&o.Name, &o.Phone, &o.Email, &o.Address, &o.Hours, &o.TimeZone, &o.Website)
	if errors.Is(err, sql.ErrNoRows) {
		return o, model.NotFound("store.Organization", "organization settings")
	}
	return o, model.Wrap("store.Organization", model.KindInternal, err)
}

// SaveOrganization creates or replaces the center's settings.
func (db *DB) SaveOrganization(ctx context.Context, o model.Organization, rec audit.Record) error {
	rec.Category, rec.Action = "settings.organization", audit.ActionUpdate
	return db.write(ctx, "store.SaveOrganization", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO organization (id, name, phone, email, address, hours, time_zone, website, updated_at)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET name = $1, phone = $2, email = $3, address = $4, hours = $5, time_zone = $6,
				website = $7, updated_at = $8`,
			o.Name, o.Phone, o.Email, o.Address, o.Hours, o.TimeZone, o.Website, db.Now())
		return err
	}, &rec)
}

// CreateSite adds a site, assigning its id.
func (db *DB) CreateSite(ctx context.Context, s *model.Site, rec audit.Record) error {
	s.ID = model.NewID()
	rec.Category, rec.Action, rec.EntityID = "program.site", audit.ActionCreate, s.ID
	return db.write(ctx, "store.CreateSite", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, address, phone, time_zone, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.ID, s.Name, s.Address, s.Phone, s.TimeZone, db.Now())
		return err
	}, &rec)
}

// Sites lists the sites by name.
func (db *DB) Sites(ctx context.Context) ([]model.Site, error) {
	rows, err := db.query(ctx, `SELECT id, name, address, phone, time_zone FROM sites ORDER BY name`)
	if err != nil {
		return nil, model.Wrap("store.Sites", model.KindInternal, err)
	}
	defer rows.Close()
	var out []model.Site
	for rows.Next() {
		var s model.Site
		if err := rows.Scan(&s.ID, &s.Name, &s.Address, &s.Phone, &s.TimeZone); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateProgram adds a program, assigning its id.
func (db *DB) CreateProgram(ctx context.Context, p *model.Program, rec audit.Record) error {
	p.ID = model.NewID()
	if p.ReviewIntervalDays == 0 {
		p.ReviewIntervalDays = model.DefaultReviewIntervalDays
	}
	if p.Accountability == (model.Accountability{}) {
		p.Accountability = model.DefaultAccountability
	}
	if p.PlanInitialDays == 0 {
		p.PlanInitialDays = plan.DefaultInitialDays
	}
	if p.PlanReviewDays == 0 {
		p.PlanReviewDays = plan.DefaultReviewDays
	}
	rec.Category, rec.Action, rec.EntityID = "program.program", audit.ActionCreate, p.ID
	return db.write(ctx, "store.CreateProgram", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO programs (id, site_id, name, population, level_of_care, min_weekly_minutes, description,
				review_interval_days, absence_alert_count, idle_alert_days, per_diem_minutes, cosign_required, created_at,
				plan_initial_days, plan_review_days, auth_alert_units, auth_alert_days, individual_sessions)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			p.ID, p.SiteID, p.Name, string(p.Population), string(p.LevelOfCare), p.MinWeeklyMinutes, p.Description,
			p.ReviewIntervalDays, p.AbsenceAlerts, p.IdleAlertDays, p.PerDiemMinutes, p.CoSignRequired, db.Now(),
			p.PlanInitialDays, p.PlanReviewDays, p.AuthAlertUnits, p.AuthAlertDays, p.IndividualSessions)
		return err
	}, &rec)
}

// Programs lists the programs by name.
func (db *DB) Programs(ctx context.Context) ([]model.Program, error) {
	rows, err := db.query(ctx, `SELECT `+programColumns+` FROM programs ORDER BY name`)
	if err != nil {
		return nil, model.Wrap("store.Programs", model.KindInternal, err)
	}
	defer rows.Close()
	var out []model.Program
	for rows.Next() {
		var p model.Program
		var pop, loc string
		if err := rows.Scan(programFields(&p, &pop, &loc)...); err != nil {
			return nil, err
		}
		p.Population, p.LevelOfCare = model.Population(pop), model.LevelOfCare(loc)
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreateTrack adds a track after validating it, assigning its id.
func (db *DB) CreateTrack(ctx context.Context, t *model.Track, rec audit.Record) error {
	if err := model.Invalid("store.CreateTrack", t.Problems()); err != nil {
		return err
	}
	t.ID = model.NewID()
	rec.Category, rec.Action, rec.EntityID = "program.track", audit.ActionCreate, t.ID
	return db.write(ctx, "store.CreateTrack", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tracks (id, program_id, name, kind, days, start_minute, end_minute, room, capacity, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			t.ID, t.ProgramID, t.Name, string(t.Kind), model.EncodeDays(t.Days), int(t.Start), int(t.End), t.Room, t.Capacity, db.Now())
		return err
	}, &rec)
}

// TrackWithCount is a track with its program and how many clients are
// currently enrolled in it.
type TrackWithCount struct {
	model.Track
	ProgramName string
	Population  model.Population
	Enrolled    int
}

// Tracks lists every track with its program name and current enrolment, by
// program and start time. It shows counts only, never names.
func (db *DB) Tracks(ctx context.Context) ([]TrackWithCount, error) {
	rows, err := db.query(ctx, `SELECT t.id, t.program_id, t.name, t.kind, t.days, t.start_minute, t.end_minute, t.room, t.capacity,
			p.name, p.population,
			(SELECT COUNT(*) FROM episodes e WHERE e.track_id = t.id AND e.status = 'active')
		FROM tracks t JOIN programs p ON p.id = t.program_id
		ORDER BY p.name, t.start_minute, t.name`)
	if err != nil {
		return nil, model.Wrap("store.Tracks", model.KindInternal, err)
	}
	defer rows.Close()
	var out []TrackWithCount
	for rows.Next() {
		var t TrackWithCount
		var kind, days, pop string
		var start, end int
		if err := rows.Scan(&t.ID, &t.ProgramID, &t.Name, &kind, &days, &start, &end, &t.Room, &t.Capacity,
			&t.ProgramName, &pop, &t.Enrolled); err != nil {
			return nil, err
		}
		t.Kind, t.Start, t.End, t.Population = model.TrackKind(kind), model.ClockTime(start), model.ClockTime(end), model.Population(pop)
		if t.Days, err = model.DecodeDays(days); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

const programColumns = `id, site_id, name, population, level_of_care, min_weekly_minutes, description, review_interval_days,
	absence_alert_count, idle_alert_days, per_diem_minutes, cosign_required, plan_initial_days, plan_review_days, auth_alert_units, auth_alert_days, individual_sessions`

// programFields are the scan targets of programColumns.
func programFields(p *model.Program, pop, loc *string) []any {
	return []any{&p.ID, &p.SiteID, &p.Name, pop, loc, &p.MinWeeklyMinutes, &p.Description, &p.ReviewIntervalDays,
		&p.AbsenceAlerts, &p.IdleAlertDays, &p.PerDiemMinutes, &p.CoSignRequired, &p.PlanInitialDays, &p.PlanReviewDays, &p.AuthAlertUnits, &p.AuthAlertDays, &p.IndividualSessions}
}

// SetAccountability changes a program's weekly minimum and what it counts
// for alerts, billing and co-signature. Alerts and reports use the new
// settings from now on; nothing already recorded changes.
func (db *DB) SetAccountability(ctx context.Context, programID string, minWeekly int, a model.Accountability, rec audit.Record) error {
	const op = "store.SetAccountability"
	if err := model.Invalid(op, model.Program{MinWeeklyMinutes: minWeekly, Accountability: a}.AccountabilityProblems()); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.EntityID = "program.program", audit.ActionUpdate, programID
	rec.Detail = fmt.Sprintf("weekly minimum %d min; alerts after %d absences or %d idle days; billable day %d min; co-signature %t; authorization alert at %d units or %d days; %d individual sessions a week",
		minWeekly, a.AbsenceAlerts, a.IdleAlertDays, a.PerDiemMinutes, a.CoSignRequired, a.AuthAlertUnits, a.AuthAlertDays, a.IndividualSessions)
	return db.updateProgram(ctx, op, rec, `UPDATE programs SET min_weekly_minutes = $1, absence_alert_count = $2, idle_alert_days = $3,
			per_diem_minutes = $4, cosign_required = $5, auth_alert_units = $6, auth_alert_days = $7, individual_sessions = $8 WHERE id = $9`,
		minWeekly, a.AbsenceAlerts, a.IdleAlertDays, a.PerDiemMinutes, a.CoSignRequired, a.AuthAlertUnits, a.AuthAlertDays, a.IndividualSessions, programID)
}

// updateProgram runs one UPDATE of a program's settings with its audit
// record; a program that does not exist is not found.
func (db *DB) updateProgram(ctx context.Context, op string, rec audit.Record, query string, args ...any) error {
	return db.write(ctx, op, func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound(op, "program"), query, args...)
	}, &rec)
}

// PerDiemSpans returns, by client, the per-diem rules of their episodes that
// overlap the dates, oldest admission first.
func (db *DB) PerDiemSpans(ctx context.Context, from, to model.Date, clientIDs ...string) (map[string][]intensity.PerDiemSpan, error) {
	args, only := []any{to, from}, ""
	if len(clientIDs) > 0 {
		in, ids := inList(clientIDs, 2)
		only, args = " AND e.client_id IN ("+in+")", append(args, ids...)
	}
	rows, err := db.query(ctx, `SELECT e.client_id, e.admission_date, e.discharge_date, p.per_diem_minutes FROM episodes e
		JOIN programs p ON p.id = e.program_id
		WHERE e.admission_date <= $1 AND (e.discharge_date IS NULL OR e.discharge_date >= $2)`+only+` ORDER BY e.admission_date, e.id`, args...)
	type row struct {
		client string
		span   intensity.PerDiemSpan
	}
	list, err := collect(rows, err, func(s scanner) (row, error) {
		var r row
		var discharged *model.Date
		err := s.Scan(&r.client, &r.span.From, &discharged, &r.span.Minutes)
		if discharged != nil {
			r.span.To = *discharged
		}
		return r, err
	})
	if err != nil {
		return nil, model.Wrap("store.PerDiemSpans", model.KindInternal, err)
	}
	out := map[string][]intensity.PerDiemSpan{}
	for _, r := range list {
		out[r.client] = append(out[r.client], r.span)
	}
	return out, nil
}

// countsByID runs a query of (id, number) rows into a map; a later row for
// the same id wins.
func (db *DB) countsByID(ctx context.Context, op, query string, args ...any) (map[string]int, error) {
	type pair struct {
		id string
		n  int
	}
	rows, err := db.query(ctx, query, args...)
	list, err := collect(rows, err, func(s scanner) (pair, error) {
		var p pair
		return p, s.Scan(&p.id, &p.n)
	})
	if err != nil {
		return nil, model.Wrap(op, model.KindInternal, err)
	}
	out := make(map[string]int, len(list))
	for _, p := range list {
		out[p.id] = p.n
	}
	return out, nil
}
