package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	clinicianEmail    = "clinician@demo.openiop.org"
	clinicianPassword = "welcome-to-openiop"
	sessionCookie     = "iop_session"
)

// pinning says which cores the servers and wrk run on. Empty CPU lists mean
// unpinned.
type pinning struct {
	taskset    string
	serverCPUs string
	wrkCPUs    string
	note       string // why pinning is off, if it is
}

func newPinning(o options) pinning {
	p := pinning{serverCPUs: o.serverCPUs, wrkCPUs: o.wrkCPUs}
	ts, err := exec.LookPath("taskset")
	switch {
	case err != nil:
		p.note = "taskset not found (Debian package util-linux): running UNPINNED, server and wrk share every CPU"
	case runtime.NumCPU() < 2:
		p.note = "only 1 CPU: running UNPINNED, server and wrk share it"
	default:
		p.taskset = ts
	}
	if p.taskset == "" {
		p.serverCPUs, p.wrkCPUs = "", ""
	}
	return p
}

func (p pinning) describe(o options) string {
	server := "server unpinned"
	if p.serverCPUs != "" {
		server = "server on CPU " + p.serverCPUs
	}
	if o.gomaxprocs > 0 {
		server += fmt.Sprintf(" with GOMAXPROCS=%d", o.gomaxprocs)
	}
	load := "wrk unpinned"
	if p.wrkCPUs != "" {
		load = "wrk on CPU " + p.wrkCPUs
	}
	s := fmt.Sprintf("setup: %s; %s, -t%d -c%d, %s per run after a %s warm-up", server, load,
		o.threads, o.connections, o.duration, o.warmup)
	if p.note != "" {
		s += "\nNOTE: " + p.note
	}
	return s
}

func (p pinning) wrap(cpus string, argv []string) []string {
	if p.taskset == "" || cpus == "" {
		return argv
	}
	return append([]string{p.taskset, "-c", cpus}, argv...)
}

func (p pinning) server(argv []string) []string { return p.wrap(p.serverCPUs, argv) }
func (p pinning) load(argv []string) []string   { return p.wrap(p.wrkCPUs, argv) }

// process is a server subprocess whose output goes to a log file.
type process struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	err     error
}

// startProcess starts argv with GOMAXPROCS set (taskset execs the program,
// so the pid is the server's own and SIGTERM reaches it).
func startProcess(argv []string, gomaxprocs int, logPath string) (*process, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = os.Environ()
	if gomaxprocs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", gomaxprocs))
	}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", strings.Join(argv, " "), err)
	}
	p := &process{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.exited)
	}()
	return p, nil
}

// waitReady polls u until it answers 200, the process exits or the time is up.
func (p *process) waitReady(ctx context.Context, u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: 2 * time.Second}
	last := "no answer"
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("the process exited (%v); its log:\n%s", p.err, tail(p.logPath, 20))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 within %s (last: %s); log:\n%s", u, within, last, tail(p.logPath, 20))
}

// stop sends SIGTERM and waits for a graceful exit, killing after 30 s.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		var ee *exec.ExitError
		if p.err != nil && !errors.As(p.err, &ee) {
			return p.err
		}
		if p.err != nil {
			return fmt.Errorf("the server exited with %v after SIGTERM", p.err)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("the server did not stop within 30 s of SIGTERM and was killed")
	}
}

// freeAddr returns a loopback address with a port that was free just now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// signIn posts the sign-in form as a same-origin browser would and returns
// the session token from Set-Cookie.
func signIn(ctx context.Context, base string) (string, error) {
	form := url.Values{"email": {clinicianEmail}, "password": {clinicianPassword}}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := noRedirect.Do(req)
	if err != nil {
		return "", fmt.Errorf("signing in: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" && resp.StatusCode/100 == 3 {
			fmt.Printf("Signed in (%s to %s).\n", resp.Status, resp.Header.Get("Location"))
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("signing in as %s failed: %s, no %s cookie (the demo center must be fresh; body starts: %.300q)",
		clinicianEmail, resp.Status, sessionCookie, body)
}

// target is one page to load.
type target struct {
	Name   string
	Method string
	URL    string
	Body   string // form body for POST
	Origin string // Origin header for POST (the server refuses cross-origin POSTs)
	Expect string // text the page should contain (case-insensitive), else a warning
	Script string // a wrk Lua script that makes the requests itself (the mixed workload)
}

func (t target) request(ctx context.Context, cookie string) (*http.Request, error) {
	var body io.Reader
	if t.Body != "" {
		body = strings.NewReader(t.Body)
	}
	req, err := http.NewRequestWithContext(ctx, t.Method, t.URL, body)
	if err != nil {
		return nil, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if t.Method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", t.Origin)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return req, nil
}

// precheck makes one request and insists on 200: wrk counts a 303 to the
// sign-in page as a success, so a broken session would otherwise go unseen.
func precheck(ctx context.Context, t target, cookie string) error {
	req, err := t.request(ctx, cookie)
	if err != nil {
		return err
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return fmt.Errorf("%s (%s %s): %w", t.Name, t.Method, t.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.Contains(loc, "/login") {
		return fmt.Errorf("%s (%s %s): %s to %s: the session cookie was NOT accepted", t.Name, t.Method, t.URL, resp.Status, loc)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s (%s %s): want 200, got %s (body starts: %.300q)", t.Name, t.Method, t.URL, resp.Status, body)
	}
	fmt.Printf("  %-14s %s %s -> %s, %d bytes\n", t.Name, t.Method, t.URL, resp.Status, len(body))
	if t.Expect != "" && !strings.Contains(strings.ToLower(string(body)), strings.ToLower(t.Expect)) {
		fmt.Printf("  WARNING: the %s page does not mention %q: the search may find nobody, which writes no audit record\n", t.Name, t.Expect)
	}
	return nil
}

// serverProbe reads the server's /metrics around a run.
type serverProbe struct {
	base, cookie string
}

// scrape returns every sample on /metrics by its full series name.
func (p *serverProbe) scrape(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", p.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading /metrics: %s", resp.Status)
	}
	return parseMetrics(resp.Body)
}

func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// settle scrapes /metrics until the server is idle: two scrapes in a row
// with the same request and audit counts. wrk stops with requests in flight,
// and a slow page can take seconds to drain them; counting from an idle
// server makes the deltas exact.
func (p *serverProbe) settle(ctx context.Context, within time.Duration) (map[string]float64, error) {
	deadline := time.Now().Add(within)
	var prev map[string]float64
	for {
		cur, err := p.scrape(ctx)
		if err != nil {
			return nil, err
		}
		if prev != nil && activity(prev) == activity(cur) {
			return cur, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the server was still busy %s after the run", within)
		}
		prev = cur
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// activity sums the counters that move while the server works.
func activity(m map[string]float64) float64 {
	sum := m["iop_audit_read_records"]
	for k, v := range m {
		if strings.HasPrefix(k, "iop_http_requests_total{") && !strings.Contains(k, `route="GET /metrics"`) {
			sum += v
		}
	}
	return sum
}

// serverDelta is what the server counted during a run.
type serverDelta struct {
	auditRecords, auditBatches int64
	codes                      map[string]int64   // status code -> requests, every route but /metrics
	routeSeconds               map[string]float64 // route -> seconds the server spent on its requests
}

func diffMetrics(before, after map[string]float64) serverDelta {
	d := serverDelta{
		auditRecords: int64(after["iop_audit_read_records"] - before["iop_audit_read_records"]),
		auditBatches: int64(after["iop_audit_read_batches"] - before["iop_audit_read_batches"]),
		codes:        map[string]int64{},
		routeSeconds: map[string]float64{},
	}
	for k, v := range after {
		if rest, ok := strings.CutPrefix(k, "iop_http_request_duration_seconds_sum{"); ok && !strings.Contains(k, `route="GET /metrics"`) {
			if _, r, ok := strings.Cut(rest, `route="`); ok {
				route, _, _ := strings.Cut(r, `"`)
				if s := v - before[k]; s > 0 {
					d.routeSeconds[route] += s
				}
			}
			continue
		}
		if !strings.HasPrefix(k, "iop_http_requests_total{") || strings.Contains(k, `route="GET /metrics"`) {
			continue
		}
		n := int64(v - before[k])
		if n == 0 {
			continue
		}
		code := "?"
		if _, rest, ok := strings.Cut(k, `code="`); ok {
			code, _, _ = strings.Cut(rest, `"`)
		}
		d.codes[code] += n
	}
	return d
}

// reportServerLog summarises what iop serve logged: it runs with
// --log-level warn, so anything beyond its start-up lines is a warning or an
// error. Lines are grouped by message, with one example each.
func reportServerLog(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	type group struct {
		n       int
		example string
	}
	groups := map[string]*group{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.Contains(l, "level=WARN") && !strings.Contains(l, "level=ERROR") {
			continue
		}
		key := logMessage(l)
		g := groups[key]
		if g == nil {
			g = &group{example: l}
			groups[key] = g
			order = append(order, key)
		}
		g.n++
	}
	if len(order) == 0 {
		fmt.Println("The server logged no warnings or errors.")
		return
	}
	fmt.Println("The server logged warnings or errors (grouped by message, one example each):")
	for _, k := range order {
		fmt.Printf("  %5d × %.260s\n", groups[k].n, groups[k].example)
	}
}

// logMessage is a slog text line's level and msg, with the peer address of
// a write error removed, for grouping.
func logMessage(l string) string {
	level, msg := "", l
	if _, rest, ok := strings.Cut(l, "level="); ok {
		level, _, _ = strings.Cut(rest, " ")
	}
	if _, rest, ok := strings.Cut(l, "msg="); ok {
		if strings.HasPrefix(rest, `"`) {
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				rest = q
			}
		} else {
			rest, _, _ = strings.Cut(rest, " ")
		}
		msg = rest
	}
	if _, errText, ok := strings.Cut(l, "error="); ok {
		switch {
		case strings.Contains(errText, "broken pipe"):
			msg += " (broken pipe)"
		case strings.Contains(errText, "connection reset"):
			msg += " (connection reset)"
		}
	}
	return level + " " + msg
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// startServe starts iop serve on a free port, pinned to cpus, and waits
// until it is ready.
func startServe(ctx context.Context, bin string, dbArgs []string, cpus string, pin pinning, o options, logPath string) (*process, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	fmt.Printf("Starting iop serve on %s ...\n", addr)
	argv := append(append([]string{bin, "serve"}, dbArgs...), "--addr", addr, "--log-level", "warn")
	srv, err := startProcess(pin.wrap(cpus, argv), o.gomaxprocs, logPath)
	if err != nil {
		return nil, "", err
	}
	if err := srv.waitReady(ctx, base+"/readyz", 2*time.Minute); err != nil {
		stopServe(srv, "iop serve")
		return nil, "", fmt.Errorf("iop serve did not become ready: %w", err)
	}
	return srv, base, nil
}

// stopServe stops a server with SIGTERM and summarises its log.
func stopServe(srv *process, name string) {
	fmt.Printf("Stopping %s (SIGTERM) ...\n", name)
	if err := srv.stop(); err != nil {
		fmt.Println("  ", err)
	}
	reportServerLog(srv.logPath)
}

// pageTargets finds the six staff pages on a signed-in server and checks
// that each answers 200 with the cookie.
// signedInTargets signs in as the demo clinician on a started server and
// resolves the page targets with that session.
func signedInTargets(ctx context.Context, base, label string, o options) (cookie string, targets []target, err error) {
	fmt.Printf("Signing in as %s%s ...\n", clinicianEmail, label)
	token, err := signIn(ctx, base)
	if err != nil {
		return "", nil, err
	}
	cookie = sessionCookie + "=" + token
	targets, err = pageTargets(ctx, base, cookie, o)
	return cookie, targets, err
}

func pageTargets(ctx context.Context, base, cookie string, o options) ([]target, error) {
	targets := []target{
		{Name: "home page", Method: "GET", URL: base + "/home"},
		{Name: "client search", Method: "POST", URL: base + "/clients/search",
			Body: url.Values{"q": {o.search}, "status": {"all"}}.Encode(), Origin: base, Expect: o.search},
		{Name: "clients list", Method: "GET", URL: base + "/clients?status=active"},
	}
	chart, err := findLink(ctx, base, "/home", cookie, chartLink)
	if err != nil {
		return nil, fmt.Errorf("finding a chart on the caseload: %w", err)
	}
	sheet, err := findLink(ctx, base, "/schedule", cookie, attendanceLink)
	if err != nil {
		return nil, fmt.Errorf("finding an attendance sheet in the week view: %w", err)
	}
	targets = append(targets,
		target{Name: "client chart", Method: "GET", URL: base + chart},
		target{Name: "week view", Method: "GET", URL: base + "/schedule"},
		target{Name: "attendance", Method: "GET", URL: base + sheet})
	for _, t := range targets {
		if err := precheck(ctx, t, cookie); err != nil {
			return nil, err
		}
	}
	fmt.Println("All targets answer 200 with the session cookie.")
	return targets, nil
}

// measurePages measures each target in turn against the ceiling's rate.
func measurePages(ctx context.Context, w wrkRunner, targets []target, base, cookie string, ceilingRPS float64) ([]result, error) {
	var out []result
	for _, t := range targets {
		res, err := w.measure(ctx, t, &serverProbe{base: base, cookie: cookie})
		if err != nil {
			return nil, err
		}
		res.Ratio = res.RPS / ceilingRPS
		out = append(out, res)
	}
	return out, nil
}
