package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/store"
)

// backupCmd writes a consistent copy of the SQLite database while the
// server runs, checks it and says what it holds.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	d, err := parseCommand("backup", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.String(&out, "out", "", "the backup file to write (must not exist)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return UsageError{"--out is required: the file to write the backup to"}
	}
	db, err := openExistingStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	fmt.Fprintf(stderr, "Copying %s ...\n", db.Where())
	if err := db.Backup(ctx, out); err != nil {
		return fmt.Errorf("backing up %s: %w", db.Where(), err)
	}
	if err := store.CheckSQLiteFile(ctx, out); err != nil {
		return fmt.Errorf("the backup was written but does not check out: %w", err)
	}
	// The key that seals authenticator keys goes with the backup: without
	// it, nobody could use two-step sign-in on the restored database.
	if d.SecretKey == "" {
		if err := copyFile(filepath.Join(d.DataDir, store.SecretKeyFile), out+".key"); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("copying the secret key beside the backup: %w", err)
		}
		fmt.Fprintf(stderr, "The secret key is in %s: keep it with the backup, apart from other copies.\n", out+".key")
	}
	rec := cliRecord("database backup written to " + out)
	rec.Action, rec.Category, rec.Outcome = audit.ActionExport, "database.backup", audit.OutcomeSuccess
	if err := db.AppendAudit(ctx, []audit.Record{rec}); err != nil {
		return err
	}
	head, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: %s, integrity ok, audit log through record %d, in %s.\n",
		db.Where(), out, humanBytes(info.Size()), head.Seq-1, time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd puts a backup in place of the SQLite database, with the
// server stopped. The database it replaces is kept beside it, the restored
// one is migrated to this version and its audit chain verified.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var from string
	var force bool
	d, err := parseCommand("restore", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.String(&from, "from", "", "the backup file to restore")
		fs.Bool(&force, "force", false, "replace an existing database (it is kept as openiop.db.before-restore-TIME)")
	})
	if err != nil {
		return err
	}
	if from == "" {
		return UsageError{"--from is required: the backup file to restore"}
	}
	if d.DatabaseURL != "" {
		return UsageError{"iop restore restores SQLite backups; for PostgreSQL use pg_restore (docs/operators.md, Backups)"}
	}
	if err := store.CheckSQLiteFile(ctx, from); err != nil {
		return fmt.Errorf("not restoring: %w", err)
	}
	target := filepath.Join(d.DataDir, store.FileName)
	if _, err := os.Stat(target); err == nil {
		if !force {
			return UsageError{fmt.Sprintf("a database already exists at %s; stop the server and run again with --force to replace it (it will be kept)", target)}
		}
		keep := target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, keep+suffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("moving the current database aside: %w", err)
			}
		}
		fmt.Fprintf(stderr, "The database it replaces is kept as %s\n", keep)
	}
	if err := os.MkdirAll(d.DataDir, 0o700); err != nil {
		return err
	}
	if err := copyFile(from, target); err != nil {
		return fmt.Errorf("copying the backup into place: %w", err)
	}
	if key := filepath.Join(d.DataDir, store.SecretKeyFile); d.SecretKey == "" {
		if _, err := os.Stat(from + ".key"); err == nil {
			os.Remove(key) // the restored database's own key replaces this one
			if err := copyFile(from+".key", key); err != nil {
				return fmt.Errorf("restoring the secret key: %w", err)
			}
		}
	}
	db, err := openExistingStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrating the restored database: %w", err)
	}
	head, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	rep, err := audit.Verify(db.AuditRecords(ctx), head, nil)
	if err != nil {
		return fmt.Errorf("verifying the restored audit log: %w", err)
	}
	if !rep.OK() {
		return fmt.Errorf("the restored audit log does not verify: record %d: %s", rep.FirstBad, rep.Problem)
	}
	fmt.Fprintf(stdout, "Restored %s to %s: %s applied, audit chain of %d records verified.\n", from, target, plural(n, "migration"), head.Seq)
	return nil
}

// copyFile copies src to dst through a temporary file, synced before it is
// renamed into place, so a crash leaves either nothing or the whole copy.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".restoring"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
