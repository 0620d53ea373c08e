package admissions_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/admissions"
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
