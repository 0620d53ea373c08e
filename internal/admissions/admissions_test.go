package admissions_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/admissions"
	"github.com/openiop/openiop/internal/cost"
)

func TestInquiryProblems(t *testing.T) {
	ok := admissions.Inquiry{Name: "Dana", Phone: "(312) 555-0177", Consent: admissions.Consent("Riverbend")}
	if p := ok.Problems(); len(p) != 0 {
		t.Fatalf("valid inquiry: %v", p)
	}
	cases := []struct {
		name string
		edit func(*admissions.Inquiry)
		key  string
		want string
	}{
		{"no consent", func(i *admissions.Inquiry) { i.Consent = "" }, "consent", "Tick the box"},
		{"no way to reach", func(i *admissions.Inquiry) { i.Phone = "" }, "phone", "phone number or an email"},
		{"bad phone", func(i *admissions.Inquiry) { i.Phone = "call me maybe" }, "phone", "area code"},
		{"bad email", func(i *admissions.Inquiry) { i.Email = "dana@" }, "email", "name@example.org"},
		{"no name", func(i *admissions.Inquiry) { i.Name = " " }, "name", "what to call you"},
		{"unknown source", func(i *admissions.Inquiry) { i.Source = "billboard" }, "source", "Choose"},
		{"long message", func(i *admissions.Inquiry) { i.Message = strings.Repeat("x", 501) }, "message", "500"},
	}
	for _, c := range cases {
		i := ok
		c.edit(&i)
		if p := i.Problems(); !strings.Contains(p[c.key], c.want) {
			t.Errorf("%s: %s = %q, want %q", c.name, c.key, p[c.key], c.want)
		}
	}
	if !strings.Contains(admissions.Consent("Riverbend Recovery Center"), "Riverbend Recovery Center may keep") {
		t.Error("the consent statement does not name the center")
	}
}

func TestUpdateAndContactProblems(t *testing.T) {
	for _, c := range []struct {
		u         admissions.Update
		key, want string
	}{
		{admissions.Update{Status: "lost"}, "status", "Choose a status"},
		{admissions.Update{Status: admissions.Admitted}, "status", "Use Admit"},
		{admissions.Update{Status: admissions.Referred, Outcome: "Needs detox"}, "referred_to", "where"},
		{admissions.Update{Status: admissions.Closed}, "outcome", "reason"},
		{admissions.Update{Status: admissions.Contacted, NextAction: "Call back"}, "next_due", "due date"},
		{admissions.Update{Status: admissions.New, Source: "billboard"}, "source", "referral source"},
	} {
		if p := c.u.Problems(); !strings.Contains(p[c.key], c.want) {
			t.Errorf("%+v: %s = %q, want %q", c.u, c.key, p[c.key], c.want)
		}
	}
	good := admissions.Update{Status: admissions.Referred, ReferredTo: "Lakeside Detox", Outcome: "Daily heavy drinking with past seizures"}
	if p := good.Problems(); len(p) != 0 {
		t.Errorf("valid referral: %v", p)
	}
	if p := (admissions.Contact{Channel: "pigeon", Outcome: "reached"}).Problems(); p["channel"] == "" {
		t.Error("an unknown channel was accepted")
	}
	if p := (admissions.Contact{Channel: "phone", Outcome: "reached"}).Problems(); len(p) != 0 {
		t.Errorf("valid contact: %v", p)
	}
	if admissions.OutcomeLabel("voicemail") != "Left a voicemail" || admissions.ChannelLabel("in_person") != "In person" {
		t.Error("call-log labels")
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	in := admissions.Inquiry{Status: admissions.New, NextDue: now.Add(-time.Minute)}
	if !in.Overdue(now) {
		t.Error("a next step a minute late is not overdue")
	}
	in.Status = admissions.Closed
	if in.Overdue(now) {
		t.Error("a closed inquiry is overdue")
	}
	in.Status, in.NextDue = admissions.Contacted, now.Add(time.Hour)
	if in.Overdue(now) {
		t.Error("a next step in an hour is overdue")
	}
}

func TestChecklistChangesOnlyWhatMoved(t *testing.T) {
	c := admissions.Checklist{admissions.CheckBenefits: {Value: "yes"}}
	got := c.Changes(admissions.ChecklistUpdate{BenefitsVerified: true, PreAuth: "unknown"})
	if len(got) != 0 {
		t.Errorf("nothing moved, yet changes %v", got)
	}
	got = c.Changes(admissions.ChecklistUpdate{BenefitsVerified: false, PreAuth: "yes", EstimateTold: true})
	want := map[string]string{admissions.CheckBenefits: "", admissions.CheckPreAuth: "yes", admissions.CheckEstimate: "yes"}
	if len(got) != len(want) || got[admissions.CheckBenefits] != "" || got[admissions.CheckPreAuth] != "yes" || got[admissions.CheckEstimate] != "yes" {
		t.Errorf("changes %v, want %v", got, want)
	}
	if p := (admissions.ChecklistUpdate{PreAuth: ""}).Problems(); p["preauth"] == "" {
		t.Error("a checklist without a pre-authorization answer was accepted")
	}
}

func TestPayerAnswersAreChecked(t *testing.T) {
	base := admissions.Inquiry{Name: "Dana", Phone: "(312) 555-0177", Consent: "I agree"}
	for _, c := range []struct {
		name string
		edit func(*admissions.Inquiry)
		key  string
	}{
		{"unknown payer", func(i *admissions.Inquiry) { i.Payer = "cash" }, "payer"},
		{"household without self-pay", func(i *admissions.Inquiry) {
			i.Payer, i.Household = cost.Medicare, cost.Household{Size: 2}
		}, "household_size"},
		{"household of 12", func(i *admissions.Inquiry) { i.Payer, i.Household = cost.SelfPay, cost.Household{Size: 12} }, "household_size"},
		{"negative income", func(i *admissions.Inquiry) {
			i.Payer, i.Household = cost.SelfPay, cost.Household{Size: 2, IncomeCents: -1, HasIncome: true}
		}, "household_income"},
		{"long member id", func(i *admissions.Inquiry) { i.MemberID = strings.Repeat("X", 41) }, "member_id"},
	} {
		in := base
		c.edit(&in)
		if p := in.Problems(); p[c.key] == "" {
			t.Errorf("%s: problems %v, want one for %s", c.name, p, c.key)
		}
	}
	ok := base
	ok.Payer, ok.Household = cost.SelfPay, cost.Household{Size: 3, IncomeCents: 42_000_00, HasIncome: true}
	if p := ok.Problems(); len(p) != 0 {
		t.Errorf("a self-pay inquiry with a household: %v", p)
	}
}
