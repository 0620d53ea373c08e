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
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/app"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
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

// keygen writes a signing key into a new folder and returns its path and
// the public key printed.
func keygen(t *testing.T) (keyFile, pub string) {
	t.Helper()
	keyFile = filepath.Join(t.TempDir(), "audit.key")
	out, _, err := iop(t, "", "audit", "keygen", "--out", keyFile)
	m := regexp.MustCompile(`Public key: (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, "off the database host") {
		t.Fatalf("audit keygen: %v\n%s", err, out)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	return keyFile, m[1]
}

// anchorNow runs `iop audit anchor` and returns the record it anchored.
func anchorNow(t *testing.T, args []string, keyFile, anchorLog string) int64 {
	t.Helper()
	out, _, err := iop(t, "", append([]string{"audit", "anchor", "--audit-key-file", keyFile, "--audit-anchor-log", anchorLog}, args...)...)
	m := regexp.MustCompile(`Anchored the audit log at record (\d+)`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("audit anchor: %v\n%s", err, out)
	}
	var seq int64
	fmt.Sscan(m[1], &seq)
	return seq
}

// anchoredDemo makes a demo database anchored twice, with two staff accounts
// added in between, and returns its flags, the key, the anchor log and the
// two anchored records.
func anchoredDemo(t *testing.T, e store.Engine) (args []string, keyFile, pub, anchorLog string, first, second int64) {
	t.Helper()
	args = dbArgs(t, e)
	keyFile, pub = keygen(t)
	anchorLog = filepath.Join(t.TempDir(), "anchors.jsonl")
	if _, _, err := iop(t, "", append([]string{"demo", "--clients", "5"}, args...)...); err != nil {
		t.Fatal(err)
	}
	first = anchorNow(t, args, keyFile, anchorLog)
	for _, who := range []string{"Ana Ruiz", "Ben Cole"} {
		email := strings.ToLower(strings.ReplaceAll(who, " ", ".")) + "@example.org"
		if _, _, err := iop(t, "", append([]string{"user", "add", "--email", email, "--name", who, "--role", "clinician"}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	second = anchorNow(t, args, keyFile, anchorLog)
	if second < first+2 {
		t.Fatalf("anchored records %d then %d: adding two accounts should have moved the head on", first, second)
	}
	out, _, err := iop(t, "", append([]string{"audit", "verify", "--audit-public-key", pub, "--audit-anchor-log", anchorLog}, args...)...)
	if err != nil || !strings.Contains(out, "intact") || !strings.Contains(out, fmt.Sprintf("matches its 2 signed anchors (2 anchors in the database and 2 anchors in %s), the furthest at record %d", anchorLog, second)) {
		t.Fatalf("verify with anchors: %v\n%s", err, out)
	}
	return args, keyFile, pub, anchorLog, first, second
}

// disableAuditGuards drops the append-only triggers, as someone who controls
// the database can.
func disableAuditGuards(t *testing.T, e store.Engine, raw *sql.DB) {
	t.Helper()
	mustExec(t, raw, map[store.Engine]string{
		store.SQLite:   `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete`,
		store.Postgres: `ALTER TABLE audit_log DISABLE TRIGGER USER`,
	}[e])
}

// rebuildChain alters record from and recomputes the hash of it and every
// later record, and the head: the chain verifies again on its own.
func rebuildChain(t *testing.T, raw *sql.DB, from int64) {
	t.Helper()
	var prev string
	if err := raw.QueryRow(`SELECT hash FROM audit_log WHERE seq = $1`, from-1).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT seq, at, actor_id, actor_role, action, category, client_id, entity_id, outcome, ip,
		request_id, detail FROM audit_log WHERE seq >= $1 ORDER BY seq`, from)
	if err != nil {
		t.Fatal(err)
	}
	var recs []audit.Record
	for rows.Next() {
		var r audit.Record
		if err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.ActorRole, &r.Action, &r.Category, &r.ClientID, &r.EntityID,
			&r.Outcome, &r.IP, &r.RequestID, &r.Detail); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil || len(recs) == 0 {
		t.Fatalf("reading records from %d: %d, %v", from, len(recs), err)
	}
	rows.Close()
	recs[0].Detail = "rewritten"
	for _, r := range recs {
		r.PrevHash = prev
		r.Hash = audit.HashOf(r)
		prev = r.Hash
		if _, err := raw.Exec(`UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4`, r.Detail, r.PrevHash, r.Hash, r.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`UPDATE audit_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		t.Fatal(err)
	}
}

// TestAuditAnchorsDetectARebuiltChain: someone who controls the database
// rewrites a record and recomputes every hash after it. The chain verifies on
// its own; the signed anchors show it rebuilt, and between which records.
func TestAuditAnchorsDetectARebuiltChain(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args, keyFile, pub, anchorLog, first, second := anchoredDemo(t, e)
			raw := rawDB(t, e, args)
			disableAuditGuards(t, e, raw)
			rebuildChain(t, raw, first+1)

			out, _, err := iop(t, "", append([]string{"audit", "verify"}, args...)...)
			if err != nil || !strings.Contains(out, "The audit log is intact") || !strings.Contains(out, "the 2 signed anchors in the database were not checked") {
				t.Fatalf("verify without a key should pass the rebuilt chain and say the anchors were not checked: %v\n%s", err, out)
			}
			want := fmt.Sprintf("BROKEN at record %d of %d: record %d does not carry the hash its signed anchor", first+1, second, second)
			wantRange := fmt.Sprintf("the chain was rebuilt from a record between %d and %d", first+1, second)
			for _, with := range [][]string{
				{"--audit-public-key", pub},
				{"--audit-key-file", keyFile},
				{"--audit-public-key", pub, "--audit-anchor-log", anchorLog},
			} {
				_, _, err = iop(t, "", append(append([]string{"audit", "verify"}, with...), args...)...)
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), wantRange) || app.ExitCode(err) != 1 {
					t.Fatalf("verify %v: got %v, want %q and %q with exit 1", with, err, want, wantRange)
				}
			}
			// Another key's public key says so instead of vouching for anything.
			_, otherPub := keygen(t)
			_, _, err = iop(t, "", append([]string{"audit", "verify", "--audit-public-key", otherPub}, args...)...)
			if err == nil || !strings.Contains(err.Error(), "none of the 2 anchors is signed by this public key") {
				t.Fatalf("verify with the wrong public key: %v", err)
			}
		})
	}
}

// TestAuditAnchorLogDetectsACutOffTail: records cut off the end with the head
// moved back and the database's anchors deleted verify, unless the anchor log
// kept outside the database is checked too.
func TestAuditAnchorLogDetectsACutOffTail(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args, _, pub, anchorLog, first, second := anchoredDemo(t, e)
			raw := rawDB(t, e, args)
			disableAuditGuards(t, e, raw)
			mustExec(t, raw, fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d;
				UPDATE audit_head SET seq = %d, hash = (SELECT hash FROM audit_log WHERE seq = %d) WHERE id = 1;
				DELETE FROM audit_anchors`, first, first, first))

			out, _, err := iop(t, "", append([]string{"audit", "verify", "--audit-public-key", pub}, args...)...)
			if err != nil || !strings.Contains(out, "intact") || !strings.Contains(out, "no signed anchors to check") {
				t.Fatalf("without the anchor log the cut chain verifies, with a warning: %v\n%s", err, out)
			}
			_, _, err = iop(t, "", append([]string{"audit", "verify", "--audit-public-key", pub, "--audit-anchor-log", anchorLog}, args...)...)
			want := fmt.Sprintf("BROKEN at record %d of %d: the chain ends at record %d, but a signed anchor", first+1, first, first)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprintf("shows record %d: records were removed from the end", second)) ||
				app.ExitCode(err) != 1 {
				t.Fatalf("with the anchor log: got %v, want %q", err, want)
			}
		})
	}
}

// TestServeAnchorsTheAuditLog: with a signing key the server anchors the
// head at start and once more at stop, after the last read records are
// written, so the final anchor covers the whole chain.
func TestServeAnchorsTheAuditLog(t *testing.T) {
	args := dbArgs(t, store.SQLite)
	keyFile, pub := keygen(t)
	anchorLog := filepath.Join(t.TempDir(), "anchors.jsonl")
	s := testserver.Start(t, append([]string{"--demo", "--demo-clients", "3", "--audit-key-file", keyFile, "--audit-anchor-log", anchorLog}, args...)...)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(s.URL+"/login", url.Values{"email": {"director@demo.openiop.org"}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = client.Get(s.URL + "/clients"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("client list: %v %v", err, resp)
	}
	resp.Body.Close()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(anchorLog)
	if err != nil || strings.Count(string(b), "\n") != 2 {
		t.Fatalf("anchor log after a start and a stop with activity between: %v\n%s", err, b)
	}
	out, _, err := iop(t, "", append([]string{"audit", "verify", "--audit-public-key", pub, "--audit-anchor-log", anchorLog}, args...)...)
	if err != nil || !strings.Contains(out, "matches its 2 signed anchors") || strings.Contains(out, "checked by the chain alone") {
		t.Fatalf("verify after serving: the final anchor should cover the last record: %v\n%s", err, out)
	}
}

// TestAuditAnchorCommandsSayWhatToFix: the anchor commands refuse what would
// lose a key or check nothing.
func TestAuditAnchorCommandsSayWhatToFix(t *testing.T) {
	keyFile, _ := keygen(t)
	args := dbArgs(t, store.SQLite)
	if _, _, err := iop(t, "", append([]string{"demo", "--clients", "0"}, args...)...); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("c2hvcnQ=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"audit", "keygen"}, "usage: iop audit keygen --out FILE", 2},
		{[]string{"audit", "keygen", "--out", keyFile}, "already exists: a signing key is never overwritten", 1},
		{append([]string{"audit", "anchor"}, args...), "needs the signing key", 2},
		{append([]string{"audit", "anchor", "--audit-key-file", bad}, args...), "wrong length: 5 bytes, want 32", 1},
		{append([]string{"audit", "anchor", "--audit-key-file", filepath.Join(t.TempDir(), "none")}, args...), "reading the audit anchor key", 1},
		{append([]string{"audit", "verify", "--audit-anchor-log", "anchors.jsonl"}, args...), "--audit-anchor-log needs --audit-public-key", 2},
		{append([]string{"audit", "verify", "--audit-public-key", "not a key!"}, args...), "--audit-public-key: audit anchor public key: the key is not base64", 2},
		{[]string{"audit", "frobnicate"}, "iop audit keygen --out FILE", 2},
	}
	for _, c := range cases {
		_, _, err := iop(t, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || app.ExitCode(err) != c.code {
			t.Errorf("iop %v: got %v (exit %d), want %q exit %d", c.args, err, app.ExitCode(err), c.want, c.code)
		}
	}
	// A key file others can read still works, with a warning.
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := iop(t, "", append([]string{"audit", "anchor", "--audit-key-file", keyFile}, args...)...)
	if err != nil || !strings.Contains(errOut, "can be read by other users") || !strings.Contains(out, "Anchored the audit log at record") {
		t.Fatalf("anchor with a readable key file: %v\n%s\n%s", err, out, errOut)
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

// TestAuditVerifyAfterAKeyChange: after the signing key is replaced, the
// database holds anchors of both keys; the new and old public keys together
// check them all, the new one alone reports the old anchors.
func TestAuditVerifyAfterAKeyChange(t *testing.T) {
	args := dbArgs(t, store.SQLite)
	oldKey, oldPub := keygen(t)
	newKey, newPub := keygen(t)
	anchorLog := filepath.Join(t.TempDir(), "anchors.jsonl")
	if _, _, err := iop(t, "", append([]string{"demo", "--clients", "0"}, args...)...); err != nil {
		t.Fatal(err)
	}
	anchorNow(t, args, oldKey, anchorLog)
	if _, _, err := iop(t, "", append([]string{"user", "add", "--email", "ana.ruiz@example.org", "--name", "Ana Ruiz", "--role", "clinician"}, args...)...); err != nil {
		t.Fatal(err)
	}
	anchorNow(t, args, newKey, anchorLog)
	out, _, err := iop(t, "", append([]string{"audit", "verify", "--audit-public-key", newPub + "," + oldPub}, args...)...)
	if err != nil || !strings.Contains(out, "matches its 2 signed anchors") {
		t.Fatalf("new and old public keys: %v\n%s", err, out)
	}
	_, _, err = iop(t, "", append([]string{"audit", "verify", "--audit-key-file", newKey}, args...)...)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 anchors are not signed by this public key") {
		t.Fatalf("the new key alone: %v", err)
	}
}

func TestSecretKeyCommand(t *testing.T) {
	out, _, err := iop(t, "", "secret-key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.ParseSecretKey(out); err != nil {
		t.Fatalf("iop secret-key printed %q: %v", out, err)
	}
	again, _, _ := iop(t, "", "secret-key")
	if again == out {
		t.Error("two keys came out the same")
	}
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	src := dbArgs(t, store.SQLite)
	if _, _, err := iop(t, "", append([]string{"demo", "--clients", "12"}, src...)...); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "nightly.db")
	out, _, err := iop(t, "", append([]string{"backup", "--out", file}, src...)...)
	if err != nil || !strings.Contains(out, "integrity ok") {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, _, err := iop(t, "", append([]string{"backup", "--out", file}, src...)...); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("a second backup over the first: %v", err)
	}
	dst := dbArgs(t, store.SQLite)
	out, _, err = iop(t, "", "restore", "--from", file, "--data-dir", dst[1])
	if err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("restore: %v %s", err, out)
	}
	count := func(args []string, q string) int {
		var n int
		if err := rawDB(t, store.SQLite, args).QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, q := range []string{`SELECT COUNT(*) FROM clients`, `SELECT COUNT(*) FROM episodes`, `SELECT COUNT(*) FROM consents`, `SELECT COUNT(*) FROM measures`} {
		if a, b := count(src, q), count(dst, q); a != b || a == 0 {
			t.Errorf("%s: %d in the original, %d restored", q, a, b)
		}
	}
	if a, b := count(src, `SELECT COUNT(*) FROM audit_log`), count(dst, `SELECT COUNT(*) FROM audit_log`); b != a-1 {
		t.Errorf("audit records: %d restored, want the %d before the backup's own record", b, a-1)
	}
	if out, _, err := iop(t, "", "audit", "verify", "--data-dir", dst[1]); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("the restored audit log: %v %s", err, out)
	}
	// The key that seals authenticator keys travelled with the backup.
	srcKey, err1 := os.ReadFile(filepath.Join(src[1], store.SecretKeyFile))
	dstKey, err2 := os.ReadFile(filepath.Join(dst[1], store.SecretKeyFile))
	if err1 != nil || err2 != nil || string(srcKey) != string(dstKey) {
		t.Errorf("the restored data directory's secret key is not the original's (%v, %v)", err1, err2)
	}
	// Over an existing database only with --force, keeping the one replaced.
	if _, _, err := iop(t, "", "restore", "--from", file, "--data-dir", dst[1]); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a database: %v", err)
	}
	if _, _, err := iop(t, "", "restore", "--from", file, "--data-dir", dst[1], "--force"); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
	kept, _ := filepath.Glob(filepath.Join(dst[1], store.FileName+".before-restore-*"))
	if len(kept) == 0 {
		t.Fatal("the replaced database was not kept")
	}
	// A damaged backup is refused before anything is touched.
	bad := filepath.Join(t.TempDir(), "bad.db")
	if err := os.WriteFile(bad, []byte("not a database at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	if _, _, err := iop(t, "", "restore", "--from", bad, "--data-dir", fresh); err == nil || !strings.Contains(err.Error(), "not restoring") {
		t.Fatalf("a damaged backup: %v", err)
	}
	if _, err := os.Stat(filepath.Join(fresh, store.FileName)); err == nil {
		t.Fatal("a refused restore left a database behind")
	}
}

func TestBackupOfPostgreSQLPointsToPgDump(t *testing.T) {
	for _, e := range testutil.Engines() {
		if e != store.Postgres {
			continue
		}
		args := dbArgs(t, e)
		if _, _, err := iop(t, "", append([]string{"migrate"}, args...)...); err != nil {
			t.Fatal(err)
		}
		_, _, err := iop(t, "", append([]string{"backup", "--out", filepath.Join(t.TempDir(), "x.db")}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("backup of PostgreSQL: %v", err)
		}
		if _, _, err := iop(t, "", "restore", "--from", "x.db", "--database-url", args[1]); err == nil || !strings.Contains(err.Error(), "pg_restore") {
			t.Fatalf("restore into PostgreSQL: %v", err)
		}
	}
}
