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

// SSOLogin is a single sign-on in progress, kept between the redirect to
// the identity provider and its callback.
type SSOLogin struct {
	Nonce, Verifier string
	Next            string // where to go after signing in
}

// CreateSSOLogin keeps a sign-in in progress under the hash of its state,
// until expires, and drops the ones that have expired.
func (db *DB) CreateSSOLogin(ctx context.Context, stateHash string, l SSOLogin, expires time.Time) error {
	return db.write(ctx, "store.CreateSSOLogin", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_logins WHERE expires_at < $1`, db.Now().UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sso_logins (state_hash, nonce, verifier, next, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			stateHash, l.Nonce, l.Verifier, l.Next, expires.UTC())
		return err
	})
}

// TakeSSOLogin returns the sign-in in progress under stateHash and deletes
// it, so a callback works once. Unknown or expired is not found.
func (db *DB) TakeSSOLogin(ctx context.Context, stateHash string, now time.Time) (SSOLogin, error) {
	const op = "store.TakeSSOLogin"
	var l SSOLogin
	var expires time.Time
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM sso_logins WHERE state_hash = $1 RETURNING nonce, verifier, next, expires_at`, stateHash).
			Scan(&l.Nonce, &l.Verifier, &l.Next, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "sign-in attempt")
		}
		return err
	})
	if err == nil && now.After(expires) {
		return SSOLogin{}, model.NotFound(op, "sign-in attempt")
	}
	return l, err
}

// SSOAccount finds the staff account for an identity at the provider: the
// one linked to it, or else the one with its email that is linked to no
// identity yet (linked reports which). An account whose email matches but
// that is linked to another identity at this provider is not returned: the
// provider's account for that address changed hands, and an administrator
// must look.
func (db *DB) SSOAccount(ctx context.Context, issuer, subject, email string) (u model.User, linked bool, err error) {
	const op = "store.SSOAccount"
	u, err = scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE sso_issuer = $1 AND sso_subject = $2`, issuer, subject))
	if err == nil {
		return u, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return u, false, model.Wrap(op, model.KindInternal, err)
	}
	if strings.TrimSpace(email) == "" {
		return model.User{}, false, model.NotFound(op, "user")
	}
	u, err = scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1 AND sso_subject IS NULL`,
		strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return model.User{}, false, model.NotFound(op, "user")
	}
	return u, false, model.Wrap(op, model.KindInternal, err)
}

// LinkSSO ties a staff account to its identity at the provider, once.
func (db *DB) LinkSSO(ctx context.Context, userID, issuer, subject string, rec audit.Record) error {
	const op = "store.LinkSSO"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "admin.user", audit.ActionUpdate, userID, "linked to single sign-on "+issuer
	return db.write(ctx, op, func(tx *sql.Tx) error {
		err := updateOnce(ctx, tx, model.Errorf(op, model.KindConflict, "The account is already linked to a single sign-on identity."),
			`UPDATE users SET sso_issuer = $1, sso_subject = $2 WHERE id = $3 AND sso_subject IS NULL`, issuer, subject, userID)
		if isUniqueViolation(err) {
			return model.Errorf(op, model.KindConflict, "That single sign-on identity is linked to another account.")
		}
		return err
	}, &rec)
}
