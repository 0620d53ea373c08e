package relapse_test

import (
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/relapse"
)

func good() relapse.Plan {
	return relapse.Plan{
		Triggers:     []relapse.Cue{{Text: "Payday Fridays", Coping: "Give my card to my sister and go to the evening meeting"}},
		WarningSigns: []relapse.Cue{{Text: "Skipping meals and sleep", Coping: "Call my sponsor the same day"}},
		Contacts:     []relapse.Contact{{Name: "Maria", Relationship: "sponsor", Phone: "(312) 555-0188"}},
		SafePlaces:   []string{"The Tuesday meeting at St. Luke's"},
		Reasons:      []string{"My kids"},
		AfterLapse:   "Tell my counselor within a day; a lapse is not the end of recovery.",
	}
}

func TestCheck(t *testing.T) {
	if p := good().Check(); len(p) != 0 {
		t.Fatalf("a complete plan was refused: %v", p)
	}
	cases := []struct {
		name   string
		change func(*relapse.Plan)
		field  string
	}{
		{"nothing written", func(p *relapse.Plan) { *p = relapse.Plan{} }, "plan"},
		{"trigger without coping", func(p *relapse.Plan) { p.Triggers[0].Coping = " " }, "trigger0.coping"},
		{"sign without text", func(p *relapse.Plan) { p.WarningSigns[0].Text = "" }, "sign0.text"},
		{"contact without phone", func(p *relapse.Plan) { p.Contacts[0].Phone = "55" }, "contact0.phone"},
		{"contact without name", func(p *relapse.Plan) { p.Contacts[0].Name = "" }, "contact0.name"},
		{"reason too long", func(p *relapse.Plan) { p.Reasons[0] = strings.Repeat("x", 501) }, "reason0.text"},
	}
	for _, c := range cases {
		p := good()
		c.change(&p)
		if got := p.Check(); got[c.field] == "" {
			t.Errorf("%s: no problem at %s (got %v)", c.name, c.field, got)
		}
	}
}

func TestCrisisStepsAreAlwaysThere(t *testing.T) {
	steps := relapse.CrisisSteps("Riverbend", "(312) 555-0140")
	if len(steps) != 3 || steps[0].Tel != "988" || steps[1].Tel != "911" || steps[2].Tel != "3125550140" {
		t.Fatalf("crisis steps: %+v", steps)
	}
	if steps := relapse.CrisisSteps("Riverbend", ""); len(steps) != 2 {
		t.Fatalf("without a center phone: %+v", steps)
	}
}

func TestDiff(t *testing.T) {
	a, b := good(), good()
	b.Contacts = append(b.Contacts, relapse.Contact{Name: "Dr. Reyes", Phone: "312-555-0101"})
	b.Reasons = []string{"My kids and my job"}
	changes := relapse.Diff(a, b)
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind+" "+c.Where]++
	}
	if kinds["added Person to call"] != 1 || kinds["removed Reason for recovery"] != 1 || kinds["added Reason for recovery"] != 1 || len(changes) != 3 {
		t.Fatalf("diff: %+v", changes)
	}
	if len(relapse.Diff(a, a)) != 0 {
		t.Fatal("a version differs from itself")
	}
}
