package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pgCluster is the throwaway PostgreSQL 15 cluster that --postgres starts:
// the approach of internal/testutil (initdb and pg_ctl as the postgres user
// when running as root, a free loopback port), but durable like a real
// server (fsync and synchronous commit on), since the SQLite side commits
// with synchronous=FULL and the comparison should be fair.
type pgCluster struct {
	bin     string
	dir     string // owned by the cluster's user; removed by stop
	data    string
	port    int
	cred    *syscall.Credential
	started bool
}

// pgBinDir finds initdb and pg_ctl: on PATH, else Debian's
// /usr/lib/postgresql/<version>/bin (the newest).
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) == 0 {
		return "", errors.New("--postgres: PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// startPostgres creates and starts a cluster. The caller must call stop,
// also when this returns an error (it cleans up what was made).
func startPostgres(ctx context.Context) (*pgCluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "iop-load-pg-")
	if err != nil {
		return nil, err
	}
	c := &pgCluster{bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return c, errors.New("--postgres: running as root and there is no postgres user to run the cluster as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)} // #nosec G115 -- ids from /etc/passwd
		if err := os.Chown(dir, uid, gid); err != nil {
			return c, err
		}
	}
	fmt.Printf("Starting a throwaway PostgreSQL cluster (%s) in %s ...\n", bin, dir)
	if err := c.run(ctx, "initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return c, err
	}
	addr, err := freeAddr()
	if err != nil {
		return c, err
	}
	_, port, _ := strings.Cut(addr, ":")
	c.port, _ = strconv.Atoi(port)
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.port, dir)
	if err := c.run(ctx, "pg_ctl", "-D", c.data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		return c, err
	}
	c.started = true
	fmt.Printf("PostgreSQL is up on 127.0.0.1:%d.\n", c.port)
	return c, nil
}

// run runs one of the cluster's programs as the cluster's user.
func (c *pgCluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	// Its own process group: a Ctrl-C in the terminal reaches this
	// program, which then stops the cluster in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setpgid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	return nil
}

// url is the URL of database name on the cluster.
func (c *pgCluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// createDatabase makes an empty database for the demo and returns its URL.
func (c *pgCluster) createDatabase(ctx context.Context, name string) (string, error) {
	db, err := sql.Open("pgx", c.url("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("creating the database %s: %w", name, err)
	}
	return c.url(name), nil
}

// stop stops the cluster (fast shutdown) and removes its directory.
func (c *pgCluster) stop() {
	if c == nil {
		return
	}
	if c.started {
		fmt.Println("Stopping the PostgreSQL cluster and removing it ...")
		// Not the run's context: the cluster must go even after Ctrl-C.
		if err := c.run(context.Background(), "pg_ctl", "-D", c.data, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
			fmt.Println("  ", err)
		}
		c.started = false
	}
	os.RemoveAll(c.dir)
}

// pgRun is the PostgreSQL part of a --postgres run.
type pgRun struct {
	DemoSeconds float64   `json:"demo_seconds"`
	Targets     []result  `json:"targets"`
	Replicas    *replicas `json:"replicas,omitempty"`
	PeakRSSMB   float64   `json:"peak_rss_mb"`
}

// replicas is the home page on one replica against two on one database,
// each measured with two wrk processes at once, half the connections each.
type replicas struct {
	One     result `json:"one_replica"`
	Two     result `json:"two_replicas"`
	CPUs    string `json:"second_replica_cpus"` // empty: unpinned
	Note    string `json:"note,omitempty"`      // why the replicas share CPUs, if they do
	Seconds string `json:"duration"`
}

// replicaCPUs picks the second replica's CPUs: the lowest CPU that neither
// the first replica nor wrk is pinned to. With too few CPUs it shares the
// first replica's, and says so: then more throughput can only come from
// one replica working while the other waits on PostgreSQL.
func replicaCPUs(numCPU int, serverCPUs, wrkCPUs string) (string, string) {
	if serverCPUs == "" {
		return "", "the servers run unpinned, so the second replica is unpinned too"
	}
	used := map[int]bool{}
	for _, list := range []string{serverCPUs, wrkCPUs} {
		for _, cpu := range cpuList(list) {
			used[cpu] = true
		}
	}
	for cpu := 0; cpu < numCPU; cpu++ {
		if !used[cpu] {
			return strconv.Itoa(cpu), ""
		}
	}
	return serverCPUs, fmt.Sprintf("only %d CPUs, all taken by the first replica and wrk: the second replica shares CPU %s with the first, so throughput can grow only by overlapping waits on PostgreSQL", numCPU, serverCPUs)
}

// cpuList reads a taskset list like "0,2-3"; parts it cannot read are left out.
func cpuList(s string) []int {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				continue
			}
		}
		for cpu := a; cpu <= b; cpu++ {
			out = append(out, cpu)
		}
	}
	return out
}

// combineSplit is one figure for wrk processes that ran at once: requests,
// rates and errors add up, latencies are the worst of them (a percentile of
// the union is not in wrk's output; the maximum is an upper bound).
func combineSplit(name string, parts []result) result {
	out := result{Name: name, ServerCodes: map[string]int64{}}
	for i, r := range parts {
		if i == 0 {
			out.Method, out.URL = r.Method, r.URL
		}
		out.Requests += r.Requests
		out.RPS += r.RPS
		out.Non2xx += r.Non2xx
		out.SocketErrors.Connect += r.SocketErrors.Connect
		out.SocketErrors.Read += r.SocketErrors.Read
		out.SocketErrors.Write += r.SocketErrors.Write
		out.SocketErrors.Timeout += r.SocketErrors.Timeout
		out.Seconds = max(out.Seconds, r.Seconds)
		out.P50ms, out.P75ms = max(out.P50ms, r.P50ms), max(out.P75ms, r.P75ms)
		out.P90ms, out.P99ms = max(out.P90ms, r.P90ms), max(out.P99ms, r.P99ms)
		out.AuditRecords += r.AuditRecords
		out.AuditBatches += r.AuditBatches
		for c, n := range r.ServerCodes {
			out.ServerCodes[c] += n
		}
		out.BusyPct, out.StealPct = max(out.BusyPct, r.BusyPct), max(out.StealPct, r.StealPct)
		out.Raw += r.Raw
	}
	return out
}

// The PostgreSQL targets.
const (
	targetPostgresShare = 0.5 // each page's req/s against SQLite's
	targetPostgresLine  = "PostgreSQL: the same pages at ≥ 0.5× the SQLite figures"
	targetReplicasLine  = "two replicas on one PostgreSQL: throughput grows"
)

// postgresVerdicts compares each page on PostgreSQL with the same page on
// SQLite: one line per page, then a summary line.
func postgresVerdicts(sqlite, pg []result, why string) []verdict {
	if why != "" {
		return []verdict{{Target: targetPostgresLine, Note: " (" + why + ")"}}
	}
	bySQLite := map[string]result{}
	for _, r := range sqlite {
		bySQLite[r.Name] = r
	}
	var out []verdict
	passed, compared, worst := 0, 0, 0.0
	for _, r := range pg {
		s, ok := bySQLite[r.Name]
		if !ok || s.servedRPS() <= 0 {
			continue
		}
		share := r.servedRPS() / s.servedRPS()
		errs := r.Non2xx + r.SocketErrors.total()
		v := verdict{
			Target:   fmt.Sprintf("PostgreSQL %s: ≥ %.1f× SQLite, 0 errors", r.Name, targetPostgresShare),
			Measured: fmt.Sprintf("%s req/s served against %s: %.2f×, p99 %.1f ms (SQLite %.1f ms), %d errors", rate(r.servedRPS()), rate(s.servedRPS()), share, r.P99ms, s.P99ms, errs),
			Pass:     share >= targetPostgresShare && errs == 0,
		}
		if compared == 0 || share < worst {
			worst = share
		}
		compared++
		if v.Pass {
			passed++
		}
		out = append(out, v)
	}
	if compared == 0 {
		return []verdict{{Target: targetPostgresLine, Note: " (no page ran on both engines)"}}
	}
	return append(out, verdict{
		Target:   targetPostgresLine,
		Measured: fmt.Sprintf("%d of %d pages pass; lowest %.2f×", passed, compared, worst),
		Pass:     passed == compared,
	})
}

// replicasVerdict says whether two replicas served more pages than one,
// without errors (503s from the admission queue do not count as served).
func replicasVerdict(r *replicas, why string) verdict {
	v := verdict{Target: targetReplicasLine}
	if r == nil {
		v.Note = " (" + why + ")"
		return v
	}
	errs := r.One.Non2xx + r.One.SocketErrors.total() + r.Two.Non2xx + r.Two.SocketErrors.total()
	growth := 0.0
	if r.One.servedRPS() > 0 {
		growth = r.Two.servedRPS() / r.One.servedRPS()
	}
	v.Measured = fmt.Sprintf("home page served: 1 replica %s req/s (p99 %.1f ms), 2 replicas %s req/s (p99 %.1f ms): %.2f×, %d errors",
		rate(r.One.servedRPS()), r.One.P99ms, rate(r.Two.servedRPS()), r.Two.P99ms, growth, errs)
	if r.Note != "" {
		v.Measured += "; NOTE: " + r.Note
	}
	// Errors count against it as on the pages: when the admission queue
	// refuses most requests, the served rates measure its bound, not the
	// replicas' capacity.
	v.Pass = growth > 1 && errs == 0
	return v
}

// measureSplit runs one wrk per target at once (warm-up, then the measured
// run), each with the connections given, reading each distinct server's
// metrics around the measured run, and combines them.
func (w wrkRunner) measureSplit(ctx context.Context, name string, ts []target, cookie string, probes []*serverProbe) (result, error) {
	half := w
	half.o.connections = max(w.o.connections/len(ts), 1)
	half.o.threads = min(w.o.threads, half.o.connections)
	runAll := func(d time.Duration, phase string) ([]string, error) {
		outs, errs := make([]string, len(ts)), make([]error, len(ts))
		done := make(chan int, len(ts))
		for i, t := range ts {
			argv, err := half.argv(t, cookie, d, phase)
			if err != nil {
				return nil, err
			}
			if phase == "run" {
				fmt.Printf("Measuring %s (%d of %d at once): %s\n", name, i+1, len(ts), displayArgv(argv))
			}
			go func() { outs[i], errs[i] = runWrk(ctx, argv, d); done <- i }()
		}
		for range ts {
			<-done
		}
		return outs, errors.Join(errs...)
	}
	if w.o.warmup >= time.Second {
		fmt.Printf("Warming up %s for %s ...\n", name, wrkDuration(w.o.warmup))
		if _, err := runAll(w.o.warmup, "warmup"); err != nil {
			return result{}, fmt.Errorf("warming up %s: %w", name, err)
		}
	}
	before := make([]map[string]float64, len(probes))
	for i, p := range probes {
		var err error
		if before[i], err = p.settle(ctx, time.Minute); err != nil {
			return result{}, err
		}
	}
	cpu0, _ := readCPUTimes()
	outs, err := runAll(w.o.duration, "run")
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", name, err)
	}
	cpu1, _ := readCPUTimes()
	var parts []result
	for i, out := range outs {
		r, err := parseWrk(out)
		if err != nil {
			return result{}, fmt.Errorf("%s: %w; wrk printed:\n%s", name, err, out)
		}
		r.Method, r.URL = ts[i].Method, ts[i].URL
		parts = append(parts, r)
	}
	for i, p := range probes {
		after, err := p.settle(ctx, time.Minute)
		if err != nil {
			return result{}, err
		}
		d := diffMetrics(before[i], after)
		parts = append(parts, result{AuditRecords: d.auditRecords, AuditBatches: d.auditBatches, ServerCodes: d.codes})
	}
	res := combineSplit(name, parts)
	res.BusyPct, res.StealPct = share(cpu0, cpu1)
	fmt.Printf("  %s req/s together, worst p99 %.2f ms (CPUs %.0f%% busy, %.1f%% stolen)\n", rate(res.RPS), res.P99ms, res.BusyPct, res.StealPct)
	return res, nil
}

// checkPostgresFlags refuses flag combinations that cannot mean anything.
func checkPostgresFlags(o options) error {
	if o.postgres && o.databaseURL != "" {
		return errors.New("--postgres compares a throwaway PostgreSQL cluster with SQLite; leave out --database-url")
	}
	if !o.postgres && (o.only["postgres"] || o.only["replicas"]) {
		return errors.New("--only postgres and --only replicas need --postgres")
	}
	return nil
}

// postgresNotes says why the PostgreSQL lines are not measured by this
// run; empty when they are.
func postgresNotes(o options) (pages, replicas string) {
	switch {
	case !o.postgres:
		pages = "run with --postgres: it starts a throwaway PostgreSQL cluster"
	case !o.runs("postgres"):
		pages = "not run: --only leaves postgres out"
	case !o.runs("pages"):
		pages = "not run: --only leaves out the SQLite pages to compare with"
	}
	switch {
	case !o.postgres:
		replicas = "run with --postgres: it starts a throwaway PostgreSQL cluster"
	case !o.runs("replicas"):
		replicas = "not run: --only leaves replicas out"
	}
	return pages, replicas
}

// runPostgres starts a throwaway cluster, creates the demo center in an
// empty database, measures the pages on one iop serve pinned like the
// SQLite one, then the home page on one and on two replicas. It stops the
// servers and removes the cluster on every return, errors and Ctrl-C too.
func runPostgres(ctx context.Context, bin string, pin pinning, w wrkRunner, o options, tmp string, ceilingRPS float64, pg *pgRun) error {
	cluster, err := startPostgres(ctx)
	defer cluster.stop()
	if err != nil {
		return err
	}
	dbURL, err := cluster.createDatabase(ctx, "iop_load")
	if err != nil {
		return err
	}
	dbArgs := []string{"--database-url", dbURL}
	took, err := runDemo(ctx, bin, dbArgs, o.clients, "postgres")
	if err != nil {
		return err
	}
	pg.DemoSeconds = took.Seconds()

	srv, base, err := startServe(ctx, bin, dbArgs, pin.serverCPUs, pin, o, filepath.Join(tmp, "server-postgres.log"))
	if err != nil {
		return err
	}
	defer stopServe(srv, "iop serve on PostgreSQL")
	cookie, targets, err := signedInTargets(ctx, base, " (PostgreSQL)", o)
	if err != nil {
		return err
	}
	probe := &serverProbe{base: base, cookie: cookie}
	if o.runs("postgres") {
		if pg.Targets, err = measurePages(ctx, w, targets, base, cookie, ceilingRPS); err != nil {
			return err
		}
	}
	defer func() { pg.PeakRSSMB = procStatus(srv.cmd.Process.Pid, "VmHWM") }()
	if !o.runs("replicas") {
		return nil
	}

	cpus, note := replicaCPUs(runtime.NumCPU(), pin.serverCPUs, pin.wrkCPUs)
	if pin.taskset == "" {
		cpus, note = "", pin.note
	}
	r := &replicas{CPUs: cpus, Note: note, Seconds: o.duration.String()}
	if note != "" {
		fmt.Println("NOTE:", note)
	}
	srv2, base2, err := startServe(ctx, bin, dbArgs, cpus, pin, o, filepath.Join(tmp, "server-postgres-2.log"))
	if err != nil {
		return err
	}
	defer stopServe(srv2, "the second replica")
	home := targets[0]
	home2 := home
	home2.URL = base2 + "/home"
	fmt.Println("Checking that the session from the first replica works on the second (sessions are in the database) ...")
	for _, t := range []target{home, home2} {
		if err := precheck(ctx, t, cookie); err != nil {
			return fmt.Errorf("replicas: %w", err)
		}
	}
	probe2 := &serverProbe{base: base2, cookie: cookie}
	if r.One, err = w.measureSplit(ctx, "1 replica", []target{home, home}, cookie, []*serverProbe{probe}); err != nil {
		return err
	}
	if r.Two, err = w.measureSplit(ctx, "2 replicas", []target{home, home2}, cookie, []*serverProbe{probe, probe2}); err != nil {
		return err
	}
	r.One.Ratio, r.Two.Ratio = r.One.RPS/ceilingRPS, r.Two.RPS/ceilingRPS
	pg.Replicas = r
	return nil
}

// printPostgres prints the PostgreSQL runs under the SQLite table.
func printPostgres(w io.Writer, pg *pgRun) {
	fmt.Fprintf(w, "\nPostgreSQL (throwaway cluster, its processes unpinned; iop serve pinned as above; demo in %.1f s; peak resident set %.1f MB):\n",
		pg.DemoSeconds, pg.PeakRSSMB)
	printHeader(w)
	all := append([]result(nil), pg.Targets...)
	if r := pg.Replicas; r != nil {
		all = append(all, r.One, r.Two)
	}
	for _, r := range all {
		printRow(w, r)
	}
	fmt.Fprintln(w)
	for _, r := range all {
		printCounts(w, r)
	}
	if r := pg.Replicas; r != nil {
		where := "unpinned"
		if r.CPUs != "" {
			where = "on CPU " + r.CPUs
		}
		fmt.Fprintf(w, "replicas        two wrk at once, half the connections each (1 replica: both on the first; 2 replicas: one on each); req/s summed, latencies the worst of the two; the second replica %s\n", where)
	}
}
