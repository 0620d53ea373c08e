package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/metrics"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/web"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// cheap argon2id parameters: the tests sign in hundreds of times.
var cheapHasher = auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 8)

var demoHash = sync.OnceValue(func() string {
	h, err := cheapHasher.Hash(context.Background(), demo.Password)
	if err != nil {
		panic(err)
	}
	return h
})

// env is a running web server on a real database with the demo center.
type env struct {
	t      testing.TB
	db     *store.DB
	srv    *web.Server
	ts     *httptest.Server
	clock  *testutil.Clock
	audit  web.Auditor
	client model.Client // an active client of the demo clinician
}

type envOption func(*web.Deps)

// newEnv starts the web server over a fresh database on engine e holding a
// small demo center.
func newEnv(t testing.TB, e store.Engine, opts ...envOption) *env {
	t.Helper()
	clock := testutil.NewClock(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)) // a Monday, 9 am in Chicago
	db := testutil.OpenDB(t, e, testutil.Options{Now: clock.Now})
	ctx := context.Background()
	if err := demo.Generate(ctx, db, demo.Options{Clients: 24, Seed: 7, Today: model.DateOf(clock.Now()), PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	batcher := audit.NewBatcher(db, 64)
	t.Cleanup(batcher.Close)
	d := web.Deps{Store: db, Audit: batcher, Hasher: cheapHasher, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics: metrics.New(), Now: clock.Now, Options: web.Options{Version: "test"}}
	for _, o := range opts {
		o(&d)
	}
	srv, err := web.NewServer(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	en := &env{t: t, db: db, srv: srv, ts: ts, clock: clock, audit: d.Audit}
	u, err := db.UserByEmail(ctx, "clinician@demo.openiop.org")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := db.SearchClients(ctx, store.ClientQuery{CounselorID: u.ID, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("the demo clinician has no caseload: %v", err)
	}
	en.client = list[0]
	return en
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn returns a browser signed in as the demo user with that role.
func (e *env) signIn(role model.Role) *http.Client {
	e.t.Helper()
	c := e.browser()
	for _, l := range demo.Logins {
		if l.Role == role {
			resp := e.post(c, "/login", url.Values{"email": {l.Email}, "password": {demo.Password}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/home" {
				e.t.Fatalf("sign-in as %s: %d %s", role, resp.StatusCode, resp.Header.Get("Location"))
			}
			return c
		}
	}
	e.t.Fatalf("no demo login for %s", role)
	return nil
}

type response struct {
	*http.Response
	Body string
}

func (e *env) do(c *http.Client, req *http.Request) response {
	e.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

func (e *env) get(c *http.Client, path string) response {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	return e.do(c, req)
}

// post sends a same-origin form, as a browser would.
func (e *env) post(c *http.Client, path string, form url.Values) response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return e.do(c, req)
}

// auditSince returns the audit records appended after seq.
func (e *env) auditSince(seq int64) []audit.Record {
	e.t.Helper()
	var out []audit.Record
	for r, err := range e.db.AuditRecords(context.Background()) {
		if err != nil {
			e.t.Fatal(err)
		}
		if r.Seq > seq {
			out = append(out, r)
		}
	}
	return out
}

func (e *env) auditHead() int64 {
	h, err := e.db.AuditHead(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Seq
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
