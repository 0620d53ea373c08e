package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// result is one measured wrk run.
type result struct {
	Name         string           `json:"name"`
	Method       string           `json:"method"`
	URL          string           `json:"url"`
	Requests     int64            `json:"requests"`
	Seconds      float64          `json:"seconds"`
	RPS          float64          `json:"rps"`
	P50ms        float64          `json:"p50_ms"`
	P75ms        float64          `json:"p75_ms"`
	P90ms        float64          `json:"p90_ms"`
	P99ms        float64          `json:"p99_ms"`
	Non2xx       int64            `json:"non_2xx_3xx"`
	SocketErrors socketErrors     `json:"socket_errors"`
	Ratio        float64          `json:"ratio_to_ceiling"`
	AuditRecords int64            `json:"audit_records"`
	AuditBatches int64            `json:"audit_batches"`
	ServerCodes  map[string]int64 `json:"server_status_codes,omitempty"`
	// RouteSeconds is the server's request time by route during the run
	// (the delta of iop_http_request_duration_seconds_sum).
	RouteSeconds map[string]float64 `json:"server_seconds_by_route,omitempty"`
	BusyPct      float64            `json:"busy_pct"`  // share of all CPUs busy during the run
	StealPct     float64            `json:"steal_pct"` // share stolen by the hypervisor: interference from outside the VM
	Raw          string             `json:"wrk_output"`
}

type socketErrors struct {
	Connect int64 `json:"connect"`
	Read    int64 `json:"read"`
	Write   int64 `json:"write"`
	Timeout int64 `json:"timeout"`
}

func (s socketErrors) total() int64 { return s.Connect + s.Read + s.Write + s.Timeout }

// servedRPS is the rate of answers that were not errors: wrk's req/s
// counts a fast 503 from the admission queue like a served page.
func (r result) servedRPS() float64 {
	if r.Requests <= 0 {
		return 0
	}
	return r.RPS * float64(max(r.Requests-r.Non2xx, 0)) / float64(r.Requests)
}

type wrkRunner struct {
	path    string
	pin     pinning
	o       options
	dir     string            // for Lua scripts
	scripts map[string]string // target (name, URL, body, cookie) -> its Lua script
}

// argv is the wrk command line for t, pinned to the load core. A target
// with its own script gets the phase ("warmup" or "run") as its argument.
func (w wrkRunner) argv(t target, cookie string, d time.Duration, phase string) ([]string, error) {
	args := []string{w.path, fmt.Sprintf("-t%d", w.o.threads), fmt.Sprintf("-c%d", w.o.connections),
		"-d" + wrkDuration(d), "--timeout", wrkDuration(w.o.timeout), "--latency"}
	if t.Script != "" {
		return w.pin.load(append(args, "-s", t.Script, t.URL, "--", phase)), nil
	}
	if t.Method == "POST" {
		script, err := w.postScript(t, cookie)
		if err != nil {
			return nil, err
		}
		args = append(args, "-s", script)
	} else if cookie != "" {
		args = append(args, "-H", "Cookie: "+cookie)
	}
	return w.pin.load(append(args, t.URL)), nil
}

// postScript writes the Lua script that turns wrk's requests into a
// same-origin form POST.
func (w wrkRunner) postScript(t target, cookie string) (string, error) {
	// Keyed by everything the script holds: the PostgreSQL server has its
	// own address (the Origin) and its own session.
	key := t.Name + "\x00" + t.URL + "\x00" + t.Body + "\x00" + cookie
	if path, ok := w.scripts[key]; ok {
		return path, nil
	}
	var b strings.Builder
	b.WriteString("-- written by bench/load: a same-origin form POST\n")
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString("POST"))
	fmt.Fprintf(&b, "wrk.body = %s\n", luaString(t.Body))
	fmt.Fprintf(&b, "wrk.headers[\"Content-Type\"] = %s\n", luaString("application/x-www-form-urlencoded"))
	fmt.Fprintf(&b, "wrk.headers[\"Origin\"] = %s\n", luaString(t.Origin))
	fmt.Fprintf(&b, "wrk.headers[\"Sec-Fetch-Site\"] = %s\n", luaString("same-origin"))
	if cookie != "" {
		fmt.Fprintf(&b, "wrk.headers[\"Cookie\"] = %s\n", luaString(cookie))
	}
	f, err := os.CreateTemp(w.dir, "post-*.lua")
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	w.scripts[key] = f.Name()
	return f.Name(), nil
}

// luaString quotes s as a Lua string literal, escaping every byte outside
// printable ASCII with a decimal escape (valid in Lua 5.1 and LuaJIT).
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrkDuration formats d for wrk, which takes whole seconds ("10s").
func wrkDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%ds", max(s, 1))
}

// measure warms up, then runs wrk on t and parses its output. With a probe
// it also reads the server's metrics before and after the measured run.
func (w wrkRunner) measure(ctx context.Context, t target, probe *serverProbe) (result, error) {
	cookie := ""
	if probe != nil {
		cookie = probe.cookie
	}
	if w.o.warmup >= time.Second {
		fmt.Printf("Warming up %s for %s ...\n", t.Name, wrkDuration(w.o.warmup))
		argv, err := w.argv(t, cookie, w.o.warmup, "warmup")
		if err != nil {
			return result{}, err
		}
		if _, err := runWrk(ctx, argv, w.o.warmup); err != nil {
			return result{}, fmt.Errorf("warming up %s: %w", t.Name, err)
		}
	}
	argv, err := w.argv(t, cookie, w.o.duration, "run")
	if err != nil {
		return result{}, err
	}
	var before map[string]float64
	if probe != nil {
		if before, err = probe.settle(ctx, time.Minute); err != nil { // the warm-up's last requests finish first
			return result{}, err
		}
	}
	fmt.Printf("Measuring %s: %s\n", t.Name, displayArgv(argv))
	cpu0, _ := readCPUTimes()
	out, err := runWrk(ctx, argv, w.o.duration)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", t.Name, err)
	}
	cpu1, _ := readCPUTimes()
	res, err := parseWrk(out)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w; wrk printed:\n%s", t.Name, err, out)
	}
	res.Name, res.Method, res.URL = t.Name, t.Method, t.URL
	res.BusyPct, res.StealPct = share(cpu0, cpu1)
	fmt.Printf("  %s req/s, p50 %.2f ms, p99 %.2f ms (CPUs %.0f%% busy, %.1f%% stolen)\n", rate(res.RPS), res.P50ms, res.P99ms, res.BusyPct, res.StealPct)
	if res.SocketErrors.Timeout > 0 {
		fmt.Printf("  NOTE: %d requests took longer than --timeout %s; wrk leaves them out of the latency percentiles\n",
			res.SocketErrors.Timeout, wrkDuration(w.o.timeout))
	}
	if probe != nil {
		after, err := probe.settle(ctx, time.Minute) // requests wrk cut off at the end finish and are audited
		if err != nil {
			return result{}, err
		}
		d := diffMetrics(before, after)
		res.AuditRecords, res.AuditBatches, res.ServerCodes, res.RouteSeconds = d.auditRecords, d.auditBatches, d.codes, d.routeSeconds
	}
	return res, nil
}

// displayArgv is argv with the session token shortened, for printing.
func displayArgv(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if v, ok := strings.CutPrefix(a, "Cookie: "+sessionCookie+"="); ok && len(v) > 8 {
			a = "Cookie: " + sessionCookie + "=" + v[:6] + "…"
		}
		if strings.ContainsAny(a, " \"") {
			a = strconv.Quote(a)
		}
		if filepath.IsAbs(a) && !strings.HasSuffix(a, ".lua") {
			a = filepath.Base(a) // /usr/bin/taskset, /usr/bin/wrk
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}

func runWrk(ctx context.Context, argv []string, d time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d+60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w\n%s", displayArgv(argv), err, out)
	}
	return string(out), nil
}

// parseWrk reads wrk's report (run with --latency).
func parseWrk(out string) (result, error) {
	res := result{Raw: out}
	var haveRPS, inDist bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case line == "Latency Distribution":
			inDist = true
			continue
		case inDist && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			ms, err := parseWrkTime(f[1])
			if err != nil {
				return res, err
			}
			switch f[0] {
			case "50%":
				res.P50ms = ms
			case "75%":
				res.P75ms = ms
			case "90%":
				res.P90ms = ms
			case "99%":
				res.P99ms = ms
			}
			continue
		case strings.HasPrefix(line, "Requests/sec:") && len(f) == 2:
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return res, fmt.Errorf("reading %q: %w", line, err)
			}
			res.RPS, haveRPS = v, true
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return res, fmt.Errorf("reading %q: %w", line, err)
			}
			res.Requests = n
			secs, err := parseWrkTime(strings.TrimSuffix(f[3], ","))
			if err == nil {
				res.Seconds = secs / 1000
			}
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:") && len(f) == 5:
			n, err := strconv.ParseInt(f[4], 10, 64)
			if err != nil {
				return res, fmt.Errorf("reading %q: %w", line, err)
			}
			res.Non2xx = n
		case strings.HasPrefix(line, "Socket errors:"):
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for _, part := range strings.Split(strings.TrimPrefix(line, "Socket errors:"), ",") {
				kv := strings.Fields(part)
				if len(kv) != 2 {
					continue
				}
				n, _ := strconv.ParseInt(kv[1], 10, 64)
				switch kv[0] {
				case "connect":
					res.SocketErrors.Connect = n
				case "read":
					res.SocketErrors.Read = n
				case "write":
					res.SocketErrors.Write = n
				case "timeout":
					res.SocketErrors.Timeout = n
				}
			}
		}
		inDist = false
	}
	if !haveRPS {
		return res, errors.New("no Requests/sec line in wrk's output")
	}
	if res.P99ms == 0 && res.Requests > 0 {
		return res, errors.New("no 99% latency line in wrk's output (was --latency given?)")
	}
	return res, nil
}

// parseWrkTime converts wrk's durations ("812.00us", "1.03ms", "2.00s",
// "1.50m") to milliseconds.
func parseWrkTime(s string) (float64, error) {
	units := []struct {
		suffix string
		ms     float64
	}{{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				continue
			}
			return v * u.ms, nil
		}
	}
	return 0, fmt.Errorf("cannot read wrk time %q", s)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
