package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/cost"
	"github.com/openiop/openiop/internal/selfassess"
	"github.com/openiop/openiop/internal/store"
)

// InquiryStore is what the demo's admissions board is written through.
type InquiryStore interface {
	SaveSelfAssessment(ctx context.Context, sa *store.SelfAssessment, keepFor time.Duration) error
	CreateInquiry(ctx context.Context, in *admissions.Inquiry, rec audit.Record) error
	AddContact(ctx context.Context, c *admissions.Contact, rec audit.Record) error
	UpdateInquiry(ctx context.Context, id string, u admissions.Update, byID string, rec audit.Record) error
	SetInquiryChecklist(ctx context.Context, inquiryID string, u admissions.ChecklistUpdate, byID string, rec audit.Record) (bool, error)
	CostStore
}

// demoInquiry is one person on the demo's admissions board.
type demoInquiry struct {
	name, phone, email, source, insurance, bestTime string
	answers                                         map[string]string
	contact                                         string // a call-log outcome, if any
	update                                          *admissions.Update
	payer                                           cost.Payer
	memberID                                        string
	household                                       cost.Household
	checklist                                       *admissions.ChecklistUpdate // the payer checklist so far
}

func baseAnswers() map[string]string {
	return map[string]string{"medical_emergency_now": "no", "severe_withdrawal_now": "no", "age": "41", "substances": "alcohol",
		"frequency": "several_weekly", "audit_c_q1": "3", "audit_c_q2": "2", "audit_c_q3": "2", "phq_q1": "1", "phq_q2": "1",
		"phq_q9": "0", "gad_q1": "1", "gad_q2": "1", "withdrawal_history": "no", "withdrawal_now": "no", "daily_heavy_alcohol": "no",
		"serious_medical": "no", "pregnant": "not_applicable", "stable_housing": "yes", "safe_home": "yes", "others_use_at_home": "no",
		"supportive_person": "yes", "duties": "work", "recent_treatment": "none", "readiness": "7", "can_attend": "yes", "times": "evening"}
}

// dast adds DAST-10 answers given as option values (question 3's value is
// its reversed score).
func dast(m map[string]string, vals ...int) map[string]string {
	for i, v := range vals {
		m[fmt.Sprintf("dast_q%d", i+1)] = fmt.Sprint(v)
	}
	return m
}

func with(m map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// inquiries writes a small, realistic admissions board: new requests (one
// past its call-back time), one reached, one with an assessment booked and
// one referred to withdrawal management, each with how they would pay and
// the payer checklist at a different stage; and the center's cost settings.
func inquiries(ctx context.Context, db InquiryStore, staffID string, rec audit.Record) error {
	people := []demoInquiry{
		{name: "Marcus", phone: "(312) 555-0188", source: "self", insurance: "Blue Cross PPO", bestTime: "after 6 pm",
			payer: cost.Commercial, memberID: "XOF884210337",
			answers: with(baseAnswers(), "age", "38", "others_use_at_home", "yes")},
		{name: "Elena", email: "elena.v@example.org", source: "employer", insurance: "Aetna", payer: cost.Employer,
			answers: with(dast(baseAnswers(), 1, 0, 0, 0, 1, 1, 0, 0, 0, 0), "age", "29", "substances", "stimulants", "frequency", "weekly")},
		{name: "Sam", phone: "(773) 555-0112", source: "family", insurance: "Meridian (Illinois Medicaid)", bestTime: "mornings", contact: "reached",
			payer: cost.Medicaid, memberID: "IL-771203348", checklist: &admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "yes"},
			answers: with(dast(baseAnswers(), 1, 0, 0, 0, 1, 1, 1, 0, 0, 0), "age", "16", "substances", "cannabis", "frequency", "daily", "duties", "school", "times", "afternoon")},
		{name: "Grace", phone: "(708) 555-0131", source: "residential", insurance: "Original Medicare", contact: "scheduled",
			payer: cost.Medicare, checklist: &admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "no", EstimateTold: true},
			answers: with(baseAnswers(), "age", "57", "recent_treatment", "residential", "frequency", "less_than_monthly", "audit_c_q1", "1", "audit_c_q2", "0", "audit_c_q3", "0")},
		{name: "Tony", phone: "(312) 555-0164", source: "hospital", contact: "reached",
			payer: cost.SelfPay, household: cost.Household{Size: 1, IncomeCents: 18_500_00, HasIncome: true},
			checklist: &admissions.ChecklistUpdate{PreAuth: "no", EstimateTold: true},
			answers: with(baseAnswers(), "age", "45", "frequency", "daily", "audit_c_q1", "4", "audit_c_q2", "4", "audit_c_q3", "4",
				"daily_heavy_alcohol", "yes", "withdrawal_history", "yes", "withdrawal_now", "yes"),
			update: &admissions.Update{Status: admissions.Referred, ReferredTo: "Lakeside Medical Withdrawal Unit",
				Outcome: "Daily heavy drinking with past withdrawal seizures: medically supervised withdrawal first; to call us again after."}},
		{name: "Jasmine", phone: "(872) 555-0193", source: "self", bestTime: "weekday lunchtimes", contact: "voicemail",
			payer: cost.SelfPay, household: cost.Household{Size: 3, IncomeCents: 38_000_00, HasIncome: true},
			answers: with(baseAnswers(), "age", "33", "times", "morning")},
		{name: "Rob", email: "rob.k@example.org", source: "court", payer: cost.NotSure,
			answers: with(dast(baseAnswers(), 1, 0, 0, 0, 1, 0, 0, 0, 0, 0), "age", "26", "substances", "cannabis", "frequency", "weekly")},
	}
	if err := costs(ctx, db, rec); err != nil {
		return err
	}
	for _, p := range people {
		answers := selfassess.Answers{}
		for k, v := range p.answers {
			answers[k] = []string{v}
		}
		res, err := selfassess.Assess(answers)
		if err != nil {
			return fmt.Errorf("demo inquiry %s: %w", p.name, err)
		}
		a, _ := json.Marshal(answers)
		summary, _ := json.Marshal(res.Summarize(""))
		sa := store.SelfAssessment{Answers: string(a), Result: string(summary), Level: string(res.Recommendation.Level), Crisis: res.Recommendation.Crisis}
		if err := db.SaveSelfAssessment(ctx, &sa, time.Hour); err != nil {
			return err
		}
		in := admissions.Inquiry{Name: p.name, Phone: p.phone, Email: p.email, Source: p.source, Insurance: p.insurance,
			BestTime: p.bestTime, Consent: admissions.Consent(Organization.Name), AssessmentID: sa.ID,
			Payer: p.payer, MemberID: p.memberID, Household: p.household}
		if p.name == "Marcus" {
			in.NextAction, in.NextDue = "Call back", time.Now().Add(-3*time.Hour) // overdue: the board shows it
		}
		if err := db.CreateInquiry(ctx, &in, rec); err != nil {
			return fmt.Errorf("demo inquiry %s: %w", p.name, err)
		}
		if p.contact != "" {
			if err := db.AddContact(ctx, &admissions.Contact{InquiryID: in.ID, Channel: "phone", Outcome: p.contact,
				Note: "Talked through the program and insurance.", ByID: staffID}, rec); err != nil {
				return err
			}
		}
		if p.checklist != nil {
			if _, err := db.SetInquiryChecklist(ctx, in.ID, *p.checklist, staffID, rec); err != nil {
				return err
			}
		}
		if p.update != nil {
			if err := db.UpdateInquiry(ctx, in.ID, *p.update, staffID, rec); err != nil {
				return err
			}
		}
	}
	return nil
}
