package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/openiop/openiop/internal/model"
)

// ClaimJob takes a job's lease when it is due and unheld (see package jobs).
// The conditional update is the lock: of two replicas claiming at once, one
// changes the row and the other changes nothing.
func (db *DB) ClaimJob(ctx context.Context, name, holder string, now time.Time, lease time.Duration) (bool, error) {
	const op = "store.ClaimJob"
	now = now.UTC()
	claimed := false
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_holder = $1, lease_until = $2, last_started = $3
			WHERE name = $4 AND next_run_at <= $3 AND (lease_until IS NULL OR lease_until < $3)`, holder, now.Add(lease), now, name)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// FinishJob releases a lease this holder has and sets the next run.
func (db *DB) FinishJob(ctx context.Context, name, holder string, now, next time.Time, result string) error {
	return db.write(ctx, "store.FinishJob", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_holder = '', lease_until = NULL, last_finished = $1, next_run_at = $2,
			last_result = $3 WHERE name = $4 AND lease_holder = $5`, now.UTC(), next.UTC(), result, name, holder)
		return err
	})
}

// JobStatus is one job's row, for the operators' view.
type JobStatus struct {
	Name         string
	NextRun      time.Time
	LastFinished time.Time
	LastResult   string
	Running      bool
}

// Jobs lists the background jobs and how they last ran.
func (db *DB) Jobs(ctx context.Context) ([]JobStatus, error) {
	rows, err := db.query(ctx, `SELECT name, next_run_at, last_finished, last_result, lease_holder <> '' FROM jobs ORDER BY name`)
	out, err := collect(rows, err, func(s scanner) (JobStatus, error) {
		var j JobStatus
		var finished sql.NullTime
		err := s.Scan(&j.Name, &j.NextRun, &finished, &j.LastResult, &j.Running)
		j.LastFinished = finished.Time
		return j, err
	})
	return out, model.Wrap("store.Jobs", model.KindInternal, err)
}
