// Package app is the `iop` command: it reads configuration, opens the store,
// wires the services together and runs a subcommand. main calls Run and
// nothing else, so tests can run the whole program, environment included.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/openiop/openiop/internal/auth"
)

// Version is the release, set at build time with
// -ldflags "-X github.com/openiop/openiop/internal/app.Version=v1.2.3".
var Version = "dev"

// UsageError is a mistake in the command line; it exits with status 2.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// ExitCode is the process exit status for an error returned by Run.
func ExitCode(err error) int {
	var u UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &u):
		return 2
	default:
		return 1
	}
}

const usage = `iop runs OpenIOP, software for an intensive outpatient addiction treatment program.

Usage: iop <command> [flags]

Commands:
  serve         run the web server (add --demo for a demo center on a fresh database)
  migrate       bring the database schema up to date
  demo          fill an empty database with a fictional demo center (--clients N, --seed S)
  user add      add a staff account (--email, --name, --role)
  audit verify  check that the audit log's hash chain is intact (and, with
                --audit-public-key, that it matches its signed anchors)
  audit keygen  write a new audit anchor signing key to a file (--out FILE)
  audit anchor  sign an anchor of the audit log's head now (--audit-key-file)
  schedule      propose a site's week with the schedule builder (--site S --week
                YYYY-Www); --apply makes the proposed enrolment changes
  backup        copy the SQLite database while the server runs (--out FILE); checked
  restore       put a backup in place, server stopped (--from FILE [--force]); migrated
                and its audit chain verified (PostgreSQL: pg_dump / pg_restore)
  export        write a documented archive of one client's record (--client ID) or of
                every client's (--all): FHIR R4 NDJSON per resource type and the signed
                notes as text (--out DIR); audited
  secret-key    print a new key for IOP_SECRET_KEY
  version       print the version

Authenticator keys (two-step sign-in) are sealed at rest with a key kept outside the
database: IOP_SECRET_KEY (make one with 'iop secret-key'; the same on every replica of a
PostgreSQL database), or for SQLite the secret.key file the server makes in the data
directory (iop backup copies it beside the backup).

Audit anchors: with a signing key (--audit-key-file or IOP_AUDIT_KEY_FILE, or the key in
IOP_AUDIT_KEY), iop serve signs the audit log's head at start, every
--audit-anchor-interval (default 10m) and at stop, and appends each anchor to
--audit-anchor-log if given. Keep the key and the anchor log off the database host.

Every command that opens the database takes --data-dir (SQLite, default ./data) or
--database-url postgres://... (also IOP_DATA_DIR and IOP_DATABASE_URL).
Run 'iop <command> -h' for a command's flags.
`

// Run runs the iop command line. args includes the program name.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return UsageError{"no command given"}
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, getenv, stdout, stderr)
	case "schedule":
		return scheduleCmd(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			return UsageError{"usage: iop user add --email EMAIL --name NAME --role ROLE"}
		}
		return userAdd(ctx, rest[1:], getenv, stdin, stdout, stderr)
	case "audit":
		sub := ""
		if len(rest) > 0 {
			sub = rest[0]
		}
		switch sub {
		case "verify":
			return auditVerify(ctx, rest[1:], getenv, stdout, stderr)
		case "keygen":
			return auditKeygen(rest[1:], getenv, stdout, stderr)
		case "anchor":
			return auditAnchor(ctx, rest[1:], getenv, stdout, stderr)
		}
		return UsageError{"usage: iop audit verify [--data-dir DIR | --database-url URL] [--audit-public-key KEY [--audit-anchor-log FILE]]\n" +
			"       iop audit keygen --out FILE\n" +
			"       iop audit anchor --audit-key-file FILE [--audit-anchor-log FILE] [--data-dir DIR | --database-url URL]"}
	case "secret-key":
		fmt.Fprintln(stdout, auth.NewSecretKey())
		return nil
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return UsageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

func versionLine() string {
	sqlite := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "modernc.org/sqlite" {
				sqlite = ", modernc.org/sqlite " + d.Version
			}
		}
	}
	return fmt.Sprintf("openiop %s (%s %s/%s%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, sqlite)
}

// flagError turns a flag parsing failure into a usage error (exit 2), but
// keeps -h a clean exit.
func flagError(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return UsageError{strings.TrimSpace(err.Error())}
}
