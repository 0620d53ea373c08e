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
	"github.com/openiop/openiop/internal/model"
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
}

// Options configure Open.
type Options struct {
	DataDir     string           // where the SQLite file lives; ignored for PostgreSQL
	DatabaseURL string           // empty for SQLite
	Now         func() time.Time // the clock; time.Now if nil
	MaxConns    int              // PostgreSQL pool size / SQLite readers; 0 for a default
	MustExist   bool             // refuse to create a new SQLite database (for commands that only read)
}

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
	return db, nil
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
