package store

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file is the only engine-specific code in the store: connection
// strings, error classification and migration locking. SQL elsewhere is
// written once with $N placeholders, which both drivers bind by number.

// Engine is a database engine.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// EngineOf returns the engine a database URL names: empty means SQLite in
// the data directory; postgres:// and postgresql:// mean PostgreSQL.
func EngineOf(databaseURL string) (Engine, error) {
	switch {
	case databaseURL == "":
		return SQLite, nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return Postgres, nil
	default:
		return "", fmt.Errorf("the database URL must start with postgres:// or postgresql:// (or be empty for SQLite in the data directory), not %q", Redact(databaseURL))
	}
}

// sqliteDSN is the connection string for the SQLite file. busy_timeout comes
// first so that the connection waits on a lock before WAL is switched on.
// synchronous=FULL keeps the last commits through a power loss, not only a
// process crash: these are health records. _txlock=immediate takes the write
// lock at BEGIN, so a read lock is never upgraded (which can fail with BUSY).
// The one writer connection keeps a 16 MB page cache (SQLite's default is
// 2 MB): a large transaction (an import, the demo's batches of 500 clients
// with their search trigrams) otherwise spills dirty pages to the file
// before it commits; the 20,000-client demo took 2:10 with the default and
// 1:21 with this, on the same busy machine.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "cache_size(-16384)")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// migrationLock returns statements that serialize migrations between
// replicas starting at once. SQLite needs none: its write lock does it.
func migrationLock(e Engine) (lock, unlock string) {
	if e == Postgres {
		// An arbitrary constant key owned by OpenIOP's migrations.
		return "SELECT pg_advisory_lock(7493010)", "SELECT pg_advisory_unlock(7493010)"
	}
	return "", ""
}

// Redact hides the password in a database URL, for messages and logs.
func Redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil || u.User == nil {
		return databaseURL
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
