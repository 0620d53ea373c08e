// Package store persists OpenIOP's data in SQLite (the embedded default) or
// PostgreSQL (for several servers), with one set of SQL for both. Every
// method that changes client data takes the audit record describing the
// change and appends it in the same transaction, so a change and its audit
// record are committed together or not at all.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/submission"
)

// DB is the store. Reads go to a pool of connections; writes go to one
// connection on SQLite (it has one writer, and queuing in Go is fairer than
// busy-waiting in SQLite) and to the same pool on PostgreSQL.
type DB struct {
	Engine Engine
	w      *sql.DB
	r      *sql.DB
	now    func() time.Time
	where  string // the file or redacted URL, for messages
	stmts  stmtCache
	box    *auth.SecretBox // seals authenticator keys; nil keeps them as they are (PostgreSQL without a key)
}

// Options configure Open.
type Options struct {
	DataDir     string           // where the SQLite file lives; ignored for PostgreSQL
	DatabaseURL string           // empty for SQLite
	Now         func() time.Time // the clock; time.Now if nil
	MaxConns    int              // PostgreSQL pool size / SQLite readers; 0 for a default
	MustExist   bool             // refuse to create a new SQLite database (for commands that only read)
	// SecretKey seals authenticator keys at rest. Without it SQLite uses
	// (and first makes) SecretKeyFile in the data directory; PostgreSQL,
	// whose replicas must share one key, keeps them unsealed.
	SecretKey []byte
}

// SecretKeyFile is the key, beside the SQLite database, that seals
// authenticator keys when none is given. Back it up apart from the
// database: a copy of the database alone does not open them.
const SecretKeyFile = "secret.key"

// FileName is the SQLite database file in the data directory.
const FileName = "openiop.db"

// Open connects to the database named by opts and checks that it answers. It
// does not migrate; call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	const op = "store.Open"
	engine, err := EngineOf(opts.DatabaseURL)
	if err != nil {
		return nil, &model.Error{Op: op, Kind: model.KindInvalid, Msg: err.Error()}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	db := &DB{Engine: engine, now: now}
	maxConns := opts.MaxConns
	if maxConns <= 0 {
		maxConns = 8
	}
	switch engine {
	case SQLite:
		if opts.MustExist {
			if _, err := os.Stat(filepath.Join(opts.DataDir, FileName)); err != nil {
				return nil, &model.Error{Op: op, Kind: model.KindNotFound,
					Msg: fmt.Sprintf("there is no OpenIOP database in %q (looked for %s)", opts.DataDir, FileName)}
			}
		}
		if err := ensureWritableDir(opts.DataDir); err != nil {
			return nil, &model.Error{Op: op, Kind: model.KindInvalid, Msg: err.Error()}
		}
		path := filepath.Join(opts.DataDir, FileName)
		db.where = path
		if db.w, err = sql.Open("sqlite", sqliteDSN(path, false)); err != nil {
			return nil, model.Wrap(op, model.KindInternal, err)
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		// The writer creates the file and switches it to WAL before any reader opens it.
		if err := db.w.PingContext(ctx); err != nil {
			db.w.Close()
			return nil, &model.Error{Op: op, Kind: model.KindUnavailable, Msg: fmt.Sprintf("cannot open the database file %s", path), Err: err}
		}
		if db.r, err = sql.Open("sqlite", sqliteDSN(path, true)); err != nil {
			db.w.Close()
			return nil, model.Wrap(op, model.KindInternal, err)
		}
		db.r.SetMaxOpenConns(maxConns)
		db.r.SetMaxIdleConns(maxConns)
		if opts.SecretKey == nil {
			if opts.SecretKey, err = dataDirKey(opts.DataDir); err != nil {
				db.Close()
				return nil, &model.Error{Op: op, Kind: model.KindInvalid, Msg: err.Error()}
			}
		}
	case Postgres:
		db.where = Redact(opts.DatabaseURL)
		if db.w, err = sql.Open("pgx", opts.DatabaseURL); err != nil {
			return nil, &model.Error{Op: op, Kind: model.KindInvalid, Msg: fmt.Sprintf("the database URL %s cannot be used", db.where), Err: err}
		}
		db.w.SetMaxOpenConns(maxConns * 2)
		db.w.SetMaxIdleConns(maxConns * 2)
		db.w.SetConnMaxLifetime(30 * time.Minute)
		db.r = db.w
		pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := db.w.PingContext(pingCtx); err != nil {
			db.w.Close()
			return nil, &model.Error{Op: op, Kind: model.KindUnavailable, Msg: fmt.Sprintf("cannot connect to the database at %s", db.where), Err: err}
		}
	}
	if opts.SecretKey != nil {
		if db.box, err = auth.NewSecretBox(opts.SecretKey); err != nil {
			db.Close()
			return nil, &model.Error{Op: op, Kind: model.KindInvalid, Msg: err.Error()}
		}
	}
	return db, nil
}

// dataDirKey reads the data directory's secret key, making it (readable by
// the owner only) on first use.
func dataDirKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, SecretKeyFile)
	b, err := os.ReadFile(path) // #nosec G304 -- the operator's data directory
	if errors.Is(err, os.ErrNotExist) {
		text := auth.NewSecretKey()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the operator's data directory
		if errors.Is(err, os.ErrExist) {
			return dataDirKey(dir) // another process made it first
		}
		if err != nil {
			return nil, fmt.Errorf("cannot create the secret key %s: %v", path, err)
		}
		if _, err := f.WriteString(text + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return auth.ParseSecretKey(text)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the secret key %s: %v", path, err)
	}
	key, err := auth.ParseSecretKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return key, nil
}

// SealsSecrets reports whether authenticator keys are sealed at rest.
func (db *DB) SealsSecrets() bool { return db.box != nil }

// seal seals a secret for storing, when a key is set.
func (db *DB) seal(s string) string {
	if db.box == nil {
		return s
	}
	return db.box.Seal(s)
}

// unseal reads a stored secret.
func (db *DB) unseal(s string) (string, error) {
	if db.box == nil {
		if auth.Sealed(s) {
			return "", auth.ErrSealedElsewhere
		}
		return s, nil
	}
	return db.box.Open(s)
}

// SealStoredSecrets seals the authenticator keys stored before sealing (or
// while no key was set), so that none stays readable in the database.
func (db *DB) SealStoredSecrets(ctx context.Context) (int, error) {
	const op = "store.SealStoredSecrets"
	if db.box == nil {
		return 0, nil
	}
	n := 0
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		for _, table := range []string{"users", "portal_accounts"} {
			rows, err := tx.QueryContext(ctx, `SELECT id, totp_secret, totp_pending FROM `+table+` WHERE totp_secret <> '' OR totp_pending <> ''`) // #nosec G202 -- fixed table names
			type row struct{ id, secret, pending string }
			list, err := collect(rows, err, func(s scanner) (row, error) {
				var x row
				return x, s.Scan(&x.id, &x.secret, &x.pending)
			})
			if err != nil {
				return err
			}
			for _, x := range list {
				if (x.secret == "" || auth.Sealed(x.secret)) && (x.pending == "" || auth.Sealed(x.pending)) {
					continue
				}
				sealed := func(v string) string {
					if v == "" || auth.Sealed(v) {
						return v
					}
					return db.box.Seal(v)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET totp_secret = $1, totp_pending = $2 WHERE id = $3`, // #nosec G202 -- fixed table names
					sealed(x.secret), sealed(x.pending), x.id); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// ensureWritableDir creates dir if needed and proves it is writable, so that
// a bad data directory is reported plainly at start rather than as an odd
// SQLite error on the first write.
func ensureWritableDir(dir string) error {
	if dir == "" {
		return errors.New("no data directory is set (use --data-dir or IOP_DATA_DIR)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data directory %q: %v", dir, unwrapPathError(err))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("the data directory %q is not writable: %v", dir, unwrapPathError(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Where describes the database for messages: the SQLite file or the
// PostgreSQL URL without its password.
func (db *DB) Where() string { return db.where }

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.close()
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return err
	}
	return db.w.PingContext(ctx)
}

// Now returns the store's clock reading in UTC with microsecond precision,
// which both engines store exactly.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// write runs fn in a write transaction and appends recs to the audit log in
// the same transaction; it commits only if both succeed.
func (db *DB) write(ctx context.Context, op string, fn func(tx *sql.Tx) error, recs ...*audit.Record) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return model.Wrap(op, model.KindUnavailable, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	sub := submission.From(ctx)
	key := sub.Take()
	if key != "" {
		if err := db.recordSubmission(ctx, tx, op, sub.Scope, key); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	if len(recs) > 0 {
		list := make([]audit.Record, len(recs))
		for i, r := range recs {
			list[i] = *r
		}
		if err := appendAudit(ctx, tx, list); err != nil {
			return model.Wrap(op, model.KindInternal, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	if key != "" {
		sub.Recorded()
	}
	return nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// nullable turns "" into NULL for optional references.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullString reads a nullable text column into "".
type nullString struct{ s *string }

func (n nullString) Scan(src any) error {
	var ns sql.NullString
	if err := ns.Scan(src); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}

// collect reads every row of a query with scan; it closes the rows.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
