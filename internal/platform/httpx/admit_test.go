package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/platform/metrics"
)

// TestAdmitRefusesPastCapacityAndRecovers: with one request in flight and
// room for one to wait, of two more arriving one waits and the other is
// refused at once (while the first is still being served) with 503 and
// Retry-After; when the work drains the waiting one is served, and so is
// the next newcomer.
func TestAdmitRefusesPastCapacityAndRecovers(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
	})
	h := httpx.Admit(httpx.Admission{InFlight: 1, Queue: 1, Wait: time.Hour}, metrics.New(), slow)
	results := make(chan *httptest.ResponseRecorder, 3)
	serve := func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/home", nil))
		results <- rec
	}
	go serve()
	<-started // the first is in flight and stays there until release
	go serve()
	go serve()
	refused := <-results // one of the two answers before anything is released
	if refused.Code != http.StatusServiceUnavailable || refused.Header().Get("Retry-After") == "" {
		t.Fatalf("past capacity: %d, Retry-After %q; want 503 with Retry-After", refused.Code, refused.Header().Get("Retry-After"))
	}
	select {
	case <-started:
		t.Fatal("a second request was served while the first was in flight")
	default:
	}
	close(release)
	for range 2 {
		if rec := <-results; rec.Code != http.StatusOK {
			t.Errorf("admitted request: %d, want 200", rec.Code)
		}
	}
	// The load has dropped: the next request is served at once.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/home", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("after the load dropped: %d, want 200", rec.Code)
	}
	// Health checks are answered even when the server is full.
	health := httptest.NewRecorder()
	h.ServeHTTP(health, httptest.NewRequest("GET", "/healthz", nil))
	if health.Code != http.StatusOK {
		t.Fatalf("/healthz: %d", health.Code)
	}
}

// TestAdmitRefusesAfterWaiting: a request that waits its whole Wait for a
// turn is refused rather than served late.
func TestAdmitRefusesAfterWaiting(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{}, 1)
	h := httpx.Admit(httpx.Admission{InFlight: 1, Queue: 4, Wait: time.Millisecond}, metrics.New(),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { started <- struct{}{}; <-release }))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/home", nil))
	<-started
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/home", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("after waiting: %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
}

// TestAdmitRefusesWhatWouldWaitTooLong: when recent requests took longer
// than Wait, a newcomer that finds every slot taken is refused at once
// rather than queued to be refused later.
func TestAdmitRefusesWhatWouldWaitTooLong(t *testing.T) {
	block := make(chan struct{})
	started := make(chan struct{}, 1)
	h := httpx.Admit(httpx.Admission{InFlight: 1, Queue: 10, Wait: time.Millisecond}, metrics.New(),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/block" {
				started <- struct{}{}
				<-block
				return
			}
			time.Sleep(10 * time.Millisecond) // each request takes far longer than Wait
		}))
	for range 16 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/page", nil))
	}
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/block", nil))
	<-started
	done := make(chan *httptest.ResponseRecorder)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/page", nil))
		done <- rec
	}()
	rec := <-done // answered while the slot is still taken: it did not wait for it
	close(block)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("%d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
}
