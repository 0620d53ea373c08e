package placement_test

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
)

func ratings(r ...int) [7]int {
	var out [7]int
	copy(out[1:], r)
	return out
}

// TestRecommendations are clinician-rated vignettes. Each expected level
// follows from the public PPC summary in shared/reference/clinical.md §2.4:
// the dimension with the greatest need drives the level; severe withdrawal
// comes first; readiness alone never calls for a restrictive setting;
// crisis findings override everything.
func TestRecommendations(t *testing.T) {
	cases := []struct {
		name      string
		in        placement.Input
		level     placement.Level
		driving   []placement.Dimension
		considers []placement.Dimension
	}{
		{"no risk, no disorder", placement.Input{Diagnosis: placement.NoSUD}, placement.EarlyIntervention, nil, nil},
		{"no risk, mild disorder", placement.Input{Diagnosis: placement.Mild}, placement.Outpatient, nil, nil},
		{"low relapse risk", placement.Input{Ratings: ratings(0, 0, 1, 1, 1, 1), Diagnosis: placement.Mild}, placement.Outpatient, []placement.Dimension{5}, nil},
		{"typical IOP: moderate relapse risk, limited support", placement.Input{Ratings: ratings(1, 0, 1, 2, 2, 2), Diagnosis: placement.Moderate},
			placement.IntensiveOutpatient, []placement.Dimension{4, 5, 6}, nil},
		{"moderate withdrawal, monitored in IOP", placement.Input{Ratings: ratings(2, 0, 1, 1, 2, 1), Diagnosis: placement.Moderate},
			placement.IntensiveOutpatient, []placement.Dimension{1, 5}, nil},
		{"high withdrawal risk goes first", placement.Input{Ratings: ratings(3, 1, 1, 1, 2, 1), Diagnosis: placement.Severe},
			placement.WithdrawalManagement, []placement.Dimension{1}, []placement.Dimension{5}},
		{"severe withdrawal and an unsafe home", placement.Input{Ratings: ratings(4, 1, 1, 2, 3, 4), Diagnosis: placement.Severe},
			placement.WithdrawalManagement, []placement.Dimension{1}, []placement.Dimension{6, 5, 4}},
		{"needs 24-hour medical monitoring", placement.Input{Ratings: ratings(1, 3, 1, 1, 2, 1), Diagnosis: placement.Moderate},
			placement.Residential, []placement.Dimension{2}, []placement.Dimension{5}},
		{"psychiatric symptoms need daily structure", placement.Input{Ratings: ratings(0, 0, 3, 1, 2, 1), Diagnosis: placement.Moderate},
			placement.PartialHospitalization, []placement.Dimension{3}, []placement.Dimension{5}},
		{"severe psychiatric symptoms", placement.Input{Ratings: ratings(0, 0, 4, 1, 2, 1), Diagnosis: placement.Moderate},
			placement.Residential, []placement.Dimension{3}, []placement.Dimension{5}},
		{"readiness alone stays outpatient-intensive", placement.Input{Ratings: ratings(0, 0, 0, 4, 1, 0), Diagnosis: placement.Mild},
			placement.IntensiveOutpatient, []placement.Dimension{4}, []placement.Dimension{5}},
		{"high relapse risk", placement.Input{Ratings: ratings(0, 0, 1, 2, 3, 2), Diagnosis: placement.Severe},
			placement.PartialHospitalization, []placement.Dimension{5}, []placement.Dimension{4, 6}},
		{"use continues despite treatment", placement.Input{Ratings: ratings(1, 0, 1, 2, 4, 2), Diagnosis: placement.Severe},
			placement.Residential, []placement.Dimension{5}, []placement.Dimension{4, 6}},
		{"people at home use", placement.Input{Ratings: ratings(0, 0, 1, 1, 2, 3), Diagnosis: placement.Moderate},
			placement.Residential, []placement.Dimension{6}, []placement.Dimension{5}},
		{"step-down: risks have fallen", placement.Input{Ratings: ratings(0, 0, 1, 1, 1, 1), Diagnosis: placement.Moderate},
			placement.Outpatient, []placement.Dimension{5}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, err := placement.Recommend(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Level != c.level || rec.Crisis {
				t.Fatalf("level %s (crisis %v), want %s; reasons %+v", rec.Level, rec.Crisis, c.level, rec.Reasons)
			}
			var drive, other []placement.Dimension
			for _, r := range rec.Reasons {
				if r.Dimension == 0 {
					continue
				}
				if r.Drives {
					drive = append(drive, r.Dimension)
				} else {
					other = append(other, r.Dimension)
				}
				if r.Rating != c.in.Ratings[r.Dimension] || r.Text == "" {
					t.Errorf("reason for dimension %d: %+v", r.Dimension, r)
				}
			}
			if !sameSet(drive, c.driving) || !sameSet(other, c.considers) {
				t.Errorf("driving %v (want %v), considered %v (want %v)", drive, c.driving, other, c.considers)
			}
			if len(rec.Reasons) == 0 || !rec.Reasons[0].Drives {
				t.Errorf("the first reason must be one that drives the level: %+v", rec.Reasons)
			}
			if rec.Notes[0] != placement.Disclaimer {
				t.Error("the recommendation does not say it is decision support")
			}
		})
	}
}

func sameSet(a, b []placement.Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[placement.Dimension]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestCrisisOverridesEverything: crisis findings send to emergency help,
// first in the reasons, and no dimension "places" the person.
func TestCrisisOverridesEverything(t *testing.T) {
	in := placement.Input{Ratings: ratings(0, 0, 2, 1, 1, 1), Diagnosis: placement.Mild,
		Crisis:   []string{"Thoughts of suicide in the past two weeks."},
		Evidence: [7][]string{3: {"PHQ-9 item 9: several days"}}}
	rec, err := placement.Recommend(in)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Level != placement.Emergency || !rec.Crisis || rec.Reasons[0].Text != in.Crisis[0] || !rec.Reasons[0].Drives {
		t.Fatalf("crisis: %+v", rec)
	}
	for _, r := range rec.Reasons[1:] {
		if r.Drives {
			t.Errorf("a dimension drives during a crisis: %+v", r)
		}
		if r.Dimension == 3 && (len(r.Evidence) != 1 || r.Evidence[0] != "PHQ-9 item 9: several days") {
			t.Errorf("evidence lost: %+v", r)
		}
	}
}

func TestUnknownDiagnosisNote(t *testing.T) {
	rec, _ := placement.Recommend(placement.Input{})
	if rec.Level != placement.Outpatient || len(rec.Notes) < 2 || !strings.Contains(rec.Notes[1], "early intervention") {
		t.Fatalf("%+v", rec)
	}
}

func TestRatingsOutOfRangeAreRefused(t *testing.T) {
	_, err := placement.Recommend(placement.Input{Ratings: ratings(5, 0, -1)})
	var pe *placement.ProblemsError
	if !errors.As(err, &pe) || pe.Problems["dimension_1"] == "" || pe.Problems["dimension_3"] == "" || len(pe.Problems) != 2 {
		t.Fatalf("got %v", err)
	}
}

// TestSeverityFromCriteria: DSM-5: 2-3 criteria mild, 4-5 moderate, 6+ severe.
func TestSeverityFromCriteria(t *testing.T) {
	want := map[int]placement.Severity{0: placement.NoSUD, 1: placement.NoSUD, 2: placement.Mild, 3: placement.Mild,
		4: placement.Moderate, 5: placement.Moderate, 6: placement.Severe, 11: placement.Severe}
	for n, s := range want {
		if got := placement.SeverityOf(n); got != s {
			t.Errorf("%d criteria: %s, want %s", n, got, s)
		}
	}
}

// TestDocListsEveryRule keeps docs/placement.md and the rule table equal.
func TestDocListsEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../docs/placement.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| (\\d) \\| (\\d)\\+ \\| `([a-z_]+)` \\| (.+) \\|$")
	rows := row.FindAllStringSubmatch(string(doc), -1)
	if len(rows) != len(placement.Rules) {
		t.Fatalf("docs/placement.md lists %d rules, the code has %d", len(rows), len(placement.Rules))
	}
	for i, m := range rows {
		d, _ := strconv.Atoi(m[1])
		min, _ := strconv.Atoi(m[2])
		r := placement.Rules[i]
		if placement.Dimension(d) != r.Dimension || min != r.MinRating || placement.Level(m[3]) != r.Level || m[4] != r.Why {
			t.Errorf("rule %d: doc says dimension %d, %d+, %s; code says %d, %d+, %s", i+1, d, min, m[3], r.Dimension, r.MinRating, r.Level)
		}
	}
}

// TestLevelsAreEpisodeLevels: every level a recommendation can name, except
// emergency, is a level an episode of care can be admitted at.
func TestLevelsAreEpisodeLevels(t *testing.T) {
	for _, r := range placement.Rules {
		if !model.LevelOfCare(r.Level).Valid() {
			t.Errorf("rule level %q is not a model.LevelOfCare", r.Level)
		}
	}
	if model.LevelOfCare(placement.Emergency).Valid() {
		t.Error("emergency must never be an episode's level")
	}
}
