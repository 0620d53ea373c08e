package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// LPModel is a linear program read from the CPLEX-LP subset that
// builder.WriteLP writes, as sparse rows: what a solver without an LP
// reader (scipy.optimize.milp, that is HiGHS) needs.
type LPModel struct {
	Maximize  bool
	Names     []string
	index     map[string]int
	Objective []float64
	Rows      []LPRow
	Binary    []bool // a variable not in Binaries or Generals is continuous, bounds [0, +inf)
	Integer   []bool
}

// LPRow is one constraint: the sum of Coef[i]·x[Vars[i]], Rel ("<=", ">=" or "="), RHS.
type LPRow struct {
	Name string
	Vars []int
	Coef []float64
	Rel  string
	RHS  float64
}

// ParseLP reads the CPLEX-LP subset WriteLP emits: a Maximize or Minimize
// objective (possibly over several lines), Subject To with one named or
// unnamed row a line, and Binaries and Generals sections. Anything else (a
// Bounds section, a constant in the objective, a row over several lines) is
// an error naming the line, so a change to WriteLP cannot be misread silently.
func ParseLP(r io.Reader) (*LPModel, error) {
	m := &LPModel{index: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	section, line := "", 0
	var objective []string
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.Index(text, `\`); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if section == "objective" && isSection(text) {
			if err := m.setObjective(objective); err != nil {
				return nil, err
			}
		}
		switch strings.ToLower(text) {
		case "maximize", "maximise", "max", "minimize", "minimise", "min":
			if section != "" {
				return nil, fmt.Errorf("line %d: a second objective", line)
			}
			section, m.Maximize = "objective", strings.HasPrefix(strings.ToLower(text), "max")
			continue
		case "subject to", "such that", "st", "s.t.":
			if section != "objective" {
				return nil, fmt.Errorf("line %d: Subject To before the objective", line)
			}
			section = "rows"
			continue
		case "binaries", "binary", "bin", "generals", "general", "gen":
			if section == "" {
				return nil, fmt.Errorf("line %d: %s before the objective", line, text)
			}
			section = strings.ToLower(text)[:3]
			continue
		case "end":
			section = "end"
			continue
		case "bounds", "bound":
			return nil, fmt.Errorf("line %d: a Bounds section is not supported", line)
		}
		switch section {
		case "objective":
			objective = append(objective, text)
		case "rows":
			if err := m.addRow(text); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		case "bin", "gen":
			for _, name := range strings.Fields(text) {
				v := m.variable(name)
				m.Binary[v] = m.Binary[v] || section == "bin"
				m.Integer[v] = true
			}
		case "end":
			return nil, fmt.Errorf("line %d: text after End", line)
		default:
			return nil, fmt.Errorf("line %d: %q before the objective", line, text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if section != "end" {
		return nil, fmt.Errorf("no End line")
	}
	return m, nil
}

// setObjective reads the objective's lines, joined (numbering its variables
// first, in the order the file names them).
func (m *LPModel) setObjective(lines []string) error {
	obj := strings.Join(lines, " ")
	if i := strings.Index(obj, ":"); i >= 0 {
		obj = obj[i+1:]
	}
	vars, coef, err := m.terms(obj)
	if err != nil {
		return fmt.Errorf("objective: %w", err)
	}
	for i, v := range vars {
		m.Objective[v] += coef[i]
	}
	return nil
}

func (m *LPModel) variable(name string) int {
	if v, ok := m.index[name]; ok {
		return v
	}
	m.index[name] = len(m.Names)
	m.Names = append(m.Names, name)
	m.Objective = append(m.Objective, 0)
	m.Binary = append(m.Binary, false)
	m.Integer = append(m.Integer, false)
	return len(m.Names) - 1
}

func (m *LPModel) addRow(text string) error {
	var row LPRow
	if i := strings.Index(text, ":"); i >= 0 {
		row.Name, text = strings.TrimSpace(text[:i]), text[i+1:]
	}
	for _, rel := range []string{"<=", ">=", "=<", "=>", "=", "<", ">"} {
		if i := strings.Index(text, rel); i >= 0 {
			row.Rel = map[string]string{"<=": "<=", "=<": "<=", "<": "<=", ">=": ">=", "=>": ">=", ">": ">=", "=": "="}[rel]
			rhs, err := strconv.ParseFloat(strings.TrimSpace(text[i+len(rel):]), 64)
			if err != nil {
				return fmt.Errorf("row %s: right-hand side %q is not a number", row.Name, strings.TrimSpace(text[i+len(rel):]))
			}
			row.RHS, text = rhs, text[:i]
			break
		}
	}
	if row.Rel == "" {
		return fmt.Errorf("row %s: no relation (<=, >=, =)", row.Name)
	}
	vars, coef, err := m.terms(text)
	if err != nil {
		return fmt.Errorf("row %s: %w", row.Name, err)
	}
	row.Vars, row.Coef = vars, coef
	m.Rows = append(m.Rows, row)
	return nil
}

// terms reads "3 x + y - 2 z - w": signs, optional coefficients, names.
func (m *LPModel) terms(text string) ([]int, []float64, error) {
	var vars []int
	var coef []float64
	sign, c, haveSign, haveCoef := 1.0, 1.0, false, false
	for _, tok := range strings.Fields(strings.NewReplacer("+", " + ", "-", " - ").Replace(text)) {
		switch {
		case tok == "+" || tok == "-":
			if haveCoef {
				return nil, nil, fmt.Errorf("a sign after the coefficient %g", c)
			}
			if tok == "-" {
				sign = -sign
			}
			haveSign = true
		case isNumber(tok):
			if haveCoef {
				return nil, nil, fmt.Errorf("two coefficients in a row (%g %s)", c, tok)
			}
			if len(vars) > 0 && !haveSign {
				return nil, nil, fmt.Errorf("no sign before %s", tok)
			}
			c, _ = strconv.ParseFloat(tok, 64)
			haveCoef = true
		default:
			if len(vars) > 0 && !haveSign {
				return nil, nil, fmt.Errorf("no sign before %s", tok)
			}
			vars = append(vars, m.variable(tok))
			coef = append(coef, sign*c)
			sign, c, haveSign, haveCoef = 1, 1, false, false
		}
	}
	if haveSign || haveCoef {
		return nil, nil, fmt.Errorf("a sign or coefficient without a variable (a constant term is not supported)")
	}
	return vars, coef, nil
}

func isSection(text string) bool {
	switch strings.ToLower(text) {
	case "subject to", "such that", "st", "s.t.", "binaries", "binary", "bin", "generals", "general", "gen", "bounds", "bound", "end":
		return true
	}
	return false
}

func isNumber(tok string) bool {
	if tok == "" || !(tok[0] >= '0' && tok[0] <= '9' || tok[0] == '.') {
		return false
	}
	_, err := strconv.ParseFloat(tok, 64)
	return err == nil
}

// Value is the objective at x (one value a variable).
func (m *LPModel) Value(x []float64) float64 {
	v := 0.0
	for i, c := range m.Objective {
		v += c * x[i]
	}
	return v
}

// Violated names the first row or bound that x breaks (beyond tol), or "".
func (m *LPModel) Violated(x []float64, tol float64) string {
	if len(x) != len(m.Names) {
		return fmt.Sprintf("%d values for %d variables", len(x), len(m.Names))
	}
	for i, v := range x {
		switch {
		case v < -tol || m.Binary[i] && v > 1+tol:
			return fmt.Sprintf("%s = %g is out of bounds", m.Names[i], v)
		case m.Integer[i] && math.Abs(v-math.Round(v)) > tol:
			return fmt.Sprintf("%s = %g is not integral", m.Names[i], v)
		}
	}
	for _, r := range m.Rows {
		lhs := 0.0
		for i, v := range r.Vars {
			lhs += r.Coef[i] * x[v]
		}
		if r.Rel == "<=" && lhs > r.RHS+tol || r.Rel == ">=" && lhs < r.RHS-tol || r.Rel == "=" && math.Abs(lhs-r.RHS) > tol {
			return fmt.Sprintf("row %s: %g %s %g", r.Name, lhs, r.Rel, r.RHS)
		}
	}
	return ""
}

// sparseModel is the JSON highs.py reads: the matrix in compressed rows.
type sparseModel struct {
	Maximize bool       `json:"maximize"`
	C        []float64  `json:"c"`
	Indptr   []int      `json:"indptr"`
	Indices  []int      `json:"indices"`
	Data     []float64  `json:"data"`
	RowLower []*float64 `json:"row_lower"` // null: -inf
	RowUpper []*float64 `json:"row_upper"` // null: +inf
	ColUpper []*float64 `json:"col_upper"` // null: +inf; every lower bound is 0
	Integer  []bool     `json:"integer"`
}

func (m *LPModel) sparse() sparseModel {
	s := sparseModel{Maximize: m.Maximize, C: m.Objective, Integer: m.Integer, Indptr: []int{0}}
	for _, r := range m.Rows {
		s.Indices = append(s.Indices, r.Vars...)
		s.Data = append(s.Data, r.Coef...)
		s.Indptr = append(s.Indptr, len(s.Indices))
		rhs := r.RHS
		var lo, hi *float64
		switch r.Rel {
		case "<=":
			hi = &rhs
		case ">=":
			lo = &rhs
		default:
			lo, hi = &rhs, &rhs
		}
		s.RowLower, s.RowUpper = append(s.RowLower, lo), append(s.RowUpper, hi)
	}
	one := 1.0
	for _, b := range m.Binary {
		if b {
			s.ColUpper = append(s.ColUpper, &one)
		} else {
			s.ColUpper = append(s.ColUpper, nil)
		}
	}
	return s
}
