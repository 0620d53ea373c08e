// Package metrics counts HTTP requests and their latencies per route and
// writes them in the Prometheus text exposition format. It is a few dozen
// lines instead of the Prometheus client module and its dependencies.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buckets are latency histogram upper bounds in seconds.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type routeKey struct {
	method, route string
}

type routeStats struct {
	codes   map[int]uint64
	counts  []uint64 // per bucket, not cumulative
	sum     float64
	samples uint64
}

// Registry holds the HTTP counters and any gauges added with Gauge.
type Registry struct {
	mu     sync.Mutex
	routes map[routeKey]*routeStats
	gauges []gauge
	start  time.Time
}

type gauge struct {
	name, help string
	fn         func() float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{routes: map[routeKey]*routeStats{}, start: time.Now()}
}

// Observe records one finished request. route is the matched pattern (never
// the raw path, which may hold identifiers).
func (r *Registry) Observe(method, route string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	k := routeKey{method, route}
	s := r.routes[k]
	if s == nil {
		s = &routeStats{codes: map[int]uint64{}, counts: make([]uint64, len(buckets)+1)}
		r.routes[k] = s
	}
	s.codes[code]++
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec)
	s.counts[i]++
	s.sum += sec
	s.samples++
}

// Gauge adds a value read at every scrape.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gauges = append(r.gauges, gauge{name, help, fn})
}

// WriteTo writes every metric in the Prometheus text format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	keys := make([]routeKey, 0, len(r.routes))
	for k := range r.routes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].method < keys[j].method
	})
	var b strings.Builder
	b.WriteString("# HELP iop_http_requests_total HTTP requests by route, method and status code.\n")
	b.WriteString("# TYPE iop_http_requests_total counter\n")
	for _, k := range keys {
		s := r.routes[k]
		codes := make([]int, 0, len(s.codes))
		for c := range s.codes {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(&b, "iop_http_requests_total{method=%q,route=%q,code=\"%d\"} %d\n", k.method, k.route, c, s.codes[c])
		}
	}
	b.WriteString("# HELP iop_http_request_duration_seconds HTTP request latency by route and method.\n")
	b.WriteString("# TYPE iop_http_request_duration_seconds histogram\n")
	for _, k := range keys {
		s := r.routes[k]
		var cum uint64
		for i, le := range buckets {
			cum += s.counts[i]
			fmt.Fprintf(&b, "iop_http_request_duration_seconds_bucket{method=%q,route=%q,le=%q} %d\n", k.method, k.route, formatFloat(le), cum)
		}
		cum += s.counts[len(buckets)]
		fmt.Fprintf(&b, "iop_http_request_duration_seconds_bucket{method=%q,route=%q,le=\"+Inf\"} %d\n", k.method, k.route, cum)
		fmt.Fprintf(&b, "iop_http_request_duration_seconds_sum{method=%q,route=%q} %s\n", k.method, k.route, formatFloat(s.sum))
		fmt.Fprintf(&b, "iop_http_request_duration_seconds_count{method=%q,route=%q} %d\n", k.method, k.route, s.samples)
	}
	gauges := append([]gauge(nil), r.gauges...)
	start := r.start
	r.mu.Unlock()

	fmt.Fprintf(&b, "# HELP iop_uptime_seconds Seconds since the server started.\n# TYPE iop_uptime_seconds gauge\niop_uptime_seconds %s\n",
		formatFloat(time.Since(start).Seconds()))
	for _, g := range gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.name, g.help, g.name, g.name, formatFloat(g.fn()))
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
