package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/plan"
)

func d(s string) model.Date {
	x, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func goodPlan() plan.Plan {
	return plan.Plan{Version: 1, Date: d("2026-11-10"), Problems: []plan.Problem{{
		ID: "pr1", Statement: "Daily alcohol use with failed attempts to cut down", Diagnosis: "F10.20",
		Goal:          "I want to stay sober so I can keep my job",
		Objectives:    []plan.Objective{{ID: "o1", Text: "Attend 9 hours of groups each week", Target: d("2026-12-10")}},
		Interventions: []plan.Intervention{{Modality: "cbt", Provider: "primary counselor", Frequency: "3 groups a week"}},
	}}}
}

var ctx = plan.Context{Admission: d("2026-11-03"), Diagnoses: []string{"F10.20", "F32.1"}}

func TestCheckAcceptsACompletePlan(t *testing.T) {
	if p := goodPlan().Check(ctx, true); len(p) != 0 {
		t.Fatalf("a complete plan was refused: %v", p)
	}
}

func TestCheckRefusesWhatIsWrong(t *testing.T) {
	cases := []struct {
		name    string
		change  func(*plan.Plan)
		signing bool
		field   string
		says    string
	}{
		{"no date", func(p *plan.Plan) { p.Date = model.Date{} }, false, "date", "date of the plan"},
		{"before admission", func(p *plan.Plan) { p.Date = d("2026-11-01") }, false, "date", "before the admission"},
		{"objective without a goal", func(p *plan.Plan) { p.Problems[0].Goal = " " }, false, "p0.goal", "own words"},
		{"target before the plan", func(p *plan.Plan) { p.Problems[0].Objectives[0].Target = d("2026-11-09") }, false, "p0.o0.target", "before the plan's date"},
		{"objective without a target", func(p *plan.Plan) { p.Problems[0].Objectives[0].Target = model.Date{} }, false, "p0.o0.target", "target date"},
		{"diagnosis not on the episode", func(p *plan.Plan) { p.Problems[0].Diagnosis = "F11.20" }, false, "p0.diagnosis", "F10.20, F32.1"},
		{"unknown modality", func(p *plan.Plan) { p.Problems[0].Interventions[0].Modality = "astrology" }, false, "p0.i0.modality", "modality"},
		{"intervention without frequency", func(p *plan.Plan) { p.Problems[0].Interventions[0].Frequency = "" }, false, "p0.i0.frequency", "how often"},
		{"signing with no problem", func(p *plan.Plan) { p.Problems = nil }, true, "problems", "at least one problem"},
		{"signing without objectives", func(p *plan.Plan) { p.Problems[0].Objectives = nil }, true, "p0.o0.text", "measurable objective"},
		{"signing without interventions", func(p *plan.Plan) { p.Problems[0].Interventions = nil }, true, "p0.i0.modality", "intervention"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := goodPlan()
			c.change(&p)
			got := p.Check(ctx, c.signing)
			if !strings.Contains(got[c.field], c.says) {
				t.Fatalf("field %s: got %q (all: %v), want it to say %q", c.field, got[c.field], got, c.says)
			}
		})
	}
}

func TestDraftMayBeIncomplete(t *testing.T) {
	p := goodPlan()
	p.Problems[0].Objectives, p.Problems[0].Interventions, p.Problems[0].Goal = nil, nil, ""
	if got := p.Check(ctx, false); len(got) != 0 {
		t.Fatalf("a draft without objectives was refused: %v", got)
	}
}

func TestCentreModalities(t *testing.T) {
	p := goodPlan()
	p.Problems[0].Interventions[0].Modality = "equine"
	c := ctx
	c.Modalities = []plan.Modality{{Code: "equine", Label: "Equine-assisted therapy"}}
	if got := p.Check(c, true); len(got) != 0 {
		t.Fatalf("a centre's own modality was refused: %v", got)
	}
	if plan.ModalityLabel("equine", c.Modalities) != "Equine-assisted therapy" || plan.ModalityLabel("cbt", nil) == "cbt" {
		t.Fatal("modality labels are wrong")
	}
}

func TestReviseKeepsObjectiveIDsAndDiffNamesChanges(t *testing.T) {
	a := goodPlan()
	a.Clinician = plan.Signature{Name: "Dana", At: a.Date.In(time.UTC)}
	b := plan.Revise(a, "v2", d("2026-12-05"))
	if b.Version != 2 || b.Signed() || b.Problems[0].Objectives[0].ID != "o1" || b.Date != d("2026-12-05") {
		t.Fatalf("revision is wrong: %+v", b)
	}
	b.Problems[0].Objectives[0].Text = "Attend 12 hours of groups each week"
	b.Problems[0].Objectives = append(b.Problems[0].Objectives, plan.Objective{ID: "o2", Text: "Call my sponsor daily", Target: d("2026-12-20")})
	b.Problems[0].Interventions = nil
	if a.Problems[0].Objectives[0].Text != "Attend 9 hours of groups each week" {
		t.Fatal("revising changed the signed version")
	}
	changes := plan.Diff(a, b, nil)
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind]++
		if c.Kind == "changed" && (!strings.Contains(c.Before, "9 hours") || !strings.Contains(c.After, "12 hours")) {
			t.Errorf("changed objective shows %q -> %q", c.Before, c.After)
		}
	}
	if kinds["changed"] != 1 || kinds["added"] != 1 || kinds["removed"] != 1 {
		t.Fatalf("diff = %+v", changes)
	}
	if len(plan.Diff(a, a, nil)) != 0 {
		t.Fatal("a version differs from itself")
	}
}

func TestDueFor(t *testing.T) {
	adm := d("2026-11-03")
	if got := plan.DueFor(adm, model.Date{}, model.Date{}, 7, 30); got.Kind != "initial" || got.Date != d("2026-11-10") {
		t.Fatalf("initial due = %+v", got)
	}
	if got := plan.DueFor(adm, d("2026-11-08"), model.Date{}, 0, 0); got.Kind != "review" || got.Date != d("2026-12-08") {
		t.Fatalf("review due = %+v", got)
	}
	if got := plan.DueFor(adm, d("2026-11-08"), d("2026-12-01"), 7, 14); got.Date != d("2026-12-15") {
		t.Fatalf("review after a review due = %+v", got)
	}
}

func TestCheckReview(t *testing.T) {
	p := goodPlan()
	r := plan.Review{Date: d("2026-12-01"), Entries: []plan.ReviewEntry{{ObjectiveID: "o1", Progress: plan.Progressing}}}
	if got := plan.CheckReview(p, r, d("2026-12-06")); !strings.Contains(got["plan"], "signed") {
		t.Fatalf("an unsigned plan was reviewable: %v", got)
	}
	p.Clinician = plan.Signature{Name: "Dana", At: d("2026-11-10").In(time.UTC)}
	if got := plan.CheckReview(p, r, d("2026-12-06")); len(got) != 0 {
		t.Fatalf("a good review was refused: %v", got)
	}
	r.Entries = nil
	if got := plan.CheckReview(p, r, d("2026-12-06")); got[plan.ReviewField("o1", "progress")] == "" {
		t.Fatalf("a review without progress on an objective was accepted: %v", got)
	}
	r.Entries = []plan.ReviewEntry{{ObjectiveID: "o1", Progress: "great"}, {ObjectiveID: "other", Progress: plan.Met}}
	got := plan.CheckReview(p, r, d("2026-12-06"))
	if got[plan.ReviewField("o1", "progress")] == "" || got["entries"] == "" {
		t.Fatalf("bad entries were accepted: %v", got)
	}
	r.Entries, r.Date = []plan.ReviewEntry{{ObjectiveID: "o1", Progress: plan.Met}}, d("2026-12-07")
	if got := plan.CheckReview(p, r, d("2026-12-06")); got["date"] == "" {
		t.Fatal("a review dated in the future was accepted")
	}
}

func TestNewModality(t *testing.T) {
	m, p := plan.NewModality("  Equine-assisted   therapy ", nil)
	if len(p) != 0 || m.Code != "equine_assisted_therapy" || m.Label != "Equine-assisted therapy" {
		t.Fatalf("NewModality = %+v, %v", m, p)
	}
	for _, bad := range []string{"", "!!", strings.Repeat("x", 81), "CBT", "Cognitive behavioral therapy (CBT)", "equine assisted therapy"} {
		if _, p := plan.NewModality(bad, []plan.Modality{m}); p["label"] == "" {
			t.Errorf("NewModality(%q) accepted", bad)
		}
	}
	pl := plan.Plan{Problems: []plan.Problem{{Interventions: []plan.Intervention{{Modality: m.Code}, {Modality: "cbt"}}}}}
	pl.NameModalities([]plan.Modality{m})
	if in := pl.Problems[0].Interventions; in[0].ModalityName() != "Equine-assisted therapy" || in[1].ModalityName() != "Cognitive behavioral therapy (CBT)" {
		t.Errorf("names %q, %q", in[0].ModalityName(), in[1].ModalityName())
	}
}
