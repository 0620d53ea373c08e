package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

// Why a clinician may open a group's meeting under the care-team rule.
const (
	GroupAccessRuleOff     = "care-team access is off"
	GroupAccessFacilitator = "facilitates the group"
	GroupAccessSubstitute  = "substitute for the meeting"
)

// substituteAccessDays is how long after the meeting a substitute keeps
// access to its members' records: long enough to write and sign the note.
const substituteAccessDays = 7

// MaxSubstituteReason bounds the reason a director gives.
const MaxSubstituteReason = 300

// Substitute is someone facilitating one meeting of a group in place of its
// facilitators.
type Substitute struct {
	SeriesID string
	Date     model.Date
	UserID   string
	UserName string
	Reason   string
}

// NameSubstitute names who facilitates one meeting of a group (replacing an
// earlier choice), or, with userID "", withdraws the substitute. The caller
// has checked that the group meets on date. The substitute and the group's
// facilitators are told.
func (db *DB) NameSubstitute(ctx context.Context, seriesID string, date model.Date, userID, reason, byID string, rec audit.Record) error {
	const op = "store.NameSubstitute"
	reason = strings.TrimSpace(reason)
	rec.Category, rec.Action, rec.EntityID = "program.series", audit.ActionUpdate, seriesID
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var title, track, lead string
		var co sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT title, track_id, facilitator_id, co_facilitator_id FROM group_series WHERE id = $1`,
			seriesID).Scan(&title, &track, &lead, &co)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "group")
		}
		if err != nil {
			return err
		}
		when := title + " on " + date.Format("Mon Jan 2")
		link := "/program/groups/" + seriesID + "/attendance?date=" + date.String()
		if userID == "" {
			res, err := tx.ExecContext(ctx, `DELETE FROM group_substitutes WHERE series_id = $1 AND meeting_date = $2`, seriesID, date)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				// Nothing to withdraw: the director left the list at its first entry.
				return model.Invalid(op, map[string]string{"substitute": "Choose who facilitates this meeting."})
			}
			rec.Detail = "substitute withdrawn for " + date.String()
			return notifyAll(ctx, tx, db.Now(), []string{lead, co.String}, "The substitute for "+when+" is withdrawn", link)
		}
		problems := map[string]string{}
		var role string
		var active bool
		err = tx.QueryRowContext(ctx, `SELECT role, active FROM users WHERE id = $1`, userID).Scan(&role, &active)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			problems["substitute"] = "Choose a clinician from the list."
		case err != nil:
			return err
		case !active || (model.Role(role) != model.RoleClinician && model.Role(role) != model.RoleClinicalDirector):
			problems["substitute"] = "A substitute must be an active clinician or clinical director."
		case userID == lead || userID == co.String:
			problems["substitute"] = "They already facilitate this group."
		}
		if reason == "" {
			problems["reason"] = "Give the reason; it is kept with the meeting."
		} else if len(reason) > MaxSubstituteReason {
			problems["reason"] = "Keep the reason under 300 characters."
		}
		if len(problems) > 0 {
			return model.Invalid(op, problems)
		}
		now := db.Now()
		until := date.In(time.UTC).AddDate(0, 0, substituteAccessDays+1)
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_substitutes (series_id, meeting_date, user_id, reason, access_until, named_by, named_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (series_id, meeting_date) DO UPDATE SET user_id = $3, reason = $4, access_until = $5, named_by = $6, named_at = $7`,
			seriesID, date, userID, reason, until, byID, now); err != nil {
			return err
		}
		rec.Detail = "substitute named for " + date.String()
		if err := notify(ctx, tx, now, userID, "You facilitate "+when+" as substitute: "+reason, link); err != nil {
			return err
		}
		return notifyAll(ctx, tx, now, []string{lead, co.String}, "A substitute facilitates "+when+": "+reason, link)
	}, &rec)
}

func notifyAll(ctx context.Context, tx *sql.Tx, now time.Time, users []string, text, link string) error {
	for _, u := range users {
		if u != "" {
			if err := notify(ctx, tx, now, u, text, link); err != nil {
				return err
			}
		}
	}
	return nil
}

// GroupAccess says why userID may take attendance and write the note of a
// group's meeting on date under the care-team rule, or "" when nothing lets
// them: the rule is off, they facilitate the group, or they substitute for
// that meeting.
func (db *DB) GroupAccess(ctx context.Context, seriesID, userID string, date model.Date) (string, error) {
	var why string
	err := db.queryRow(ctx, `SELECT CASE
		WHEN NOT COALESCE((SELECT care_team_access FROM organization WHERE id = 1), TRUE) THEN $4
		WHEN EXISTS (SELECT 1 FROM group_series WHERE id = $1 AND (facilitator_id = $2 OR co_facilitator_id = $2)) THEN $5
		WHEN EXISTS (SELECT 1 FROM group_substitutes WHERE series_id = $1 AND meeting_date = $3 AND user_id = $2) THEN $6
		ELSE '' END`, seriesID, userID, date, GroupAccessRuleOff, GroupAccessFacilitator, GroupAccessSubstitute).Scan(&why)
	return why, model.Wrap("store.GroupAccess", model.KindInternal, err)
}

// substitutesIn lists the substitutes named for meetings between two dates.
func substitutesIn(ctx context.Context, q querier, from, to model.Date) (map[string]Substitute, error) {
	rows, err := q.QueryContext(ctx, `SELECT gs.series_id, gs.meeting_date, gs.user_id, u.name, gs.reason
		FROM group_substitutes gs JOIN users u ON u.id = gs.user_id WHERE gs.meeting_date BETWEEN $1 AND $2`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Substitute{}
	for rows.Next() {
		var s Substitute
		if err := rows.Scan(&s.SeriesID, &s.Date, &s.UserID, &s.UserName, &s.Reason); err != nil {
			return nil, err
		}
		out[s.SeriesID+"/"+s.Date.String()] = s
	}
	return out, rows.Err()
}
