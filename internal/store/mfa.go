package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

// SetPendingTOTP keeps a new authenticator key until the person confirms a
// code from it; an earlier unconfirmed key is replaced.
func (db *DB) SetPendingTOTP(ctx context.Context, userID, secret string) error {
	return db.write(ctx, "store.SetPendingTOTP", func(tx *sql.Tx) error {
		return updateOnce(ctx, tx, model.NotFound("store.SetPendingTOTP", "user"),
			`UPDATE users SET totp_pending = $1 WHERE id = $2`, db.seal(secret), userID)
	})
}

// TOTPSecrets are a person's confirmed key and the one being set up.
func (db *DB) TOTPSecrets(ctx context.Context, userID string) (secret, pending string, err error) {
	err = db.queryRow(ctx, `SELECT totp_secret, totp_pending FROM users WHERE id = $1`, userID).Scan(&secret, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", model.NotFound("store.TOTPSecrets", "user")
	}
	if err == nil {
		secret, pending, err = db.unsealPair(secret, pending)
	}
	return secret, pending, model.Wrap("store.TOTPSecrets", model.KindInternal, err)
}

// EnableTOTP makes the pending key the person's key, accepted at step, and
// replaces their recovery codes with codeHashes.
func (db *DB) EnableTOTP(ctx context.Context, userID, pending string, step int64, codeHashes []string, rec audit.Record) error {
	const op = "store.EnableTOTP"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "user.mfa", audit.ActionUpdate, userID, "two-step sign-in set up"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := db.pendingIs(ctx, tx, op, "users", userID, pending); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = $1 WHERE id = $2`,
			step, userID); err != nil {
			return err
		}
		return replaceRecoveryCodes(ctx, tx, userID, codeHashes)
	}, &rec)
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID string, codeHashes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range codeHashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// NewRecoveryCodes replaces a person's recovery codes (the old ones stop
// working).
func (db *DB) NewRecoveryCodes(ctx context.Context, userID string, codeHashes []string, rec audit.Record) error {
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "user.mfa", audit.ActionUpdate, userID, "new recovery codes"
	return db.write(ctx, "store.NewRecoveryCodes", func(tx *sql.Tx) error {
		return replaceRecoveryCodes(ctx, tx, userID, codeHashes)
	}, &rec)
}

// UnusedRecoveryCodes counts a person's recovery codes not yet used.
func (db *DB) UnusedRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, model.Wrap("store.UnusedRecoveryCodes", model.KindInternal, err)
}

// AcceptTOTPStep records that a code of step was used, if step is later
// than the last one accepted; ok false means the code was already used (a
// replay) and must be refused. The check and the update are one statement,
// so two requests with the same code cannot both pass.
func (db *DB) AcceptTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	return db.changedOne(ctx, "store.AcceptTOTPStep",
		`UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1 AND totp_secret <> ''`, step, userID)
}

// changedOne runs a conditional update and reports whether it changed a
// row: the condition is the check, so two requests cannot both pass it.
func (db *DB) changedOne(ctx context.Context, op, query string, args ...any) (bool, error) {
	ok := false
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	return ok, err
}

// UseRecoveryCode spends one recovery code; ok false means it is not one
// of the person's unused codes.
func (db *DB) UseRecoveryCode(ctx context.Context, userID, codeHash string) (bool, error) {
	return db.changedOne(ctx, "store.UseRecoveryCode",
		`UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, db.Now(), userID, codeHash)
}

// ResetMFA removes a person's key and recovery codes (a lost phone), so
// they set up two-step sign-in again at their next sign-in; their sessions
// end.
func (db *DB) ResetMFA(ctx context.Context, userID string, rec audit.Record) error {
	const op = "store.ResetMFA"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "user.mfa", audit.ActionUpdate, userID, "two-step sign-in reset"
	return db.write(ctx, op, func(tx *sql.Tx) error {
		if err := updateOnce(ctx, tx, model.NotFound(op, "user"),
			`UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = $1`, userID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM recovery_codes WHERE user_id = $1`, `DELETE FROM sessions WHERE user_id = $1`, `DELETE FROM mfa_challenges WHERE user_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	}, &rec)
}

// SetMFAExempt marks accounts that need not set up two-step sign-in (the
// demo accounts, whose password is published).
func (db *DB) SetMFAExempt(ctx context.Context, userIDs []string, exempt bool) error {
	return db.write(ctx, "store.SetMFAExempt", func(tx *sql.Tx) error {
		for _, id := range userIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_exempt = $1 WHERE id = $2`, exempt, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MFARequired reports the center's setting.
func (db *DB) MFARequired(ctx context.Context) (bool, error) {
	var on bool
	err := db.queryRow(ctx, `SELECT mfa_required FROM organization WHERE id = 1`).Scan(&on)
	return on, model.Wrap("store.MFARequired", model.KindInternal, err)
}

// SetMFARequired turns the requirement on or off.
func (db *DB) SetMFARequired(ctx context.Context, on bool, rec audit.Record) error {
	rec.Category, rec.Action, rec.Detail = "settings.mfa_required", audit.ActionUpdate, fmt.Sprintf("two-step sign-in required: %v", on)
	return db.write(ctx, "store.SetMFARequired", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE organization SET mfa_required = $1, updated_at = $2 WHERE id = 1`, on, db.Now())
		return err
	}, &rec)
}

// CreateMFAChallenge remembers that a browser gave the right password for
// userID and must now give a code, until expires.
func (db *DB) CreateMFAChallenge(ctx context.Context, tokenHash, userID string, expires time.Time) error {
	return db.write(ctx, "store.CreateMFAChallenge", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE expires_at < $1`, db.Now().UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, tokenHash, userID, expires.UTC())
		return err
	})
}

// MFAChallenge is the user a challenge token stands for, if it has not
// expired at now.
func (db *DB) MFAChallenge(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var userID string
	err := db.queryRow(ctx, `SELECT user_id FROM mfa_challenges WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.UTC()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", model.NotFound("store.MFAChallenge", "sign-in step")
	}
	return userID, model.Wrap("store.MFAChallenge", model.KindInternal, err)
}

// DeleteMFAChallenge ends a challenge once answered.
func (db *DB) DeleteMFAChallenge(ctx context.Context, tokenHash string) error {
	return db.write(ctx, "store.DeleteMFAChallenge", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// unsealPair reads a stored key and pending key.
func (db *DB) unsealPair(secret, pending string) (string, string, error) {
	secret, err := db.unseal(secret)
	if err != nil {
		return "", "", err
	}
	pending, err = db.unseal(pending)
	return secret, pending, err
}

// pendingIs checks, inside the transaction that enables it, that the
// pending key is still the one whose code was just checked: sealed values
// differ each time, so they are compared opened.
func (db *DB) pendingIs(ctx context.Context, tx *sql.Tx, op, table, id, pending string) error {
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT totp_pending FROM `+table+` WHERE id = $1`, id).Scan(&stored) // #nosec G202 -- fixed table names
	if errors.Is(err, sql.ErrNoRows) {
		return model.NotFound(op, "account")
	}
	if err != nil {
		return err
	}
	opened, err := db.unseal(stored)
	if err != nil {
		return err
	}
	if opened == "" || opened != pending {
		return model.Errorf(op, model.KindConflict, "The key changed meanwhile; start again.")
	}
	return nil
}
