package instrument_test

// The expected ASQ results below come from the NIMH ASQ Suicide Risk
// Screening Toolkit (https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials;
// Horowitz et al., Arch Pediatr Adolesc Med 2012;166:1170-6 and
// Psychosomatics 2020;61:713-22), not from the code under test:
//   - No to questions 1 to 4: negative screen; question 5 is not asked.
//   - Yes to any of questions 1 to 4: positive screen, and question 5 is asked.
//     Yes to question 5: acute positive screen (imminent risk: STAT safety and
//     full mental health evaluation; the person may not leave until evaluated).
//     No: non-acute positive screen (potential risk: brief suicide safety
//     assessment before the person leaves).
// Question 5 is not part of the 4-question total; a Yes to it is never hidden.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/instrument"
)

// asqAnswers returns all No on questions 1 to 4, with changes applied.
func asqAnswers(changes map[string]int) map[string]int {
	a := map[string]int{"q1": 0, "q2": 0, "q3": 0, "q4": 0}
	for k, v := range changes {
		a[k] = v
	}
	return a
}

func suicideFlag(t *testing.T, r instrument.Result) instrument.Flag {
	t.Helper()
	for _, f := range r.Flags {
		if f.Code == instrument.SuicideRiskFlag {
			if !f.Urgent {
				t.Errorf("the suicide risk flag is not urgent: %+v", f)
			}
			return f
		}
	}
	t.Fatalf("no %s flag: %+v", instrument.SuicideRiskFlag, r.Flags)
	return instrument.Flag{}
}

// checkCrisisMessage: every positive screen points to the pathway and to
// crisis resources.
func checkCrisisMessage(t *testing.T, msg string) {
	t.Helper()
	for _, want := range []string{"pathway", "988", "call or text 988", "911"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %s", want, msg)
		}
	}
}

func TestASQNegativeScreen(t *testing.T) {
	in := mustGet(t, "asq")
	for _, a := range []map[string]int{asqAnswers(nil), asqAnswers(map[string]int{"q5": 0})} {
		r, err := in.Score(a, "")
		if err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		if r.Total != 0 || r.Max != 4 || r.Band != "negative" || len(r.Flags) != 0 || r.Urgent() {
			t.Errorf("%v: %+v, want total 0 of 4, negative, no flags", a, r)
		}
	}
	if p := in.Problems(asqAnswers(nil)); len(p) != 0 {
		t.Errorf("all No without question 5: problems %v", p)
	}
}

// TestASQEachQuestionAloneIsPositive: Yes to any one of questions 1 to 4 is
// a positive screen; question 5 is then required and decides acuity.
func TestASQEachQuestionAloneIsPositive(t *testing.T) {
	in := mustGet(t, "asq")
	for _, q := range []string{"q1", "q2", "q3", "q4"} {
		// Question 5 left out: refused, and the problem names question 5.
		_, err := in.Score(asqAnswers(map[string]int{q: 1}), "")
		var pe *instrument.ProblemsError
		if !errors.As(err, &pe) {
			t.Fatalf("%s Yes without question 5: %v", q, err)
		}
		if len(pe.Problems) != 1 || !strings.Contains(pe.Problems["q5"], "question 5") ||
			!strings.Contains(pe.Problems["q5"], "Yes") {
			t.Errorf("%s Yes without question 5: problems %v", q, pe.Problems)
		}

		// Question 5 No: non-acute positive.
		r, err := in.Score(asqAnswers(map[string]int{q: 1, "q5": 0}), "")
		if err != nil {
			t.Fatalf("%s Yes, q5 No: %v", q, err)
		}
		if r.Total != 1 || r.Band != "non-acute positive" || !r.Urgent() || !hasFlag(r, instrument.SuicideRiskFlag) {
			t.Errorf("%s Yes, q5 No: %+v, want total 1, non-acute positive, urgent suicide flag", q, r)
		}
		f := suicideFlag(t, r)
		checkCrisisMessage(t, f.Message)
		if !strings.Contains(f.Message, "brief suicide safety assessment") || !strings.Contains(f.Message, "before the person leaves") {
			t.Errorf("%s non-acute message: %s", q, f.Message)
		}
		if strings.Contains(f.Message, "imminent") {
			t.Errorf("%s non-acute message speaks of imminent risk: %s", q, f.Message)
		}

		// Question 5 Yes: acute positive; question 5 adds nothing to the total.
		r, err = in.Score(asqAnswers(map[string]int{q: 1, "q5": 1}), "")
		if err != nil {
			t.Fatalf("%s Yes, q5 Yes: %v", q, err)
		}
		if r.Total != 1 || r.Band != "acute positive" || !r.Urgent() {
			t.Errorf("%s Yes, q5 Yes: %+v, want total 1, acute positive, urgent", q, r)
		}
		f = suicideFlag(t, r)
		checkCrisisMessage(t, f.Message)
		for _, want := range []string{"imminent", "Do not leave the person alone", "emergency", "now"} {
			if !strings.Contains(f.Message, want) {
				t.Errorf("%s acute message lacks %q: %s", q, want, f.Message)
			}
		}
	}
}

// TestASQQuestionFiveYesIsNeverHidden: a Yes to "thoughts of killing yourself
// right now" is an acute positive screen even when questions 1 to 4 are No.
func TestASQQuestionFiveYesIsNeverHidden(t *testing.T) {
	r, err := mustGet(t, "asq").Score(asqAnswers(map[string]int{"q5": 1}), "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 0 || r.Band != "acute positive" || !r.Urgent() {
		t.Errorf("q5 Yes alone: %+v, want total 0, acute positive, urgent", r)
	}
	checkCrisisMessage(t, suicideFlag(t, r).Message)
	if !strings.Contains(strings.Join(r.Notes, " "), "Question 5") {
		t.Errorf("the result does not explain the band: %v", r.Notes)
	}
}

func TestASQTotalAndMaximum(t *testing.T) {
	in := mustGet(t, "asq")
	if in.MaxScore() != 4 {
		t.Errorf("max = %d, want 4", in.MaxScore())
	}
	r, err := in.Score(map[string]int{"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1}, "")
	if err != nil || r.Total != 4 || r.Max != 4 || r.Band != "acute positive" {
		t.Errorf("all Yes: %+v %v, want total 4 of 4, acute positive", r, err)
	}
	r, err = in.Score(map[string]int{"q1": 0, "q2": 1, "q3": 0, "q4": 1, "q5": 0}, "")
	if err != nil || r.Total != 2 || r.Band != "non-acute positive" {
		t.Errorf("q2 and q4 Yes: %+v %v, want total 2, non-acute positive", r, err)
	}
	// Yes/No only; question 5 is checked too.
	for _, a := range []map[string]int{asqAnswers(map[string]int{"q1": 2}), asqAnswers(map[string]int{"q5": 2}),
		{"q1": 1, "q2": 0, "q3": 0, "q5": 0}} {
		if _, err := in.Score(a, ""); err == nil {
			t.Errorf("%v accepted", a)
		}
	}
}

func TestASQDefinition(t *testing.T) {
	in := mustGet(t, "asq")
	if !in.Commercial || in.LOINCPanel != "" || in.LOINCTotal != "" ||
		!strings.Contains(in.Licence, "nimh.nih.gov") || !strings.Contains(in.Citation, "Horowitz") ||
		!strings.Contains(in.ScoringNote, "refus") {
		t.Errorf("ASQ definition: %+v", in)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"In the past few weeks, have you wished you were dead?",
		"In the past few weeks, have you felt that you or your family would be better off if you were dead?",
		"In the past week, have you been having thoughts about killing yourself?",
		"Have you ever tried to kill yourself?",
		"Are you having thoughts of killing yourself right now?",
	} {
		if !strings.Contains(string(b), text) {
			t.Errorf("the JSON lacks %q", text)
		}
	}
	if !strings.Contains(string(b), `"code":"asq"`) {
		t.Errorf("the JSON lacks the code: %s", b)
	}
}
