package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// highsScript solves a sparseModel with scipy.optimize.milp (HiGHS).
//
//go:embed highs.py
var highsScript []byte

// pythonCandidates are tried in order; SCHEDULE_PYTHON comes first. Debian's
// python3-scipy lives in /usr/bin/python3, which another python3 on PATH
// (pyenv, a virtualenv) may hide.
func pythonCandidates() []string {
	var out []string
	if p := os.Getenv("SCHEDULE_PYTHON"); p != "" {
		out = append(out, p)
	}
	return append(out, "python3", "/usr/bin/python3")
}

// HiGHS runs highs.py with the first Python that has scipy.optimize.milp.
type HiGHS struct {
	python, script string
	Version        string // "HiGHS 1.2.0 via scipy 1.10.1"
}

// findHiGHS writes the script into dir and finds a Python able to run it.
func findHiGHS(dir string) (*HiGHS, error) {
	script := filepath.Join(dir, "highs.py")
	if err := os.WriteFile(script, highsScript, 0o600); err != nil {
		return nil, err
	}
	for _, p := range pythonCandidates() {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		out, err := exec.Command(path, script, "--version").Output()
		if err != nil {
			continue
		}
		var v struct{ HiGHS, SciPy string }
		if json.Unmarshal(out, &v) != nil {
			continue
		}
		return &HiGHS{python: path, script: script, Version: fmt.Sprintf("HiGHS %s via scipy %s", v.HiGHS, v.SciPy)}, nil
	}
	return nil, fmt.Errorf("no python3 with scipy.optimize.milp (tried %s): apt-get install -y python3-scipy, or set SCHEDULE_PYTHON",
		strings.Join(pythonCandidates(), ", "))
}

// highsResult is what highs.py prints.
type highsResult struct {
	Status  string    `json:"status"`
	Message string    `json:"message"`
	X       []float64 `json:"x"`
	Bound   *float64  `json:"bound"`
	Seconds float64   `json:"seconds"`
}

// Solve solves m with a wall-clock limit, checks the solution against m and
// reports it as a site reference: the objective recomputed from the
// solution, and the clients whose "meets the minimum" variable u_c is 1.
func (h *HiGHS) Solve(m *LPModel, limit int, dir string) (SiteReference, error) {
	var r SiteReference
	b, err := json.Marshal(m.sparse())
	if err != nil {
		return r, err
	}
	model := filepath.Join(dir, "model.json")
	if err := os.WriteFile(model, b, 0o600); err != nil {
		return r, err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(h.python, h.script, model, strconv.Itoa(limit)) // #nosec G204 -- our own script and model file
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return r, fmt.Errorf("highs.py: %v\n%s", err, stderr.String())
	}
	return m.reference(out)
}

// reference checks highs.py's answer against the model.
func (m *LPModel) reference(out []byte) (SiteReference, error) {
	var r SiteReference
	var res highsResult
	if err := json.Unmarshal(out, &res); err != nil {
		return r, fmt.Errorf("highs.py printed %q: %w", out, err)
	}
	r.Status = res.Status
	if res.Status != "Optimal" && res.Status != "Stopped on time" {
		return r, fmt.Errorf("HiGHS: %s (%s)", res.Status, res.Message)
	}
	if res.X == nil {
		return r, fmt.Errorf("HiGHS stopped (%s) without a feasible solution", res.Message)
	}
	if bad := m.Violated(res.X, 1e-6); bad != "" {
		return r, fmt.Errorf("HiGHS's solution breaks the model: %s", bad)
	}
	r.Objective = int64(math.Round(m.Value(res.X)))
	if res.Bound != nil && res.Status != "Optimal" {
		r.Bound = int64(math.Floor(*res.Bound + 1e-6))
		if !m.Maximize {
			r.Bound = int64(math.Ceil(*res.Bound - 1e-6))
		}
	}
	for i, name := range m.Names {
		if strings.HasPrefix(name, "u_") && res.X[i] > 0.5 {
			r.Met++
		}
	}
	return r, nil
}
