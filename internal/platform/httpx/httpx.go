// Package httpx holds the HTTP plumbing every request passes through:
// request ids, access logging, panic recovery, security headers and
// metrics. It knows nothing of OpenIOP's domain.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/platform/metrics"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeKey
)

// routeHolder carries the matched route pattern back out to Observe, which
// runs before routing and so cannot see the pattern on its own request.
type routeHolder struct{ pattern string }

// SetRoute tells Observe which route pattern served the request.
func SetRoute(ctx context.Context, pattern string) {
	if h, ok := ctx.Value(routeKey).(*routeHolder); ok {
		h.pattern = pattern
	}
}

// RequestID returns the id of the request in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithRequestID gives each request a random id, returned in X-Request-Id so
// a person reporting a problem can quote it.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// StatusRecorder remembers the status code a handler wrote.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int
}

// WriteHeader records the status.
func (s *StatusRecorder) WriteHeader(code int) {
	if s.Status == 0 {
		s.Status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Observe logs each request and records it in the metrics registry. It logs
// the matched route pattern and the path without its query string: queries
// (client searches) can hold names, which do not belong in logs.
func Observe(log *slog.Logger, reg *metrics.Registry, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &StatusRecorder{ResponseWriter: w}
		holder := &routeHolder{}
		r = r.WithContext(context.WithValue(r.Context(), routeKey, holder))
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		if rec.Status == 0 {
			rec.Status = http.StatusOK
		}
		route := holder.pattern
		reg.Observe(r.Method, route, rec.Status, d)
		level := slog.LevelInfo
		if rec.Status >= 500 {
			level = slog.LevelError
		}
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", rec.Status),
			slog.Duration("duration", d), slog.Int("bytes", rec.Bytes), slog.String("request_id", RequestID(r.Context())))
	})
}

// Recover turns a panic into a plain 500 response and an error log with the
// stack, instead of a dropped connection.
func Recover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "error", fmt.Sprint(v), "request_id", RequestID(r.Context()), "stack", string(debug.Stack()))
				http.Error(w, "Internal server error. Request id: "+RequestID(r.Context()), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// CSP is the content security policy for every response: our own scripts and
// styles only, no inline script, no framing, forms post only to us.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the headers OWASP ASVS 3.4 asks for on every
// response. hsts adds Strict-Transport-Security, for HTTPS deployments.
func SecurityHeaders(hsts bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// ClientIP returns the address the request came from. Behind a trusted
// reverse proxy it is the last address the proxy appended to
// X-Forwarded-For; otherwise the connection's address, so that a client
// cannot choose its own address for the audit log or the sign-in throttle.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
