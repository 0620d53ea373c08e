package instrument_test

// The expected bands, cut-offs and flags below come from the published
// scoring rules, not from the code under test:
//   PHQ-9: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613
//          (5, 10, 15, 20 = mild, moderate, moderately severe, severe).
//   PHQ-2: Kroenke, Spitzer & Williams, Med Care 2003;41:1284-92 (>= 3 positive).
//   GAD-7: Spitzer et al., Arch Intern Med 2006;166:1092-7 (5, 10, 15).
//   GAD-2: Kroenke et al., Ann Intern Med 2007;146:317-25 (>= 3 positive).
//   ASQ:   NIMH ASQ Suicide Risk Screening Toolkit (Yes to any of questions
//          1-4 positive; question 5 acuity, not scored); see suicide_test.go.
//   AUDIT: Babor et al., WHO 2001 (zones 0-7, 8-15, 16-19, 20-40; skip rules
//          after question 1 and questions 2-3).
//   AUDIT-C: Bush et al. 1998; Bradley et al. 2007 (>= 4 men, >= 3 women).
//   DAST-10: Skinner 1982 (0; 1-2; 3-5; 6-8; 9-10; question 3 reversed).
//   CIWA-Ar: Sullivan et al., Br J Addict 1989;84:1353-7 (0-67; bands as
//          CamCOPS: <8 minimal, 8-14 moderate, >=15 severe).
//   COWS:  Wesson & Ling, J Psychoactive Drugs 2003;35:253-9 (0-48; 5-12
//          mild, 13-24 moderate, 25-36 moderately severe, >36 severe).
// See also shared/reference/clinical.md §3.1.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/instrument"
)

// answersTotalling fills an instrument's scored items, in order, with the
// highest values first, so the answers add up to total exactly. Items the
// form may skip are still answered (with 0 when nothing is left).
func answersTotalling(t *testing.T, in *instrument.Instrument, total int) map[string]int {
	t.Helper()
	a := map[string]int{}
	left := total
	for _, it := range in.Items {
		if it.Optional {
			continue
		}
		best := -1
		for _, o := range it.Options {
			if o.Value <= left && o.Value > best {
				best = o.Value
			}
		}
		if best < 0 {
			t.Fatalf("%s: no option of %s fits %d", in.Code, it.ID, left)
		}
		a[it.ID] = best
		left -= best
	}
	if left != 0 {
		t.Fatalf("%s: cannot reach a total of %d", in.Code, total)
	}
	return a
}

func mustGet(t *testing.T, code string) *instrument.Instrument {
	t.Helper()
	in := instrument.Get(code)
	if in == nil {
		t.Fatalf("no instrument %q", code)
	}
	return in
}

func hasFlag(r instrument.Result, code string) bool {
	for _, f := range r.Flags {
		if f.Code == code {
			return true
		}
	}
	return false
}

func TestBandsAtEveryBoundary(t *testing.T) {
	cases := []struct {
		code  string
		total int
		band  string
	}{
		{"phq-9", 0, "minimal"}, {"phq-9", 4, "minimal"}, {"phq-9", 5, "mild"}, {"phq-9", 9, "mild"},
		{"phq-9", 10, "moderate"}, {"phq-9", 14, "moderate"}, {"phq-9", 15, "moderately severe"},
		{"phq-9", 19, "moderately severe"}, {"phq-9", 20, "severe"}, {"phq-9", 27, "severe"},
		{"phq-2", 0, "negative screen"}, {"phq-2", 2, "negative screen"}, {"phq-2", 3, "positive screen"}, {"phq-2", 6, "positive screen"},
		{"gad-7", 0, "minimal"}, {"gad-7", 4, "minimal"}, {"gad-7", 5, "mild"}, {"gad-7", 9, "mild"},
		{"gad-7", 10, "moderate"}, {"gad-7", 14, "moderate"}, {"gad-7", 15, "severe"}, {"gad-7", 21, "severe"},
		{"gad-2", 2, "negative screen"}, {"gad-2", 3, "positive screen"},
		{"asq", 0, "negative"}, // positive totals need question 5: see suicide_test.go
		{"audit", 0, "zone I: low risk"}, {"audit", 7, "zone I: low risk"}, {"audit", 8, "zone II: hazardous use"},
		{"audit", 15, "zone II: hazardous use"}, {"audit", 16, "zone III: harmful use"}, {"audit", 19, "zone III: harmful use"},
		{"audit", 20, "zone IV: possible dependence"}, {"audit", 40, "zone IV: possible dependence"},
		{"dast-10", 0, "no problems reported"}, {"dast-10", 1, "low level"}, {"dast-10", 2, "low level"},
		{"dast-10", 3, "moderate level"}, {"dast-10", 5, "moderate level"}, {"dast-10", 6, "substantial level"},
		{"dast-10", 8, "substantial level"}, {"dast-10", 9, "severe level"}, {"dast-10", 10, "severe level"},
		{"ciwa-ar", 0, "minimal"}, {"ciwa-ar", 7, "minimal"}, {"ciwa-ar", 8, "moderate"}, {"ciwa-ar", 14, "moderate"},
		{"ciwa-ar", 15, "severe"}, {"ciwa-ar", 67, "severe"},
		{"cows", 0, "no active withdrawal"}, {"cows", 4, "no active withdrawal"}, {"cows", 5, "mild"}, {"cows", 12, "mild"},
		{"cows", 13, "moderate"}, {"cows", 24, "moderate"}, {"cows", 25, "moderately severe"}, {"cows", 36, "moderately severe"},
		{"cows", 37, "severe"}, {"cows", 48, "severe"},
	}
	for _, c := range cases {
		in := mustGet(t, c.code)
		r, err := in.Score(answersTotalling(t, in, c.total), "")
		if err != nil {
			t.Fatalf("%s total %d: %v", c.code, c.total, err)
		}
		if r.Total != c.total || r.Band != c.band {
			t.Errorf("%s total %d: got total %d band %q, want %q", c.code, c.total, r.Total, r.Band, c.band)
		}
	}
}

func TestMaxScores(t *testing.T) {
	want := map[string]int{"phq-9": 27, "phq-2": 6, "gad-7": 21, "gad-2": 6, "asq": 4, "audit": 40, "audit-c": 12, "dast-10": 10,
		"ciwa-ar": 67, "cows": 48}
	for code, m := range want {
		if got := mustGet(t, code).MaxScore(); got != m {
			t.Errorf("%s max = %d, want %d", code, got, m)
		}
	}
	if len(instrument.All()) != len(want) {
		t.Errorf("%d instruments registered, the test knows %d", len(instrument.All()), len(want))
	}
}

// TestPHQ9ItemNineFlagsWhateverTheTotal: any answer above "Not at all" on
// item 9 is an urgent suicide-risk flag, even with a minimal total.
func TestPHQ9ItemNineFlagsWhateverTheTotal(t *testing.T) {
	in := mustGet(t, "phq-9")
	for q9 := 0; q9 <= 3; q9++ {
		a := answersTotalling(t, in, 0)
		a["q9"] = q9
		r, err := in.Score(a, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := hasFlag(r, instrument.SuicideRiskFlag); got != (q9 > 0) || r.Urgent() != (q9 > 0) {
			t.Errorf("item 9 = %d: suicide flag %v, urgent %v", q9, got, r.Urgent())
		}
		if q9 == 1 && r.Band != "minimal" {
			t.Errorf("item 9 = 1 alone: band %q, want minimal (the flag, not the band, carries the risk)", r.Band)
		}
	}
	// 20 points with item 9 at 0: severe, but no suicide flag.
	a := answersTotalling(t, in, 20)
	if a["q9"] != 0 {
		t.Fatalf("the fixture put points on item 9: %v", a)
	}
	r, _ := in.Score(a, "")
	if hasFlag(r, instrument.SuicideRiskFlag) {
		t.Error("suicide flag raised with item 9 at 0")
	}
}

func TestScreenFlagsAtTheirCutOffs(t *testing.T) {
	cases := []struct {
		code, flag string
		below, at  int
	}{
		{"phq-9", "depression_likely", 9, 10},
		{"phq-2", "positive_screen", 2, 3},
		{"gad-7", "anxiety_likely", 9, 10},
		{"gad-2", "positive_screen", 2, 3},
		{"dast-10", "further_assessment", 2, 3},
		{"ciwa-ar", instrument.WithdrawalFlag, 14, 15},
		{"cows", instrument.WithdrawalFlag, 24, 25},
	}
	for _, c := range cases {
		in := mustGet(t, c.code)
		for total, want := range map[int]bool{c.below: false, c.at: true} {
			r, err := in.Score(answersTotalling(t, in, total), "")
			if err != nil {
				t.Fatal(err)
			}
			if hasFlag(r, c.flag) != want {
				t.Errorf("%s at %d: flag %s = %v, want %v", c.code, total, c.flag, !want, want)
			}
		}
	}
}

// TestAUDITCCutOffsBySex: positive at 3+ for women, 4+ for men; without sex
// the lower cut-off applies and the result says so.
func TestAUDITCCutOffsBySex(t *testing.T) {
	in := mustGet(t, "audit-c")
	cases := []struct {
		sex      instrument.Sex
		total    int
		positive bool
	}{
		{instrument.Female, 2, false}, {instrument.Female, 3, true},
		{instrument.Male, 3, false}, {instrument.Male, 4, true},
		{"", 2, false}, {"", 3, true},
		{instrument.Male, 12, true}, {instrument.Female, 0, false},
	}
	for _, c := range cases {
		r, err := in.Score(answersTotalling(t, in, c.total), c.sex)
		if err != nil {
			t.Fatal(err)
		}
		band := "negative screen"
		if c.positive {
			band = "positive screen"
		}
		if r.Band != band || hasFlag(r, "positive_screen") != c.positive {
			t.Errorf("AUDIT-C %d, sex %q: band %q, want %q", c.total, c.sex, r.Band, band)
		}
		if c.sex == "" && !strings.Contains(strings.Join(r.Notes, " "), "Sex not given") {
			t.Errorf("AUDIT-C without sex does not say which cut-off applied: %v", r.Notes)
		}
	}
	if _, err := in.Score(map[string]int{"q1": 1, "q2": 1, "q3": 1}, "unknown"); err == nil {
		t.Error("an unknown sex was accepted")
	}
}

// TestAUDITSubscalesAndFlags: dependence (questions 4-6) at 4 or more, and
// any point on questions 7-10, are flagged.
func TestAUDITSubscalesAndFlags(t *testing.T) {
	in := mustGet(t, "audit")
	base := map[string]int{"q1": 2, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 0, "q10": 0}
	with := func(changes map[string]int) map[string]int {
		a := map[string]int{}
		for k, v := range base {
			a[k] = v
		}
		for k, v := range changes {
			a[k] = v
		}
		return a
	}
	cases := []struct {
		changes          map[string]int
		dependence, harm bool
	}{
		{nil, false, false},
		{map[string]int{"q4": 1, "q5": 1, "q6": 1}, false, false},
		{map[string]int{"q4": 2, "q5": 1, "q6": 1}, true, false},
		{map[string]int{"q7": 1}, false, true},
		{map[string]int{"q9": 2}, false, true},
		{map[string]int{"q10": 4}, false, true},
	}
	for _, c := range cases {
		r, err := in.Score(with(c.changes), "")
		if err != nil {
			t.Fatal(err)
		}
		if hasFlag(r, "dependence_symptoms") != c.dependence || hasFlag(r, "alcohol_related_harm") != c.harm {
			t.Errorf("%v: flags %+v", c.changes, r.Flags)
		}
		if r.Subscales["consumption"]+r.Subscales["dependence"]+r.Subscales["harm"] != r.Total {
			t.Errorf("%v: subscales %v do not add up to %d", c.changes, r.Subscales, r.Total)
		}
	}
}

// TestAUDITSkipInstructions: "Never" on question 1 skips to 9 and 10; a
// total of 0 on questions 2 and 3 does too. Otherwise every question is
// needed.
func TestAUDITSkipInstructions(t *testing.T) {
	in := mustGet(t, "audit")
	r, err := in.Score(map[string]int{"q1": 0, "q9": 2, "q10": 0}, "")
	if err != nil || r.Total != 2 {
		t.Fatalf("non-drinker with a past injury: %v, total %d; want 2", err, r.Total)
	}
	r, err = in.Score(map[string]int{"q1": 1, "q2": 0, "q3": 0, "q9": 0, "q10": 2}, "")
	if err != nil || r.Total != 3 {
		t.Fatalf("questions 2+3 = 0: %v, total %d; want 3", err, r.Total)
	}
	_, err = in.Score(map[string]int{"q1": 1, "q2": 1, "q3": 0, "q9": 0, "q10": 0}, "")
	var pe *instrument.ProblemsError
	if !errors.As(err, &pe) || pe.Problems["q4"] == "" || pe.Problems["q8"] == "" {
		t.Fatalf("drinking reported but questions 4-8 missing: %v", err)
	}
	if r, err := mustGet(t, "audit-c").Score(map[string]int{"q1": 0}, instrument.Male); err != nil || r.Total != 0 || r.Band != "negative screen" {
		t.Fatalf("AUDIT-C non-drinker: %+v %v", r, err)
	}
}

// TestDAST10QuestionThreeIsReversed: "No" to "Are you always able to stop
// using drugs when you want to?" scores the point.
func TestDAST10QuestionThreeIsReversed(t *testing.T) {
	in := mustGet(t, "dast-10")
	noOption := func(id string) int {
		for _, it := range in.Items {
			if it.ID == id {
				for _, o := range it.Options {
					if o.Label == "No" {
						return o.Value
					}
				}
			}
		}
		t.Fatalf("no No option on %s", id)
		return 0
	}
	allNo := map[string]int{}
	for i := 1; i <= 10; i++ {
		id := fmt.Sprintf("q%d", i)
		allNo[id] = noOption(id)
	}
	r, err := in.Score(allNo, "")
	if err != nil || r.Total != 1 || r.Band != "low level" {
		t.Fatalf("all No: total %d band %q (%v); want 1, low level", r.Total, r.Band, err)
	}
}

// TestSevereWithdrawalIsUrgent: a severe withdrawal score is an urgent flag,
// to be shown with emergency guidance first.
func TestSevereWithdrawalIsUrgent(t *testing.T) {
	for code, at := range map[string]int{"ciwa-ar": 15, "cows": 25} {
		in := mustGet(t, code)
		r, err := in.Score(answersTotalling(t, in, at), "")
		if err != nil || !r.Urgent() {
			t.Errorf("%s at %d: urgent %v (%v)", code, at, r.Urgent(), err)
		}
		r, _ = in.Score(answersTotalling(t, in, at-1), "")
		if r.Urgent() {
			t.Errorf("%s at %d: urgent below the cut-off", code, at-1)
		}
	}
	// COWS items have gaps in their scales: 2 is not a gooseflesh rating.
	a := answersTotalling(t, mustGet(t, "cows"), 0)
	a["gooseflesh"] = 2
	if _, err := mustGet(t, "cows").Score(a, ""); err == nil {
		t.Error("COWS gooseflesh accepted 2")
	}
}

func TestInvalidAnswersAreRefusedWithEveryProblem(t *testing.T) {
	in := mustGet(t, "phq-9")
	_, err := in.Score(map[string]int{"q1": 4, "q2": -1, "q3": 1, "bogus": 1}, "")
	var pe *instrument.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v", err)
	}
	for _, id := range []string{"q1", "q2", "q4", "q9", "bogus"} {
		if pe.Problems[id] == "" {
			t.Errorf("no problem reported for %s: %v", id, pe.Problems)
		}
	}
	if pe.Problems["difficulty"] != "" || pe.Problems["q3"] != "" {
		t.Errorf("problems reported for an optional or valid item: %v", pe.Problems)
	}
	if !strings.Contains(pe.Problems["q1"], "0, 1, 2, 3") {
		t.Errorf("the message does not say what is allowed: %q", pe.Problems["q1"])
	}
	// AUDIT questions 9 and 10 take 0, 2 or 4 only.
	a := answersTotalling(t, mustGet(t, "audit"), 0)
	a["q9"] = 1
	if _, err := mustGet(t, "audit").Score(a, ""); err == nil {
		t.Error("AUDIT question 9 accepted 1")
	}
}

func TestEveryInstrumentIsComplete(t *testing.T) {
	for _, in := range instrument.All() {
		if in.Code == "" || in.Title == "" || in.Instructions == "" || in.Citation == "" || in.Licence == "" || in.ScoringNote == "" {
			t.Errorf("%s lacks a title, instructions, citation, licence or scoring note", in.Code)
		}
		ids := map[string]bool{}
		for _, it := range in.Items {
			if ids[it.ID] || it.Text == "" || len(it.Options) < 2 {
				t.Errorf("%s item %s: duplicate id, no text or too few options", in.Code, it.ID)
			}
			ids[it.ID] = true
		}
		if instrument.Get(strings.ToUpper(in.Code)) != in {
			t.Errorf("Get(%q) does not find it", strings.ToUpper(in.Code))
		}
		// Bands, where given, cover 0..max without gaps or overlaps.
		if len(in.Bands) > 0 {
			next := 0
			for _, b := range in.Bands {
				if b.Min != next || b.Max < b.Min {
					t.Errorf("%s bands do not run on from %d: %+v", in.Code, next, b)
				}
				next = b.Max + 1
			}
			if next != in.MaxScore()+1 {
				t.Errorf("%s bands end at %d, max is %d", in.Code, next-1, in.MaxScore())
			}
		}
	}
	if instrument.Get("no-such") != nil {
		t.Error("Get found an unknown code")
	}
}
