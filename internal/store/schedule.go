package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

// querier is what both the read pool and a transaction can do, so a booking
// can read its conflicts inside its own transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// lockResources takes the lock row of each resource (a clinician, a room, a
// client, a group) in a fixed order, so concurrent bookings of the same
// resource take turns: on PostgreSQL the row lock is held to commit; on
// SQLite the single writer already serializes them.
func lockResources(ctx context.Context, tx *sql.Tx, resources ...string) error {
	seen := map[string]bool{}
	var list []string
	for _, r := range resources {
		if r != "" && !seen[r] {
			seen[r] = true
			list = append(list, r)
		}
	}
	sortStrings(list)
	for _, r := range list {
		if _, err := tx.ExecContext(ctx, `INSERT INTO schedule_locks (resource, version) VALUES ($1, 1)
			ON CONFLICT (resource) DO UPDATE SET version = schedule_locks.version + 1`, r); err != nil {
			return err
		}
	}
	return nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

const seriesColumns = `SELECT g.id, g.track_id, g.title, g.type, g.rrule, g.first_date, g.until_date, g.start_minute, g.minutes,
		g.facilitator_id, g.co_facilitator_id, g.room, g.telehealth_url, g.min_capacity, g.max_capacity, g.open_cohort, g.version,
		u.name, t.name,
		(SELECT COUNT(*) FROM series_enrolments e WHERE e.series_id = g.id AND e.status = 'enrolled'),
		(SELECT COUNT(*) FROM series_enrolments e WHERE e.series_id = g.id AND e.status = 'waitlisted')
	FROM group_series g JOIN users u ON u.id = g.facilitator_id JOIN tracks t ON t.id = g.track_id`

func loadSeries(ctx context.Context, q querier, where string, args ...any) ([]schedule.Series, error) {
	rows, err := q.QueryContext(ctx, seriesColumns+" "+where+" ORDER BY g.start_minute, g.title, g.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schedule.Series
	for rows.Next() {
		var s schedule.Series
		var typ, rrule string
		var from, until model.Date
		var start int
		if err := rows.Scan(&s.ID, &s.TrackID, &s.Title, &typ, &rrule, &from, &until, &start, &s.Minutes, &s.FacilitatorID,
			nullString{&s.CoFacilitatorID}, &s.Room, &s.TelehealthURL, &s.MinCapacity, &s.MaxCapacity, &s.OpenCohort, &s.Version,
			&s.FacilitatorName, &s.TrackName, &s.Enrolled, &s.Waitlisted); err != nil {
			return nil, err
		}
		r, err := schedule.ParseRRule(rrule, from)
		if err != nil {
			return nil, fmt.Errorf("series %s has a bad stored rule: %w", s.ID, err)
		}
		s.Type, s.Start, s.Recurrence = schedule.GroupType(typ), model.ClockTime(start), r
		out = append(out, s)
	}
	return out, rows.Err()
}

// SeriesFilter narrows a list of series; empty fields do not filter.
type SeriesFilter struct {
	TrackID, FacilitatorID, Room, ClientID string
}

// ListSeries lists group series.
func (db *DB) ListSeries(ctx context.Context, f SeriesFilter) ([]schedule.Series, error) {
	var conds []string
	var args []any
	add := func(cond string, v string) {
		if v != "" {
			args = append(args, v)
			conds = append(conds, fmt.Sprintf(cond, len(args)))
		}
	}
	add("g.track_id = $%d", f.TrackID)
	add("(g.facilitator_id = $%[1]d OR g.co_facilitator_id = $%[1]d)", f.FacilitatorID)
	add("g.room = $%d", f.Room)
	add("g.id IN (SELECT series_id FROM series_enrolments WHERE client_id = $%d AND status = 'enrolled')", f.ClientID)
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	out, err := loadSeries(ctx, db.r, where, args...)
	return out, model.Wrap("store.ListSeries", model.KindInternal, err)
}

// Series returns one group series.
func (db *DB) Series(ctx context.Context, id string) (schedule.Series, error) {
	list, err := loadSeries(ctx, db.r, "WHERE g.id = $1", id)
	if err != nil {
		return schedule.Series{}, model.Wrap("store.Series", model.KindInternal, err)
	}
	if len(list) == 0 {
		return schedule.Series{}, model.NotFound("store.Series", "group")
	}
	return list[0], nil
}

// CreateSeries adds a recurring group to a track. A group that would meet
// at the same time as another in the same track, with the same facilitator
// or in the same room is refused, naming the other group.
func (db *DB) CreateSeries(ctx context.Context, s *schedule.Series, rec audit.Record) error {
	const op = "store.CreateSeries"
	if err := model.Invalid(op, s.Problems()); err != nil {
		return err
	}
	s.ID, s.Version = model.NewID(), 1
	now := db.Now()
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.series", audit.ActionCreate, s.ID, s.Title
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "track:"+s.TrackID, "user:"+s.FacilitatorID, userLock(s.CoFacilitatorID), roomLock(s.Room)); err != nil {
			return err
		}
		others, err := loadSeries(ctx, tx, `WHERE g.track_id = $1 OR g.facilitator_id = $2 OR g.co_facilitator_id = $2
			OR ($3 <> '' AND g.room = $3)`, s.TrackID, s.FacilitatorID, s.Room)
		if err != nil {
			return err
		}
		p := map[string]string{}
		for _, o := range others {
			if !schedule.Overlap(*s, o) {
				continue
			}
			when := fmt.Sprintf("%q (%s %s-%s)", o.Title, dayList(o.Recurrence.Days), o.Start.Label(), o.End().Label())
			switch {
			case o.TrackID == s.TrackID:
				p["start"] = "This overlaps " + when + " in the same track."
			case o.FacilitatorID == s.FacilitatorID || o.CoFacilitatorID == s.FacilitatorID:
				p["facilitator_id"] = "The facilitator already leads " + when + " at that time."
			case s.Room != "" && o.Room == s.Room:
				p["room"] = "Room " + s.Room + " is already used by " + when + " at that time."
			}
		}
		if len(p) > 0 {
			return model.Invalid(op, p)
		}
		var until any
		if !s.Recurrence.Until.IsZero() {
			until = s.Recurrence.Until
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO group_series (id, track_id, title, type, rrule, first_date, until_date, start_minute,
				minutes, facilitator_id, co_facilitator_id, room, telehealth_url, min_capacity, max_capacity, open_cohort, version,
				created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17)`,
			s.ID, s.TrackID, s.Title, string(s.Type), s.Recurrence.RRule(), s.Recurrence.From, until, int(s.Start), s.Minutes,
			s.FacilitatorID, nullable(s.CoFacilitatorID), s.Room, s.TelehealthURL, s.MinCapacity, s.MaxCapacity, s.OpenCohort, now)
		return err
	}, &rec)
}

func userLock(id string) string {
	if id == "" {
		return ""
	}
	return "user:" + id
}

func roomLock(room string) string {
	if room == "" {
		return ""
	}
	return "room:" + strings.ToLower(strings.TrimSpace(room))
}

func dayList(days []time.Weekday) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = d.String()[:3]
	}
	return strings.Join(names, "/")
}

// SetException cancels or moves one occurrence and bumps the series'
// version so calendar feeds send the change.
func (db *DB) SetException(ctx context.Context, e schedule.Exception, byID string, rec audit.Record) error {
	const op = "store.SetException"
	rec.Category, rec.Action, rec.EntityID = "program.series", audit.ActionUpdate, e.SeriesID
	rec.Detail = "occurrence " + e.Date.String() + " cancelled"
	var newDate, newStart any
	if !e.Cancelled {
		newDate, newStart = e.NewDate, int(e.NewStart)
		rec.Detail = "occurrence " + e.Date.String() + " moved to " + e.NewDate.String()
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO series_exceptions (series_id, original_date, cancelled, new_date, new_start_minute,
				reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (series_id, original_date) DO UPDATE SET cancelled = $3, new_date = $4, new_start_minute = $5, reason = $6,
				created_by = $7, created_at = $8`,
			e.SeriesID, e.Date, e.Cancelled, newDate, newStart, e.Reason, byID, db.Now()); err != nil {
			return err
		}
		if err := bumpSeries(ctx, tx, e.SeriesID, db.Now()); err != nil {
			return err
		}
		// Tell the facilitators; clients see it in their calendar feeds (and
		// in the portal, once it exists).
		var title, track, lead string
		var co sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT title, track_id, facilitator_id, co_facilitator_id FROM group_series WHERE id = $1`,
			e.SeriesID).Scan(&title, &track, &lead, &co); err != nil {
			return err
		}
		text := title + " on " + e.Date.Format("Mon Jan 2") + " is cancelled"
		if !e.Cancelled {
			text = title + " on " + e.Date.Format("Mon Jan 2") + " moves to " + e.NewDate.Format("Mon Jan 2") + " at " + e.NewStart.Label()
		}
		if e.Reason != "" {
			text += ": " + e.Reason
		}
		return notifyAll(ctx, tx, db.Now(), []string{lead, co.String}, text, "/program/tracks/"+track)
	}, &rec)
}

func bumpSeries(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE group_series SET version = version + 1, updated_at = $1 WHERE id = $2`, now, id)
	return err
}

// Exceptions lists every series exception.
func (db *DB) Exceptions(ctx context.Context) ([]schedule.Exception, error) {
	rows, err := db.query(ctx, `SELECT series_id, original_date, cancelled, new_date, new_start_minute, reason FROM series_exceptions`)
	if err != nil {
		return nil, model.Wrap("store.Exceptions", model.KindInternal, err)
	}
	defer rows.Close()
	var out []schedule.Exception
	for rows.Next() {
		var e schedule.Exception
		var start sql.NullInt64
		if err := rows.Scan(&e.SeriesID, &e.Date, &e.Cancelled, &e.NewDate, &start, &e.Reason); err != nil {
			return nil, err
		}
		e.NewStart = model.ClockTime(start.Int64)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddClosure closes the center on a day.
func (db *DB) AddClosure(ctx context.Context, c schedule.Closure, byID string, rec audit.Record) error {
	const op = "store.AddClosure"
	if c.Date.IsZero() || strings.TrimSpace(c.Reason) == "" {
		return model.Invalid(op, map[string]string{"date": "Enter the date and the reason for the closure."})
	}
	rec.Category, rec.Action, rec.Detail = "program.closure", audit.ActionCreate, c.Date.String()+" "+c.Reason
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO closures (closure_date, reason, created_by, created_at) VALUES ($1, $2, $3, $4)`,
			c.Date, c.Reason, byID, db.Now())
		if err != nil {
			return err
		}
		// Every group's feed must send the cancellation.
		_, err = tx.ExecContext(ctx, `UPDATE group_series SET version = version + 1`)
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return model.Invalid(op, map[string]string{"date": "The center is already closed that day."})
	}
	return err
}

// Closures lists the center's closures.
func (db *DB) Closures(ctx context.Context) ([]schedule.Closure, error) {
	return closuresIn(ctx, db.r)
}

func closuresIn(ctx context.Context, q querier) ([]schedule.Closure, error) {
	rows, err := q.QueryContext(ctx, `SELECT closure_date, reason FROM closures ORDER BY closure_date`)
	out, err := collect(rows, err, func(s scanner) (schedule.Closure, error) {
		var c schedule.Closure
		return c, s.Scan(&c.Date, &c.Reason)
	})
	return out, model.Wrap("store.Closures", model.KindInternal, err)
}

// Enrolment is a client's place in a group.
type Enrolment struct {
	Series     schedule.Series
	Status     string    // enrolled or waitlisted
	EnrolledAt time.Time // when the client joined the group or its waitlist
}

// Enrol puts a client in a group, or on its waitlist when it is full. Two
// enrolments racing for the last seat take turns on the group's lock.
func (db *DB) Enrol(ctx context.Context, seriesID, clientID string, rec audit.Record) (string, error) {
	const op = "store.Enrol"
	status := "enrolled"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.schedule", audit.ActionCreate, clientID, seriesID
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "series:"+seriesID); err != nil {
			return err
		}
		var max, enrolled int
		var open bool
		var first model.Date
		if err := tx.QueryRowContext(ctx, `SELECT max_capacity, open_cohort, first_date,
				(SELECT COUNT(*) FROM series_enrolments WHERE series_id = $1 AND status = 'enrolled')
			FROM group_series WHERE id = $1`, seriesID).Scan(&max, &open, &first, &enrolled); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.NotFound(op, "group")
			}
			return err
		}
		if !open && model.DateOf(db.Now()).After(first.AddDays(7)) {
			return model.Invalid(op, map[string]string{"series_id": "This is a closed group that started on " + first.Format("Jan 2") + ": it admits no one new until its next cycle."})
		}
		if enrolled >= max {
			status = "waitlisted"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO series_enrolments (series_id, client_id, status, enrolled_at) VALUES ($1, $2, $3, $4)`,
			seriesID, clientID, status, db.Now())
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return "", model.Invalid(op, map[string]string{"series_id": "The client is already in this group or on its waitlist."})
	}
	rec.Detail = status
	return status, err
}

// Unenrol takes a client out of a group; the first on the waitlist gets the
// seat.
func (db *DB) Unenrol(ctx context.Context, seriesID, clientID string, rec audit.Record) error {
	const op = "store.Unenrol"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.schedule", audit.ActionDelete, clientID, seriesID, "left the group"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "series:"+seriesID); err != nil {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM series_enrolments WHERE series_id = $1 AND client_id = $2`, seriesID, clientID).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return model.NotFound(op, "enrolment")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM series_enrolments WHERE series_id = $1 AND client_id = $2`, seriesID, clientID); err != nil {
			return err
		}
		if status != "enrolled" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE series_enrolments SET status = 'enrolled' WHERE series_id = $1 AND client_id = (
			SELECT client_id FROM series_enrolments WHERE series_id = $1 AND status = 'waitlisted' ORDER BY enrolled_at, client_id LIMIT 1)`, seriesID)
		return err
	}, &rec)
}

// Enrolments lists a client's groups and waitlists.
func (db *DB) Enrolments(ctx context.Context, clientID string) ([]Enrolment, error) {
	list, err := loadSeries(ctx, db.r, `WHERE g.id IN (SELECT series_id FROM series_enrolments WHERE client_id = $1)`, clientID)
	if err != nil {
		return nil, model.Wrap("store.Enrolments", model.KindInternal, err)
	}
	type joined struct {
		status string
		at     time.Time
	}
	statuses := map[string]joined{}
	rows, err := db.query(ctx, `SELECT series_id, status, enrolled_at FROM series_enrolments WHERE client_id = $1`, clientID)
	if err != nil {
		return nil, model.Wrap("store.Enrolments", model.KindInternal, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var j joined
		if err := rows.Scan(&id, &j.status, &j.at); err != nil {
			return nil, err
		}
		statuses[id] = j
	}
	out := make([]Enrolment, len(list))
	for i, s := range list {
		out[i] = Enrolment{Series: s, Status: statuses[s.ID].status, EnrolledAt: statuses[s.ID].at}
	}
	return out, rows.Err()
}

// Availability returns a client's busy windows and blackout dates.
func (db *DB) Availability(ctx context.Context, clientID string) (schedule.Availability, error) {
	return availabilityIn(ctx, db.r, clientID)
}

func availabilityIn(ctx context.Context, q querier, clientID string) (schedule.Availability, error) {
	var av schedule.Availability
	rows, err := q.QueryContext(ctx, `SELECT weekday, from_minute, to_minute, label FROM client_busy WHERE client_id = $1
		ORDER BY weekday, from_minute`, clientID)
	if err != nil {
		return av, model.Wrap("store.Availability", model.KindInternal, err)
	}
	for rows.Next() {
		var b schedule.Busy
		var day, from, to int
		if err := rows.Scan(&day, &from, &to, &b.Label); err != nil {
			rows.Close()
			return av, err
		}
		b.Day, b.From, b.To = time.Weekday(day), model.ClockTime(from), model.ClockTime(to)
		av.Busy = append(av.Busy, b)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT blackout_date, reason FROM client_blackouts WHERE client_id = $1 ORDER BY blackout_date`, clientID)
	if err != nil {
		return av, model.Wrap("store.Availability", model.KindInternal, err)
	}
	defer rows.Close()
	for rows.Next() {
		var b schedule.Blackout
		if err := rows.Scan(&b.Date, &b.Reason); err != nil {
			return av, err
		}
		av.Blackouts = append(av.Blackouts, b)
	}
	return av, rows.Err()
}

// SetAvailability replaces a client's busy windows and blackout dates.
func (db *DB) SetAvailability(ctx context.Context, clientID string, av schedule.Availability, rec audit.Record) error {
	const op = "store.SetAvailability"
	for _, b := range av.Busy {
		if err := model.Invalid(op, b.Problems()); err != nil {
			return err
		}
	}
	rec.Category, rec.Action, rec.ClientID, rec.Detail = "client.schedule", audit.ActionUpdate, clientID, "availability"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_busy WHERE client_id = $1`, clientID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_blackouts WHERE client_id = $1`, clientID); err != nil {
			return err
		}
		for _, b := range av.Busy {
			if _, err := tx.ExecContext(ctx, `INSERT INTO client_busy (id, client_id, weekday, from_minute, to_minute, label)
				VALUES ($1, $2, $3, $4, $5, $6)`, model.NewID(), clientID, int(b.Day), int(b.From), int(b.To), b.Label); err != nil {
				return err
			}
		}
		for _, b := range av.Blackouts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO client_blackouts (client_id, blackout_date, reason) VALUES ($1, $2, $3)
				ON CONFLICT (client_id, blackout_date) DO NOTHING`, clientID, b.Date, b.Reason); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

const appointmentColumns = `SELECT a.id, a.client_id, a.clinician_id, a.kind, a.starts_at, a.ends_at, a.room, a.telehealth_url, a.family,
		a.note, a.cancelled_at, a.version, c.first_name, c.last_name, c.preferred_name, u.name, a.no_show_at IS NOT NULL
	FROM appointments a JOIN clients c ON c.id = a.client_id JOIN users u ON u.id = a.clinician_id`

func loadAppointments(ctx context.Context, q querier, where string, args ...any) ([]schedule.Appointment, error) {
	rows, err := q.QueryContext(ctx, appointmentColumns+" "+where+" ORDER BY a.starts_at, a.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schedule.Appointment
	for rows.Next() {
		var a schedule.Appointment
		var kind string
		var cancelled sql.NullTime
		var c model.Client
		if err := rows.Scan(&a.ID, &a.ClientID, &a.ClinicianID, &kind, &a.Start, &a.End, &a.Room, &a.TelehealthURL, &a.Family,
			&a.Note, &cancelled, &a.Version, &c.FirstName, &c.LastName, &c.PreferredName, &a.ClinicianName, &a.NoShow); err != nil {
			return nil, err
		}
		a.Kind, a.Cancelled, a.ClientName = schedule.AppointmentKind(kind), cancelled.Valid, c.DisplayName()
		out = append(out, a)
	}
	return out, rows.Err()
}

// AppointmentFilter narrows appointments to a time range and, optionally,
// one clinician, client or room.
type AppointmentFilter struct {
	From, To                    time.Time
	ClinicianID, ClientID, Room string
	// ClientIDs, if any, keeps the appointments of these clients only, so a
	// caseload's read does not grow with the center.
	ClientIDs        []string
	IncludeCancelled bool
}

// Appointments lists appointments that overlap the range.
func (db *DB) Appointments(ctx context.Context, f AppointmentFilter) ([]schedule.Appointment, error) {
	where, args := appointmentWhere(f)
	out, err := loadAppointments(ctx, db.r, where, args...)
	return out, model.Wrap("store.Appointments", model.KindInternal, err)
}

func appointmentWhere(f AppointmentFilter) (string, []any) {
	conds := []string{"a.starts_at < $1", "a.ends_at > $2"}
	args := []any{f.To.UTC(), f.From.UTC()}
	if !f.IncludeCancelled {
		conds = append(conds, "a.cancelled_at IS NULL")
	}
	for _, x := range []struct{ col, v string }{{"a.clinician_id", f.ClinicianID}, {"a.client_id", f.ClientID}, {"a.room", f.Room}} {
		if x.v != "" {
			args = append(args, x.v)
			conds = append(conds, fmt.Sprintf("%s = $%d", x.col, len(args)))
		}
	}
	if len(f.ClientIDs) > 0 {
		marks, ids := inList(f.ClientIDs, len(args))
		args = append(args, ids...)
		conds = append(conds, "a.client_id IN ("+marks+")")
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// ErrConflicts is returned by BookAppointment with the conflicts found.
type ErrConflicts struct{ Conflicts schedule.Conflicts }

func (e *ErrConflicts) Error() string { return strings.Join(e.Conflicts.Messages(), " ") }

// BookAppointment books an appointment unless something clashes. Hard
// conflicts (clinician, room or client already booked, a closure) always
// refuse; soft ones (the client's availability) refuse unless override.
// The check and the insert happen in one transaction holding the locks of
// the clinician, the room and the client, so two simultaneous bookings of
// the same slot cannot both succeed.
func (db *DB) BookAppointment(ctx context.Context, a *schedule.Appointment, loc *time.Location, override bool, rec audit.Record) error {
	const op = "store.BookAppointment"
	if err := model.Invalid(op, a.Problems(db.Now())); err != nil {
		return err
	}
	a.ID, a.Version = model.NewID(), 1
	a.Start, a.End = a.Start.UTC().Truncate(time.Minute), a.End.UTC().Truncate(time.Minute)
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.schedule", audit.ActionCreate, a.ClientID, a.ID
	rec.Detail = string(a.Kind) + " appointment"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "user:"+a.ClinicianID, roomLock(a.Room), "client:"+a.ClientID); err != nil {
			return err
		}
		conflicts, err := db.appointmentConflicts(ctx, tx, a, loc)
		if err != nil {
			return err
		}
		if conflicts.Hard() || (len(conflicts) > 0 && !override) {
			return &ErrConflicts{conflicts}
		}
		return insertAppointment(ctx, tx, a, rec.ActorID, db.Now())
	}, &rec)
}

// appointmentConflicts finds what an appointment would clash with, inside
// the caller's transaction (which holds the locks of the clinician, the
// room and the client).
func (db *DB) appointmentConflicts(ctx context.Context, tx *sql.Tx, a *schedule.Appointment, loc *time.Location) (schedule.Conflicts, error) {
	day := model.DateOf(a.Start.In(loc))
	dayStart := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, loc)
	window := AppointmentFilter{From: dayStart, To: dayStart.Add(48 * time.Hour)}
	blocks := func(f AppointmentFilter, series SeriesFilter) ([]schedule.Block, error) {
		var out []schedule.Block
		where, args := appointmentWhere(f)
		appts, err := loadAppointments(ctx, tx, where, args...)
		if err != nil {
			return nil, err
		}
		for _, x := range appts {
			out = append(out, schedule.Block{Start: x.Start, End: x.End, What: x.Describe(loc)})
		}
		occ, err := db.occurrencesIn(ctx, tx, series, day, day, loc)
		if err != nil {
			return nil, err
		}
		for _, o := range occ {
			if !o.Cancelled {
				out = append(out, schedule.Block{Start: o.Start, End: o.End, What: o.Describe(loc)})
			}
		}
		return out, nil
	}
	f := window
	f.ClinicianID = a.ClinicianID
	clinician, err := blocks(f, SeriesFilter{FacilitatorID: a.ClinicianID})
	if err != nil {
		return nil, err
	}
	var room []schedule.Block
	if a.Room != "" {
		f = window
		f.Room = a.Room
		if room, err = blocks(f, SeriesFilter{Room: a.Room}); err != nil {
			return nil, err
		}
	}
	f = window
	f.ClientID = a.ClientID
	client, err := blocks(f, SeriesFilter{ClientID: a.ClientID})
	if err != nil {
		return nil, err
	}
	closures, err := closuresIn(ctx, tx)
	if err != nil {
		return nil, err
	}
	av, err := availabilityIn(ctx, tx, a.ClientID)
	if err != nil {
		return nil, err
	}
	return schedule.Check(*a, loc, clinician, room, client, closures, av), nil
}

// insertAppointment writes a checked appointment.
func insertAppointment(ctx context.Context, tx *sql.Tx, a *schedule.Appointment, actorID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO appointments (id, client_id, clinician_id, kind, starts_at, ends_at, room, telehealth_url,
			family, note, version, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12)`,
		a.ID, a.ClientID, a.ClinicianID, string(a.Kind), a.Start, a.End, a.Room, a.TelehealthURL, a.Family, a.Note, actorID, now)
	return err
}

// CancelAppointment cancels a client's appointment (it stays, marked, so
// calendar feeds withdraw it) and tells the clinician.
func (db *DB) CancelAppointment(ctx context.Context, clientID, id, reason string, rec audit.Record) error {
	const op = "store.CancelAppointment"
	rec.Category, rec.Action, rec.ClientID, rec.EntityID, rec.Detail = "client.schedule", audit.ActionUpdate, clientID, id, "appointment cancelled"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var clinician string
		var start time.Time
		err := tx.QueryRowContext(ctx, `UPDATE appointments SET cancelled_at = $1, version = version + 1
			WHERE id = $2 AND client_id = $3 AND cancelled_at IS NULL RETURNING clinician_id, starts_at`, db.Now(), id, clientID).Scan(&clinician, &start)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "booked appointment")
		}
		if err != nil {
			return err
		}
		text := "An appointment on " + start.UTC().Format("Jan 2 15:04 UTC") + " was cancelled"
		if reason != "" {
			text += ": " + reason
		}
		return notify(ctx, tx, db.Now(), clinician, text, "/clients/"+clientID)
	}, &rec)
}

// notify leaves an in-app notice for a staff member.
func notify(ctx context.Context, tx *sql.Tx, now time.Time, userID, text, link string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notices (id, user_id, created_at, text, link) VALUES ($1, $2, $3, $4, $5)`,
		model.NewID(), userID, now, text, link)
	return err
}

// occurrencesIn expands the series that match f between two dates.
func (db *DB) occurrencesIn(ctx context.Context, q querier, f SeriesFilter, from, to model.Date, loc *time.Location) ([]schedule.Occurrence, error) {
	var conds []string
	var args []any
	if f.FacilitatorID != "" {
		// A substitute's meetings are theirs too; the other meetings of
		// those groups are dropped below.
		args = append(args, f.FacilitatorID)
		conds = append(conds, fmt.Sprintf(`(g.facilitator_id = $%[1]d OR g.co_facilitator_id = $%[1]d
			OR g.id IN (SELECT series_id FROM group_substitutes WHERE user_id = $%[1]d))`, len(args)))
	}
	if f.Room != "" {
		args = append(args, f.Room)
		conds = append(conds, fmt.Sprintf("g.room = $%d", len(args)))
	}
	if f.ClientID != "" {
		args = append(args, f.ClientID)
		conds = append(conds, fmt.Sprintf("g.id IN (SELECT series_id FROM series_enrolments WHERE client_id = $%d AND status = 'enrolled')", len(args)))
	}
	if f.TrackID != "" {
		args = append(args, f.TrackID)
		conds = append(conds, fmt.Sprintf("g.track_id = $%d", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	list, err := loadSeries(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT series_id, original_date, cancelled, new_date, new_start_minute, reason FROM series_exceptions`)
	if err != nil {
		return nil, err
	}
	var ex []schedule.Exception
	for rows.Next() {
		var e schedule.Exception
		var start sql.NullInt64
		if err := rows.Scan(&e.SeriesID, &e.Date, &e.Cancelled, &e.NewDate, &start, &e.Reason); err != nil {
			rows.Close()
			return nil, err
		}
		e.NewStart = model.ClockTime(start.Int64)
		ex = append(ex, e)
	}
	rows.Close()
	closures, err := closuresIn(ctx, q)
	if err != nil {
		return nil, err
	}
	subs, err := substitutesIn(ctx, q, from.AddDays(-14), to.AddDays(14))
	if err != nil {
		return nil, err
	}
	var out []schedule.Occurrence
	for i := range list {
		for _, o := range list[i].Occurrences(from, to, loc, ex, closures) {
			if sub, ok := subs[o.Series.ID+"/"+o.Date.String()]; ok {
				o.SubstituteID, o.SubstituteName = sub.UserID, sub.UserName
			}
			if f.FacilitatorID != "" && o.SubstituteID != f.FacilitatorID &&
				o.Series.FacilitatorID != f.FacilitatorID && o.Series.CoFacilitatorID != f.FacilitatorID {
				continue
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// Occurrences expands the groups that match f between two dates.
func (db *DB) Occurrences(ctx context.Context, f SeriesFilter, from, to model.Date, loc *time.Location) ([]schedule.Occurrence, error) {
	out, err := db.occurrencesIn(ctx, db.r, f, from, to, loc)
	return out, model.Wrap("store.Occurrences", model.KindInternal, err)
}

// CalendarOwner kinds.
const (
	FeedClient = "client"
	FeedUser   = "user"
	FeedRoom   = "room"
)

// CreateCalendarToken makes a new private feed address for an owner,
// revoking any earlier one, and returns the token (only its hash is kept).
// byID is the staff member who made it, or "" when a client made their own
// in the portal.
func (db *DB) CreateCalendarToken(ctx context.Context, kind, ownerID, byID string, rec audit.Record) (string, error) {
	token, hash := auth.NewToken()
	now := db.Now()
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "calendar.feed", audit.ActionCreate, ownerID, kind+" feed"
	if kind == FeedClient {
		rec.ClientID = ownerID
	}
	err := db.write(ctx, "store.CreateCalendarToken", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_tokens SET revoked_at = $1 WHERE owner_kind = $2 AND owner_id = $3 AND revoked_at IS NULL`,
			now, kind, ownerID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_tokens (token_hash, owner_kind, owner_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			hash, kind, ownerID, nullable(byID), now)
		return err
	}, &rec)
	return token, err
}

// RevokeCalendarTokens ends every feed address of an owner.
func (db *DB) RevokeCalendarTokens(ctx context.Context, kind, ownerID string, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "calendar.feed", audit.ActionDelete, ownerID, kind+" feed revoked"
	if kind == FeedClient {
		rec.ClientID = ownerID
	}
	return db.write(ctx, "store.RevokeCalendarTokens", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE calendar_tokens SET revoked_at = $1 WHERE owner_kind = $2 AND owner_id = $3 AND revoked_at IS NULL`,
			db.Now(), kind, ownerID)
		return err
	}, &rec)
}

// HasCalendarToken reports whether an owner has a live feed address.
func (db *DB) HasCalendarToken(ctx context.Context, kind, ownerID string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM calendar_tokens WHERE owner_kind = $1 AND owner_id = $2 AND revoked_at IS NULL`, kind, ownerID).Scan(&n)
	return n > 0, model.Wrap("store.HasCalendarToken", model.KindInternal, err)
}

// CalendarOwner finds whose feed a token opens; a revoked or unknown token
// is not found.
func (db *DB) CalendarOwner(ctx context.Context, token string) (kind, ownerID string, err error) {
	err = db.queryRow(ctx, `SELECT owner_kind, owner_id FROM calendar_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
		auth.HashToken(token)).Scan(&kind, &ownerID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", model.NotFound("store.CalendarOwner", "calendar")
	}
	return kind, ownerID, model.Wrap("store.CalendarOwner", model.KindInternal, err)
}

// Notice is an in-app message to a staff member.
type Notice struct {
	ID, Text, Link string
	At             time.Time
}

// Notices lists a staff member's unread notices, newest first.
func (db *DB) Notices(ctx context.Context, userID string) ([]Notice, error) {
	rows, err := db.query(ctx, `SELECT id, text, link, created_at FROM notices WHERE user_id = $1 AND read_at IS NULL ORDER BY created_at DESC LIMIT 20`, userID)
	out, err := collect(rows, err, func(s scanner) (Notice, error) {
		var n Notice
		return n, s.Scan(&n.ID, &n.Text, &n.Link, &n.At)
	})
	return out, model.Wrap("store.Notices", model.KindInternal, err)
}

// ReadNotice marks one of a user's notices read.
func (db *DB) ReadNotice(ctx context.Context, userID, id string) error {
	return db.write(ctx, "store.ReadNotice", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notices SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL`, db.Now(), id, userID)
		return err
	})
}

// EndSeries ends a group after its last meeting on last (the group is kept,
// with its history), tells its facilitators and bumps its version so
// calendar feeds drop the later meetings.
func (db *DB) EndSeries(ctx context.Context, id string, last model.Date, reason, byID string, rec audit.Record) error {
	const op = "store.EndSeries"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.series", audit.ActionUpdate, id, "ends after "+last.String()
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var title, track, lead string
		var co sql.NullString
		var first model.Date
		err := tx.QueryRowContext(ctx, `SELECT title, track_id, facilitator_id, co_facilitator_id, first_date FROM group_series WHERE id = $1`, id).
			Scan(&title, &track, &lead, &co, &first)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "group")
		}
		if err != nil {
			return err
		}
		if last.Before(first) {
			return model.Invalid(op, map[string]string{"until": "The last meeting cannot be before the group's first date (" + first.Format("Jan 2, 2006") + ")."})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_series SET until_date = $1, rrule = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			last, ruleWithoutEnd(ctx, tx, id)+";UNTIL="+last.Format("20060102"), db.Now(), id); err != nil {
			return err
		}
		text := title + " ends after " + last.Format("Mon Jan 2")
		if reason != "" {
			text += ": " + reason
		}
		return notifyAll(ctx, tx, db.Now(), []string{lead, co.String}, text, "/program/tracks/"+track)
	}, &rec)
}

// ruleWithoutEnd reads a series' stored rule without its COUNT or UNTIL,
// for a new end date to replace them.
func ruleWithoutEnd(ctx context.Context, tx *sql.Tx, id string) string {
	var rule string
	_ = tx.QueryRowContext(ctx, `SELECT rrule FROM group_series WHERE id = $1`, id).Scan(&rule)
	parts := []string{}
	for _, p := range strings.Split(rule, ";") {
		if !strings.HasPrefix(p, "COUNT=") && !strings.HasPrefix(p, "UNTIL=") {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ";")
}

// ImportEnrolments enrols many clients in groups in one transaction, each
// with its own audit record: for demo data and loads from other systems.
// Capacity is the caller's concern.
func (db *DB) ImportEnrolments(ctx context.Context, enrolments map[string][]string, rec audit.Record) error {
	var recs []*audit.Record
	for series, clients := range enrolments {
		for _, c := range clients {
			r := rec
			r.Category, r.Action, r.ClientID, r.EntityID = "client.schedule", audit.ActionCreate, c, series
			recs = append(recs, &r)
		}
	}
	now := db.Now()
	return db.write(ctx, "store.ImportEnrolments", func(tx *sql.Tx) error {
		for series, clients := range enrolments {
			for _, c := range clients {
				if _, err := tx.ExecContext(ctx, `INSERT INTO series_enrolments (series_id, client_id, status, enrolled_at) VALUES ($1, $2, 'enrolled', $3)`,
					series, c, now); err != nil {
					return err
				}
			}
		}
		return nil
	}, recs...)
}

// SetCapacity changes a group's minimum and maximum. The maximum cannot go
// below the clients already enrolled; raising it moves waitlisted clients in.
func (db *DB) SetCapacity(ctx context.Context, id string, min, max int, rec audit.Record) error {
	const op = "store.SetCapacity"
	if max < 1 || max > 100 || min < 0 || min > max {
		return model.Invalid(op, map[string]string{"max_capacity": "The maximum is from 1 to 100 and the minimum from 0 to the maximum."})
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "program.series", audit.ActionUpdate, id, fmt.Sprintf("capacity %d-%d", min, max)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "series:"+id); err != nil {
			return err
		}
		var enrolled int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM series_enrolments WHERE series_id = $1 AND status = 'enrolled'`, id).Scan(&enrolled); err != nil {
			return err
		}
		if max < enrolled {
			return model.Invalid(op, map[string]string{"max_capacity": fmt.Sprintf("%d clients are enrolled: the maximum cannot be below that. Move clients to another group first.", enrolled)})
		}
		res, err := tx.ExecContext(ctx, `UPDATE group_series SET min_capacity = $1, max_capacity = $2, updated_at = $3 WHERE id = $4`, min, max, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound(op, "group")
		}
		for free := max - enrolled; free > 0; free-- {
			res, err := tx.ExecContext(ctx, `UPDATE series_enrolments SET status = 'enrolled' WHERE series_id = $1 AND client_id = (
				SELECT client_id FROM series_enrolments WHERE series_id = $1 AND status = 'waitlisted' ORDER BY enrolled_at, client_id LIMIT 1)`, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				break
			}
		}
		return nil
	}, &rec)
}

// NoticeMail is a notice claimed for email.
type NoticeMail struct {
	ID, Email, Name, Text, Link string
}

// ClaimNoticesToEmail marks up to limit recent unsent notices as emailed and
// returns them, so that each is sent once even with several replicas (a
// notice that then fails to send is still in the app).
func (db *DB) ClaimNoticesToEmail(ctx context.Context, limit int) ([]NoticeMail, error) {
	var out []NoticeMail
	err := db.write(ctx, "store.ClaimNoticesToEmail", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT n.id, u.email, u.name, n.text, n.link FROM notices n JOIN users u ON u.id = n.user_id
			WHERE n.emailed_at IS NULL AND n.created_at > $1 AND u.active ORDER BY n.created_at LIMIT $2`, db.Now().Add(-7*24*time.Hour), limit)
		if err != nil {
			return err
		}
		var list []NoticeMail
		for rows.Next() {
			var m NoticeMail
			if err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.Text, &m.Link); err != nil {
				rows.Close()
				return err
			}
			list = append(list, m)
		}
		rows.Close()
		for _, m := range list {
			res, err := tx.ExecContext(ctx, `UPDATE notices SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL`, db.Now(), m.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}
