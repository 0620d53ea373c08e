package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/schedule/builder"
)

// tinyLP is a knapsack where taking the most valuable item first is wrong
// (u_0 alone: 6; u_1 and u_2: 10, plus the bonus w_0 they unlock: 11),
// with every relation and the forms WriteLP writes (implicit and "- 1"
// coefficients, an objective over two lines, Binaries over two lines).
const tinyLP = `\ a comment
Maximize
 obj: 6 u_0 + 5 u_1 +
  5 u_2 + 1 w_0
Subject To
 r0: 5 u_0 + 4 u_1 + 4 u_2 <= 8
 r1: u_0 + x_0 = 1
 r2: w_0 - u_1 - 1 u_2 <= 0
 r3: u_1 + u_2 - 2 w_0 >= 0
Binaries
 u_0 u_1 u_2
 w_0 x_0
End
`

func TestParseLPReadsWhatWriteLPWrites(t *testing.T) {
	m, err := ParseLP(strings.NewReader(tinyLP))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Maximize {
		t.Error("Maximize not read")
	}
	if want := []string{"u_0", "u_1", "u_2", "w_0", "x_0"}; !reflect.DeepEqual(m.Names, want) {
		t.Fatalf("names %v, want %v", m.Names, want)
	}
	if want := []float64{6, 5, 5, 1, 0}; !reflect.DeepEqual(m.Objective, want) {
		t.Errorf("objective %v, want %v", m.Objective, want)
	}
	want := []LPRow{
		{Name: "r0", Vars: []int{0, 1, 2}, Coef: []float64{5, 4, 4}, Rel: "<=", RHS: 8},
		{Name: "r1", Vars: []int{0, 4}, Coef: []float64{1, 1}, Rel: "=", RHS: 1},
		{Name: "r2", Vars: []int{3, 1, 2}, Coef: []float64{1, -1, -1}, Rel: "<=", RHS: 0},
		{Name: "r3", Vars: []int{1, 2, 3}, Coef: []float64{1, 1, -2}, Rel: ">=", RHS: 0},
	}
	if !reflect.DeepEqual(m.Rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", m.Rows, want)
	}
	for i := range m.Names {
		if !m.Binary[i] || !m.Integer[i] {
			t.Errorf("%s is not binary", m.Names[i])
		}
	}
	if v := m.Value([]float64{0, 1, 1, 1, 1}); v != 11 {
		t.Errorf("value %g, want 11", v)
	}
	for _, c := range []struct {
		x    []float64
		want string
	}{
		{[]float64{0, 1, 1, 1, 1}, ""},
		{[]float64{1, 1, 0, 0, 0}, "row r0: 9 <= 8"},
		{[]float64{0, 0, 0, 0, 0}, "row r1: 0 = 1"},
		{[]float64{0, 1, 0, 1, 1}, "row r3: -1 >= 0"},
		{[]float64{0, 0, 0, 0, 2}, "x_0 = 2 is out of bounds"},
		{[]float64{0, 0, 0, 0, 0.5}, "x_0 = 0.5 is not integral"},
		{[]float64{0}, "1 values for 5 variables"},
	} {
		if got := m.Violated(c.x, 1e-9); got != c.want {
			t.Errorf("Violated(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestParseLPReadsAWholeSite(t *testing.T) {
	k, _ := kindNamed("S")
	var lp bytes.Buffer
	if err := builder.WriteLP(&lp, Generate(k, seed), "site01"); err != nil {
		t.Fatal(err)
	}
	text := lp.String()
	m, err := ParseLP(&lp)
	if err != nil {
		t.Fatal(err)
	}
	binaries := strings.Fields(text[strings.Index(text, "Binaries")+len("Binaries") : strings.Index(text, "End")])
	if len(m.Names) != len(binaries) {
		t.Errorf("%d variables, %d declared binary", len(m.Names), len(binaries))
	}
	if rows := strings.Count(text, "\n r"); len(m.Rows) != rows {
		t.Errorf("%d rows, the file has %d", len(m.Rows), rows)
	}
	met, weight := 0, 0.0
	for i, name := range m.Names {
		if !m.Binary[i] {
			t.Errorf("%s is not binary", name)
		}
		if strings.HasPrefix(name, "u_") {
			met++
			weight += m.Objective[i]
		}
	}
	if met != 60 || weight != 60*builder.W1 {
		t.Errorf("%d meet variables worth %g, want 60 worth 60·W1", met, weight)
	}
}

func TestParseLPRejectsWhatItCannotRead(t *testing.T) {
	for _, c := range []struct{ lp, want string }{
		{"Maximize\n obj: x\nSubject To\n r0: x <= 1\nBounds\n x <= 1\nEnd\n", "line 5: a Bounds section is not supported"},
		{"Maximize\n obj: x + 3\nSubject To\n r0: x <= 1\nEnd\n", "objective: a sign or coefficient without a variable"},
		{"Maximize\n obj: x\nSubject To\n r0: x + y\nEnd\n", "line 4: row r0: no relation"},
		{"Maximize\n obj: x\nSubject To\n r0: x <= one\nEnd\n", `line 4: row r0: right-hand side "one" is not a number`},
		{"Maximize\n obj: x y\nSubject To\n r0: x <= 1\nEnd\n", "objective: no sign before y"},
		{"Maximize\n obj: x\nSubject To\n r0: x <= 1\n", "no End line"},
		{"Subject To\n r0: x <= 1\nEnd\n", "line 1: Subject To before the objective"},
	} {
		_, err := ParseLP(strings.NewReader(c.lp))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseLP(%q) = %v, want %q", c.lp, err, c.want)
		}
	}
}

func TestHiGHSAnswerIsCheckedAgainstTheModel(t *testing.T) {
	m, err := ParseLP(strings.NewReader(tinyLP))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.reference([]byte(`{"status": "Stopped on time", "x": [0, 1, 1, 0, 1], "bound": 11.4}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (SiteReference{Status: "Stopped on time", Objective: 10, Bound: 11, Met: 2}); r != want {
		t.Errorf("reference %+v, want %+v", r, want)
	}
	for _, c := range []struct{ out, want string }{
		{`{"status": "Optimal", "x": [1, 1, 0, 0, 0]}`, "breaks the model: row r0"},
		{`{"status": "Stopped on time", "x": null, "message": "Time limit reached."}`, "without a feasible solution"},
		{`{"status": "Infeasible", "message": "no"}`, "HiGHS: Infeasible"},
		{`Traceback`, "highs.py printed"},
	} {
		if _, err := m.reference([]byte(c.out)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("reference(%s) = %v, want %q", c.out, err, c.want)
		}
	}
}

// TestHiGHSSolvesATinyModel runs highs.py itself, when a python3 with scipy is here.
func TestHiGHSSolvesATinyModel(t *testing.T) {
	h, err := findHiGHS(t.TempDir())
	if err != nil {
		t.Skip(err)
	}
	if !strings.HasPrefix(h.Version, "HiGHS 1.") && !strings.HasPrefix(h.Version, "HiGHS 2.") {
		t.Errorf("version %q", h.Version)
	}
	m, err := ParseLP(strings.NewReader(tinyLP))
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.Solve(m, 10, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "Optimal" || r.Objective != 11 || r.Met != 2 {
		t.Errorf("HiGHS on the tiny model: %+v, want Optimal, 11, 2 meeting", r)
	}
	// a minimization over general integers (unbounded above): min x + 2y, x + y >= 3, x <= 2
	m, err = ParseLP(strings.NewReader("Minimize\n obj: x + 2 y\nSubject To\n c1: x + y >= 3\n c2: x <= 2\nGenerals\n x y\nEnd\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = h.Solve(m, 10, t.TempDir()); err != nil || r.Status != "Optimal" || r.Objective != 4 {
		t.Errorf("HiGHS on the minimization: %+v, %v; want Optimal, 4", r, err)
	}
}

func TestCompareFormatsAReference(t *testing.T) {
	ours := builder.Objective{Met: 44}
	if met, delta, gap := compare(Reference{}, false, ours); met != "-" || delta != "-" || gap != "-" {
		t.Errorf("no reference: %s %s %s", met, delta, gap)
	}
	r := Reference{Sites: []SiteReference{{Status: "Optimal", Objective: 45 * builder.W1, Met: 45}}}
	if ours.Weighted() >= r.objective() {
		t.Fatalf("ours %d", ours.Weighted())
	}
	met, delta, _ := compare(r, true, ours)
	if met != "45" || delta != "1" {
		t.Errorf("proven: %s %s", met, delta)
	}
	r.Sites = append(r.Sites, SiteReference{Status: "Stopped on time", Objective: builder.W1, Met: 1})
	if met, _, _ := compare(r, true, ours); met != "46*" {
		t.Errorf("not proven: %s", met)
	}
}
