// Command load is OpenIOP's HTTP load benchmark. It builds the iop binary,
// creates a demo center, starts `iop serve` pinned to one core with
// GOMAXPROCS=1, signs in as the demo clinician and drives the staff pages,
// a mixed workload (pages, searches, attendance and note saves, sign-ins,
// its acked writes checked in the database afterwards) and an overload run
// with wrk pinned to another core. It measures a trivial Go handler the same
// way, as the ceiling L_http, and prints every figure as a ratio of it
// (shared/reference/scheduling-performance.md §4.1 run B and §5.2).
//
// Run it from the module root:
//
//	go run ./bench/load --clients 2000 --duration 10s
//
// See bench/README.md for every flag. It prints figures and asserts nothing.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

type options struct {
	clients     int
	duration    time.Duration
	warmup      time.Duration
	threads     int
	connections int
	timeout     time.Duration
	serverCPUs  string
	wrkCPUs     string
	gomaxprocs  int
	databaseURL string
	search      string
	out         string
	keep        bool
	postgres    bool            // also run the pages and two replicas on a throwaway PostgreSQL cluster
	only        map[string]bool // parts to run: pages, overload, mixed, postgres, replicas; empty runs all
}

// parts the benchmark can run on their own with --only.
var parts = []string{"pages", "overload", "mixed", "postgres", "replicas"}

// runs reports whether --only asks for part (or for everything).
func (o options) runs(part string) bool { return len(o.only) == 0 || o.only[part] }

// parseOnly reads --only's comma-separated list of parts.
func parseOnly(s string) (map[string]bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(parts, p) {
			return nil, fmt.Errorf("--only: unknown part %q (choose from %s)", p, strings.Join(parts, ", "))
		}
		out[p] = true
	}
	return out, nil
}

func main() {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var o options
	var ceilingAddr, only string
	fs.IntVar(&o.clients, "clients", 2000, "number of demo clients to create")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured wrk run")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured wrk run before each measured one (0 skips it)")
	fs.IntVar(&o.threads, "threads", 1, "wrk threads (-t)")
	fs.IntVar(&o.connections, "connections", 64, "wrk connections (-c)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "wrk --timeout; slower requests count as socket timeouts and are left out of the percentiles")
	fs.StringVar(&o.serverCPUs, "server-cpus", "0", "CPU list for the server (taskset -c); empty runs it unpinned")
	fs.StringVar(&o.wrkCPUs, "wrk-cpus", "1", "CPU list for wrk (taskset -c); empty runs it unpinned")
	fs.IntVar(&o.gomaxprocs, "gomaxprocs", 1, "GOMAXPROCS for the servers (0 leaves the Go default)")
	fs.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL URL of an EMPTY database, passed to iop demo and iop serve instead of --data-dir")
	fs.StringVar(&o.search, "search", "lopez", "search words for the client-search target (a common last name in the demo)")
	fs.StringVar(&o.out, "out", "", "also write the results as JSON to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, data, server log)")
	fs.BoolVar(&o.postgres, "postgres", false, "after the SQLite runs, start a throwaway PostgreSQL 15 cluster and run the pages and two replicas of iop serve on it")
	fs.StringVar(&only, "only", "", "run only these parts, comma-separated: pages (the six staff pages), overload (home at 512 connections), mixed (the mixed workload), postgres (the pages on PostgreSQL), replicas (home on one and two replicas); the ceiling always runs")
	fs.StringVar(&ceilingAddr, "serve-ceiling", "", "internal: serve the trivial ceiling handler on ADDR")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./bench/load [flags]\n\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "serve-ceiling" {
				return
			}
			fmt.Fprintf(fs.Output(), "  --%s (default %q)\n      %s\n", f.Name, f.DefValue, f.Usage)
		})
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if ceilingAddr != "" {
		if err := serveCeiling(ceilingAddr); err != nil {
			fmt.Fprintln(os.Stderr, "ceiling:", err)
			os.Exit(1)
		}
		return
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "load: unexpected arguments %q\n", fs.Args())
		os.Exit(2)
	}
	var err error
	if o.only, err = parseOnly(only); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if err := checkPostgresFlags(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if o.clients < 1 || o.duration < time.Second || o.threads < 1 || o.connections < o.threads {
		fmt.Fprintln(os.Stderr, "load: need --clients ≥ 1, --duration ≥ 1s, --threads ≥ 1 and --connections ≥ --threads")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "\nload: interrupted (servers stopped, PostgreSQL cluster and temporary files removed)")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "\nload: FAILED:", err)
		os.Exit(1)
	}
}

// report is what --out writes.
type report struct {
	Date    string   `json:"date"`
	Machine machine  `json:"machine"`
	Setup   setup    `json:"setup"`
	Ceiling result   `json:"ceiling"`
	Targets []result `json:"targets"`
	// Overload is the home page at 512 connections, past capacity.
	Overload    *overload `json:"overload,omitempty"`
	Mixed       *mixed    `json:"mixed,omitempty"`
	Postgres    *pgRun    `json:"postgres,omitempty"`
	PeakRSSMB   float64   `json:"peak_rss_mb"`
	AnonMB      float64   `json:"rss_anon_mb"`
	FileMB      float64   `json:"rss_file_mb"`
	DemoSeconds float64   `json:"demo_seconds"`
	Verdicts    []verdict `json:"verdicts"`
}

type setup struct {
	Engine      string `json:"engine"`
	Clients     int    `json:"clients"`
	Duration    string `json:"duration"`
	Warmup      string `json:"warmup"`
	Threads     int    `json:"threads"`
	Connections int    `json:"connections"`
	ServerCPUs  string `json:"server_cpus"` // empty: unpinned
	WrkCPUs     string `json:"wrk_cpus"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	Search      string `json:"search"`
}

func run(ctx context.Context, o options) error {
	m := describeMachine()
	m.idleCheck()
	fmt.Println(m.line())

	wrkPath, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("wrk is not installed: install with apt-get install wrk")
	}
	pin := newPinning(o)
	fmt.Println(pin.describe(o))

	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "iop-load-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			fmt.Printf("Kept %s (binary, data, server logs).\n", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()

	// 1. Build.
	bin := filepath.Join(tmp, "iop")
	fmt.Printf("Building %s from %s ...\n", bin, filepath.Join(root, "cmd", "iop"))
	start := time.Now()
	build := exec.CommandContext(ctx, goTool(), "build", "-o", bin, "./cmd/iop")
	build.Dir, build.Stdout, build.Stderr = root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/iop: %w", err)
	}
	if out, err := exec.CommandContext(ctx, bin, "version").Output(); err == nil {
		m.IOP = strings.TrimSpace(string(out))
	}
	fmt.Printf("Built in %s: %s\n", time.Since(start).Round(time.Millisecond), m.IOP)

	dbArgs := []string{"--data-dir", filepath.Join(tmp, "data")}
	engine := "sqlite"
	if o.databaseURL != "" {
		dbArgs, engine = []string{"--database-url", o.databaseURL}, "postgres"
	}

	// 2. Demo data.
	demoTook, err := runDemo(ctx, bin, dbArgs, o.clients, engine)
	if err != nil {
		return err
	}

	rep := report{Date: time.Now().Format(time.RFC3339), Machine: m, Setup: setup{
		Engine: engine, Clients: o.clients, Duration: o.duration.String(), Warmup: o.warmup.String(),
		Threads: o.threads, Connections: o.connections, ServerCPUs: pin.serverCPUs, WrkCPUs: pin.wrkCPUs,
		GOMAXPROCS: o.gomaxprocs, Search: o.search,
	}, DemoSeconds: demoTook.Seconds()}
	w := wrkRunner{path: wrkPath, pin: pin, o: o, dir: tmp, scripts: map[string]string{}}

	// 3. The ceiling: a trivial handler, pinned the same way.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	fmt.Printf("Starting the ceiling server (trivial net/http handler) on %s ...\n", addr)
	ceil, err := startProcess(pin.server([]string{self, "--serve-ceiling", addr}), o.gomaxprocs, filepath.Join(tmp, "ceiling.log"))
	if err != nil {
		return err
	}
	if err := ceil.waitReady(ctx, "http://"+addr+"/", 30*time.Second); err != nil {
		ceil.stop()
		return fmt.Errorf("the ceiling server did not start: %w", err)
	}
	rep.Ceiling, err = w.measure(ctx, target{Name: "ceiling", Method: "GET", URL: "http://" + addr + "/"}, nil)
	ceil.stop()
	if err != nil {
		return err
	}

	// 4. The real server.
	srv, base, err := startServe(ctx, bin, dbArgs, pin.serverCPUs, pin, o, filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	stopServer := sync.OnceFunc(func() { stopServe(srv, "iop serve") })
	defer stopServer()
	cookie, targets, err := signedInTargets(ctx, base, "", o)
	if err != nil {
		return err
	}

	if o.runs("pages") {
		if rep.Targets, err = measurePages(ctx, w, targets, base, cookie, rep.Ceiling.RPS); err != nil {
			return err
		}
	}
	rep.Ceiling.Ratio = 1

	if o.runs("mixed") {
		fmt.Println("Finding meetings for the mixed workload's attendance and note saves ...")
		meetings, err := findMeetings(ctx, base, cookie, time.Now())
		if err != nil {
			return err
		}
		fmt.Printf("  %d meetings take both an attendance save and a note draft.\n", len(meetings))
		setup := mixSetup{Base: base, Cookie: cookie, Search: o.search, Meetings: meetings, LogDir: tmp}
		for i := range setup.Pages {
			setup.Pages[i] = strings.TrimPrefix(targets[[]int{0, 2, 3, 4, 5}[i]].URL, base)
		}
		script := filepath.Join(tmp, "mixed.lua")
		if err := os.WriteFile(script, []byte(mixedScript(setup)), 0o600); err != nil {
			return err
		}
		res, err := w.measure(ctx, target{Name: "mixed", Method: "MIX", URL: base + "/", Script: script}, &serverProbe{base: base, cookie: cookie})
		if err != nil {
			return err
		}
		res.Ratio = res.RPS / rep.Ceiling.RPS
		rep.Mixed = &mixed{Result: res, Meetings: len(meetings)}
	}

	if o.runs("overload") {
		if err := runOverload(ctx, w, o, targets[0], base, cookie, &rep); err != nil {
			return err
		}
	}
	pid := srv.cmd.Process.Pid
	rep.PeakRSSMB, rep.AnonMB, rep.FileMB = procStatus(pid, "VmHWM"), procStatus(pid, "RssAnon"), procStatus(pid, "RssFile")

	// Acked writes are checked in the database once the server has stopped.
	stopServer()
	if m := rep.Mixed; m != nil {
		checkMixed(ctx, m, tmp, dbArgs, o)
	}

	// 5. PostgreSQL: the same pages, then two replicas on one database.
	if o.postgres && (o.runs("postgres") || o.runs("replicas")) {
		rep.Postgres = &pgRun{}
		if err := runPostgres(ctx, bin, pin, w, o, tmp, rep.Ceiling.RPS, rep.Postgres); err != nil {
			return err
		}
	}

	printTable(os.Stdout, rep)
	rep.Verdicts = verdicts(rep, o)
	fmt.Printf("\nThe issue's targets, against the ceiling of %s req/s (information, not assertions):\n", rate(rep.Ceiling.RPS))
	for _, v := range rep.Verdicts {
		fmt.Println(v)
	}

	if o.out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Printf("Wrote %s.\n", o.out)
	}
	return nil
}

// printTable prints one row per target and the audit group-commit figures.
func printTable(w io.Writer, rep report) {
	fmt.Fprintln(w)
	printHeader(w)
	all := append([]result{rep.Ceiling}, rep.Targets...)
	if rep.Overload != nil {
		all = append(all, rep.Overload.Result)
	}
	if rep.Mixed != nil {
		all = append(all, rep.Mixed.Result)
	}
	for _, r := range all {
		printRow(w, r)
	}
	fmt.Fprintln(w)
	for _, r := range all[1:] {
		printCounts(w, r)
	}
	if m := rep.Mixed; m != nil {
		fmt.Fprintln(w, mixedSummary(m))
	}
	if pg := rep.Postgres; pg != nil {
		printPostgres(w, pg)
	}
}

func printHeader(w io.Writer) {
	fmt.Fprintf(w, "%-15s %10s %9s %9s %8s %9s %8s %9s %9s %6s\n",
		"target", "req/s", "p50 ms", "p99 ms", "non-2xx", "sock err", "ratio", "audit rec", "rec/batch", "steal")
}

func printRow(w io.Writer, r result) {
	audit, perBatch := "-", "-"
	if r.AuditRecords > 0 || r.Name != "ceiling" {
		audit = fmt.Sprint(r.AuditRecords)
		if r.AuditBatches > 0 {
			perBatch = fmt.Sprintf("%.1f", float64(r.AuditRecords)/float64(r.AuditBatches))
		}
	}
	fmt.Fprintf(w, "%-15s %10s %9.2f %9.2f %8d %9d %8s %9s %9s %5.1f%%\n",
		r.Name, rate(r.RPS), r.P50ms, r.P99ms, r.Non2xx, r.SocketErrors.total(), ratio(r.Ratio), audit, perBatch, r.StealPct)
}

// printCounts is the line under the table for one run.
func printCounts(w io.Writer, r result) {
	var codes []string
	for _, c := range sortedKeys(r.ServerCodes) {
		codes = append(codes, fmt.Sprintf("%s×%d", c, r.ServerCodes[c]))
	}
	fmt.Fprintf(w, "%-15s wrk completed %d; the server counted %s, including requests in flight when wrk stopped; %d audit records in %d batches\n",
		r.Name, r.Requests, orNone(strings.Join(codes, ", ")), r.AuditRecords, r.AuditBatches)
}

// rate prints requests per second, with a decimal when there are few.
func rate(rps float64) string {
	if rps < 100 {
		return fmt.Sprintf("%.1f", rps)
	}
	return fmt.Sprintf("%.0f", rps)
}

// ratio prints a ratio to the ceiling with three significant digits below 1.
func ratio(r float64) string {
	if r >= 0.1 || r == 0 {
		return fmt.Sprintf("%.3f", r)
	}
	return fmt.Sprintf("%.3g", r)
}

func orNone(s string) string {
	if s == "" {
		return "(nothing counted)"
	}
	return s
}

// runDemo creates the demo center with iop demo and times it.
func runDemo(ctx context.Context, bin string, dbArgs []string, clients int, engine string) (time.Duration, error) {
	fmt.Printf("Creating the demo center with %d clients (%s) ...\n", clients, engine)
	start := time.Now()
	demo := exec.CommandContext(ctx, bin, append(append([]string{"demo"}, dbArgs...), "--clients", fmt.Sprint(clients))...)
	demo.Stdout, demo.Stderr = os.Stdout, os.Stderr
	if err := demo.Run(); err != nil {
		return 0, fmt.Errorf("iop demo (%s): %w", engine, err)
	}
	took := time.Since(start)
	fmt.Printf("Demo data ready in %s.\n", took.Round(time.Millisecond))
	return took, nil
}

// moduleRoot is the directory holding the openiop go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run this from inside the OpenIOP module (go run ./bench/load from the repository root)")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, "cmd", "iop")); err != nil {
		return "", fmt.Errorf("%s has no cmd/iop: run this from the OpenIOP repository", root)
	}
	return root, nil
}

// goTool is the go command on PATH (go run puts its own toolchain first).
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}
