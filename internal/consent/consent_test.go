package consent_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/model"
)

func d(s string) model.Date {
	v, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

var today = d("2026-12-06")

func specific() consent.Consent {
	return consent.Consent{
		ClientName: "Rosa Díaz", Discloser: "Harbor Recovery IOP",
		Recipient: consent.Recipient{Kind: consent.RecipientOrganization, Name: "Riverside Clinic", Detail: "Dr. Lee, 12 Elm St"},
		Purpose:   consent.PurposeTreatment, Categories: []string{consent.CatEnrollment, consent.CatDischarge},
		Expiry: consent.ExpiresOnDate, ExpiresOn: d("2027-06-01"),
		SignerName: "Rosa Díaz", SignerAuthority: consent.SignerClient, SignedOn: d("2026-11-02"), StatementsGiven: true,
	}
}

func tpo() consent.Consent {
	c := specific()
	c.Recipient = consent.Recipient{Kind: consent.RecipientClass, Name: consent.TPORecipients}
	c.Purpose, c.Expiry, c.ExpiresOn = consent.PurposeTPO, consent.ExpiresNever, model.Date{}
	c.Categories = []string{consent.CatDemographics, consent.CatEnrollment, consent.CatAttendance, consent.CatScreens}
	return c
}

func TestCheckNamesEachMissingElement(t *testing.T) {
	if p := specific().Check(today); len(p) != 0 {
		t.Fatalf("complete consent refused: %v", p)
	}
	if p := tpo().Check(today); len(p) != 0 {
		t.Fatalf("complete TPO consent refused: %v", p)
	}
	cases := []struct {
		name   string
		base   func() consent.Consent
		change func(*consent.Consent)
		field  string
		want   string
	}{
		{"no client name", specific, func(c *consent.Consent) { c.ClientName = " " }, "client_name", "§2.31(a)(1)"},
		{"no discloser", specific, func(c *consent.Consent) { c.Discloser = "" }, "discloser", "§2.31(a)(2)"},
		{"no recipient", specific, func(c *consent.Consent) { c.Recipient.Name = "" }, "recipient_name", "§2.31(a)(4)"},
		{"no recipient kind", specific, func(c *consent.Consent) { c.Recipient.Kind = "" }, "recipient_kind", "person"},
		{"class outside TPO", specific, func(c *consent.Consent) { c.Recipient.Kind = consent.RecipientClass }, "recipient_kind", "general designation"},
		{"no purpose", specific, func(c *consent.Consent) { c.Purpose = "" }, "purpose", "§2.31(a)(5)"},
		{"other purpose undescribed", specific, func(c *consent.Consent) { c.Purpose = consent.PurposeOther }, "purpose_detail", "Describe"},
		{"no information", specific, func(c *consent.Consent) { c.Categories = nil }, "categories", "§2.31(a)(3)"},
		{"unknown information", specific, func(c *consent.Consent) { c.Categories = []string{"everything"} }, "categories", "Unknown"},
		{"counseling notes on TPO", tpo, func(c *consent.Consent) { c.Categories = append(c.Categories, consent.CatCounselingNotes) }, "categories", "separate consent"},
		{"counseling notes bundled", specific, func(c *consent.Consent) { c.Categories = append(c.Categories, consent.CatCounselingNotes) }, "categories", "alone"},
		{"no expiry", specific, func(c *consent.Consent) { c.Expiry = "" }, "expiry", "§2.31(a)(7)"},
		{"no expiry date", specific, func(c *consent.Consent) { c.ExpiresOn = model.Date{} }, "expires_on", "§2.31(a)(7)"},
		{"expires before signed", specific, func(c *consent.Consent) { c.ExpiresOn = d("2026-11-01") }, "expires_on", "before the date signed"},
		{"never expires outside TPO", specific, func(c *consent.Consent) { c.Expiry = consent.ExpiresNever }, "expiry", "Only the consent for treatment"},
		{"no signer", specific, func(c *consent.Consent) { c.SignerName = "" }, "signer_name", "§2.31(a)(8)"},
		{"no authority", specific, func(c *consent.Consent) { c.SignerAuthority = "friend" }, "signer_authority", "guardian"},
		{"not dated", specific, func(c *consent.Consent) { c.SignedOn = model.Date{} }, "signed_on", "§2.31(a)(9)"},
		{"dated tomorrow", specific, func(c *consent.Consent) { c.SignedOn = d("2026-12-07") }, "signed_on", "future"},
		{"statements not given", specific, func(c *consent.Consent) { c.StatementsGiven = false }, "statements_given", "right to revoke"},
		{"TPO statements not given", tpo, func(c *consent.Consent) { c.StatementsGiven = false }, "statements_given", "redisclosed under HIPAA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.base()
			tc.change(&c)
			p := c.Check(today)
			if !strings.Contains(p[tc.field], tc.want) {
				t.Fatalf("problem for %s = %q, want it to mention %q (all: %v)", tc.field, p[tc.field], tc.want, p)
			}
		})
	}
}

func TestStateOn(t *testing.T) {
	inCare := consent.Care{Active: true}
	c := specific()
	if s := c.StateOn(d("2027-06-01"), inCare); s != consent.StateActive {
		t.Fatalf("on its expiry day: %s, want active", s)
	}
	if s := c.StateOn(d("2027-06-02"), inCare); s != consent.StateExpired {
		t.Fatalf("the day after expiry: %s, want expired", s)
	}
	c.Expiry = consent.ExpiresEndOfTreatment
	if s := c.StateOn(today, consent.Care{LastDischarge: d("2026-10-01")}); s != consent.StateActive {
		t.Fatalf("discharged before signing (a new admission pending): %s, want active", s)
	}
	if s := c.StateOn(today, consent.Care{LastDischarge: d("2026-12-01")}); s != consent.StateExpired {
		t.Fatalf("discharged after signing: %s, want expired", s)
	}
	if s := c.StateOn(today, consent.Care{Active: true, LastDischarge: d("2026-12-01")}); s != consent.StateActive {
		t.Fatalf("readmitted: %s, want active", s)
	}
	c.RevokedAt = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	if s := c.StateOn(today, inCare); s != consent.StateRevoked {
		t.Fatalf("revoked: %s", s)
	}
}

func TestDecide(t *testing.T) {
	inCare := consent.Care{Active: true}
	revoked := specific()
	revoked.RevokedAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	expired := specific()
	expired.ExpiresOn = d("2026-12-01")
	cases := []struct {
		name     string
		consents []consent.Consent
		req      consent.Request
		allowed  bool
		reason   string
	}{
		{"none", nil, consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatEnrollment}}, false, "No consent on file names Riverside Clinic"},
		{"valid", []consent.Consent{specific()}, consent.Request{Recipient: "  riverside   CLINIC ", Categories: []string{consent.CatDischarge}}, true, ""},
		{"wrong recipient", []consent.Consent{specific()}, consent.Request{Recipient: "County Probation", Categories: []string{consent.CatDischarge}}, false, "No consent on file names County Probation"},
		{"wrong category", []consent.Consent{specific()}, consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatDischarge, consent.CatScreens}}, false, "does not cover drug and alcohol test results"},
		{"revoked", []consent.Consent{revoked}, consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatDischarge}}, false, "revoked on December 1, 2026"},
		{"expired", []consent.Consent{expired}, consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatDischarge}}, false, "has expired (on december 1, 2026)"},
		{"revoked but a newer one valid", []consent.Consent{revoked, specific()}, consent.Request{Recipient: "Riverside Clinic", Categories: []string{consent.CatDischarge}}, true, ""},
		{"TPO covers a treating provider", []consent.Consent{tpo()}, consent.Request{Recipient: "Lakeside Health Plan", TPO: true, Categories: []string{consent.CatAttendance}}, true, ""},
		{"TPO does not cover a court", []consent.Consent{tpo()}, consent.Request{Recipient: "County Court", Categories: []string{consent.CatAttendance}}, false, "No consent on file names County Court"},
		{"nothing asked", []consent.Consent{specific()}, consent.Request{Recipient: "Riverside Clinic"}, false, "Choose the information"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := consent.Decide(tc.consents, tc.req, today, inCare)
			if got.Allowed != tc.allowed || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("Decide = %+v, want allowed=%v reason containing %q", got, tc.allowed, tc.reason)
			}
			if got.Allowed && got.Consent.StateOn(today, inCare) != consent.StateActive {
				t.Fatalf("allowed under a consent not in force: %+v", got.Consent)
			}
		})
	}
}

func TestScopeExplainsTheConsent(t *testing.T) {
	s := specific().Scope()
	for _, want := range []string{"Rosa Díaz", "November 2, 2026", "Riverside Clinic (Dr. Lee, 12 Elm St)", "Coordinating treatment",
		"Enrollment and diagnoses; Discharge summary and aftercare plan", "on june 1, 2027", "revoked in writing"} {
		if !strings.Contains(s, want) {
			t.Errorf("scope %q lacks %q", s, want)
		}
	}
	if !strings.HasPrefix(consent.NoticeText(), "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2).") {
		t.Fatal("notice does not open with §2.32 Statement 1")
	}
}
