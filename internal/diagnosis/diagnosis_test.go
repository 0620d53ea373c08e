package diagnosis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/diagnosis"
	"github.com/openiop/openiop/internal/placement"
)

// The expected values come from shared/reference/clinical.md: §6.2 for the
// 11 criteria and the severity bands (2-3 mild, 4-5 moderate, 6+ severe),
// §6.1 for the F10-F19 categories and the DSM-5 to ICD-10-CM crosswalk
// (mild F1x.10, moderate and severe F1x.20; F1x.11 and F1x.21 in
// remission; F17 only .2), with its sources [acdis], [documentine-crosswalk],
// [supercoder] and ICD-10-CM Official Guidelines I.C.5.b.3 (code only the
// highest of use < abuse < dependence) [cco].

// first returns the IDs of the first n criteria.
func first(n int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = diagnosis.Criteria[i].ID
	}
	return ids
}

func TestCriteria(t *testing.T) {
	want := []string{"larger_longer", "cut_down", "time_spent", "craving", "role_failure", "social_problems",
		"activities_given_up", "hazardous_use", "physical_psychological", "tolerance", "withdrawal"}
	if got := first(len(diagnosis.Criteria)); !slices.Equal(got, want) {
		t.Fatalf("criterion IDs %v, want %v", got, want)
	}
	for _, c := range diagnosis.Criteria {
		if c.Text == "" {
			t.Errorf("criterion %s has no text", c.ID)
		}
		if got, ok := diagnosis.CriterionByID(c.ID); !ok || got != c {
			t.Errorf("CriterionByID(%q) = %+v, %v", c.ID, got, ok)
		}
	}
	if _, ok := diagnosis.CriterionByID("nope"); ok {
		t.Error("CriterionByID found an unknown ID")
	}
}

func TestSubstanceCategories(t *testing.T) {
	want := map[string]string{
		"alcohol": "F10", "opioid": "F11", "cannabis": "F12", "sedative": "F13", "cocaine": "F14",
		"stimulant": "F15", "hallucinogen": "F16", "tobacco": "F17", "inhalant": "F18", "other": "F19",
	}
	if len(diagnosis.Substances) != len(want) {
		t.Fatalf("%d substances, want %d", len(diagnosis.Substances), len(want))
	}
	for code, cat := range want {
		s, ok := diagnosis.SubstanceByCode(code)
		if !ok || s.ICDCategory != cat || s.Code != code {
			t.Errorf("SubstanceByCode(%q) = %+v, %v; want category %s", code, s, ok, cat)
		}
		if s.Label == "" || s.Disorder == "" || s.ICDName == "" {
			t.Errorf("substance %q lacks a label, disorder or ICD name: %+v", code, s)
		}
	}
	if _, ok := diagnosis.SubstanceByCode("heroin"); ok {
		t.Error("SubstanceByCode found an unknown code")
	}
}

// TestAlcoholByCount covers every count boundary, uncomplicated.
func TestAlcoholByCount(t *testing.T) {
	cases := []struct {
		count    int
		severity placement.Severity
		code     string // "" for no suggestion
		desc     string
	}{
		{0, placement.NoSUD, "", ""},
		{1, placement.NoSUD, "", ""},
		{2, placement.Mild, "F10.10", "Alcohol use disorder, mild (ICD-10-CM: alcohol abuse, uncomplicated)"},
		{3, placement.Mild, "F10.10", "Alcohol use disorder, mild (ICD-10-CM: alcohol abuse, uncomplicated)"},
		{4, placement.Moderate, "F10.20", "Alcohol use disorder, moderate (ICD-10-CM: alcohol dependence, uncomplicated)"},
		{5, placement.Moderate, "F10.20", "Alcohol use disorder, moderate (ICD-10-CM: alcohol dependence, uncomplicated)"},
		{6, placement.Severe, "F10.20", "Alcohol use disorder, severe (ICD-10-CM: alcohol dependence, uncomplicated)"},
		{11, placement.Severe, "F10.20", "Alcohol use disorder, severe (ICD-10-CM: alcohol dependence, uncomplicated)"},
	}
	for _, c := range cases {
		f := diagnosis.Finding{Substance: "alcohol", Met: first(c.count)}
		if p := f.Problems(); len(p) != 0 {
			t.Fatalf("count %d: problems %v", c.count, p)
		}
		if f.Count() != c.count || f.Severity() != c.severity {
			t.Errorf("count %d: Count %d, Severity %q; want %q", c.count, f.Count(), f.Severity(), c.severity)
		}
		s, ok := diagnosis.Suggest(f)
		if ok != (c.code != "") || s.Code != c.code || s.Description != c.desc || s.Severity != c.severity || s.Incomplete {
			t.Errorf("count %d: Suggest = %+v, %v; want code %q, description %q", c.count, s, ok, c.code, c.desc)
		}
		wantNotes := []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteHierarchy, diagnosis.NoteOtherCodes}
		if !ok {
			wantNotes = []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteNoDisorder}
		}
		if !slices.Equal(s.Notes, wantNotes) {
			t.Errorf("count %d: notes %q, want %q", c.count, s.Notes, wantNotes)
		}
	}
}

func TestRemissionCodes(t *testing.T) {
	cases := []struct {
		substance string
		count     int
		remission diagnosis.Remission
		code      string
		desc      string
	}{
		{"alcohol", 2, diagnosis.EarlyRemission, "F10.11", "Alcohol use disorder, mild, in early remission (ICD-10-CM: alcohol abuse, in remission)"},
		{"alcohol", 3, diagnosis.SustainedRemission, "F10.11", "Alcohol use disorder, mild, in sustained remission (ICD-10-CM: alcohol abuse, in remission)"},
		{"alcohol", 4, diagnosis.EarlyRemission, "F10.21", "Alcohol use disorder, moderate, in early remission (ICD-10-CM: alcohol dependence, in remission)"},
		{"alcohol", 5, diagnosis.SustainedRemission, "F10.21", "Alcohol use disorder, moderate, in sustained remission (ICD-10-CM: alcohol dependence, in remission)"},
		{"alcohol", 6, diagnosis.EarlyRemission, "F10.21", "Alcohol use disorder, severe, in early remission (ICD-10-CM: alcohol dependence, in remission)"},
		{"alcohol", 11, diagnosis.SustainedRemission, "F10.21", "Alcohol use disorder, severe, in sustained remission (ICD-10-CM: alcohol dependence, in remission)"},
		{"opioid", 7, diagnosis.SustainedRemission, "F11.21", "Opioid use disorder, severe, in sustained remission (ICD-10-CM: opioid dependence, in remission)"},
		{"opioid", 3, diagnosis.EarlyRemission, "F11.11", "Opioid use disorder, mild, in early remission (ICD-10-CM: opioid abuse, in remission)"},
	}
	for _, c := range cases {
		f := diagnosis.Finding{Substance: c.substance, Met: first(c.count), Remission: c.remission}
		s, ok := diagnosis.Suggest(f)
		if !ok || s.Code != c.code || s.Description != c.desc {
			t.Errorf("%s, %d criteria, %s: Suggest = %+v, %v; want %s %q", c.substance, c.count, c.remission, s, ok, c.code, c.desc)
		}
		want := []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteHierarchy, diagnosis.NoteRemission, diagnosis.NoteOtherCodes}
		if !slices.Equal(s.Notes, want) {
			t.Errorf("%s, %d criteria, %s: notes %q, want %q", c.substance, c.count, c.remission, s.Notes, want)
		}
	}
}

// TestEveryCategory checks the category reaches the code for each class
// that follows the common scheme.
func TestEveryCategory(t *testing.T) {
	for _, s := range diagnosis.Substances {
		if s.Code == "tobacco" {
			continue
		}
		for _, c := range []struct {
			count     int
			remission diagnosis.Remission
			suffix    string
		}{{2, "", ".10"}, {2, "early", ".11"}, {4, "", ".20"}, {6, "sustained", ".21"}} {
			got, ok := diagnosis.Suggest(diagnosis.Finding{Substance: s.Code, Met: first(c.count), Remission: c.remission})
			if want := s.ICDCategory + c.suffix; !ok || got.Code != want {
				t.Errorf("%s, %d criteria, remission %q: code %q (%v), want %s", s.Code, c.count, c.remission, got.Code, ok, want)
			}
		}
	}
}

func TestTobacco(t *testing.T) {
	cases := []struct {
		count     int
		remission diagnosis.Remission
		ok        bool
		code      string
		desc      string
		notes     []string
	}{
		{1, "", false, "", "", []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteNoDisorder}},
		{2, "", false, "", "Tobacco use disorder, mild", []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteTobaccoMild}},
		{3, "early", false, "", "Tobacco use disorder, mild, in early remission", []string{diagnosis.NoteNotDiagnosis, diagnosis.NoteTobaccoMild}},
		{4, "", true, "F17.2", "Tobacco use disorder, moderate (ICD-10-CM: nicotine dependence)",
			[]string{diagnosis.NoteNotDiagnosis, diagnosis.NoteTobaccoCode, diagnosis.NoteOtherCodes}},
		{6, "", true, "F17.2", "Tobacco use disorder, severe (ICD-10-CM: nicotine dependence)",
			[]string{diagnosis.NoteNotDiagnosis, diagnosis.NoteTobaccoCode, diagnosis.NoteOtherCodes}},
		{5, "sustained", true, "F17.2", "Tobacco use disorder, moderate, in sustained remission (ICD-10-CM: nicotine dependence)",
			[]string{diagnosis.NoteNotDiagnosis, diagnosis.NoteTobaccoCode, diagnosis.NoteRemission, diagnosis.NoteOtherCodes}},
	}
	for _, c := range cases {
		s, ok := diagnosis.Suggest(diagnosis.Finding{Substance: "tobacco", Met: first(c.count), Remission: c.remission})
		if ok != c.ok || s.Code != c.code || s.Description != c.desc || s.Incomplete != c.ok || s.Severity != placement.SeverityOf(c.count) {
			t.Errorf("%d criteria, remission %q: Suggest = %+v, %v; want %v %q %q", c.count, c.remission, s, ok, c.ok, c.code, c.desc)
		}
		if !slices.Equal(s.Notes, c.notes) {
			t.Errorf("%d criteria, remission %q: notes %q, want %q", c.count, c.remission, s.Notes, c.notes)
		}
	}
}

func TestProblems(t *testing.T) {
	cases := []struct {
		name  string
		f     diagnosis.Finding
		want  map[string]string
		count int
	}{
		{"valid", diagnosis.Finding{Substance: "cannabis", Met: []string{"craving", "tolerance"}}, map[string]string{}, 2},
		{"valid, no criteria", diagnosis.Finding{Substance: "cannabis"}, map[string]string{}, 0},
		{"no substance", diagnosis.Finding{Met: first(2)},
			map[string]string{"substance": "Choose the substance this checklist is for."}, 2},
		{"unknown substance", diagnosis.Finding{Substance: "heroin", Met: first(2)},
			map[string]string{"substance": `Unknown substance "heroin": choose one of alcohol, opioid, cannabis, sedative, cocaine, stimulant, hallucinogen, tobacco, inhalant, other.`}, 2},
		{"unknown criterion", diagnosis.Finding{Substance: "alcohol", Met: []string{"craving", "blackouts"}},
			map[string]string{"met": `Unknown criterion "blackouts".`}, 1},
		{"duplicate criterion is not counted twice", diagnosis.Finding{Substance: "alcohol", Met: []string{"craving", "tolerance", "craving"}},
			map[string]string{"met": `Criterion "craving" is checked more than once.`}, 2},
		{"unknown and duplicate together", diagnosis.Finding{Substance: "alcohol", Met: []string{"x", "tolerance", "tolerance", "x"}},
			map[string]string{"met": `Unknown criterion "x". Criterion "tolerance" is checked more than once. Unknown criterion "x".`}, 1},
		{"unknown remission", diagnosis.Finding{Substance: "alcohol", Met: first(3), Remission: "partial"},
			map[string]string{"remission": `Unknown remission "partial": leave it empty, or choose "early" or "sustained".`}, 3},
		{"remission without criteria", diagnosis.Finding{Substance: "opioid", Remission: diagnosis.EarlyRemission},
			map[string]string{"remission": "A remission specifier needs the criteria that were met before remission."}, 0},
		{"remission with one criterion", diagnosis.Finding{Substance: "opioid", Met: first(1), Remission: diagnosis.SustainedRemission},
			map[string]string{"remission": "A remission specifier needs the criteria that were met before remission."}, 1},
		{"remission with a duplicate counts once", diagnosis.Finding{Substance: "opioid", Met: []string{"craving", "craving"}, Remission: diagnosis.EarlyRemission},
			map[string]string{
				"met":       `Criterion "craving" is checked more than once.`,
				"remission": "A remission specifier needs the criteria that were met before remission.",
			}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.f.Problems()
			if len(got) != len(c.want) {
				t.Fatalf("problems %q, want %q", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("problem %q = %q, want %q", k, got[k], v)
				}
			}
			if c.f.Count() != c.count {
				t.Errorf("Count %d, want %d", c.f.Count(), c.count)
			}
			s, ok := diagnosis.Suggest(c.f)
			if len(c.want) > 0 && (ok || s.Code != "" || !slices.Equal(s.Notes, []string{diagnosis.NoteProblems})) {
				t.Errorf("Suggest on a finding with problems = %+v, %v", s, ok)
			}
		})
	}
}

func TestSeverityLabel(t *testing.T) {
	cases := map[placement.Severity]string{
		placement.Unknown:  "Not assessed",
		placement.NoSUD:    "No substance use disorder (0-1 criteria)",
		placement.Mild:     "Mild (2-3 criteria)",
		placement.Moderate: "Moderate (4-5 criteria)",
		placement.Severe:   "Severe (6 or more criteria)",
	}
	for s, want := range cases {
		if got := diagnosis.SeverityLabel(s); got != want {
			t.Errorf("SeverityLabel(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestRemissionLabel(t *testing.T) {
	cases := map[diagnosis.Remission]string{
		diagnosis.NoRemission:        "Not in remission",
		diagnosis.EarlyRemission:     "In early remission (3 to 12 months)",
		diagnosis.SustainedRemission: "In sustained remission (12 months or more)",
		"partial":                    "partial",
	}
	for r, want := range cases {
		if got := r.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", r, got, want)
		}
	}
}

// TestWording keeps person-first language in everything the package shows:
// "abuse" may appear only inside a quoted ICD-10-CM code title or the
// coding hierarchy.
func TestWording(t *testing.T) {
	var texts []string
	for _, c := range diagnosis.Criteria {
		texts = append(texts, c.Text)
	}
	for _, s := range diagnosis.Substances {
		texts = append(texts, s.Label, s.Disorder)
	}
	texts = append(texts, diagnosis.NoteNotDiagnosis, diagnosis.NoteRemission, diagnosis.NoteOtherCodes,
		diagnosis.NoteTobaccoCode, diagnosis.NoteTobaccoMild, diagnosis.NoteNoDisorder, diagnosis.NoteProblems)
	for _, text := range texts {
		low := strings.ToLower(text)
		for _, w := range []string{"addict", "abuse", "alcoholic", "junkie"} {
			if strings.Contains(low, w) {
				t.Errorf("%q contains %q", text, w)
			}
		}
	}
}
