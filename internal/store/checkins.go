package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/intensity"
	"github.com/openiop/openiop/internal/model"
)

// MeetingCode returns the check-in code of one meeting of a group, drawing
// one the first time it is asked for.
func (db *DB) MeetingCode(ctx context.Context, seriesID string, date model.Date) (string, error) {
	const op = "store.MeetingCode"
	var code string
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := lockResources(ctx, tx, "codes:"+date.String()); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT code FROM meeting_codes WHERE series_id = $1 AND occurrence_date = $2`, seriesID, date).Scan(&code)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Codes are unique per day; with 25^5 codes a clash is rare, so a few draws suffice.
		for range 8 {
			if code, err = intensity.NewMeetingCode(rand.Reader); err != nil {
				return err
			}
			var taken bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM meeting_codes WHERE occurrence_date = $1 AND code = $2)`,
				date, code).Scan(&taken); err != nil {
				return err
			}
			if !taken {
				_, err := tx.ExecContext(ctx, `INSERT INTO meeting_codes (series_id, occurrence_date, code, created_at) VALUES ($1, $2, $3, $4)`,
					seriesID, date, code, db.Now())
				return err
			}
		}
		return errors.New("no free check-in code")
	})
	return code, err
}

// CodedMeeting is a group meeting, by its original date, that has a
// check-in code.
type CodedMeeting struct {
	SeriesID string
	Date     model.Date
}

// MeetingsForCode finds the group meetings whose original date is between
// from and to and whose check-in code this is (a code is unique per day;
// a moved meeting keeps the code of its original date).
func (db *DB) MeetingsForCode(ctx context.Context, code string, from, to model.Date) ([]CodedMeeting, error) {
	rows, err := db.query(ctx, `SELECT series_id, occurrence_date FROM meeting_codes WHERE code = $1 AND occurrence_date BETWEEN $2 AND $3
		ORDER BY occurrence_date`, code, from, to)
	out, err := collect(rows, err, func(s scanner) (CodedMeeting, error) {
		var m CodedMeeting
		return m, s.Scan(&m.SeriesID, &m.Date)
	})
	return out, model.Wrap("store.MeetingsForCode", model.KindInternal, err)
}

// KioskCheckIn checks in the client of a meeting's group with this last
// name and date of birth. Nobody matching, or more than one, is not found:
// the kiosk then sends the person to the front desk.
func (db *DB) KioskCheckIn(ctx context.Context, seriesID string, date model.Date, lastName string, born model.Date, rec audit.Record) error {
	const op = "store.KioskCheckIn"
	rows, err := db.query(ctx, `SELECT c.id, c.last_name FROM series_enrolments e JOIN clients c ON c.id = e.client_id
		WHERE e.series_id = $1 AND e.status = 'enrolled' AND c.date_of_birth = $2`, seriesID, born)
	type person struct{ id, last string }
	list, err := collect(rows, err, func(s scanner) (person, error) {
		var p person
		return p, s.Scan(&p.id, &p.last)
	})
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	var match []string
	for _, p := range list {
		if strings.EqualFold(strings.TrimSpace(p.last), strings.TrimSpace(lastName)) {
			match = append(match, p.id)
		}
	}
	if len(match) != 1 {
		return model.NotFound(op, "client in this group")
	}
	return db.checkIn(ctx, op, intensity.CheckIn{SeriesID: seriesID, Date: date, ClientID: match[0], Via: intensity.ViaKiosk}, "", rec)
}

// DeskCheckIn checks a client of a meeting's group in at the front desk.
func (db *DB) DeskCheckIn(ctx context.Context, seriesID string, date model.Date, clientID, byID string, rec audit.Record) error {
	const op = "store.DeskCheckIn"
	var enrolled bool
	if err := db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM series_enrolments WHERE series_id = $1 AND client_id = $2 AND status = 'enrolled')`,
		seriesID, clientID).Scan(&enrolled); err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	if !enrolled {
		return model.Invalid(op, map[string]string{"client_id": "This client is not enrolled in the group."})
	}
	return db.checkIn(ctx, op, intensity.CheckIn{SeriesID: seriesID, Date: date, ClientID: clientID, Via: intensity.ViaDesk}, byID, rec)
}

// checkIn records an arrival once: a second check-in keeps the first time.
func (db *DB) checkIn(ctx context.Context, op string, c intensity.CheckIn, byID string, rec audit.Record) error {
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.attendance", audit.ActionCreate, c.ClientID, c.SeriesID
	rec.Detail = "checked in at the " + c.Via + " for " + c.Date.String()
	var by any
	if byID != "" {
		by = byID
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO checkins (series_id, occurrence_date, client_id, checked_in_at, via, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (series_id, occurrence_date, client_id) DO NOTHING`,
			c.SeriesID, c.Date, c.ClientID, db.Now(), c.Via, by)
		return err
	}, &rec)
}

// CheckIns returns the check-ins of one meeting by client.
func (db *DB) CheckIns(ctx context.Context, seriesID string, date model.Date) (map[string]intensity.CheckIn, error) {
	rows, err := db.query(ctx, `SELECT k.client_id, k.checked_in_at, k.via, u.name FROM checkins k LEFT JOIN users u ON u.id = k.recorded_by
		WHERE k.series_id = $1 AND k.occurrence_date = $2`, seriesID, date)
	list, err := collect(rows, err, func(s scanner) (intensity.CheckIn, error) {
		c := intensity.CheckIn{SeriesID: seriesID, Date: date}
		var at time.Time
		err := s.Scan(&c.ClientID, &at, &c.Via, nullString{&c.ByName})
		c.At = at
		return c, err
	})
	if err != nil {
		return nil, model.Wrap("store.CheckIns", model.KindInternal, err)
	}
	out := make(map[string]intensity.CheckIn, len(list))
	for _, c := range list {
		out[c.ClientID] = c
	}
	return out, nil
}
