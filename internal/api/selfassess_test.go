package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

const steadyJSON = `{"answers":{"medical_emergency_now":"no","severe_withdrawal_now":"no","age":34,"sex":"female","substances":["alcohol"],
"frequency":"several_weekly","audit_c_q1":3,"audit_c_q2":2,"audit_c_q3":2,"phq_q1":1,"phq_q2":2,"phq_q9":0,"gad_q1":2,"gad_q2":1,
"withdrawal_history":"no","withdrawal_now":"no","daily_heavy_alcohol":"no","serious_medical":"no","pregnant":"no","stable_housing":"yes",
"safe_home":"yes","others_use_at_home":"yes","supportive_person":"yes","duties":["work"],"recent_treatment":"none","readiness":8,"can_attend":"yes"}}`

// countingStore counts what is saved.
type countingStore struct {
	*store.DB
	saved int
}

func (c *countingStore) SaveSelfAssessment(ctx context.Context, sa *store.SelfAssessment, keep time.Duration) error {
	c.saved++
	return c.DB.SaveSelfAssessment(ctx, sa, keep)
}

func newSelfAssessAPI(t *testing.T) (*httptest.Server, *countingStore) {
	cs := &countingStore{DB: testutil.OpenDB(t, store.SQLite)}
	ts := httptest.NewServer(api.NewHandler(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SelfAssessments: cs}))
	t.Cleanup(ts.Close)
	return ts, cs
}

func TestSelfAssessmentAPI(t *testing.T) {
	ts, cs := newSelfAssessAPI(t)
	code, _, body := call(t, ts, "POST", "/api/v1/self-assessments", "application/json", steadyJSON)
	if code != 200 || body["level"] != "intensive_outpatient" || body["crisis"] != false || body["id"] == "" {
		t.Fatalf("steady answers: %d %v", code, body)
	}
	sa, err := cs.GetSelfAssessment(t.Context(), body["id"].(string))
	if err != nil || sa.Level != "intensive_outpatient" || !strings.Contains(sa.Answers, `"audit_c_q1":["3"]`) {
		t.Fatalf("kept self-assessment: %+v %v", sa, err)
	}
	crisis := strings.Replace(steadyJSON, `"phq_q9":0`, `"phq_q9":2`, 1)
	if code, _, body := call(t, ts, "POST", "/api/v1/self-assessments", "application/json", crisis); code != 200 || body["crisis"] != true || body["level"] != "emergency" {
		t.Fatalf("crisis answers: %d %v", code, body)
	}
	saved := cs.saved
	for name, c := range map[string]struct {
		body string
		code int
	}{
		"malformed":        {`{"answers": {`, 400},
		"two objects":      {`{"answers": {}} {}`, 400},
		"unknown field":    {`{"answers": {}, "name": "Dana"}`, 400},
		"no answers":       {`{}`, 400},
		"oversized":        {`{"answers": {"age": "` + strings.Repeat("9", 20<<10) + `"}}`, 400},
		"wrong shape":      {`{"answers": {"age": {"years": 34}}}`, 422},
		"incomplete":       {`{"answers": {"age": 34}}`, 422},
		"unknown key":      {strings.Replace(steadyJSON, `"age":34`, `"age":34,"shoe_size":9`, 1), 422},
		"age out of range": {strings.Replace(steadyJSON, `"age":34`, `"age":300`, 1), 422},
	} {
		code, _, body := call(t, ts, "POST", "/api/v1/self-assessments", "application/json", c.body)
		if code != c.code {
			t.Errorf("%s: %d %v, want %d", name, code, body, c.code)
		}
	}
	if cs.saved != saved {
		t.Errorf("refused requests saved %d self-assessments", cs.saved-saved)
	}
	code, _, schema := call(t, ts, "GET", "/api/v1/self-assessments/schema", "", "")
	if code != 200 || len(schema["sections"].([]any)) < 5 {
		t.Fatalf("schema: %d", code)
	}
}
