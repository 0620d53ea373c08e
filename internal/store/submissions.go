package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/submission"
)

// submissionsKeptFor is how long a form's key guards against a second
// submission: far longer than any retry.
const submissionsKeptFor = 24 * time.Hour

// recordSubmission records a form's key in the transaction of its write; a
// key already recorded means the form was sent before, and nothing more
// is written.
func (db *DB) recordSubmission(ctx context.Context, tx *sql.Tx, op, scope, key string) error {
	now := db.Now().UTC()
	if _, err := tx.ExecContext(ctx, `DELETE FROM submissions WHERE created_at < $1`, now.Add(-submissionsKeptFor)); err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO submissions (scope, key, created_at) VALUES ($1, $2, $3)`, scope, key, now)
	if isUniqueViolation(err) {
		return &model.Error{Op: op, Kind: model.KindConflict, Msg: "This form was already submitted; it was saved once.", Err: submission.ErrReplayed}
	}
	return model.Wrap(op, model.KindInternal, err)
}

// SetSubmissionLocation keeps where a submission's answer sent the browser.
func (db *DB) SetSubmissionLocation(ctx context.Context, scope, key, location string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE submissions SET location = $1 WHERE scope = $2 AND key = $3`, truncate(location, 2000), scope, key)
	return model.Wrap("store.SetSubmissionLocation", model.KindInternal, err)
}

// SubmissionLocation is where a submission's answer sent the browser, ""
// when not known.
func (db *DB) SubmissionLocation(ctx context.Context, scope, key string) (string, error) {
	var loc string
	err := db.queryRow(ctx, `SELECT location FROM submissions WHERE scope = $1 AND key = $2`, scope, key).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return loc, model.Wrap("store.SubmissionLocation", model.KindInternal, err)
}
