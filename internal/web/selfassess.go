package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/placement"
	"github.com/openiop/openiop/internal/platform/httpx"
	"github.com/openiop/openiop/internal/selfassess"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web/form"
)

// Public form limits: generous for a person, tight for a script.
const (
	selfAssessKeep       = 24 * time.Hour // unsent answers are deleted after this
	selfAssessPerHour    = 30
	inquiriesPerHour     = 5
	publicLimiterWindow  = time.Hour
	honeypotField        = "website"
	maxAnswerValues      = 12
	selfAssessmentFormID = "self-assessment"
)

type selfAssessFormData struct {
	Sections []selfassess.Section
	Answers  selfassess.Answers
	Problems map[string]string
	// How the person would pay: asked here, never stored with the
	// anonymous answers; it travels into the result's inquiry form.
	Payers     []cost.Payer
	Payer      cost.Payer
	Household  payTyped
	Households []struct{ Value, Label string }
}

// Checked reports whether the answer to key includes v, for re-showing the form.
func (d selfAssessFormData) Checked(key, v string) bool { return d.Answers.Has(key, v) }

// selfAssessNew shows the self-assessment: one page, phone-first, the
// questions about right now first.
func (s *Server) selfAssessNew(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Is an IOP right for me?", "")
	v.Data = selfAssessFormData{Sections: selfassess.Sections, Answers: selfassess.Answers{}, Payers: cost.Payers, Households: householdSizes}
	return s.pages.Page(w, http.StatusOK, "self_assessment", &v)
}

// limited counts a public request from this address against a limit; the
// address is hashed before it is stored.
func (s *Server) limited(r *http.Request, what string, limit int) (bool, error) {
	sum := sha256.Sum256([]byte(what + "|" + httpx.ClientIP(r, s.Options.TrustProxy)))
	ok, err := s.Store.Hit(r.Context(), what+":"+hex.EncodeToString(sum[:16]), publicLimiterWindow, limit)
	return !ok, err
}

type selfAssessResultData struct {
	Result     selfassess.Result
	ID         string
	Reasons    []placement.Reason
	Tracks     []store.TrackWithCount
	Consent    string
	Inquiry    admissions.Inquiry
	Sources    []struct{ Value, Label string }
	Problems   map[string]string
	Honeypot   string
	Disclaimer string
	Pay        payView
	Payers     []cost.Payer
	Household  payTyped // as typed into the inquiry form
	Households []struct{ Value, Label string }
}

// selfAssessCreate scores the answers, keeps them briefly (anonymous) so
// the person can choose to send them, and shows the result. The result is
// the response itself, never a page at an address that a shared browser's
// history could reopen.
func (s *Server) selfAssessCreate(w http.ResponseWriter, r *http.Request) error {
	if over, err := s.limited(r, "self-assessment", selfAssessPerHour); err != nil {
		return err
	} else if over {
		return model.Errorf("web.selfAssessCreate", model.KindThrottled,
			"Too many self-assessments from this connection. Please call us instead, or try again in an hour.")
	}
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.selfAssessCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	answers := selfassess.Answers{}
	for _, sec := range selfassess.Sections {
		for _, q := range sec.Questions {
			if vals := f.Values(q.Key, maxAnswerValues, 40); len(vals) > 0 {
				answers[q.Key] = vals
			}
		}
	}
	payer, household, typed := payFields(f)
	w.Header().Set("Cache-Control", "no-store")
	res, err := selfassess.Assess(answers)
	var pe *selfassess.ProblemsError
	if errors.As(err, &pe) || !f.OK() {
		problems := f.Problems
		if pe != nil {
			f.Merge(pe.Problems)
		}
		v := s.view(r, "Is an IOP right for me?", "")
		v.Data = selfAssessFormData{Sections: selfassess.Sections, Answers: answers, Problems: problems,
			Payers: cost.Payers, Payer: payer, Household: typed, Households: householdSizes}
		return s.pages.Page(w, http.StatusUnprocessableEntity, "self_assessment", &v)
	} else if err != nil {
		return err
	}
	sa, err := s.saveSelfAssessment(r, answers, res)
	if err != nil {
		return err
	}
	return s.renderSelfAssessResult(w, r, http.StatusOK, res, sa.ID, admissions.Inquiry{Payer: payer, Household: household}, nil, nil)
}

// saveSelfAssessment keeps the answers and result for a day, anonymously.
func (s *Server) saveSelfAssessment(r *http.Request, a selfassess.Answers, res selfassess.Result) (store.SelfAssessment, error) {
	answers, err := json.Marshal(a)
	if err != nil {
		return store.SelfAssessment{}, err
	}
	result, err := json.Marshal(res.Summarize(""))
	if err != nil {
		return store.SelfAssessment{}, err
	}
	sa := store.SelfAssessment{Answers: string(answers), Result: string(result), Level: string(res.Recommendation.Level),
		Crisis: res.Recommendation.Crisis}
	return sa, s.Store.SaveSelfAssessment(r.Context(), &sa, selfAssessKeep)
}

func (s *Server) renderSelfAssessResult(w http.ResponseWriter, r *http.Request, status int, res selfassess.Result, id string,
	in admissions.Inquiry, typed *payTyped, problems map[string]string) error {
	tracks, err := s.recentTracks(r)
	if err != nil {
		return err
	}
	d := selfAssessResultData{Result: res, ID: id, Consent: admissions.Consent(s.organization(r).Name), Inquiry: in,
		Sources: admissions.ReferralSources, Problems: problems, Disclaimer: placement.Disclaimer,
		Payers: cost.Payers, Household: typedOf(in.Household), Households: householdSizes}
	if typed != nil {
		d.Household = *typed
	}
	if d.Pay, err = s.payment(r, in.Payer, in.Household); err != nil {
		return err
	}
	for _, rs := range res.Recommendation.Reasons {
		if rs.Drives {
			d.Reasons = append(d.Reasons, rs)
		}
	}
	// The tracks that fit: the person's age group, and the times they said could work.
	for _, t := range tracks {
		if (t.Population == model.Adolescents) != res.Teen {
			continue
		}
		if len(res.Times) > 0 && !slices.Contains(res.Times, string(t.Kind)) {
			continue
		}
		d.Tracks = append(d.Tracks, t)
	}
	v := s.view(r, "Your result", "")
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.Page(w, status, "self_assessment_result", &v)
}

// inquiryCreate sends the person's contact details, with their consent and
// their self-assessment, to the admissions team.
func (s *Server) inquiryCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := form.Parse(w, r)
	if err != nil {
		return model.Errorf("web.inquiryCreate", model.KindInvalid, "The form could not be read: %v", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	// A filled honeypot is a script: answer as if all went well, store nothing.
	if f.String(honeypotField, 200) != "" {
		return s.inquirySent(w, r, http.StatusOK)
	}
	if over, err := s.limited(r, "inquiry", inquiriesPerHour); err != nil {
		return err
	} else if over {
		return model.Errorf("web.inquiryCreate", model.KindThrottled,
			"Too many messages from this connection. Please call us: we would like to hear from you.")
	}
	org := s.organization(r)
	in := admissions.Inquiry{Name: f.String("name", 80), Phone: f.String("phone", 20), Email: strings.ToLower(f.String("email", 254)),
		BestTime: f.String("best_time", 500), Insurance: f.String("insurance", 500), Source: f.String("source", 20),
		Message: f.String("message", 500), AssessmentID: f.String("assessment_id", 40), MemberID: f.String("member_id", 40)}
	var typed payTyped
	in.Payer, in.Household, typed = payFields(f)
	if f.String("consent", 10) == "yes" {
		in.Consent = admissions.Consent(org.Name)
	}
	if in.AssessmentID != "" && !model.ValidID(in.AssessmentID) {
		in.AssessmentID = ""
	}
	f.Merge(in.Problems())
	if f.OK() {
		err = s.Store.CreateInquiry(r.Context(), &in, s.record(r))
		if fields := model.FieldsOf(err); fields != nil {
			f.Merge(fields)
		} else if err != nil {
			return err
		}
	}
	if !f.OK() {
		return s.reshowResult(w, r, in, typed, f.Problems)
	}
	return s.inquirySent(w, r, http.StatusOK)
}

// reshowResult shows the result again with the inquiry form's problems,
// from the kept self-assessment (or a plain contact form without one).
func (s *Server) reshowResult(w http.ResponseWriter, r *http.Request, in admissions.Inquiry, typed payTyped, problems map[string]string) error {
	var res selfassess.Result
	if in.AssessmentID != "" {
		if sa, err := s.Store.GetSelfAssessment(r.Context(), in.AssessmentID); err == nil {
			var a selfassess.Answers
			if json.Unmarshal([]byte(sa.Answers), &a) == nil {
				res, _ = selfassess.Assess(a)
			}
		}
	}
	return s.renderSelfAssessResult(w, r, http.StatusUnprocessableEntity, res, in.AssessmentID, in, &typed, problems)
}

func (s *Server) inquirySent(w http.ResponseWriter, r *http.Request, status int) error {
	v := s.view(r, "Thank you", "")
	return s.pages.Page(w, status, "inquiry_sent", &v)
}
