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
	"github.com/openiop/openiop/internal/schedule/builder"
)

// WeekCalendar reads what the schedule builder needs for one site-week: the
// site's programs, tracks and group series with their exceptions and the
// closures, and every client in treatment there with their track, primary
// counselor, enrolments and availability. Reading it reads client data:
// the caller audits it (one record a client, see WeekCalendarAudit).
func (db *DB) WeekCalendar(ctx context.Context, siteID string, monday model.Date) (builder.Calendar, error) {
	const op = "store.WeekCalendar"
	cal := builder.Calendar{Site: siteID, Week: monday, Programs: map[string]model.Program{}, Tracks: map[string]model.Track{}}
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
			COALESCE(e.primary_counselor_id, '')
		FROM episodes e JOIN clients c ON c.id = e.client_id JOIN programs p ON p.id = e.program_id
		WHERE e.status = 'active' AND p.site_id = $1 ORDER BY c.last_name, c.first_name, c.id`, siteID)
	if err != nil {
		return cal, model.Wrap(op, model.KindInternal, err)
	}
	index := map[string]int{}
	for rows.Next() {
		var c builder.CalendarClient
		var first, last, preferred string
		if err := rows.Scan(&c.ID, &first, &last, &preferred, &c.ProgramID, &c.TrackID, &c.CounselorID); err != nil {
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
	return cal, nil
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

// ApplyWeekPlan makes a proposal's changes to enrolments in one
// transaction, one audit record a change. It refuses, changing nothing, a
// move that leaves a group without saying why, and when the enrolments are
// no longer those the proposal was made from, or when a group would go over
// its capacity.
func (db *DB) ApplyWeekPlan(ctx context.Context, moves []builder.Move, rec audit.Record) error {
	const op = "store.ApplyWeekPlan"
	var recs []*audit.Record
	touched := map[string]bool{}
	var locks []string
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
	}
	if len(recs) == 0 {
		return nil
	}
	for g := range touched {
		locks = append(locks, "series:"+g)
	}
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
		return nil
	}, recs...)
}
