package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/platform/metrics"
)

// TestClientIP: behind no proxy the connection's address is used, whatever
// the client claims; behind a trusted proxy, the address the proxy appended.
func TestClientIP(t *testing.T) {
	cases := []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"10.1.2.3:5000", "", false, "10.1.2.3"},
		{"10.1.2.3:5000", "6.6.6.6", false, "10.1.2.3"},
		{"127.0.0.1:5000", "6.6.6.6, 203.0.113.9", true, "203.0.113.9"},
		{"127.0.0.1:5000", "not-an-ip", true, "127.0.0.1"},
		{"[::1]:5000", "", false, "::1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := httpx.ClientIP(r, c.trust); got != c.want {
			t.Errorf("ClientIP(%s, xff %q, trust %v) = %q, want %q", c.remote, c.xff, c.trust, got, c.want)
		}
	}
}

// TestObserveRecordsRoutesNotPaths: metrics and logs name the route pattern,
// never the path or query (which can hold identifiers and names).
func TestObserveRecordsRoutesNotPaths(t *testing.T) {
	reg := metrics.New()
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := httpx.WithRequestID(httpx.Observe(log, reg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r.Context(), "GET /clients/{id}")
		if httpx.RequestID(r.Context()) == "" {
			t.Error("no request id in the handler's context")
		}
		w.WriteHeader(http.StatusTeapot)
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/clients/1234?q=Lopez", nil))
	if rec.Header().Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}
	var out strings.Builder
	reg.WriteTo(&out)
	if !strings.Contains(out.String(), `iop_http_requests_total{method="GET",route="GET /clients/{id}",code="418"} 1`) {
		t.Errorf("metrics:\n%s", out.String())
	}
	for _, leak := range []string{"1234", "Lopez"} {
		if strings.Contains(out.String(), leak) || strings.Contains(logs.String(), leak) {
			t.Errorf("%q leaked into metrics or logs:\n%s\n%s", leak, out.String(), logs.String())
		}
	}
}

func TestRecoverAnswers500(t *testing.T) {
	h := httpx.Recover(slog.New(slog.NewTextHandler(io.Discard, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic answered %d %q; want 500 without the panic text", rec.Code, rec.Body.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, hsts := range []bool{false, true} {
		rec := httptest.NewRecorder()
		httpx.SecurityHeaders(hsts, http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		h := rec.Header()
		if h.Get("Content-Security-Policy") != httpx.CSP || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("headers: %v", h)
		}
		if got := h.Get("Strict-Transport-Security") != ""; got != hsts {
			t.Errorf("HSTS present = %v, want %v", got, hsts)
		}
	}
}
