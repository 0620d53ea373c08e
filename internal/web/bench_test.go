package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/platform/metrics"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
	"github.com/openiop/openiop/internal/web"
)

// benchServer is the web app over a 2,000-client demo center on SQLite
// (IOP_BENCH_CLIENTS sets another size, to see how a page's cost grows with
// the center), with a signed-in clinician's session cookie.
func benchServer(b *testing.B) (http.Handler, *http.Cookie) {
	b.Helper()
	db := testutil.OpenDB(b, store.SQLite)
	ctx := context.Background()
	clients := 2000
	if n, err := strconv.Atoi(os.Getenv("IOP_BENCH_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	if err := demo.Generate(ctx, db, demo.Options{Clients: clients, Seed: 1, Today: model.DateOf(time.Now()), PasswordHash: demoHash()}); err != nil {
		b.Fatal(err)
	}
	batcher := audit.NewBatcher(db, 256)
	b.Cleanup(batcher.Close)
	srv, err := web.NewServer(web.Deps{Store: db, Audit: batcher, Hasher: cheapHasher, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics: metrics.New(), Options: web.Options{Version: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/login", stringsReader(url.Values{"email": {"clinician@demo.openiop.org"}, "password": {demo.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "iop_session" {
			return srv, c
		}
	}
	b.Fatalf("sign-in failed: %d", rec.Code)
	return nil, nil
}

// BenchmarkPages measures the server-side cost of the busiest pages, each
// request audited (durably, before it answers), with 64 requests in flight
// as a crowd of browsers would load them. ns/op is wall time per request
// across all of them, so 1e9/ns_op is requests per second.
func BenchmarkPages(b *testing.B) {
	srv, cookie := benchServer(b)
	for _, p := range []struct{ name, method, path, body string }{
		{"home", "GET", "/home", ""},
		{"clients-list", "GET", "/clients?status=active", ""},
		{"client-search", "POST", "/clients/search", "q=lopez&status=all"},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(32) // 64 requests in flight on 2 cores, as in the load benchmark
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(p.method, p.path, stringsReader(p.body))
					if p.body != "" {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					req.AddCookie(cookie)
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", p.path, rec.Code)
					}
				}
			})
		})
	}
}
