package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
)

const userColumns = `id, email, name, credentials, role, active, password_hash, created_at, totp_secret <> '', mfa_exempt`

func scanUser(s scanner) (model.User, error) {
	var u model.User
	var role string
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Credentials, &role, &u.Active, &u.PasswordHash, &u.CreatedAt, &u.MFAEnabled, &u.MFAExempt)
	u.Role = model.Role(role)
	return u, err
}

// CreateUser adds a staff user with an already hashed password, assigning
// its id. An email already in use is a conflict.
func (db *DB) CreateUser(ctx context.Context, u *model.User, rec audit.Record) error {
	const op = "store.CreateUser"
	u.ID = model.NewID()
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.CreatedAt = db.Now()
	rec.Category, rec.Action, rec.EntityID = "user", audit.ActionCreate, u.ID
	rec.Detail = "role=" + string(u.Role)
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, credentials, role, active, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			u.ID, u.Email, u.Name, u.Credentials, string(u.Role), u.Active, u.PasswordHash, u.CreatedAt)
		return err
	}, &rec)
	if isUniqueViolation(err) {
		return &model.Error{Op: op, Kind: model.KindConflict, Msg: "a user with that email already exists",
			Fields: map[string]string{"email": "A user with that email already exists."}}
	}
	return err
}

// UserByEmail returns the user with that sign-in email (any case).
func (db *DB) UserByEmail(ctx context.Context, email string) (model.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return u, model.NotFound("store.UserByEmail", "user")
	}
	return u, model.Wrap("store.UserByEmail", model.KindInternal, err)
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id string) (model.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, model.NotFound("store.User", "user")
	}
	return u, model.Wrap("store.User", model.KindInternal, err)
}

// Users lists every user, active first, then by name.
func (db *DB) Users(ctx context.Context) ([]model.User, error) {
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY active DESC, name`)
	if err != nil {
		return nil, model.Wrap("store.Users", model.KindInternal, err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserActive activates or deactivates a user. Deactivating also ends all
// of the user's sessions at once, in the same transaction.
func (db *DB) SetUserActive(ctx context.Context, id string, active bool, rec audit.Record) error {
	const op = "store.SetUserActive"
	rec.Category, rec.Action, rec.EntityID = "user", audit.ActionUpdate, id
	rec.Detail = "active=false"
	if active {
		rec.Detail = "active=true"
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET active = $1, updated_at = $2 WHERE id = $3`, active, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NotFound(op, "user")
		}
		if !active {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		}
		return err
	}, &rec)
}

// SetUserRole changes a user's role and ends their sessions, so the new
// permissions apply from their next sign-in.
func (db *DB) SetUserRole(ctx context.Context, id string, role model.Role, rec audit.Record) error {
	const op = "store.SetUserRole"
	rec.Category, rec.Action, rec.EntityID, rec.Detail = "user", audit.ActionUpdate, id, "role="+string(role)
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, updated_at = $2 WHERE id = $3`, string(role), db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NotFound(op, "user")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	}, &rec)
}

// SetPasswordHash replaces a user's password hash. With endSessions, all of
// the user's sessions end too (after a password reset); a rehash on sign-in
// to stronger parameters keeps them. A nil rec records nothing (a rehash
// changes nothing a person would audit).
func (db *DB) SetPasswordHash(ctx context.Context, id, hash string, endSessions bool, rec *audit.Record) error {
	const op = "store.SetPasswordHash"
	if rec != nil {
		rec.Category, rec.Action, rec.EntityID, rec.Detail = "user.password", audit.ActionUpdate, id, "password changed"
	}
	var recs []*audit.Record
	if rec != nil {
		recs = append(recs, rec)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.NotFound(op, "user")
		}
		if endSessions {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		}
		return err
	}, recs...)
}

// CountUsers returns how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}
