package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// healthz answers while the process runs: for a supervisor's liveness check.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := fmt.Fprintln(w, "ok")
	return err
}

// readyz answers 200 only when the database answers and is fully migrated:
// a load balancer sends traffic to this replica only then.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database not reachable")
		return nil
	}
	if n, err := s.Store.Pending(ctx); err != nil || n > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "%d migrations pending\n", n)
		return nil
	}
	_, err := fmt.Fprintln(w, "ready")
	return err
}

// metrics writes request counts and latencies in the Prometheus text
// format. They hold route patterns and numbers only, never client data.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := s.Metrics.WriteTo(w)
	return err
}
