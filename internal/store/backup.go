package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/openiop/openiop/internal/model"
)

// Backup writes a consistent copy of a SQLite database to dest while the
// server keeps running: VACUUM INTO reads one snapshot (WAL readers and the
// writer carry on) and writes a compact, self-contained file. dest must not
// exist. PostgreSQL is backed up with pg_dump (docs/operators.md).
func (db *DB) Backup(ctx context.Context, dest string) error {
	const op = "store.Backup"
	if db.Engine != SQLite {
		return model.Errorf(op, model.KindInvalid, "iop backup copies SQLite databases; for PostgreSQL use pg_dump (docs/operators.md, Backups)")
	}
	if _, err := os.Stat(dest); err == nil {
		return model.Errorf(op, model.KindConflict, "%s already exists; choose a new file name", dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return model.Wrap(op, model.KindInvalid, err)
	}
	// A connection of its own: VACUUM INTO reads one snapshot and takes no
	// write lock, so the server's writer and readers carry on meanwhile
	// (the readers' connections are query-only, which refuses VACUUM).
	conn, err := sql.Open("sqlite", sqliteDSN(db.where, false))
	if err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, dest); err != nil {
		return model.Wrap(op, model.KindInternal, err)
	}
	return os.Chmod(dest, 0o600)
}

// CheckSQLiteFile opens a SQLite file read-only and runs the integrity
// check, for a backup before it is kept or restored.
func CheckSQLiteFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	// Read-only and without the serving pragmas: checking must not change the file (not even its journal mode).
	conn, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("%s fails the integrity check: %s", path, result)
	}
	var migrations int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&migrations); err != nil {
		return fmt.Errorf("%s is not an OpenIOP database: %w", path, err)
	}
	return nil
}
