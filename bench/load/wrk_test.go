package main

import (
	"strings"
	"testing"
)

// sample is wrk 4.1.0's report of a slow run, copied from a real one.
const sample = `Running 12s test @ http://127.0.0.1:18080/home
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   977.33ms  359.65ms   1.99s    67.20%
    Req/Sec    68.26     72.59   404.00     82.93%
  Latency Distribution
     50%  942.49ms
     75%    1.23s 
     90%    1.43s 
     99%    1.87s 
  654 requests in 12.13s, 6.77MB read
  Socket errors: connect 0, read 2, write 0, timeout 26
  Non-2xx or 3xx responses: 7
Requests/sec:     53.90
Transfer/sec:    571.38KB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(sample)
	if err != nil {
		t.Fatal(err)
	}
	want := result{Requests: 654, Seconds: 12.13, RPS: 53.90, P50ms: 942.49, P75ms: 1230, P90ms: 1430, P99ms: 1870, Non2xx: 7,
		SocketErrors: socketErrors{Read: 2, Timeout: 26}}
	r.Raw = ""
	if r.Requests != want.Requests || !near(r.Seconds, want.Seconds) || r.RPS != want.RPS || !near(r.P50ms, want.P50ms) ||
		!near(r.P75ms, want.P75ms) || !near(r.P90ms, want.P90ms) || !near(r.P99ms, want.P99ms) || r.Non2xx != want.Non2xx ||
		r.SocketErrors != want.SocketErrors {
		t.Errorf("parseWrk:\n got %+v\nwant %+v", r, want)
	}
	if _, err := parseWrk("Running 10s test\n"); err == nil {
		t.Error("parseWrk accepted output without Requests/sec")
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestParseWrkTime(t *testing.T) {
	for in, want := range map[string]float64{"812.00us": 0.812, "1.03ms": 1.03, "2.00s": 2000, "1.50m": 90000, "1.00h": 3600000} {
		got, err := parseWrkTime(in)
		if err != nil || !near(got, want) {
			t.Errorf("parseWrkTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseWrkTime("fast"); err == nil {
		t.Error("parseWrkTime accepted nonsense")
	}
}

func TestLuaString(t *testing.T) {
	if got, want := luaString("q=o%27brien&x=\"a\\b\"\n"), `"q=o%27brien&x=\"a\\b\"\010"`; got != want {
		t.Errorf("luaString = %s, want %s", got, want)
	}
}

func TestMetricsDelta(t *testing.T) {
	before, _ := parseMetrics(strings.NewReader(`# HELP x
iop_http_requests_total{method="GET",route="GET /home",code="200"} 10
iop_http_requests_total{method="GET",route="GET /metrics",code="200"} 3
iop_audit_read_records 100
iop_audit_read_batches 10
iop_http_request_duration_seconds_sum{method="POST",route="POST /login"} 2.5
iop_http_request_duration_seconds_sum{method="GET",route="GET /metrics"} 1
`))
	after, _ := parseMetrics(strings.NewReader(`iop_http_requests_total{method="GET",route="GET /home",code="200"} 110
iop_http_requests_total{method="GET",route="GET /home",code="303"} 2
iop_http_requests_total{method="GET",route="GET /metrics",code="200"} 9
iop_audit_read_records 200
iop_audit_read_batches 15
iop_http_request_duration_seconds_sum{method="POST",route="POST /login"} 4
iop_http_request_duration_seconds_sum{method="GET",route="GET /home"} 0.5
iop_http_request_duration_seconds_sum{method="GET",route="GET /metrics"} 3
`))
	d := diffMetrics(before, after)
	if d.auditRecords != 100 || d.auditBatches != 5 || len(d.codes) != 2 || d.codes["200"] != 100 || d.codes["303"] != 2 {
		t.Errorf("diffMetrics = %+v", d)
	}
	if len(d.routeSeconds) != 2 || !near(d.routeSeconds["POST /login"], 1.5) || !near(d.routeSeconds["GET /home"], 0.5) {
		t.Errorf("diffMetrics route seconds = %v", d.routeSeconds)
	}
}

func TestLogMessage(t *testing.T) {
	a := logMessage(`time=x level=ERROR msg="request failed" error="write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe" request_id=a`)
	b := logMessage(`time=y level=ERROR msg="request failed" error="write tcp 127.0.0.1:1->127.0.0.1:3: write: broken pipe" request_id=b`)
	if a != b || a != `ERROR "request failed" (broken pipe)` {
		t.Errorf("logMessage: %q and %q", a, b)
	}
}
