package httpx

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/openiop/openiop/internal/platform/metrics"
)

// Admission bounds the work a server takes on: at most InFlight requests are
// served at once and at most Queue wait for a turn, each for at most Wait.
// A request that would wait longer than Wait, judged from how long recent
// requests took, or that finds the queue full, is refused at once with 503
// and Retry-After: overload costs a quick refusal instead of seconds of
// queued work, and the server is back to normal the moment the load drops
// (nothing is left queued behind it).
type Admission struct {
	InFlight int           // requests served at once
	Queue    int           // requests waiting for a turn
	Wait     time.Duration // longest a request waits before it is refused
}

// DefaultAdmission suits a server whose requests are mostly short database
// reads: a few in flight per core keep the cores busy, and 64 waiting per
// core hold a fraction of a second of work; a request that waits a whole
// second is refused rather than served late.
func DefaultAdmission(cores int) Admission {
	cores = max(cores, 1)
	return Admission{InFlight: 4 * cores, Queue: 64 * cores, Wait: time.Second}
}

// Admit applies a to next. Health checks and metrics skip it, so a saturated
// server can still say how it is.
func Admit(a Admission, reg *metrics.Registry, next http.Handler) http.Handler {
	if a.InFlight <= 0 {
		return next
	}
	slots := make(chan struct{}, a.InFlight)
	queue := make(chan struct{}, max(a.Queue, 0))
	// served is a moving average of how long admitted requests take, in
	// nanoseconds; with the queue's length it predicts a newcomer's wait.
	var served atomic.Int64
	retryAfter := strconv.Itoa(max(1, int(a.Wait.Round(time.Second)/time.Second)))
	refuse := func(w http.ResponseWriter, r *http.Request, start time.Time) {
		reg.Observe(r.Method, "refused (overload)", http.StatusServiceUnavailable, time.Since(start))
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "The server is busy. Please try again in a moment.", http.StatusServiceUnavailable)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			start := time.Now()
			if wait := time.Duration(int64(len(queue)+1) * served.Load() / int64(a.InFlight)); wait > a.Wait {
				refuse(w, r, start) // it would wait too long: refuse now rather than later
				return
			}
			select {
			case queue <- struct{}{}:
			default:
				refuse(w, r, start) // the queue is full: refuse now rather than add to it
				return
			}
			timer := time.NewTimer(a.Wait)
			select {
			case slots <- struct{}{}:
				timer.Stop()
				<-queue
			case <-timer.C:
				<-queue
				refuse(w, r, start)
				return
			case <-r.Context().Done():
				timer.Stop()
				<-queue
				return // the client left
			}
		}
		began := time.Now()
		defer func() {
			d := int64(time.Since(began))
			served.Store(served.Load() + (d-served.Load())/8) // racy but fine for an estimate
			<-slots
		}()
		next.ServeHTTP(w, r)
	})
}
