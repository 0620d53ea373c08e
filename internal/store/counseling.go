package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule"
)

// CounselingHours returns a clinician's weekly counseling hours (at every
// site, by day and time) and weekly caseload limit. Staff data, not client
// data: nothing to audit on reading.
func (db *DB) CounselingHours(ctx context.Context, userID string) (schedule.CounselingHours, error) {
	const op = "store.CounselingHours"
	var h schedule.CounselingHours
	err := db.queryRow(ctx, `SELECT weekly_clients FROM counseling_caseloads WHERE user_id = $1`, userID).Scan(&h.Caseload)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, model.Wrap(op, model.KindInternal, err)
	}
	rows, err := db.query(ctx, `SELECT site_id, weekday, from_minute, to_minute, room FROM counseling_hours WHERE user_id = $1
		ORDER BY weekday, from_minute, site_id`, userID)
	h.Windows, err = collect(rows, err, scanCounselingWindow)
	return h, model.Wrap(op, model.KindInternal, err)
}

func scanCounselingWindow(s scanner) (schedule.CounselingWindow, error) {
	var w schedule.CounselingWindow
	var day, from, to int
	err := s.Scan(&w.SiteID, &day, &from, &to, &w.Room)
	w.Day, w.From, w.To = time.Weekday(day), model.ClockTime(from), model.ClockTime(to)
	return w, err
}

// SetCounselingHours replaces a clinician's counseling hours and caseload
// limit. Bad hours (a window ending before it starts, two overlapping, an
// unknown site) are refused with the window named and nothing saved. The
// write is audited as a change to the staff member, not to any client.
func (db *DB) SetCounselingHours(ctx context.Context, userID string, h schedule.CounselingHours, rec audit.Record) error {
	const op = "store.SetCounselingHours"
	if err := model.Invalid(op, h.Problems()); err != nil {
		return err
	}
	rec.Category, rec.Action, rec.EntityID = "user.counseling_hours", audit.ActionUpdate, userID
	rec.Detail = fmt.Sprintf("counseling hours: %d weekly windows, caseload limit %d clients a week", len(h.Windows), h.Caseload)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.NotFound(op, "staff member")
		}
		for i, w := range h.Windows {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sites WHERE id = $1`, w.SiteID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return model.Invalid(op, map[string]string{fmt.Sprintf("window_%d", i+1): w.String() + ": choose one of the sites."})
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM counseling_hours WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM counseling_caseloads WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO counseling_caseloads (user_id, weekly_clients) VALUES ($1, $2)`, userID, h.Caseload); err != nil {
			return err
		}
		for _, w := range h.Windows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO counseling_hours (id, user_id, site_id, weekday, from_minute, to_minute, room)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, model.NewID(), userID, w.SiteID, int(w.Day), int(w.From), int(w.To), w.Room); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

// siteCounselor is one clinician's counseling hours at a site.
type siteCounselor struct {
	id, name string
	caseload int
	windows  []schedule.CounselingWindow
}

// siteCounselors lists the active staff with counseling hours at a site,
// by name.
func siteCounselorsIn(ctx context.Context, q querier, siteID string) ([]siteCounselor, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.name, COALESCE(c.weekly_clients, 0), h.site_id, h.weekday, h.from_minute, h.to_minute, h.room
		FROM counseling_hours h JOIN users u ON u.id = h.user_id LEFT JOIN counseling_caseloads c ON c.user_id = h.user_id
		WHERE h.site_id = $1 AND u.active ORDER BY u.name, u.id, h.weekday, h.from_minute`, siteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []siteCounselor
	for rows.Next() {
		var id, name string
		var caseload, day, from, to int
		var w schedule.CounselingWindow
		if err := rows.Scan(&id, &name, &caseload, &w.SiteID, &day, &from, &to, &w.Room); err != nil {
			return nil, err
		}
		w.Day, w.From, w.To = time.Weekday(day), model.ClockTime(from), model.ClockTime(to)
		if len(out) == 0 || out[len(out)-1].id != id {
			out = append(out, siteCounselor{id: id, name: name, caseload: caseload})
		}
		out[len(out)-1].windows = append(out[len(out)-1].windows, w)
	}
	return out, rows.Err()
}
