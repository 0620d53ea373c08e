package notes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/notes"
)

func TestSigningNeedsEverySectionAndNoneForAbsentClients(t *testing.T) {
	full := notes.Section{Participation: "Shared twice", Response: "Engaged", Progress: "Named two triggers", Plan: "Practice urge surfing"}
	n := notes.GroupNote{Topic: "Triggers", Interventions: "CBT chain analysis", Sections: map[string]notes.Section{"a": full, "b": {Participation: "Quiet"}}}
	p := n.Problems([]string{"a", "b"}, true)
	if !strings.Contains(p["section_b"], "response") || p["section_a"] != "" {
		t.Fatalf("problems %v", p)
	}
	if p := n.Problems([]string{"a", "b"}, false); len(p) != 0 {
		t.Errorf("a draft may be incomplete: %v", p)
	}
	n.Sections["c"] = full
	if p := n.Problems([]string{"a", "b"}, false); !strings.Contains(p["section_c"], "did not attend") {
		t.Errorf("a section for an absent client: %v", p)
	}
	empty := notes.GroupNote{Sections: map[string]notes.Section{}}
	p = empty.Problems([]string{"a"}, true)
	if p["topic"] == "" || p["interventions"] == "" || !strings.Contains(p["section_a"], "participation") {
		t.Errorf("an empty note signed: %v", p)
	}
}

func TestSimilarSections(t *testing.T) {
	base := "Client participated actively, shared about a recent craving at work and identified two coping skills to use this week."
	sections := map[string]notes.Section{
		"a": {Participation: base, Response: "Receptive.", Progress: "Objective 1.", Plan: "Continue."},
		"b": {Participation: base, Response: "Receptive.", Progress: "Objective 1.", Plan: "Continue."},
		"c": {Participation: "Quiet at first; later described conflict with her sister and how she stayed sober through it.",
			Response: "Tearful but engaged.", Progress: "Used her safety plan on Saturday.", Plan: "Family session next week."},
		"d": {Participation: "Participated well."},
		"e": {Participation: "participated WELL"},
	}
	pairs := notes.Similar(sections)
	got := map[string]bool{}
	for _, p := range pairs {
		got[p.A+p.B] = true
	}
	if !got["ab"] || !got["de"] || len(pairs) != 2 {
		t.Fatalf("pairs %+v, want a-b and d-e only", pairs)
	}
}

func TestAge(t *testing.T) {
	end := time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)
	for h, want := range map[int]string{23: "", 24: "late", 71: "late", 72: "overdue"} {
		if got := notes.Age(end, end.Add(time.Duration(h)*time.Hour)); got != want {
			t.Errorf("%d hours: %q, want %q", h, got, want)
		}
	}
}

func TestSessionNoteFormats(t *testing.T) {
	n := notes.SessionNote{Format: "BIRP", Minutes: 50, Parts: map[string]string{"behavior": "Arrived on time", "intervention": "MI"}}
	if p := n.Problems(false); len(p) != 0 {
		t.Fatalf("a draft may be partial: %v", p)
	}
	p := n.Problems(true)
	if !strings.Contains(p["response"], "response") || !strings.Contains(p["plan"], "plan") {
		t.Fatalf("signing a partial BIRP: %v", p)
	}
	n.Parts["subjective"] = "wrong format"
	if p := n.Problems(false); !strings.Contains(p["subjective"], "not in the BIRP format") {
		t.Errorf("a SOAP part in a BIRP note: %v", p)
	}
	if p := (notes.SessionNote{Format: "XYZ"}).Problems(false); p["format"] == "" {
		t.Error("an unknown format was accepted")
	}
	if p := (notes.SessionNote{Format: "DAP", Minutes: 0}).Problems(false); p["minutes"] == "" {
		t.Error("a note without minutes was accepted")
	}
}
