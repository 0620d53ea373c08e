package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/platform/metrics"
)

// TestHistogramIsCumulative checks the Prometheus histogram rules: buckets
// count every observation at or below their bound, +Inf equals the count.
func TestHistogramIsCumulative(t *testing.T) {
	r := metrics.New()
	for _, d := range []time.Duration{500 * time.Microsecond, 3 * time.Millisecond, 3 * time.Millisecond, 2 * time.Second, 10 * time.Second} {
		r.Observe("GET", "GET /home", 200, d)
	}
	r.Observe("GET", "GET /home", 500, time.Millisecond)
	r.Gauge("iop_test_gauge", "A test gauge.", func() float64 { return 2.5 })
	var b strings.Builder
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`iop_http_requests_total{method="GET",route="GET /home",code="200"} 5`,
		`iop_http_requests_total{method="GET",route="GET /home",code="500"} 1`,
		`iop_http_request_duration_seconds_bucket{method="GET",route="GET /home",le="0.001"} 2`,
		`iop_http_request_duration_seconds_bucket{method="GET",route="GET /home",le="0.005"} 4`,
		`iop_http_request_duration_seconds_bucket{method="GET",route="GET /home",le="2.5"} 5`,
		`iop_http_request_duration_seconds_bucket{method="GET",route="GET /home",le="+Inf"} 6`,
		`iop_http_request_duration_seconds_count{method="GET",route="GET /home"} 6`,
		"# TYPE iop_http_request_duration_seconds histogram",
		"iop_test_gauge 2.5",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
