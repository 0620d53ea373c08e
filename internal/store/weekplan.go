package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
	"github.com/openiop/openiop/internal/schedule/builder"
)

// WeekCalendar reads what the schedule builder needs for one site-week: the
// site's programs, tracks and group series with their exceptions and the
// closures, and every client in treatment there with their track, primary
// counselor, enrolments, availability and individual sessions already booked
// that week, and the counselors with counseling hours at the site (and the
// clients' primary counselors) with what already fills their week: the
// groups they facilitate and their appointments. Reading it reads client data:
// the caller audits it (one record a client, see WeekCalendarAudit).
func (db *DB) WeekCalendar(ctx context.Context, siteID string, monday model.Date) (builder.Calendar, error) {
	const op = "store.WeekCalendar"
	cal := builder.Calendar{Site: siteID, Week: monday, Programs: map[string]model.Program{}, Tracks: map[string]model.Track{}, NotBefore: db.Now()}
	sites, err := db.Sites(ctx)
	if err != nil {
		return cal, err
	}
	i := slices.IndexFunc(sites, func(s model.Site) bool { return s.ID == siteID })
	if i < 0 {
		return cal, model.NotFound(op, "site")
	}
	if cal.Location, err = time.LoadLocation(sites[i].TimeZone); err != nil {
		cal.Location = time.UTC
	}
	programs, err := db.Programs(ctx)
	if err != nil {
		return cal, err
	}
	for _, p := range programs {
		if p.SiteID == siteID {
			cal.Programs[p.ID] = p
		}
	}
	tracks, err := db.Tracks(ctx)
	if err != nil {
		return cal, err
	}
	for _, t := range tracks {
		if _, ok := cal.Programs[t.ProgramID]; ok {
			cal.Tracks[t.ID] = t.Track
		}
	}
	all, err := db.ListSeries(ctx, SeriesFilter{})
	if err != nil {
		return cal, err
	}
	for _, s := range all {
		if _, ok := cal.Tracks[s.TrackID]; ok {
			cal.Series = append(cal.Series, s)
		}
	}
	if cal.Exceptions, err = db.Exceptions(ctx); err != nil {
		return cal, err
	}
	if cal.Closures, err = db.Closures(ctx); err != nil {
		return cal, err
	}
	rows, err := db.query(ctx, `SELECT c.id, c.first_name, c.last_name, c.preferred_name, e.program_id, COALESCE(e.track_id, ''),
			COALESCE(e.primary_counselor_id, ''), COALESCE(u.name, '')
		FROM episodes e JOIN clients c ON c.id = e.client_id JOIN programs p ON p.id = e.program_id
		LEFT JOIN users u ON u.id = e.primary_counselor_id
		WHERE e.status = 'active' AND p.site_id = $1 ORDER BY c.last_name, c.first_name, c.id`, siteID)
	if err != nil {
		return cal, model.Wrap(op, model.KindInternal, err)
	}
	index := map[string]int{}
	for rows.Next() {
		var c builder.CalendarClient
		var first, last, preferred string
		if err := rows.Scan(&c.ID, &first, &last, &preferred, &c.ProgramID, &c.TrackID, &c.CounselorID, &c.CounselorName); err != nil {
			rows.Close()
			return cal, model.Wrap(op, model.KindInternal, err)
		}
		if preferred != "" {
			first = preferred
		}
		c.Name = first + " " + last
		if _, seen := index[c.ID]; seen {
			continue // in two programs at the site: planned in the first
		}
		index[c.ID] = len(cal.Clients)
		cal.Clients = append(cal.Clients, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return cal, model.Wrap(op, model.KindInternal, err)
	}
	rows, err = db.query(ctx, `SELECT series_id, client_id FROM series_enrolments WHERE status = 'enrolled' ORDER BY series_id`)
	if err != nil {
		return cal, model.Wrap(op, model.KindInternal, err)
	}
	for rows.Next() {
		var series, client string
		if err := rows.Scan(&series, &client); err != nil {
			rows.Close()
			return cal, model.Wrap(op, model.KindInternal, err)
		}
		if i, ok := index[client]; ok {
			cal.Clients[i].Enrolled = append(cal.Clients[i].Enrolled, series)
		}
	}
	rows.Close()
	for i := range cal.Clients {
		if cal.Clients[i].Availability, err = db.Availability(ctx, cal.Clients[i].ID); err != nil {
			return cal, err
		}
	}
	if err := db.weekCounseling(ctx, &cal); err != nil {
		return cal, model.Wrap(op, model.KindInternal, err)
	}
	return cal, nil
}

// weekCounseling fills a week calendar's counselors and each client's
// individual sessions already booked that week.
func (db *DB) weekCounseling(ctx context.Context, cal *builder.Calendar) error {
	from := time.Date(cal.Week.Year, cal.Week.Month, cal.Week.Day, 0, 0, 0, 0, cal.Location)
	to := from.AddDate(0, 0, 7)
	index := map[string]int{}
	for i, c := range cal.Clients {
		index[c.ID] = i
	}
	// Every appointment of the week: a client's hold their time (and
	// individual ones count toward their sessions), a counselor's or their
	// room's hold the counselor's.
	week, err := db.Appointments(ctx, AppointmentFilter{From: from, To: to})
	if err != nil {
		return err
	}
	for _, a := range week {
		i, ok := index[a.ClientID]
		if !ok {
			continue
		}
		cal.Clients[i].Appointments = append(cal.Clients[i].Appointments, schedule.Block{Start: a.Start, End: a.End, What: a.Describe(cal.Location)})
		if a.Kind == "individual" && !a.NoShow && !a.Start.Before(from) {
			cal.Clients[i].Booked++
		}
	}
	staff, err := siteCounselorsIn(ctx, db.r, cal.Site)
	if err != nil {
		return err
	}
	// The week's meetings at every site, read once: a counselor's own groups
	// (and meetings they substitute at) and groups in their counseling room
	// hold their time.
	meetings, err := db.Occurrences(ctx, SeriesFilter{}, cal.Week, cal.Week.AddDays(6), cal.Location)
	if err != nil {
		return err
	}
	primaryOf := map[string]string{}
	for _, cl := range cal.Clients {
		primaryOf[cl.ID] = cl.CounselorID
	}
	listed := map[string]bool{}
	for _, k := range staff {
		listed[k.id] = true
		c := builder.CalendarCounselor{ID: k.id, Name: k.name, Caseload: k.caseload, Hours: k.windows}
		rooms := map[string]bool{} // by lock name, so "Office 1" and "office 1 " are one room
		for _, w := range k.windows {
			rooms[roomLock(w.Room)] = true
		}
		for _, a := range week {
			if a.ClinicianID == k.id || rooms[roomLock(a.Room)] {
				c.Busy = append(c.Busy, schedule.Block{Start: a.Start, End: a.End, What: a.Describe(cal.Location)})
			}
		}
		for _, o := range meetings {
			leads := o.Series.FacilitatorID == k.id || o.Series.CoFacilitatorID == k.id || o.SubstituteID == k.id
			if !o.Cancelled && (leads || rooms[roomLock(o.Series.Room)]) {
				c.Busy = append(c.Busy, schedule.Block{Start: o.Start, End: o.End, What: o.Describe(cal.Location)})
			}
		}
		// Clients they already see individually this week who are not their
		// primary clients take places of their caseload.
		seen := map[string]bool{}
		for _, a := range week {
			if a.ClinicianID == k.id && a.Kind == "individual" && primaryOf[a.ClientID] != k.id {
				seen[a.ClientID] = true
			}
		}
		c.Caseload = max(0, c.Caseload-len(seen))
		cal.Counselors = append(cal.Counselors, c)
	}
	for _, cl := range cal.Clients {
		if cl.CounselorID == "" || listed[cl.CounselorID] {
			continue
		}
		listed[cl.CounselorID] = true
		u, err := db.User(ctx, cl.CounselorID)
		if err != nil {
			return err
		}
		cal.Counselors = append(cal.Counselors, builder.CalendarCounselor{ID: u.ID, Name: u.Name})
	}
	return nil
}

// WeekCalendarAudit is the read records of a WeekCalendar: one a client.
func WeekCalendarAudit(cal builder.Calendar, rec audit.Record) []audit.Record {
	out := make([]audit.Record, 0, len(cal.Clients))
	for _, c := range cal.Clients {
		r := rec
		r.Action, r.Category, r.ClientID = audit.ActionRead, "client.schedule", c.ID
		r.Detail = "schedule builder inputs for week " + builder.WeekOf(cal.Week)
		if rec.Detail != "" {
			r.Detail += ", " + rec.Detail
		}
		out = append(out, r)
	}
	return out
}

// ApplyWeekPlan makes a proposal's changes to enrolments and books its
// individual sessions (as individual appointments in the counselor's
// counseling room, on their dates in the site's time zone) in one
// transaction, one audit record a change and one a client whose sessions
// are booked. It refuses, changing nothing, a move that leaves a group
// without saying why, and when the enrolments are no longer those the
// proposal was made from, when a group would go over its capacity, or when
// a session's time is no longer free (the counselor, the room or the client
// was booked since, or it is no longer in the counselor's hours).
func (db *DB) ApplyWeekPlan(ctx context.Context, moves []builder.Move, rec audit.Record) error {
	const op = "store.ApplyWeekPlan"
	var recs []*audit.Record
	touched := map[string]bool{}
	var locks []string
	sessions, err := db.plannedAppointments(ctx, moves)
	if err != nil {
		return err
	}
	for _, m := range moves {
		for _, g := range m.Leave {
			// Continuity: an enrolment is never removed without its reason,
			// which the director saw and the audit keeps.
			why := strings.TrimSpace(m.Why[g])
			if why == "" {
				return model.Errorf(op, model.KindInvalid, "the proposal takes client %s out of group %s without a reason; nothing was changed", m.Client, g)
			}
			r := rec
			r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.schedule", audit.ActionDelete, m.Client, g, "left the group (schedule builder): "+why
			recs = append(recs, &r)
			touched[g] = true
		}
		for _, g := range m.Join {
			r := rec
			r.Category, r.Action, r.ClientID, r.EntityID, r.Detail = "client.schedule", audit.ActionCreate, m.Client, g, "joined the group (schedule builder)"
			recs = append(recs, &r)
			touched[g] = true
		}
		if appts := sessions[m.Client]; len(appts) > 0 {
			var when []string
			for _, a := range appts {
				when = append(when, a.Start.In(a.loc).Format("Mon Jan 2 3:04 pm")+" with "+a.ClinicianName)
				locks = append(locks, "user:"+a.ClinicianID, roomLock(a.Room), "client:"+a.ClientID)
			}
			r := rec
			r.Category, r.Action, r.ClientID, r.EntityID = "client.schedule", audit.ActionCreate, m.Client, appts[0].ID
			r.Detail = fmt.Sprintf("%d individual counseling session(s) booked (schedule builder): %s", len(appts), strings.Join(when, "; "))
			recs = append(recs, &r)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	for g := range touched {
		locks = append(locks, "series:"+g)
	}
	taken := fmt.Errorf("a planned individual session's time is no longer free; build the week again")
	changed := fmt.Errorf("the enrolments changed since the proposal was made; build the week again")
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, locks...); err != nil {
			return err
		}
		now := db.Now()
		for _, m := range moves {
			for _, g := range m.Leave {
				res, err := tx.ExecContext(ctx, `DELETE FROM series_enrolments WHERE series_id = $1 AND client_id = $2 AND status = 'enrolled'`, g, m.Client)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return model.Wrap(op, model.KindConflict, changed)
				}
			}
			for _, g := range m.Join {
				var status string
				err := tx.QueryRowContext(ctx, `SELECT status FROM series_enrolments WHERE series_id = $1 AND client_id = $2`, g, m.Client).Scan(&status)
				switch {
				case err == sql.ErrNoRows:
					_, err = tx.ExecContext(ctx, `INSERT INTO series_enrolments (series_id, client_id, status, enrolled_at) VALUES ($1, $2, 'enrolled', $3)`, g, m.Client, now)
				case err == nil && status == "waitlisted":
					_, err = tx.ExecContext(ctx, `UPDATE series_enrolments SET status = 'enrolled', enrolled_at = $3 WHERE series_id = $1 AND client_id = $2`, g, m.Client, now)
				case err == nil:
					return model.Wrap(op, model.KindConflict, changed)
				}
				if err != nil {
					return err
				}
			}
		}
		for g := range touched {
			var enrolled, capacity int
			if err := tx.QueryRowContext(ctx, `SELECT max_capacity, (SELECT COUNT(*) FROM series_enrolments WHERE series_id = $1 AND status = 'enrolled')
				FROM group_series WHERE id = $1`, g).Scan(&capacity, &enrolled); err != nil {
				if err == sql.ErrNoRows {
					return model.NotFound(op, "group")
				}
				return err
			}
			if enrolled > capacity {
				return model.Wrap(op, model.KindConflict, fmt.Errorf("a group would have %d clients for %d seats; build the week again", enrolled, capacity))
			}
		}
		// The sessions, checked against the week as it now is (the client's
		// new groups included) and against each other.
		var actorIsStaff int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, rec.ActorID).Scan(&actorIsStaff); err != nil {
			return err
		}
		for _, m := range moves {
			for _, a := range sessions[m.Client] {
				conflicts, err := db.appointmentConflicts(ctx, tx, &a.Appointment, a.loc)
				if err != nil {
					return err
				}
				if len(conflicts) > 0 {
					return model.Wrap(op, model.KindConflict, fmt.Errorf("%w (%s)", taken, strings.Join(conflicts.Messages(), " ")))
				}
				// A command-line apply has no staff member to name: the
				// appointment is then the counselor's own; the audit says who.
				by := rec.ActorID
				if actorIsStaff == 0 {
					by = a.ClinicianID
				}
				if err := insertAppointment(ctx, tx, &a.Appointment, by, now); err != nil {
					return err
				}
			}
		}
		return nil
	}, recs...)
}

// plannedAppointment is a planned session as the appointment to book.
type plannedAppointment struct {
	schedule.Appointment
	loc *time.Location
}

// plannedAppointments turns the moves' sessions into appointments: on the
// planned date at the planned time in the site's time zone, in the room of
// the counselor's counseling hours that hold it. A session outside the
// counselor's hours is refused as stale.
func (db *DB) plannedAppointments(ctx context.Context, moves []builder.Move) (map[string][]plannedAppointment, error) {
	const op = "store.ApplyWeekPlan"
	out := map[string][]plannedAppointment{}
	var sites []model.Site
	hours := map[string]schedule.CounselingHours{}
	names := map[string]string{}
	for _, m := range moves {
		if len(m.Sessions) == 0 {
			continue
		}
		if sites == nil {
			var err error
			if sites, err = db.Sites(ctx); err != nil {
				return nil, err
			}
		}
		i := slices.IndexFunc(sites, func(s model.Site) bool { return s.ID == m.Site })
		if i < 0 {
			return nil, model.NotFound(op, "site")
		}
		loc, err := time.LoadLocation(sites[i].TimeZone)
		if err != nil {
			loc = time.UTC
		}
		for _, b := range m.Sessions {
			h, ok := hours[b.Counselor]
			if !ok {
				if h, err = db.CounselingHours(ctx, b.Counselor); err != nil {
					return nil, err
				}
				hours[b.Counselor] = h
				u, err := db.User(ctx, b.Counselor)
				if err != nil {
					return nil, err
				}
				names[b.Counselor] = u.Name
			}
			room := ""
			for _, w := range h.Windows {
				if w.SiteID == m.Site && w.Day == b.Date.Weekday() && int(w.From) <= b.Span.Start && b.Span.End <= int(w.To) {
					room = w.Room
				}
			}
			if room == "" || b.Span.Start < 0 || b.Span.End > 24*60 || b.Span.End <= b.Span.Start {
				return nil, model.Wrap(op, model.KindConflict, fmt.Errorf("a planned session (%s on %s) is no longer in the counselor's counseling hours; build the week again", b.Span, b.Date))
			}
			a := schedule.Appointment{ID: model.NewID(), ClientID: m.Client, ClinicianID: b.Counselor, Kind: "individual",
				Start: time.Date(b.Date.Year, b.Date.Month, b.Date.Day, b.Span.Start/60, b.Span.Start%60, 0, 0, loc).UTC(),
				Room:  room, Note: "Planned by the schedule builder", Version: 1, ClinicianName: names[b.Counselor]}
			a.End = a.Start.Add(time.Duration(b.Span.End-b.Span.Start) * time.Minute)
			out[m.Client] = append(out[m.Client], plannedAppointment{a, loc})
		}
	}
	return out, nil
}
