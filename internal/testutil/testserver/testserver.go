// Package testserver runs the real `iop serve` (app.Run) inside a test, on
// a free port, and stops it when the test ends.
package testserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/app"
)

var servingRE = regexp.MustCompile(`is serving .* at (http://\S+)`)

// Server is a running `iop serve`.
type Server struct {
	URL  string
	stop func() error
}

// Start runs `iop serve --addr 127.0.0.1:0` with args added and returns it
// once it serves. It is stopped (and must stop cleanly) when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, append([]string{"iop", "serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...),
			func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	s := &Server{stop: sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("serve did not stop within 30s")
		}
	})}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case s.URL = <-urls:
		return s
	case err := <-done:
		t.Fatalf("serve exited before serving: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within 60s")
	}
	return nil
}

// Stop cancels the server, waits for it to finish the requests in flight,
// and returns what app.Run returned. Later calls return the same.
func (s *Server) Stop() error { return s.stop() }
