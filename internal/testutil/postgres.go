// Package testutil gives tests real databases on both engines: a SQLite file
// in a temporary directory, and a database on a throwaway PostgreSQL 15
// cluster that the test binary starts itself (or one named by
// IOP_TEST_DATABASE_URL). Nothing here is a mock.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for the admin connection
)

// cluster is the process-wide throwaway PostgreSQL server.
var cluster struct {
	once    sync.Once
	url     string // admin URL (database "postgres")
	err     error
	stop    func()
	started bool
}

// PostgresURL returns an admin URL of a PostgreSQL server for tests: the
// one in IOP_TEST_DATABASE_URL if set, else a cluster started on first use
// (stopped by Main). The error says why none is available.
func PostgresURL() (string, error) {
	cluster.once.Do(func() {
		if u := os.Getenv("IOP_TEST_DATABASE_URL"); u != "" {
			cluster.url = u
			return
		}
		cluster.url, cluster.stop, cluster.err = startCluster()
		cluster.started = cluster.err == nil
	})
	return cluster.url, cluster.err
}

// StopPostgres stops a cluster this process started; Main calls it.
func StopPostgres() {
	if cluster.started && cluster.stop != nil {
		cluster.stop()
	}
}

// pgBinDir finds the PostgreSQL server binaries: on PATH, or Debian's
// /usr/lib/postgresql/<version>/bin.
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15 or set IOP_TEST_DATABASE_URL")
}

// startCluster runs initdb and pg_ctl start on a free loopback port. As root
// it runs them as the "postgres" user, since PostgreSQL refuses to run as
// root. The cluster is tuned for throwaway tests (no fsync).
func startCluster() (string, func(), error) {
	bin, err := pgBinDir()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "iop-pgtest-")
	if err != nil {
		return "", nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", nil, errors.New("running as root and there is no postgres user to run the test cluster as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)} // #nosec G115 -- ids from /etc/passwd
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", nil, err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
		port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CreateDatabase makes a fresh, empty database on the test server and
// returns its URL and a function that drops it.
func CreateDatabase(ctx context.Context) (string, func(), error) {
	admin, err := PostgresURL()
	if err != nil {
		return "", nil, err
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "iop_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		db.Close()
	}
	return u.String(), drop, nil
}

// requirePostgres reports whether a missing PostgreSQL must fail tests
// rather than skip them: CI sets IOP_REQUIRE_POSTGRES=1.
func requirePostgres() bool {
	v := strings.ToLower(os.Getenv("IOP_REQUIRE_POSTGRES"))
	return v == "1" || v == "true" || v == "yes"
}
