// Command schedule benchmarks the schedule builder (internal/schedule/builder)
// on generated instances against stored CBC and HiGHS references. See bench/README.md.
//
//	go run ./bench/schedule                  # the comparison table
//	go run ./bench/schedule gen  [-kinds S]  # write instances as JSON and CPLEX-LP
//	go run ./bench/schedule ref  [-kinds S,M] [-limit 300] # compute CBC references (needs coinor-cbc)
//	go run ./bench/schedule ref -solver highs [-kinds S,M] [-limit 300] # HiGHS references (needs python3-scipy)
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/openiop/openiop/internal/schedule/builder"
)

const seed = 2026

// refDir holds the stored reference results (small JSON files).
const refDir = "bench/schedule/reference"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "schedule:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	cmd := "table"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	kinds := fs.String("kinds", "", "comma-separated instance kinds (default: all for the table, S,S-tight,S-loose,M for ref)")
	out := fs.String("out", "bench/schedule/instances", "where gen writes instances")
	limit := fs.Int("limit", 300, "ref: time limit per site, seconds (CBC: CPU time; HiGHS: wall time)")
	solver := fs.String("solver", "cbc", "ref: cbc or highs")
	one := fs.String("one", "", "internal: solve one kind and print its figures as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *one != "" {
		return solveOne(*one, stdout)
	}
	switch cmd {
	case "table":
		return table(pick(*kinds, nil), stdout)
	case "gen":
		return gen(pick(*kinds, []string{"S", "M"}), *out, stdout)
	case "ref":
		kinds := pick(*kinds, []string{"S", "S-tight", "S-loose", "M"})
		switch *solver {
		case "cbc":
			return ref(kinds, *limit, stdout)
		case "highs":
			return refHiGHS(kinds, *limit, stdout)
		}
		return fmt.Errorf("unknown solver %q (cbc, highs)", *solver)
	}
	return fmt.Errorf("unknown command %q (table, gen, ref)", cmd)
}

func pick(list string, def []string) []Kind {
	var names []string
	if list != "" {
		names = strings.Split(list, ",")
	} else if def != nil {
		names = def
	}
	if names == nil {
		return Kinds
	}
	var out []Kind
	for _, n := range names {
		if k, ok := kindNamed(strings.TrimSpace(n)); ok {
			out = append(out, k)
		}
	}
	return out
}

// instance builds a kind's instance; a churn week starts from the solved week before it.
func instance(k Kind) *builder.Instance {
	if !k.Churn {
		return Generate(k, seed)
	}
	base := k
	base.Churn = false
	in := Generate(base, seed)
	r, err := builder.Solve(context.Background(), in, builder.Options{Seed: seed})
	if err != nil {
		panic(err)
	}
	return Churn(in, r, seed)
}

// Figures are one solve's measurements.
type Figures struct {
	Kind        string             `json:"kind"`
	Clients     int                `json:"clients"`
	Sites       int                `json:"sites"`
	Objective   builder.Objective  `json:"objective"`
	PerSite     map[string]int64   `json:"per_site_weighted"`
	SolveMS     float64            `json:"solve_ms"`
	Iterations  int                `json:"iterations"`
	PeakRSSKB   int64              `json:"peak_rss_kb"`
	Incremental *IncrementalFigure `json:"incremental,omitempty"`
}

// IncrementalFigure is the re-solve after one change, over several changes.
type IncrementalFigure struct {
	Changes     int     `json:"changes"`
	MedianMS    float64 `json:"median_ms"`
	MaxMS       float64 `json:"max_ms"`
	Moved       int     `json:"moved"` // other clients moved, in all re-solves
	MetGained   int     `json:"met_gained"`
	ChangeKinds string  `json:"change_kinds"`
}

func solveOne(name string, stdout io.Writer) error {
	k, ok := kindNamed(name)
	if !ok {
		return fmt.Errorf("no instance kind %q", name)
	}
	in := instance(k)
	if path := os.Getenv("SCHEDULE_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	r, err := builder.Solve(context.Background(), in, builder.Options{Seed: seed})
	if err != nil {
		return err
	}
	f := Figures{Kind: name, Clients: len(in.Clients), Sites: len(in.Sites()), Objective: r.Objective,
		SolveMS: float64(time.Since(start).Microseconds()) / 1000, PerSite: map[string]int64{}}
	for _, s := range r.Sites {
		f.Iterations += s.Iterations
		f.PerSite[s.Site] = s.Objective.Weighted()
	}
	if name == "M" {
		f.Incremental = incremental(in, r)
	}
	return json.NewEncoder(stdout).Encode(f)
}

// incremental admits one client at a time, and edits one client's
// availability at a time, re-solving from the solved week.
func incremental(in *builder.Instance, base *builder.Result) *IncrementalFigure {
	var times []float64
	fig := &IncrementalFigure{ChangeKinds: "10 admissions, 10 availability edits"}
	prevOf := map[string]builder.Assignment{}
	for _, a := range base.Assignments {
		prevOf[a.Client] = a
	}
	gen := Generate(Kind{Name: "admit", Sites: 1, Clients: 20, Cohorts: [3]int{1, 1, 1}, CapLo: 10, CapHi: 10, Counselors: 1}, 7)
	for i := 0; i < 20; i++ {
		changed := *in
		changed.Clients = slices.Clone(in.Clients)
		var who string
		if i < 10 {
			c := gen.Clients[i]
			c.ID, c.Site, c.Current, c.Counselor = fmt.Sprintf("admitted-%d", i), in.Clients[0].Site, nil, ""
			changed.Clients = append(changed.Clients, c)
			who = c.ID
		} else {
			j := (i * 37) % len(changed.Clients)
			changed.Clients[j].Available = gen.Clients[i].Available
			who = changed.Clients[j].ID
		}
		start := time.Now()
		r, err := builder.Resolve(context.Background(), &changed, base, builder.Options{Seed: seed})
		if err != nil {
			panic(err)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
		fig.MetGained += r.Objective.Met - base.Objective.Met
		for _, a := range r.Assignments {
			if p, ok := prevOf[a.Client]; ok && a.Client != who && (p.Process != a.Process || !slices.Equal(p.Groups, a.Groups)) {
				fig.Moved++
			}
		}
	}
	slices.Sort(times)
	fig.Changes, fig.MedianMS, fig.MaxMS = len(times), times[len(times)/2], times[len(times)-1]
	return fig
}

// Reference is a stored reference solve of one kind, per site.
type Reference struct {
	Kind   string          `json:"kind"`
	Seed   uint64          `json:"seed"`
	Solver string          `json:"solver"`
	Limit  int             `json:"limit_seconds"`
	Sites  []SiteReference `json:"sites"`
}

// SiteReference is one site's reference solve.
type SiteReference struct {
	Site      string  `json:"site"`
	Status    string  `json:"status"` // Optimal, or how the solver stopped
	Objective int64   `json:"objective"`
	Bound     int64   `json:"bound,omitempty"` // HiGHS, when not proven: its upper bound on the objective
	Met       int     `json:"met"`
	Seconds   float64 `json:"seconds"`
}

func (r Reference) met() int {
	n := 0
	for _, s := range r.Sites {
		n += s.Met
	}
	return n
}

func (r Reference) objective() int64 {
	var n int64
	for _, s := range r.Sites {
		n += s.Objective
	}
	return n
}

func (r Reference) proven() bool {
	for _, s := range r.Sites {
		if s.Status != "Optimal" {
			return false
		}
	}
	return true
}

// refFile names a kind's stored reference: KIND.json for CBC (the first
// reference, kept under its old name), KIND.highs.json for HiGHS.
func refFile(kind, solver string) string {
	if solver == "highs" {
		return kind + ".highs.json"
	}
	return kind + ".json"
}

func loadReference(kind, solver string) (Reference, bool) {
	var r Reference
	b, err := os.ReadFile(filepath.Join(refDir, refFile(kind, solver)))
	if err != nil { // run from the package directory (go test)
		b, err = os.ReadFile(filepath.Join("reference", refFile(kind, solver)))
	}
	if err != nil || json.Unmarshal(b, &r) != nil {
		return r, false
	}
	return r, true
}

func table(kinds []Kind, stdout io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Schedule builder benchmark, seed %d. %s\n", seed, machine())
	fmt.Fprintln(stdout, "Each instance is solved in its own process (peak RSS is that process's, generation included).")
	fmt.Fprintln(stdout, "References: CBC and HiGHS per site, stored in "+refDir+" (go run ./bench/schedule ref [-solver highs]).")
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "instance\tclients\tsites\tmet ours\tmet CBC\tΔmeet\tgap %\tmet HiGHS\tHiGHS gap %\tcontinuity %\ttime ms\tprocess CPU ms\tpeak RSS MB\titerations\t")
	var incr []*IncrementalFigure
	for _, k := range kinds {
		cmd := exec.Command(self, "-one", k.Name)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("%s: %w", k.Name, err)
		}
		var f Figures
		if err := json.Unmarshal(out, &f); err != nil {
			return fmt.Errorf("%s: %w", k.Name, err)
		}
		cpu := 0.0
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			f.PeakRSSKB = ru.Maxrss
			cpu = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
		}
		cbc, cbcOK := loadReference(k.Name, "cbc")
		metRef, delta, gap := compare(cbc, cbcOK, f.Objective)
		highs, highsOK := loadReference(k.Name, "highs")
		metHiGHS, _, gapHiGHS := compare(highs, highsOK, f.Objective)
		cont := 100.0
		if f.Objective.KeepPossible > 0 {
			cont = 100 * float64(f.Objective.Kept) / float64(f.Objective.KeepPossible)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%.0f\t%.1f\t%d\t\n", k.Name, f.Clients, f.Sites, f.Objective.Met, metRef, delta, gap,
			metHiGHS, gapHiGHS, cont, f.SolveMS, cpu, float64(f.PeakRSSKB)/1024, f.Iterations)
		if f.Incremental != nil {
			incr = append(incr, f.Incremental)
		}
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\nΔmeet = CBC minus ours; gap % = (reference - ours) / reference on the weighted objective (levels 1-3), negative when ours is better;")
	fmt.Fprintln(stdout, "* = reference not proven optimal (time limit); - = no stored reference.")
	fmt.Fprintln(stdout, "continuity % = clients kept in their current process group, of those whose group still fits them.")
	fmt.Fprintln(stdout, "time = wall time of the solve alone; process CPU = the child's user+system time, generation (and for M the incremental runs) included.")
	for _, f := range incr {
		fmt.Fprintf(stdout, "\nIncremental re-solve on M (%s): median %.1f ms, max %.1f ms; other clients moved: %d; clients meeting the minimum gained: %d over %d changes.\n",
			f.ChangeKinds, f.MedianMS, f.MaxMS, f.Moved, f.MetGained, f.Changes)
	}
	return nil
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(line[strings.Index(line, ":")+1:])
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s, %d CPUs%s.", cpu, numCPU(), load)
}

func gen(kinds []Kind, dir string, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, k := range kinds {
		in := instance(k)
		b, _ := json.MarshalIndent(in, "", " ")
		if err := os.WriteFile(filepath.Join(dir, k.Name+".json"), b, 0o644); err != nil {
			return err
		}
		for _, s := range in.Sites() {
			path := filepath.Join(dir, fmt.Sprintf("%s-%s.lp", k.Name, s))
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := builder.WriteLP(f, in, s); err != nil {
				f.Close()
				return err
			}
			f.Close()
			fmt.Fprintln(stdout, "wrote", path)
		}
	}
	return nil
}

func ref(kinds []Kind, limit int, stdout io.Writer) error {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		return fmt.Errorf("cbc is not installed: apt-get install -y coinor-cbc")
	}
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "schedule-ref")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, k := range kinds {
		in := instance(k)
		r := Reference{Kind: k.Name, Seed: seed, Solver: cbcVersion(cbc), Limit: limit}
		for _, s := range in.Sites() {
			lp, sol := filepath.Join(tmp, s+".lp"), filepath.Join(tmp, s+".sol")
			f, err := os.Create(lp)
			if err != nil {
				return err
			}
			if err := builder.WriteLP(f, in, s); err != nil {
				return err
			}
			f.Close()
			start := time.Now()
			out, err := exec.Command(cbc, lp, "sec", strconv.Itoa(limit), "threads", "1", "solve", "solution", sol).CombinedOutput()
			if err != nil {
				return fmt.Errorf("cbc on %s %s: %v\n%s", k.Name, s, err, out)
			}
			sr, err := readSolution(sol)
			if err != nil {
				return fmt.Errorf("%s %s: %w", k.Name, s, err)
			}
			if sr.Status != "Optimal" && !strings.HasPrefix(sr.Status, "Stopped") {
				return fmt.Errorf("cbc on %s %s: %s", k.Name, s, sr.Status)
			}
			sr.Site, sr.Seconds = s, time.Since(start).Seconds()
			r.Sites = append(r.Sites, sr)
			fmt.Fprintf(stdout, "%s %s: %s, objective %d, %d meet the minimum, %.1f s\n", k.Name, s, sr.Status, sr.Objective, sr.Met, sr.Seconds)
		}
		b, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(filepath.Join(refDir, k.Name+".json"), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// compare formats one stored reference against our objective: clients
// meeting the minimum (with * when not proven), reference minus ours, and
// the gap % on the weighted objective; "-" for each when there is none.
func compare(r Reference, ok bool, ours builder.Objective) (met, delta, gap string) {
	if !ok || len(r.Sites) == 0 {
		return "-", "-", "-"
	}
	mark := ""
	if !r.proven() {
		mark = "*"
	}
	met = fmt.Sprintf("%d%s", r.met(), mark)
	delta = fmt.Sprint(r.met() - ours.Met)
	gap = fmt.Sprintf("%.2f", 100*float64(r.objective()-ours.Weighted())/float64(r.objective()))
	return met, delta, gap
}

// refHiGHS computes HiGHS references: each site's model as WriteLP writes
// it, read back by ParseLP (so both solvers see the same model), solved by
// highs.py, and stored as KIND.highs.json.
func refHiGHS(kinds []Kind, limit int, stdout io.Writer) error {
	tmp, err := os.MkdirTemp("", "schedule-highs")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	h, err := findHiGHS(tmp)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return err
	}
	for _, k := range kinds {
		in := instance(k)
		r := Reference{Kind: k.Name, Seed: seed, Solver: h.Version, Limit: limit}
		for _, s := range in.Sites() {
			var lp bytes.Buffer
			if err := builder.WriteLP(&lp, in, s); err != nil {
				return err
			}
			m, err := ParseLP(&lp)
			if err != nil {
				return fmt.Errorf("%s %s: reading the LP: %w", k.Name, s, err)
			}
			start := time.Now()
			sr, err := h.Solve(m, limit, tmp)
			if err != nil {
				return fmt.Errorf("%s %s: %w", k.Name, s, err)
			}
			sr.Site, sr.Seconds = s, time.Since(start).Seconds()
			r.Sites = append(r.Sites, sr)
			bound := ""
			if sr.Bound != 0 {
				bound = fmt.Sprintf(" (bound %d)", sr.Bound)
			}
			fmt.Fprintf(stdout, "%s %s: %s, objective %d%s, %d meet the minimum, %.1f s\n", k.Name, s, sr.Status, sr.Objective, bound, sr.Met, sr.Seconds)
		}
		b, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(filepath.Join(refDir, refFile(k.Name, "highs")), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func cbcVersion(cbc string) string {
	out, _ := exec.Command(cbc, "-quit").CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Version:") {
			return "CBC " + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "Version:"))
		}
	}
	return "CBC"
}

// readSolution reads CBC's solution file: a status line, then one line per
// non-zero variable (index, name, value, reduced cost).
func readSolution(path string) (SiteReference, error) {
	var r SiteReference
	f, err := os.Open(path)
	if err != nil {
		return r, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return r, fmt.Errorf("empty solution file")
	}
	head := sc.Text()
	r.Status = strings.TrimSpace(strings.SplitN(head, " - ", 2)[0])
	i := strings.LastIndex(head, " ")
	v, err := strconv.ParseFloat(strings.TrimSpace(head[i:]), 64)
	if err != nil {
		return r, fmt.Errorf("objective in %q: %w", head, err)
	}
	if v < 0 {
		v = -v
	}
	r.Objective = int64(v + 0.5)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 && strings.HasPrefix(fields[1], "u_") {
			if x, err := strconv.ParseFloat(fields[2], 64); err == nil && x > 0.5 {
				r.Met++
			}
		}
	}
	return r, sc.Err()
}
