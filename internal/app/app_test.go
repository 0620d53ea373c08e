package app_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/app"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/testutil/testserver"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func noEnv(string) string { return "" }

// iop runs a command to completion and returns what it printed.
func iop(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = app.Run(context.Background(), append([]string{"iop"}, args...), noEnv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// dbArgs returns the flags that name a fresh database on engine e.
func dbArgs(t *testing.T, e store.Engine) []string {
	dir, u := testutil.DatabaseOptions(t, e)
	if u != "" {
		return []string{"--database-url", u}
	}
	return []string{"--data-dir", dir}
}

// serve starts `iop serve` and returns its URL and a stop function that
// cancels it and returns Run's result.
func serve(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	s := testserver.Start(t, args...)
	return s.URL, s.Stop
}

func TestServeDemoOnBothEngines(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			base, stop := serve(t, append([]string{"--demo", "--demo-clients", "15"}, args...)...)
			get := func(p string) (int, string) {
				resp, err := http.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, body := get("/"); code != 200 || !strings.Contains(body, demo.Organization.Name) {
				t.Fatalf("landing page: %d", code)
			}
			if code, body := get("/readyz"); code != 200 || strings.TrimSpace(body) != "ready" {
				t.Fatalf("readyz: %d %q", code, body)
			}
			if code, body := get("/api/v1/instruments/gad-7"); code != 200 || !strings.Contains(body, `"code": "gad-7"`) {
				t.Fatalf("the JSON API is not mounted: %d", code)
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{
				"email": {"director@demo.openiop.org"}, "password": {demo.Password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/home" {
				t.Fatalf("sign-in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if err := stop(); err != nil {
				t.Fatalf("serve returned %v on a clean stop", err)
			}
			// Serving again on the same database keeps the demo, not a second one.
			_, stop2 := serve(t, append([]string{"--demo"}, args...)...)
			if err := stop2(); err != nil {
				t.Fatal(err)
			}
			out, _, err := iop(t, "", append([]string{"audit", "verify"}, args...)...)
			if err != nil || !strings.Contains(out, "The audit log is intact") {
				t.Fatalf("audit verify after serving: %v\n%s", err, out)
			}
		})
	}
}

// TestShutdownFinishesRequestsInFlight starts a request, stops the server
// while the request is still being sent, and checks that it is answered.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	base, stop := serve(t, append([]string{"--demo", "--demo-clients", "3"}, dbArgs(t, store.SQLite)...)...)
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := url.Values{"email": {"clinician@demo.openiop.org"}, "password": {"not the password"}}.Encode()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		u.Host, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the server is now reading the body
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(300 * time.Millisecond) // shutdown has begun and is waiting for us
	select {
	case err := <-stopped:
		t.Fatalf("serve stopped (%v) while a request was in flight", err)
	default:
	}
	fmt.Fprint(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("in-flight sign-in answered %d, want 401", resp.StatusCode)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			if _, _, err := iop(t, "", append([]string{"demo", "--clients", "10"}, args...)...); err != nil {
				t.Fatal(err)
			}
			out, _, err := iop(t, "", append([]string{"audit", "verify"}, args...)...)
			if err != nil || !strings.Contains(out, "intact") {
				t.Fatalf("fresh demo: %v %s", err, out)
			}
			raw := rawDB(t, e, args)
			// An attacker with database access switches off the append-only
			// guard and edits record 7.
			disable := map[store.Engine]string{
				store.SQLite:   `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete`,
				store.Postgres: `ALTER TABLE audit_log DISABLE TRIGGER USER`,
			}[e]
			mustExec(t, raw, disable)
			mustExec(t, raw, `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 7`)
			_, _, err = iop(t, "", append([]string{"audit", "verify"}, args...)...)
			if err == nil || !strings.Contains(err.Error(), "BROKEN at record 7") || app.ExitCode(err) != 1 {
				t.Fatalf("edited record: got %v, want BROKEN at record 7 and exit 1", err)
			}
			// Put it back and delete record 4 instead.
			mustExec(t, raw, `UPDATE audit_log SET actor_id = 'system:demo' WHERE seq = 7`)
			if _, _, err := iop(t, "", append([]string{"audit", "verify"}, args...)...); err != nil {
				t.Fatalf("restored record: %v", err)
			}
			mustExec(t, raw, `DELETE FROM audit_log WHERE seq = 4`)
			if _, _, err = iop(t, "", append([]string{"audit", "verify"}, args...)...); err == nil || !strings.Contains(err.Error(), "BROKEN at record 4") {
				t.Fatalf("deleted record: got %v", err)
			}
		})
	}
}

func rawDB(t *testing.T, e store.Engine, args []string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if e == store.SQLite {
		db, err = sql.Open("sqlite", filepath.Join(args[1], store.FileName))
	} else {
		db, err = sql.Open("pgx", args[1])
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, stmt string) {
	t.Helper()
	for _, s := range strings.Split(stmt, ";") {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestCommandLineErrorsSayWhatToFix(t *testing.T) {
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{}, "no command given", 2},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`, 2},
		{[]string{"serve", "--addr", "nowhere"}, "--addr must be host:port", 2},
		{[]string{"serve", "--no-such-flag"}, "flag provided but not defined", 2},
		{[]string{"serve", "--data-dir", "/proc/openiop"}, "data directory", 1},
		{[]string{"migrate", "--database-url", "postgres://iop:hunter2@127.0.0.1:1/iop?connect_timeout=2"}, "cannot connect to the database at postgres://iop:xxxxx@127.0.0.1:1/iop", 1},
		{[]string{"migrate", "--database-url", "mysql://x"}, "must start with postgres://", 1},
		{[]string{"demo", "--clients", "-3"}, "--clients must be between 0 and 100000", 2},
		{[]string{"demo", "--today", "2026-02-30"}, "--today", 2},
		{[]string{"user", "add", "--email", "x", "--role", "boss"}, "--email must be an email address", 2},
		{[]string{"user"}, "usage: iop user add", 2},
		{[]string{"audit"}, "usage: iop audit verify", 2},
	}
	for _, c := range cases {
		_, _, err := iop(t, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || app.ExitCode(err) != c.code {
			t.Errorf("iop %v: got %v (exit %d), want %q exit %d", c.args, err, app.ExitCode(err), c.want, c.code)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("iop %v: the error shows the database password", c.args)
		}
	}
	out, _, err := iop(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "openiop ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestUserAdd(t *testing.T) {
	args := dbArgs(t, store.SQLite)
	base := append([]string{"user", "add", "--email", "Sam.Okafor@Example.org", "--name", "Sam Okafor", "--role", "clinician",
		"--credentials", "LPC"}, args...)
	if _, _, err := iop(t, "short\n", append(base, "--password-stdin")...); err == nil || !strings.Contains(err.Error(), "at least 15 characters") {
		t.Fatalf("a short password: %v", err)
	}
	out, _, err := iop(t, "", base...)
	if err != nil || !strings.Contains(out, "Added Sam Okafor <sam.okafor@example.org> as Clinician") {
		t.Fatalf("user add: %v %s", err, out)
	}
	m := regexp.MustCompile(`Temporary password: (\S+)`).FindStringSubmatch(out)
	if m == nil || len(m[1]) < 20 {
		t.Fatalf("no generated password printed: %s", out)
	}
	if _, _, err := iop(t, "", base...); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("the same email twice: %v", err)
	}
	// The printed password signs in.
	baseURL, _ := serve(t, args...)
	req, _ := http.NewRequest("POST", baseURL+"/login", strings.NewReader(url.Values{"email": {"sam.okafor@example.org"}, "password": {m[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in with the printed password: %d", resp.StatusCode)
	}
}

func TestDemoIsDeterministicAndRefusesAFullDatabase(t *testing.T) {
	snapshot := func(seed string, args []string) string {
		if _, _, err := iop(t, "", append([]string{"demo", "--clients", "30", "--seed", seed, "--today", "2026-11-23"}, args...)...); err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(context.Background(), store.Options{DataDir: args[1]})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		list, _, err := db.SearchClients(context.Background(), store.ClientQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, c := range list {
			fmt.Fprintf(&b, "%s %s %s %s %s|", c.ID, c.MRN, c.DisplayName(), c.DateOfBirth, c.Phone)
			if c.Current != nil {
				fmt.Fprintf(&b, "%s %s %s|", c.Current.ID, c.Current.AdmissionDate, c.Current.TrackName)
			}
		}
		return b.String()
	}
	a := dbArgs(t, store.SQLite)
	first, second := snapshot("5", a), snapshot("5", dbArgs(t, store.SQLite))
	if first != second || len(first) < 100 {
		t.Fatalf("the same seed and date gave different demo data")
	}
	if _, _, err := iop(t, "", append([]string{"demo"}, a...)...); err == nil || !strings.Contains(err.Error(), "already has a center") {
		t.Fatalf("demo into a full database: %v", err)
	}
	if snapshot("6", dbArgs(t, store.SQLite)) == first {
		t.Fatal("another seed gave the same demo data")
	}
}

func TestLargeDemoShowsProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 clients")
	}
	_, stderr, err := iop(t, "", append([]string{"demo", "--clients", "1000"}, dbArgs(t, store.SQLite)...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "Creating demo clients [") || !strings.Contains(stderr, "1,000 / 1,000 100%") {
		t.Fatalf("no progress bar: %q", stderr)
	}
}

// TestAuditVerifyNeverCreatesADatabase: pointing the verifier at the wrong
// folder says so and leaves nothing behind.
func TestAuditVerifyNeverCreatesADatabase(t *testing.T) {
	dir := t.TempDir()
	_, _, err := iop(t, "", "audit", "verify", "--data-dir", dir)
	if err == nil || !strings.Contains(err.Error(), "there is no OpenIOP database") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("audit verify created %v", entries)
	}
}

// TestServeWithoutAccountsSaysHowToCreateOne: a fresh install prints the
// command that creates the first administrator.
func TestServeWithoutAccountsSaysHowToCreateOne(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"iop", "serve", "--addr", "127.0.0.1:0", "--data-dir", dir, "--log-level", "error"}, noEnv,
			strings.NewReader(""), &out, io.Discard)
	}()
	// The hint follows the "is serving" line: wait for it (or the deadline)
	// before stopping, or a busy machine stops the server in between.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "--role admin") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "iop user add --data-dir "+dir+" --role admin") {
		t.Fatalf("no hint for the first account:\n%s", out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
