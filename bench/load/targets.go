package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"
)

// The targets, printed next to the ceiling as information only.
const (
	targetPageRatio     = 0.15 // each staff page, at the default 64 connections
	targetPageP99ms     = 20.0
	targetOverloadMs    = 100.0 // refusals past capacity answer within this
	targetRSSMB         = 80.0  // resident set serving the 2,000-client demo
	targetDemo20kSecs   = 60.0  // the 20,000-client demo generates within this
	overloadConnections = 512
)

var (
	chartLink      = regexp.MustCompile(`href="(/clients/[0-9a-f-]{36})"`)
	attendanceLink = regexp.MustCompile(`(/program/groups/[0-9a-f-]{36}/attendance\?date=[0-9]{4}-[0-9]{2}-[0-9]{2})`)
)

// findLink fetches path with the cookie and returns the first match of re's
// first group: a chart or an attendance sheet the clinician may open.
func findLink(ctx context.Context, base, path, cookie string, re *regexp.Regexp) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Cookie", cookie)
	resp, err := noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := re.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("%s (%s) links to no page like %s", path, resp.Status, re)
	}
	return strings.ReplaceAll(string(m[1]), "&amp;", "&"), nil
}

// overload is the run past capacity and the request right after it.
type overload struct {
	Result  result `json:"result"`
	Refused int64  `json:"refused_503"`
	// Probes are requests sent during the run from outside wrk, to time the
	// refusals on their own (wrk's percentiles mix them with served pages).
	Probes       int     `json:"probes"`
	ProbeRefused int     `json:"probe_refused"`
	RefusedMaxMs float64 `json:"refused_max_ms"`
	RetryAfter   bool    `json:"retry_after"` // every probe refusal carried Retry-After
	AfterStatus  int     `json:"after_status"`
	AfterMs      float64 `json:"after_ms"`
}

// probeDuring waits for the measured run to be under way (after the
// warm-up and the server going idle), then sends a request every 100 ms
// for most of the run and records how long each refusal took. It stops on
// its own, so that the server can go idle for the metrics after the run.
func probeDuring(ctx context.Context, t target, cookie string, warmup, run time.Duration, stop <-chan struct{}, ov *overload) {
	ov.RetryAfter = true
	select {
	case <-stop:
		return
	case <-time.After(warmup + 3*time.Second):
	}
	until := time.Now().Add(max(run-4*time.Second, time.Second))
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(until) {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		req, err := t.request(ctx, cookie)
		if err != nil {
			return
		}
		start := time.Now()
		resp, err := noRedirect.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ov.Probes++
		if resp.StatusCode == http.StatusServiceUnavailable {
			ov.ProbeRefused++
			ov.RefusedMaxMs = max(ov.RefusedMaxMs, float64(time.Since(start).Microseconds())/1000)
			ov.RetryAfter = ov.RetryAfter && resp.Header.Get("Retry-After") != ""
		}
	}
}

// afterLoad times one request right after a run, to show the server
// recovered at once.
func afterLoad(ctx context.Context, t target, cookie string) (int, float64) {
	req, err := t.request(ctx, cookie)
	if err != nil {
		return 0, 0
	}
	start := time.Now()
	resp, err := noRedirect.Do(req)
	if err != nil {
		return 0, 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, float64(time.Since(start).Microseconds()) / 1000
}

// procStatus reads a field of the server's /proc status in MB: VmHWM (peak
// resident set), RssAnon (heap and stacks now), RssFile (mapped file pages
// now, the SQLite file read through mmap); 0 if unknown.
func procStatus(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}

// verdict is one target line: what was asked, what was measured, pass or miss.
type verdict struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Pass     bool   `json:"pass"`
	Note     string `json:"note,omitempty"` // not measured by this run, and why
}

func (v verdict) String() string {
	mark := "MISS"
	switch {
	case v.Note != "":
		mark = "n/a "
	case v.Pass:
		mark = "pass"
	}
	s := fmt.Sprintf("  [%s] %-62s %s", mark, v.Target, v.Measured)
	if v.Note != "" {
		s += v.Note
	}
	return s
}

// verdicts turns a run into the target lines.
func verdicts(rep report, o options) []verdict {
	var out []verdict
	if !o.runs("pages") {
		out = append(out, verdict{Target: "staff pages: ratio ≥ 0.15, p99 ≤ 20 ms, 0 errors", Note: " (not run: --only leaves them out)"})
	}
	for _, r := range rep.Targets {
		errs := r.Non2xx + r.SocketErrors.total()
		out = append(out, verdict{
			Target:   fmt.Sprintf("%s: ratio ≥ %.2f, p99 ≤ %.0f ms, 0 errors at %d conn", r.Name, targetPageRatio, targetPageP99ms, o.connections),
			Measured: fmt.Sprintf("ratio %s, p99 %.1f ms, %d errors", ratio(r.Ratio), r.P99ms, errs),
			Pass:     r.Ratio >= targetPageRatio && r.P99ms <= targetPageP99ms && errs == 0,
		})
	}
	if ov := rep.Overload; ov != nil {
		out = append(out, verdict{
			Target: fmt.Sprintf("overload: at %d conn, 503 + Retry-After within %.0f ms; recovers at once", overloadConnections, targetOverloadMs),
			Measured: fmt.Sprintf("%d refused (%d of %d probes, slowest refusal %.1f ms, Retry-After %v), %d socket errors; next request %d in %.1f ms",
				ov.Refused, ov.ProbeRefused, ov.Probes, ov.RefusedMaxMs, ov.RetryAfter, ov.Result.SocketErrors.total(), ov.AfterStatus, ov.AfterMs),
			Pass: ov.Refused > 0 && ov.ProbeRefused > 0 && ov.RefusedMaxMs <= targetOverloadMs && ov.RetryAfter &&
				ov.AfterStatus == http.StatusOK && ov.AfterMs <= targetOverloadMs && ov.Result.SocketErrors.total() == 0,
		})
	}
	if rep.Overload == nil {
		out = append(out, verdict{Target: fmt.Sprintf("overload: at %d conn, 503 + Retry-After within %.0f ms; recovers at once", overloadConnections, targetOverloadMs),
			Note: " (not run: --only leaves it out)"})
	}
	rss := verdict{Target: fmt.Sprintf("memory: resident set < %.0f MB (2,000 clients)", targetRSSMB),
		Measured: fmt.Sprintf("peak %.1f MB over every run; at the end %.1f MB anonymous + %.1f MB mapped file", rep.PeakRSSMB, rep.AnonMB, rep.FileMB), Pass: rep.PeakRSSMB > 0 && rep.PeakRSSMB < targetRSSMB}
	if o.clients != 2000 {
		rss.Note = fmt.Sprintf(" (the target is for 2,000 clients; this run has %d)", o.clients)
	}
	out = append(out, rss)
	demo := verdict{Target: fmt.Sprintf("demo: 20,000 clients generate in < %.0f s", targetDemo20kSecs),
		Measured: fmt.Sprintf("%d clients in %.1f s", o.clients, rep.DemoSeconds), Pass: rep.DemoSeconds < targetDemo20kSecs}
	if o.clients != 20000 {
		demo.Note = " (run with --clients 20000)"
	}
	out = append(out, demo)
	out = append(out, mixedVerdict(rep.Mixed))
	pagesWhy, replicasWhy := postgresNotes(o)
	var pgPages []result
	var repl *replicas
	if pg := rep.Postgres; pg != nil {
		pgPages, repl = pg.Targets, pg.Replicas
	}
	out = append(out, postgresVerdicts(rep.Targets, pgPages, pagesWhy)...)
	out = append(out, replicasVerdict(repl, replicasWhy))
	return out
}

// runOverload measures the home page past capacity (512 connections),
// probing refusals during the run, then times one request after it.
func runOverload(ctx context.Context, w wrkRunner, o options, homePage target, base, cookie string, rep *report) error {
	over := w
	over.o.connections = max(o.connections, overloadConnections)
	over.o.timeout = min(o.timeout, 5*time.Second)
	home := homePage
	home.Name = fmt.Sprintf("home @%d", over.o.connections)
	var ov overload
	stopProbes, probesDone := make(chan struct{}), make(chan struct{})
	go func() { probeDuring(ctx, homePage, cookie, o.warmup, o.duration, stopProbes, &ov); close(probesDone) }()
	res, err := over.measure(ctx, home, &serverProbe{base: base, cookie: cookie})
	close(stopProbes)
	<-probesDone
	if err != nil {
		return err
	}
	res.Ratio = res.RPS / rep.Ceiling.RPS
	ov.Result, ov.Refused = res, res.ServerCodes["503"]
	ov.AfterStatus, ov.AfterMs = afterLoad(ctx, homePage, cookie)
	rep.Overload = &ov
	return nil
}
