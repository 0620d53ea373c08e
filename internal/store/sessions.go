package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

// CreateSession stores a new session. If replaces is not empty, the session
// with that token hash is deleted in the same transaction: signing in
// always issues a fresh token, so a token planted before sign-in is useless
// after it (session fixation).
func (db *DB) CreateSession(ctx context.Context, s model.Session, replaces string, rec audit.Record) error {
	rec.Category, rec.Action = "session", audit.ActionLogin
	return db.write(ctx, "store.CreateSession", func(tx *sql.Tx) error {
		if replaces != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, replaces); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			s.TokenHash, s.UserID, s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC(), s.IP, truncate(s.UserAgent, 300))
		return err
	}, &rec)
}

// Session returns the session with that token hash, joined with its user.
// It does not judge expiry; the caller applies the session policy.
func (db *DB) Session(ctx context.Context, tokenHash string) (model.Session, error) {
	var s model.Session
	var role string
	err := db.queryRow(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent,
			u.id, u.email, u.name, u.credentials, u.role, u.active, u.totp_secret <> '', u.mfa_exempt,
			COALESCE((SELECT mfa_required FROM organization WHERE id = 1), TRUE)
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent,
			&s.User.ID, &s.User.Email, &s.User.Name, &s.User.Credentials, &role, &s.User.Active, &s.User.MFAEnabled, &s.User.MFAExempt,
			&s.MFARequired)
	if errors.Is(err, sql.ErrNoRows) {
		return s, model.NotFound("store.Session", "session")
	}
	s.User.Role = model.Role(role)
	return s, model.Wrap("store.Session", model.KindInternal, err)
}

// TouchSession records activity on a session, for the idle timeout.
func (db *DB) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	return db.write(ctx, "store.TouchSession", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, at.UTC(), tokenHash)
		return err
	})
}

// DeleteSession ends a session (sign-out or expiry). rec may be nil when
// the end is not a user's action.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string, rec *audit.Record) error {
	var recs []*audit.Record
	if rec != nil {
		rec.Category, rec.Action = "session", audit.ActionLogout
		recs = append(recs, rec)
	}
	return db.write(ctx, "store.DeleteSession", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	}, recs...)
}

// PurgeSessions deletes sessions past their absolute expiry or idle for
// longer than idle, and returns how many it deleted.
func (db *DB) PurgeSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	var n int64
	err := db.write(ctx, "store.PurgeSessions", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
			now.UTC(), now.Add(-idle).UTC())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// LoginFailures returns the failure count and lock-out end for a throttle
// key; zero values if there are none.
func (db *DB) LoginFailures(ctx context.Context, key string) (failures int, lockedUntil time.Time, err error) {
	err = db.queryRow(ctx, `SELECT failures, locked_until FROM login_failures WHERE key = $1`, key).Scan(&failures, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return failures, lockedUntil, err
}

// ThrottleKey is one counter of failed sign-ins ("account:<email>" or
// "ip:<address>") with the rule that turns its count into a wait.
type ThrottleKey struct {
	Key   string
	Delay func(failures int) time.Duration
}

// RecordLoginFailure counts one more failure for each key, forgetting
// failures older than window, and sets each key's lock-out to now plus what
// its Delay says for its new count. It runs in one transaction with the
// failed sign-in's audit record.
func (db *DB) RecordLoginFailure(ctx context.Context, keys []ThrottleKey, now time.Time, window time.Duration, rec audit.Record) error {
	rec.Category, rec.Action, rec.Outcome = "session", audit.ActionLoginFailed, audit.OutcomeFailure
	now = now.UTC()
	return db.write(ctx, "store.RecordLoginFailure", func(tx *sql.Tx) error {
		for _, k := range keys {
			key := k.Key
			var failures int
			var last time.Time
			err := tx.QueryRowContext(ctx, `SELECT failures, last_failed_at FROM login_failures WHERE key = $1`, key).Scan(&failures, &last)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				failures = 0
			case err != nil:
				return err
			case now.Sub(last) > window:
				failures = 0
			}
			failures++
			until := now.Add(k.Delay(failures))
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_failed_at, locked_until) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET failures = $2, last_failed_at = $3, locked_until = $4`,
				key, failures, now, until); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

// ClearLoginFailures forgets the failures of keys after a successful sign-in.
func (db *DB) ClearLoginFailures(ctx context.Context, keys ...string) error {
	return db.write(ctx, "store.ClearLoginFailures", func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// UserSessions lists a person's sessions that have not expired, newest
// activity first, so they can see where they are signed in.
func (db *DB) UserSessions(ctx context.Context, userID string, now time.Time) ([]model.Session, error) {
	rows, err := db.query(ctx, `SELECT token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC`, userID, now.UTC())
	out, err := collect(rows, err, func(s scanner) (model.Session, error) {
		var x model.Session
		return x, s.Scan(&x.TokenHash, &x.UserID, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.IP, &x.UserAgent)
	})
	return out, model.Wrap("store.UserSessions", model.KindInternal, err)
}

// EndSessions ends a person's own sessions: the one named by tokenHash, or
// when tokenHash is empty every one but keep. Another person's session is
// not found.
func (db *DB) EndSessions(ctx context.Context, userID, tokenHash, keep string, rec audit.Record) (int64, error) {
	const op = "store.EndSessions"
	var n int64
	rec.Category, rec.Action = "session", audit.ActionLogout
	rec.Detail = "signed out elsewhere"
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if tokenHash != "" {
			res, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2`, userID, tokenHash)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
		}
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if tokenHash != "" && n == 0 {
			return model.NotFound(op, "session")
		}
		return nil
	}, &rec)
	return n, err
}
