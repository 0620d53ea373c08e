package selfassess_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/instrument"
	"github.com/openiop/openiop/internal/placement"
	"github.com/openiop/openiop/internal/selfassess"
)

func steady() selfassess.Answers {
	a := selfassess.Answers{}
	for k, v := range map[string]string{"medical_emergency_now": "no", "severe_withdrawal_now": "no", "age": "34", "sex": "female",
		"frequency": "several_weekly", "audit_c_q1": "3", "audit_c_q2": "2", "audit_c_q3": "2",
		"phq_q1": "1", "phq_q2": "2", "phq_q9": "0", "gad_q1": "2", "gad_q2": "1", "withdrawal_history": "no", "withdrawal_now": "no",
		"daily_heavy_alcohol": "no", "serious_medical": "no", "pregnant": "no", "stable_housing": "yes", "safe_home": "yes",
		"others_use_at_home": "yes", "supportive_person": "yes", "recent_treatment": "none", "readiness": "8", "can_attend": "yes"} {
		a[k] = []string{v}
	}
	a["substances"] = []string{"alcohol"}
	a["duties"] = []string{"work"}
	return a
}

// The screeners' items are the instruments' own, word for word.
func TestScreenerItemsAreThePublishedOnes(t *testing.T) {
	for _, c := range []struct{ key, code, item string }{
		{"audit_c_q1", "audit-c", "q1"}, {"dast_q3", "dast-10", "q3"}, {"phq_q9", "phq-9", "q9"}, {"gad_q2", "gad-7", "q2"},
	} {
		q, ok := selfassess.QuestionByKey(c.key)
		var want string
		for _, it := range instrument.Get(c.code).Items {
			if it.ID == c.item {
				want = it.Text
			}
		}
		if !ok || q.Text != want || q.Instrument != c.code {
			t.Errorf("%s: %q, want %q from %s", c.key, q.Text, want, c.code)
		}
	}
}

func TestAssessScoresAndRecommends(t *testing.T) {
	res, err := selfassess.Assess(steady())
	if err != nil {
		t.Fatal(err)
	}
	if res.Scores["audit_c"] != 7 || res.Scores["phq_2"] != 3 || res.Scores["gad_2"] != 3 || res.Recommendation.Level != placement.IntensiveOutpatient {
		t.Fatalf("scores %v level %s", res.Scores, res.Recommendation.Level)
	}
	if _, ok := res.Scores["dast_10"]; ok {
		t.Error("DAST-10 was scored for someone who only drinks")
	}
	// Thoughts of self-harm make it a crisis, whatever else.
	a := steady()
	a["phq_q9"] = []string{"1"}
	res, _ = selfassess.Assess(a)
	if !res.Recommendation.Crisis || res.Recommendation.Level != placement.Emergency {
		t.Fatalf("item 9 above zero: %+v", res.Recommendation)
	}
	// "Never" drinks: the other AUDIT-C questions may be left out.
	a = steady()
	a["audit_c_q1"] = []string{"0"}
	delete(a, "audit_c_q2")
	delete(a, "audit_c_q3")
	if res, err := selfassess.Assess(a); err != nil || res.Scores["audit_c"] != 0 {
		t.Fatalf("AUDIT-C after Never: %v %v", res.Scores, err)
	}
	// Someone who uses cannabis answers DAST-10, not AUDIT-C.
	a = steady()
	a["substances"] = []string{"cannabis"}
	for k := range a {
		if strings.HasPrefix(k, "audit_c_") || k == "daily_heavy_alcohol" {
			delete(a, k)
		}
	}
	if _, err := selfassess.Assess(a); err == nil {
		t.Fatal("DAST-10 unanswered was accepted")
	}
	for _, q := range instrument.Get("dast-10").Items {
		a["dast_"+q.ID] = []string{"0"}
	}
	// Yes to 1 and 10, and No to 3 ("always able to stop"), whose option
	// value is its reversed score.
	a["dast_q1"], a["dast_q10"], a["dast_q3"] = []string{"1"}, []string{"1"}, []string{"1"}
	res, err = selfassess.Assess(a)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scores["dast_10"] != 3 {
		t.Errorf("DAST-10 = %d, want 3 (question 3 is reverse-scored)", res.Scores["dast_10"])
	}
}

func TestProblemsNameEachQuestion(t *testing.T) {
	a := steady()
	delete(a, "readiness")
	a["age"] = []string{"7"}
	a["frequency"] = []string{"hourly"}
	a["substances"] = append(a["substances"], "chocolate")
	a["favourite_colour"] = []string{"blue"}
	p := selfassess.Problems(a)
	for key, want := range map[string]string{"readiness": "Please answer", "age": "from 10 to 120", "frequency": "Choose one",
		"substances": "chocolate", "favourite_colour": "no question"} {
		if !strings.Contains(p[key], want) {
			t.Errorf("%s: %q, want %q", key, p[key], want)
		}
	}
	if _, err := selfassess.Assess(a); err == nil {
		t.Error("Assess accepted answers with problems")
	}
}

func TestAnswersFromJSON(t *testing.T) {
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(`{"age": 34, "substances": ["alcohol", "cannabis"], "pregnant": false, "readiness": 7.5, "sex": {"x": 1}}`), &m)
	a, p := selfassess.AnswersFromJSON(m)
	if a.Get("age") != "34" || len(a["substances"]) != 2 || a.Get("pregnant") != "no" {
		t.Errorf("answers %v", a)
	}
	if p["readiness"] == "" || p["sex"] == "" {
		t.Errorf("a fraction and an object were accepted: %v", p)
	}
}
