package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/outcomes"
	"github.com/openiop/openiop/internal/store"
)

// TestOutcomesPageShowsFiguresWithDefinitionsAndNoNames opens the outcomes
// page on the demo center as the director: every figure with its
// definition, the threshold's source, the filters, no client's name, and the
// read audited.
func TestOutcomesPageShowsFiguresWithDefinitionsAndNoNames(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinicalDirector)
	before := e.auditHead()
	r := e.get(c, "/outcomes")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("outcomes: %d %s", r.StatusCode, r.Body)
	}
	for _, df := range outcomes.Definitions {
		if !strings.Contains(r.Body, `id="figure-`+df.Key+`"`) {
			t.Errorf("figure %s is not on the page", df.Key)
		}
	}
	for _, want := range []string{"Episodes of care that began in the period.", "Numerator", "Denominator", "NHS Talking Therapies",
		"Aftercare appointments are written as text", "From admission to discharge", "Drug screens negative, per month",
		"PHQ-9: change from the first score to the latest", `href="/outcomes.csv?from=2026-08-26&amp;to=2026-11-23"`,
		"fewer than 11 people", `value="2026-08-26"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(r.Body, e.client.LastName) {
		t.Errorf("the page names a client (%s)", e.client.LastName)
	}
	recs := e.auditSince(before)
	if len(recs) != 1 || recs[0].Category != "outcomes.report" || recs[0].Action != audit.ActionQuery || !strings.Contains(recs[0].Detail, "2026-08-26 to 2026-11-23") {
		t.Errorf("audit %+v", recs)
	}

	// Filters: a program and its track are named in the audit; wrong ones are reported.
	progs, _ := e.db.Programs(context.Background())
	tracks, _ := e.db.Tracks(context.Background())
	var track store.TrackWithCount
	for _, tr := range tracks {
		if tr.ProgramID == progs[0].ID {
			track = tr
		}
	}
	before = e.auditHead()
	r = e.get(c, "/outcomes?from=2026-10-01&to=2026-11-15&program="+progs[0].ID+"&track="+track.ID+"&payer=medicaid")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `<option value="medicaid" selected>`) {
		t.Fatalf("filtered: %d", r.StatusCode)
	}
	if recs := e.auditSince(before); len(recs) != 1 || !strings.Contains(recs[0].Detail, "program "+progs[0].Name) || !strings.Contains(recs[0].Detail, "payer Medicaid") {
		t.Errorf("filtered audit %+v", recs)
	}
	r = e.get(c, "/outcomes?from=2026-11-30&to=2026-11-01&payer=gold&program=nope")
	for _, want := range []string{"The end date must not be before the start date.", "Choose a payer type from the list.", "There is no such program."} {
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, want) {
			t.Errorf("wrong filters: %d, want %q", r.StatusCode, want)
		}
	}
}

// TestOutcomesCSVSuppressesSmallCells downloads the figures: the demo center
// of 24 clients has small cells, which come out as "<11", and the export is
// audited.
func TestOutcomesCSVSuppressesSmallCells(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.signIn(model.RoleClinicalDirector)
	before := e.auditHead()
	r := e.get(c, "/outcomes.csv?from=2026-08-26&to=2026-11-23")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "openiop-outcomes-2026-08-26-2026-11-23.csv") {
		t.Fatalf("csv: %d %v", r.StatusCode, r.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The same figures computed here, to know which cells are small.
	day := func(s string) model.Date { d, _ := model.ParseDate(s); return d }
	in, err := e.db.OutcomeRows(context.Background(), store.OutcomeFilter{From: day("2026-08-26"), To: day("2026-11-23")})
	if err != nil {
		t.Fatal(err)
	}
	in.Today = day("2026-11-23")
	rep := outcomes.Compute(in)
	got := map[string][]string{}
	for _, row := range rows {
		if row[0] == "figure" {
			got[row[1]] = row
		}
	}
	checked := 0
	for _, f := range rep.Figures {
		row, ok := got[f.Name]
		if !ok {
			t.Errorf("%s is not in the CSV", f.Name)
			continue
		}
		if f.Unit != outcomes.People {
			continue
		}
		want := strconv.Itoa(f.Num)
		if f.Num > 0 && f.Num < outcomes.MinCell {
			want = "<11"
		}
		if row[2] != want {
			t.Errorf("%s: %q, want %q (%d people)", f.Name, row[2], want, f.Num)
		}
		checked++
	}
	if checked == 0 || !strings.Contains(r.Body, "<11") {
		t.Errorf("no suppressed cell in %s", r.Body)
	}
	// No cell of the export holds a count of 1 to 10.
	for _, row := range rows[1:] {
		if row[0] == "period" {
			continue
		}
		for _, cell := range []string{row[3], row[4]} {
			if n, err := strconv.Atoi(cell); err == nil && n > 0 && n < outcomes.MinCell {
				t.Errorf("%s %s: a count of %d leaves the center", row[0], row[1], n)
			}
		}
	}
	if recs := e.auditSince(before); len(recs) != 1 || recs[0].Category != "outcomes.export" || recs[0].Action != audit.ActionExport {
		t.Errorf("audit %+v", recs)
	}
	if r := e.get(c, "/outcomes.csv?from=nope"); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Errorf("a wrong date: %d", r.StatusCode)
	}
}
