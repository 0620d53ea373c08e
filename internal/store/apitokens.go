package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
)

// APIToken is a staff member's token for the JSON API (its hash, never the
// token itself).
type APIToken struct {
	Hash      string
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time
}

// CreateAPIToken makes a token that acts as the user, and returns it; it is
// shown once and only its hash is kept.
func (db *DB) CreateAPIToken(ctx context.Context, userID, name string, rec audit.Record) (string, error) {
	const op = "store.CreateAPIToken"
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return "", model.Invalid(op, map[string]string{"name": "Name the token after what will use it (up to 80 characters)."})
	}
	token, hash := auth.NewToken()
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "account.api_token", audit.ActionCreate, userID, name
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)`,
			hash, userID, name, db.Now())
		return err
	}, &rec)
	return "iop_" + token, err
}

// APITokens lists a user's live tokens.
func (db *DB) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := db.query(ctx, `SELECT token_hash, name, created_at, last_used_at FROM api_tokens
		WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, model.Wrap("store.APITokens", model.KindInternal, err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var used sql.NullTime
		if err := rows.Scan(&t.Hash, &t.Name, &t.CreatedAt, &used); err != nil {
			return nil, err
		}
		t.LastUsed = used.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken ends one of a user's tokens.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, hash string, rec audit.Record) error {
	const op = "store.RevokeAPIToken"
	rec.Category, rec.Action, rec.EntityID = "account.api_token", audit.ActionDelete, userID
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND user_id = $3 AND revoked_at IS NULL`,
			db.Now(), hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return model.NotFound(op, "token")
		}
		return nil
	}, &rec)
}

// APITokenUser finds the active user a token acts as. An unknown, revoked
// or malformed token, or a deactivated user, is unauthenticated alike.
func (db *DB) APITokenUser(ctx context.Context, token string) (model.User, error) {
	const op = "store.APITokenUser"
	raw, ok := strings.CutPrefix(token, "iop_")
	if !ok || len(raw) < 40 {
		return model.User{}, &model.Error{Op: op, Kind: model.KindUnauthenticated, Msg: "the token is not valid"}
	}
	hash := auth.HashToken(raw)
	var u model.User
	var role string
	err := db.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`, hash).Scan(&u.ID, &u.Email, &u.Name, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return u, &model.Error{Op: op, Kind: model.KindUnauthenticated, Msg: "the token is not valid or was revoked"}
	}
	if err != nil {
		return u, model.Wrap(op, model.KindInternal, err)
	}
	u.Role, u.Active = model.Role(role), true
	// Last use is for the owner's list; at most once a minute, like sessions.
	_, _ = db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2
		AND (last_used_at IS NULL OR last_used_at < $3)`, db.Now(), hash, db.Now().Add(-time.Minute))
	return u, nil
}
