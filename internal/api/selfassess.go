package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/selfassess"
	"github.com/openiop/openiop/internal/store"
)

// SelfAssessments keeps self-assessments for a day so that an inquiry can
// attach one, and counts requests per address.
type SelfAssessments interface {
	SaveSelfAssessment(ctx context.Context, sa *store.SelfAssessment, keepFor time.Duration) error
	Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error)
}

// How long unsent answers are kept, and how many an address may send an hour.
const (
	selfAssessKeep    = 24 * time.Hour
	selfAssessPerHour = 60
)

// selfAssessSchema answers GET /api/v1/self-assessments/schema: the
// sections, questions, answer options and keys.
func (h *Handler) selfAssessSchema(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, "public, max-age=3600", struct {
		Sections []selfassess.Section `json:"sections"`
	}{selfassess.Sections})
}

// selfAssessCreate answers POST /api/v1/self-assessments: it scores the
// answers, keeps them anonymously for a day under the returned id, and
// returns the recommendation with its reasons.
func (h *Handler) selfAssessCreate(w http.ResponseWriter, r *http.Request) error {
	if h.SelfAssessments == nil {
		return problem{Status: http.StatusServiceUnavailable, Title: "Not available", Detail: "Self-assessments are not stored by this server."}
	}
	sum := sha256.Sum256([]byte("api-self-assessment|" + httpx.ClientIP(r, h.TrustProxy)))
	ok, err := h.SelfAssessments.Hit(r.Context(), "api-self-assessment:"+hex.EncodeToString(sum[:16]), time.Hour, selfAssessPerHour)
	if err != nil {
		return err
	}
	if !ok {
		return problem{Status: http.StatusTooManyRequests, Title: "Too many requests", Detail: "Try again in an hour."}
	}
	var req struct {
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if err := readJSON(w, r, &req); err != nil {
		var p problem
		if errors.As(err, &p) && p.Status == http.StatusRequestEntityTooLarge {
			p.Status = http.StatusBadRequest // the contract: any unreadable body is a 400
			return p
		}
		return err
	}
	if req.Answers == nil {
		return problem{Status: http.StatusBadRequest, Title: "No answers",
			Detail: `Send {"answers": {"<question key>": <answer>, ...}}; GET /api/v1/self-assessments/schema lists the keys.`}
	}
	answers, bad := selfassess.AnswersFromJSON(req.Answers)
	if len(bad) > 0 {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Answers invalid", Detail: "Correct the answers listed in errors.", Errors: bad}
	}
	res, err := selfassess.Assess(answers)
	var pe *selfassess.ProblemsError
	if errors.As(err, &pe) {
		return problem{Status: http.StatusUnprocessableEntity, Title: "Answers incomplete or invalid",
			Detail: "Correct the answers listed in errors.", Errors: pe.Problems}
	}
	if err != nil {
		return err
	}
	a, _ := json.Marshal(answers)
	summary, _ := json.Marshal(res.Summarize(""))
	sa := store.SelfAssessment{Answers: string(a), Result: string(summary), Level: string(res.Recommendation.Level), Crisis: res.Recommendation.Crisis}
	if err := h.SelfAssessments.SaveSelfAssessment(r.Context(), &sa, selfAssessKeep); err != nil {
		return err
	}
	return writeJSON(w, "no-store", res.Summarize(sa.ID))
}
