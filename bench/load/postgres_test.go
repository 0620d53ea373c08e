package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCPUList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"0", []int{0}},
		{"0,2-4", []int{0, 2, 3, 4}},
		{" 1 , 3 ", []int{1, 3}},
		{"", nil},
		{"x,5-3,2", []int{2}}, // unreadable parts and backwards ranges are left out
	} {
		if got := cpuList(c.in); !slices.Equal(got, c.want) {
			t.Errorf("cpuList(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestReplicaCPUs(t *testing.T) {
	if cpus, note := replicaCPUs(4, "0", "1"); cpus != "2" || note != "" {
		t.Errorf("4 CPUs: got %q, %q; want CPU 2 and no note", cpus, note)
	}
	if cpus, _ := replicaCPUs(8, "0-1", "2,4"); cpus != "3" {
		t.Errorf("8 CPUs, server 0-1, wrk 2,4: got %q, want 3", cpus)
	}
	cpus, note := replicaCPUs(2, "0", "1")
	if cpus != "0" || !strings.Contains(note, "only 2 CPUs") || !strings.Contains(note, "shares CPU 0") {
		t.Errorf("2 CPUs: got %q, %q; want the first replica's CPU and a note saying so", cpus, note)
	}
	if cpus, note := replicaCPUs(4, "", "1"); cpus != "" || !strings.Contains(note, "unpinned") {
		t.Errorf("unpinned server: got %q, %q", cpus, note)
	}
}

func TestCombineSplit(t *testing.T) {
	a := result{Method: "GET", URL: "http://a/home", Requests: 100, RPS: 50, P50ms: 2, P99ms: 30, Non2xx: 1,
		SocketErrors: socketErrors{Read: 1}, ServerCodes: map[string]int64{"200": 99, "503": 1}, AuditRecords: 99, AuditBatches: 50}
	b := result{Requests: 300, RPS: 150, P50ms: 1, P99ms: 9, SocketErrors: socketErrors{Timeout: 2},
		ServerCodes: map[string]int64{"200": 300}, AuditRecords: 300, AuditBatches: 100}
	got := combineSplit("2 replicas", []result{a, b})
	if got.Name != "2 replicas" || got.URL != a.URL || got.Requests != 400 || got.RPS != 200 || got.Non2xx != 1 ||
		got.SocketErrors.total() != 3 || got.P50ms != 2 || got.P99ms != 30 || got.AuditRecords != 399 || got.AuditBatches != 150 ||
		got.ServerCodes["200"] != 399 || got.ServerCodes["503"] != 1 {
		t.Errorf("combineSplit = %+v", got)
	}
}

func TestServedRPS(t *testing.T) {
	if got := (result{Requests: 1000, RPS: 500, Non2xx: 900}).servedRPS(); got != 50 {
		t.Errorf("servedRPS with 900 of 1000 refused = %v, want 50", got)
	}
	if got := (result{}).servedRPS(); got != 0 {
		t.Errorf("servedRPS of nothing = %v", got)
	}
}

func TestPostgresVerdicts(t *testing.T) {
	sqlite := []result{{Name: "home page", Requests: 100, RPS: 100}, {Name: "clients list", Requests: 100, RPS: 100}}
	pg := []result{
		{Name: "home page", Requests: 60, RPS: 60},                     // 0.6×: pass
		{Name: "clients list", Requests: 1000, RPS: 1000, Non2xx: 960}, // 40 served: 0.4×, and errors
	}
	vs := postgresVerdicts(sqlite, pg, "")
	if len(vs) != 3 {
		t.Fatalf("got %d lines, want one per page and a summary: %v", len(vs), vs)
	}
	if !vs[0].Pass || !strings.Contains(vs[0].Measured, "0.60×") {
		t.Errorf("home page: %+v", vs[0])
	}
	if vs[1].Pass || !strings.Contains(vs[1].Measured, "0.40×") || !strings.Contains(vs[1].Measured, "960 errors") {
		t.Errorf("clients list (refusals are not served): %+v", vs[1])
	}
	sum := vs[2]
	if sum.Target != targetPostgresLine || sum.Pass || !strings.Contains(sum.Measured, "1 of 2 pages pass; lowest 0.40×") {
		t.Errorf("summary: %+v", sum)
	}
	if vs := postgresVerdicts(sqlite, pg[:1], ""); !vs[len(vs)-1].Pass {
		t.Errorf("every page passing: summary %+v", vs[len(vs)-1])
	}
	if vs := postgresVerdicts(sqlite, pg, "run with --postgres"); len(vs) != 1 || vs[0].Note == "" || !strings.Contains(vs[0].String(), "n/a") {
		t.Errorf("not run: %v", vs)
	}
	if vs := postgresVerdicts(nil, pg, ""); len(vs) != 1 || vs[0].Note == "" {
		t.Errorf("no SQLite pages: %v", vs)
	}
}

func TestReplicasVerdict(t *testing.T) {
	r := &replicas{One: result{Requests: 100, RPS: 100, P99ms: 5}, Two: result{Requests: 180, RPS: 180, P99ms: 7}}
	v := replicasVerdict(r, "")
	if !v.Pass || !strings.Contains(v.Measured, "1 replica 100 req/s") || !strings.Contains(v.Measured, "2 replicas 180 req/s") ||
		!strings.Contains(v.Measured, "1.80×") {
		t.Errorf("growth: %+v", v)
	}
	// More answers, but all the extra ones refusals: not growth.
	r.Two = result{Requests: 1000, RPS: 1000, Non2xx: 920}
	if v := replicasVerdict(r, ""); v.Pass {
		t.Errorf("refusals counted as throughput: %+v", v)
	}
	// Growth, but with refusals: the rates then measure the admission queue.
	r.Two = result{Requests: 400, RPS: 400, Non2xx: 200}
	if v := replicasVerdict(r, ""); v.Pass || !strings.Contains(v.Measured, "2.00×, 200 errors") {
		t.Errorf("growth with errors passed: %+v", v)
	}
	r.Note = "only 2 CPUs"
	if v := replicasVerdict(r, ""); !strings.Contains(v.Measured, "NOTE: only 2 CPUs") {
		t.Errorf("the CPU note is not in the line: %+v", v)
	}
	if v := replicasVerdict(nil, "run with --postgres"); v.Note == "" || v.Pass {
		t.Errorf("not run: %+v", v)
	}
}

func TestPostgresNotesAndFlags(t *testing.T) {
	pages, repl := postgresNotes(options{})
	if !strings.Contains(pages, "--postgres") || !strings.Contains(repl, "--postgres") {
		t.Errorf("without --postgres: %q, %q", pages, repl)
	}
	if pages, repl := postgresNotes(options{postgres: true}); pages != "" || repl != "" {
		t.Errorf("everything run: %q, %q", pages, repl)
	}
	only, err := parseOnly("postgres")
	if err != nil {
		t.Fatal(err)
	}
	pages, repl = postgresNotes(options{postgres: true, only: only})
	if !strings.Contains(pages, "SQLite pages") || !strings.Contains(repl, "replicas out") {
		t.Errorf("--only postgres: %q, %q", pages, repl)
	}
	if err := checkPostgresFlags(options{postgres: true, databaseURL: "postgres://x"}); err == nil {
		t.Error("--postgres with --database-url accepted")
	}
	if err := checkPostgresFlags(options{only: map[string]bool{"replicas": true}}); err == nil {
		t.Error("--only replicas without --postgres accepted")
	}
	if err := checkPostgresFlags(options{postgres: true, only: map[string]bool{"replicas": true}}); err != nil {
		t.Error(err)
	}
}

// The POST script holds the server's Origin and the session: the
// PostgreSQL server's search must not reuse the SQLite server's script.
func TestPostScriptPerServer(t *testing.T) {
	w := wrkRunner{dir: t.TempDir(), scripts: map[string]string{}}
	sqlite := target{Name: "client search", Method: "POST", URL: "http://127.0.0.1:1/clients/search", Body: "q=x", Origin: "http://127.0.0.1:1"}
	pg := sqlite
	pg.URL, pg.Origin = "http://127.0.0.1:2/clients/search", "http://127.0.0.1:2"
	a, err := w.postScript(sqlite, "iop_session=a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.postScript(pg, "iop_session=b")
	if err != nil {
		t.Fatal(err)
	}
	script, _ := os.ReadFile(b)
	if a == b || !strings.Contains(string(script), "http://127.0.0.1:2") || !strings.Contains(string(script), "iop_session=b") {
		t.Errorf("second server's script %s:\n%s", b, script)
	}
	if again, _ := w.postScript(sqlite, "iop_session=a"); again != a {
		t.Errorf("the same target wrote a second script")
	}
}
