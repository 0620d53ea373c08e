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
	// Scopes are SMART-style scopes, space-separated (internal/fhir reads
	// them); "" is a token of the JSON API only.
	Scopes string
	// OutsideSystem marks a token another organization's system uses: it
	// reads a client's record only under a Part 2 consent naming the
	// token's name as recipient, and each read is a disclosure.
	OutsideSystem bool
}

// CreateAPIToken makes a token that acts as the user, and returns it; it is
// shown once and only its hash is kept.
func (db *DB) CreateAPIToken(ctx context.Context, userID, name string, rec audit.Record) (string, error) {
	return db.CreateScopedAPIToken(ctx, userID, name, "", false, rec)
}

// CreateScopedAPIToken is CreateAPIToken with SMART-style scopes (already
// checked and in canonical form) and the outside-system flag. Who may set
// the flag is the caller's rule (the account page allows it to holders of
// records.disclose).
func (db *DB) CreateScopedAPIToken(ctx context.Context, userID, name, scopes string, outside bool, rec audit.Record) (string, error) {
	const op = "store.CreateAPIToken"
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return "", model.Invalid(op, map[string]string{"name": "Name the token after what will use it (up to 80 characters)."})
	}
	token, hash := auth.NewToken()
	if outside && strings.TrimSpace(scopes) == "" {
		return "", model.Invalid(op, map[string]string{"scopes": "An outside system's token needs scopes: it can only read the FHIR API."})
	}
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "account.api_token", audit.ActionCreate, userID, name
	if scopes != "" {
		rec.Detail += "; scopes " + scopes
	}
	if outside {
		rec.Detail += "; outside system"
	}
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, scopes, outside_system)
			VALUES ($1, $2, $3, $4, $5, $6)`, hash, userID, name, db.Now(), scopes, outside)
		return err
	}, &rec)
	return "iop_" + token, err
}

// APITokens lists a user's live tokens.
func (db *DB) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := db.query(ctx, `SELECT token_hash, name, created_at, last_used_at, scopes, outside_system FROM api_tokens
		WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, model.Wrap("store.APITokens", model.KindInternal, err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var used sql.NullTime
		if err := rows.Scan(&t.Hash, &t.Name, &t.CreatedAt, &used, &t.Scopes, &t.OutsideSystem); err != nil {
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
	u, _, err := db.APITokenGrant(ctx, token)
	return u, err
}

// APITokenGrant is APITokenUser with the token itself: its name, scopes
// and whether it belongs to an outside system.
func (db *DB) APITokenGrant(ctx context.Context, token string) (model.User, APIToken, error) {
	const op = "store.APITokenUser"
	var t APIToken
	raw, ok := strings.CutPrefix(token, "iop_")
	if !ok || len(raw) < 40 {
		return model.User{}, t, &model.Error{Op: op, Kind: model.KindUnauthenticated, Msg: "the token is not valid"}
	}
	hash := auth.HashToken(raw)
	var u model.User
	var role string
	var used sql.NullTime
	err := db.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, t.token_hash, t.name, t.created_at, t.last_used_at, t.scopes, t.outside_system
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`, hash).Scan(&u.ID, &u.Email, &u.Name, &role,
		&t.Hash, &t.Name, &t.CreatedAt, &used, &t.Scopes, &t.OutsideSystem)
	if errors.Is(err, sql.ErrNoRows) {
		return u, t, &model.Error{Op: op, Kind: model.KindUnauthenticated, Msg: "the token is not valid or was revoked"}
	}
	if err != nil {
		return u, t, model.Wrap(op, model.KindInternal, err)
	}
	t.LastUsed = used.Time
	u.Role, u.Active = model.Role(role), true
	// Last use is for the owner's list; at most once a minute, like sessions.
	_, _ = db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2
		AND (last_used_at IS NULL OR last_used_at < $3)`, db.Now(), hash, db.Now().Add(-time.Minute))
	return u, t, nil
}
